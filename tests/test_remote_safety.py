"""Issue 24, item 14: PATHs that are fsspec URLs of a kind that holds no WARC archives
(archive and chained filesystems that read local files by another name, ftp, github) fail
alone, with a one-line reason naming them; the good inputs given with them are stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_warc import write_fixture_warc

from conftest import invoke

pytest.importorskip("fsspec")

HOSTILE = [
    "zip://passwd::file:///etc/passwd",
    "tar://passwd::file:///etc/passwd",
    "ftp://127.0.0.1:9/crawl.warc.gz",
    "github://owner:repo@main/crawl.warc.gz",
    "file:///etc/passwd::zip://x",
]


@pytest.mark.slow
@pytest.mark.parametrize("url", HOSTILE)
def test_a_refused_url_fails_alone_and_the_good_inputs_are_stored(tmp_path: Path, url: str) -> None:
    archive = tmp_path / "crawl.warc.gz"
    write_fixture_warc(archive)
    db = tmp_path / "news.db"
    result = invoke("clean", url, str(archive), "--db", str(db))
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"failed: {url}: " in result.output
    with sqlite3.connect(db) as conn:
        stored = conn.execute("select count(*) from inputs where status = 'cleaned'").fetchone()[0]
    assert stored > 0
