"""WARC input: one input per page record, skipped records, broken records, re-runs, export."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from conftest import ROOT, fixture, golden_cases, run_cli

pytest.importorskip("fastwarc")

from newsclean.db.fetchstore import ensure_fetch_schema, save_raw_page
from newsclean.db.store import open_db
from newsclean.ingest.pipeline import Job, extract_page
from newsclean.ingest.sources import prepare_archive
from newsclean.ingest.warc import Broken, Record, Skipped, WarcWriter, read_archive, warc_record

pytestmark = pytest.mark.slow  # each test runs `clean` on WARC archives

DATE = dt.datetime(2020, 3, 20, 1, 2, 3, tzinfo=dt.timezone.utc)
VOLATILE = ("input_path", "extracted_at")


def rows(db: Path) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    return [dict(r) for r in con.execute("select * from articles order by id")]


def fixture_pages() -> list[tuple[Path, str]]:
    """(page, its golden URL) for the fixtures whose golden record has one."""
    return [(case.page, case.info["url"]) for case in golden_cases() if case.info["url"]]


def content_type(page: Path) -> str:
    if page.suffix == ".txt":
        return "text/plain; charset=utf-8"
    return "text/html; charset=gb2312" if "gb2312" in str(page) else "text/html"


def write_fixture_warc(archive: Path) -> list[tuple[Path, str]]:
    """The fixtures with URLs as response records, each after a request record."""
    pages = fixture_pages()
    with archive.open("wb") as fh:
        writer = WarcWriter(fh, gz=archive.name.endswith(".gz"))
        writer.write(
            warc_record(
                "",
                b"software: test",
                record_type="warcinfo",
                http_headers={"Content-Type": "application/warc-fields"},
            )
        )
        for page, url in pages:
            writer.write(
                warc_record(
                    url,
                    f"GET {url} HTTP/1.1\r\n\r\n".encode(),
                    date=DATE,
                    record_type="request",
                    http_headers={"Content-Type": "application/http;msgtype=request"},
                )
            )
            writer.write(
                warc_record(
                    url, page.read_bytes(), date=DATE, http_headers={"Content-Type": content_type(page)}
                )
            )
    return pages


def member_starts(data: bytes) -> list[int]:
    """The offsets of the gzip members of a .warc.gz."""
    starts, pos = [], 0
    while pos < len(data):
        starts.append(pos)
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        inflater.decompress(data[pos:])
        pos = len(data) - len(inflater.unused_data)
    return starts


@pytest.mark.parametrize("name", ["pages.warc.gz", "pages.warc"])
def test_each_page_record_is_one_input_extracted_like_its_file(tmp_path, name):
    archive = tmp_path / name
    pages = write_fixture_warc(archive)
    db = tmp_path / "news.db"
    done = run_cli("clean", str(archive), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert f"{len(pages)} inputs: " in done.stdout
    assert f"WARC records skipped: {len(pages) + 1} " in done.stdout  # warcinfo + requests
    stored = rows(db)
    assert all(r["input_path"].startswith(f"{archive}#") for r in stored)
    # the same extraction as the file with its URL (and the record's fetch time)
    expected = {}
    for page, url in pages:
        art = extract_page(page.read_bytes(), url=url, path=str(page), fetched_at=DATE)
        expected[art.key] = {k: v for k, v in art.to_row().items() if k not in VOLATILE}
    got = {r["key"]: {k: r[k] for k in expected[r["key"]]} for r in stored}
    assert got == expected
    con = sqlite3.connect(db)
    paths = [p for (p,) in con.execute("select path from inputs where status = 'cleaned'")]
    assert len(paths) == len(pages) and all("#" in p for p in paths)


def test_record_fields_url_date_charset_and_offsets(tmp_path):
    archive = tmp_path / "a.warc.gz"
    write_fixture_warc(archive)
    items = list(read_archive(archive))
    records = [i for i in items if isinstance(i, Record)]
    assert [type(i) for i in items[:3]] == [Skipped, Skipped, Record]
    gb = next(r for r in records if "2018/0912" in (r.url or ""))
    assert gb.charset == "gb2312" and gb.fetched_at == DATE
    assert all(r.path == f"{archive}#{r.offset}" for r in records)
    # a range of records starts and stops at record offsets
    offsets = [i.offset for i in items]
    part = list(read_archive(archive, offsets[3], offsets[7]))
    assert [i.offset for i in part] == offsets[3:7]
    jobs = [j for j in prepare_archive(None, archive, None, False) if isinstance(j, Job)]
    assert [j.path for j in jobs] == [r.path for r in records]
    assert jobs[0].fetched_at == DATE and jobs[0].charset == records[0].charset


def test_a_broken_record_fails_alone_with_its_offset(tmp_path):
    archive = tmp_path / "a.warc.gz"
    pages = write_fixture_warc(archive)
    data = bytearray(archive.read_bytes())
    starts = member_starts(bytes(data))
    broken = starts[6]  # a response record (warcinfo, then request/response pairs)
    middle = (broken + starts[7]) // 2
    data[middle : middle + 4] = bytes(b ^ 0xFF for b in data[middle : middle + 4])
    truncated = starts[10]  # another one, cut short: its member ends inside the next one
    data[truncated + 40 : starts[11] - 5] = b""
    archive.write_bytes(bytes(data))
    db = tmp_path / "news.db"
    done = run_cli("clean", str(archive), "--db", str(db))
    assert done.returncode == 2
    assert f"failed: {archive}#{broken}: broken WARC record" in done.stderr
    assert f"failed: {archive}#{truncated}: broken WARC record" in done.stderr
    assert f"{len(pages)} inputs: {len(pages) - 2} cleaned" in done.stdout
    assert len(rows(db)) == len(pages) - 2


def test_a_broken_header_in_a_plain_warc_fails_alone(tmp_path):
    archive = tmp_path / "a.warc"
    pages = write_fixture_warc(archive)
    data = archive.read_bytes()
    offsets = [i.offset for i in read_archive(archive)]
    bad = offsets[4]
    archive.write_bytes(data[:bad] + b"NOT A WARC LINE\r\n" + data[bad + 8 :])
    items = list(read_archive(archive))
    assert [i.offset for i in items if isinstance(i, Broken)] == [bad]
    assert sum(isinstance(i, Record) for i in items) == len(pages) - 1


def test_rerun_skips_records_already_cleaned_and_cleans_new_ones(tmp_path):
    archive = tmp_path / "a.warc.gz"
    pages = write_fixture_warc(archive)
    db = tmp_path / "news.db"
    assert run_cli("clean", str(archive), "--db", str(db)).returncode == 0
    before = rows(db)
    again = run_cli("clean", str(tmp_path), "--db", str(db))  # found in the folder too
    assert again.returncode == 0 and f"{len(pages)} unchanged" in again.stdout
    assert rows(db) == before
    extra = fixture("ddsb/2020_001")
    with archive.open("ab") as fh:
        WarcWriter(fh, gz=True).write(
            warc_record(
                "http://www.cjddsb.com/new.html",
                extra.read_bytes(),
                http_headers={"Content-Type": "text/html"},
            )
        )
    third = run_cli("clean", str(archive), "--db", str(db))
    assert third.returncode == 0, third.stderr
    assert f"{len(pages) + 1} inputs: 0 cleaned" in third.stdout  # a copy of a stored article
    assert f"{len(pages)} unchanged, 1 merged" in third.stdout


def test_export_warc_writes_the_raw_pages_and_clean_reads_them_back(tmp_path):
    db_path = tmp_path / "fetched.db"
    db = open_db(db_path)
    ensure_fetch_schema(db)
    pages = fixture_pages()[:4]
    with db.atomic():
        for page, url in pages:
            save_raw_page(
                db,
                url=url,
                final_url=url,
                site="",
                status=200,
                headers={"content-type": content_type(page).split(";")[0]},
                encoding="gb2312" if "gb2312" in str(page) else None,
                body=page.read_bytes(),
                article_key=None,
                error=None,
            )
    db.conn.close()
    out = tmp_path / "raw.warc.gz"
    done = subprocess.run(
        [sys.executable, "cli.py", "export", "--db", str(db_path), "--format", "warc", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"exported {len(pages)} raw pages" in done.stderr
    records = [r for r in read_archive(out) if isinstance(r, Record)]
    assert [(r.url, r.data) for r in records] == [(url, page.read_bytes()) for page, url in pages]
    assert [r.charset for r in records] == ["gb2312" if "gb2312" in str(p) else None for p, _ in pages]
    fresh = tmp_path / "fresh.db"
    cleaned = run_cli("clean", str(out), "--db", str(fresh))
    assert cleaned.returncode == 0 and f"{len(pages)} inputs: {len(pages)} cleaned" in cleaned.stdout
    refused = subprocess.run(
        [sys.executable, "cli.py", "export", "--db", str(db_path), "--format", "warc", "-q", "疫情"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2 and "only --site applies" in refused.stderr
