"""Issue 24, item 12: `export --format warc -o FILE` never destroys what it should not: not
the archive the database was cleaned from, not a non-empty file when there is nothing to
export, and a replaced file keeps its permissions. The archives follow a wget --warc-file
crawl (tests/test_warc.py writes them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_warc import fixture_pages, write_fixture_warc

from conftest import invoke
from newsclean.db.fetchstore import ensure_fetch_schema, save_raw_page
from newsclean.db.store import open_db

pytest.importorskip("fastwarc")


def export(db: Path, out: Path) -> tuple[int, str]:
    result = invoke("export", "--db", str(db), "--format", "warc", "-o", str(out))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.slow
def test_export_refuses_the_archive_the_database_was_cleaned_from(tmp_path: Path) -> None:
    archive, db = tmp_path / "crawl.warc.gz", tmp_path / "news.db"
    write_fixture_warc(archive)
    before = archive.read_bytes()
    assert invoke("clean", str(archive), "--db", str(db)).exit_code == 0
    code, output = export(db, archive)
    assert code == 1 and "records it as an input" in output
    assert archive.read_bytes() == before


def test_export_of_no_pages_leaves_a_non_empty_file_alone(tmp_path: Path) -> None:
    db, out = tmp_path / "news.db", tmp_path / "notes.warc"
    open_db(db).conn.close()
    out.write_bytes(b"my own notes")
    code, output = export(db, out)
    assert code == 1 and "left as it was" in output
    assert out.read_bytes() == b"my own notes"


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    db, out = tmp_path / "fetched.db", tmp_path / "raw.warc"
    store = open_db(db)
    ensure_fetch_schema(store)
    page, url = fixture_pages()[0]
    with store.atomic():
        save_raw_page(
            store,
            url=url,
            final_url=url,
            site="",
            status=200,
            headers={"content-type": "text/html"},
            encoding=None,
            body=page.read_bytes(),
            article_key=None,
            error=None,
        )
    store.conn.close()
    out.write_bytes(b"old export")
    out.chmod(0o644)
    code, output = export(db, out)
    assert code == 0, output
    assert out.stat().st_mode & 0o777 == 0o644
    assert out.read_bytes().startswith(b"WARC/1.1")
