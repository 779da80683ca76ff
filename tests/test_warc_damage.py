"""Issue 24, item 9: a damaged WARC record fails alone, named ARCHIVE#OFFSET, and is never
stored as a shortened article; the records after it are read. The archives follow a wget
--warc-file crawl of regional news pages (a response record per page, one gzip member per
record in .warc.gz); the damage is what a cut download or a buggy writer leaves."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from conftest import invoke

pytest.importorskip("fastwarc")

from newsclean.ingest.warc import WarcWriter, warc_record

PARAGRAPH = "本市今日召开会议，部署全年重点工作任务，要求各部门认真落实。" * 2


def page(number: int) -> bytes:
    title = f"全市召开第{number}次重点工作部署会议"
    body = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(6))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<h1>{title}</h1><div>2024-03-0{number} 10:00 来源：本站</div>{body}</body></html>"
    ).encode()


def archive(path: Path, records: int = 3) -> list[int]:
    """An archive of `records` pages; their offsets."""
    with path.open("wb") as fh:
        writer = WarcWriter(fh, gz=path.name.endswith(".gz"))
        return [
            writer.write(
                warc_record(
                    f"http://news.example.com/{n}.html", page(n), http_headers={"Content-Type": "text/html"}
                )
            )
            for n in range(1, records + 1)
        ]


def clean(path: Path, db: Path) -> tuple[int, str, list[str]]:
    """Exit code, output, and the URLs of the stored articles."""
    result = invoke("clean", str(path), "--db", str(db))
    assert "Traceback" not in result.output
    with sqlite3.connect(db) as conn:
        urls = [r[0] for r in conn.execute("select url from articles order by url")]
    return result.exit_code, result.output, urls


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_record_cut_short_fails_alone(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    offsets = archive(path)
    data = path.read_bytes()
    path.write_bytes(data[: offsets[2] + int((len(data) - offsets[2]) * 0.6)])
    code, output, urls = clean(path, tmp_path / "news.db")
    assert code == 2
    assert f"failed: {path}#{offsets[2]}: broken WARC record: cut short" in output
    assert urls == ["http://news.example.com/1.html", "http://news.example.com/2.html"]


def test_a_gzip_member_missing_its_last_200_bytes_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    offsets = archive(path)
    path.write_bytes(path.read_bytes()[:-200])
    code, output, urls = clean(path, tmp_path / "news.db")
    assert code == 2
    assert f"failed: {path}#{offsets[2]}: broken WARC record: cut short" in output
    assert len(urls) == 2


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_lying_content_length_swallows_no_following_record(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with path.open("wb") as fh:
        writer = WarcWriter(fh, gz=name.endswith(".gz"))
        first = warc_record(
            "http://news.example.com/1.html", page(1), http_headers={"Content-Type": "text/html"}
        )
        length = int(re.search(rb"\r\nContent-Length: (\d+)\r\n\r\nHTTP", first).group(1))
        second = warc_record(
            "http://news.example.com/2.html", page(2), http_headers={"Content-Type": "text/html"}
        )
        lie = first.replace(
            b"Content-Length: %d\r\n\r\nHTTP" % length,
            b"Content-Length: %d\r\n\r\nHTTP" % (length + len(second)),
        )
        offsets = [writer.write(lie), writer.write(second)]
        writer.write(
            warc_record("http://news.example.com/3.html", page(3), http_headers={"Content-Type": "text/html"})
        )
    code, output, urls = clean(path, tmp_path / "news.db")
    assert code == 2
    assert f"failed: {path}#{offsets[0]}: broken WARC record: " in output
    assert "Content-Length" in output
    assert urls == ["http://news.example.com/2.html", "http://news.example.com/3.html"]
