"""Hostile URLs met by `clean`: only http(s) URLs become an article's `url` and `key`.

A `javascript:` or `data:` URL stored as `url` is rendered as a link by the browse article
page (stored XSS). The page is a real fixture (tests/fixtures/ddsb/2020_001/source.html, a ddsb.cn
article); the URLs arrive by --url, a --manifest line and a WARC-Target-URI.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import fixture
from newsclean.cli import main
from newsclean.ingest.warc import warc_record

PAGE = fixture("ddsb/2020_001")
HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "  javascript:alert(1)",
    "\tjavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "http://news.ddsb.cn\\@evil.example/a.html",
]


def clean(*args: str):
    """`clean ARGS --jobs 1` in process."""
    return CliRunner().invoke(main, ["clean", *args, "--jobs", "1"])


def stored(db: Path) -> list[tuple]:
    """(url, key, warnings) of every stored article."""
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select url, key, warnings from articles").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_url_option_that_is_not_http_is_a_usage_error(tmp_path, url):
    db = tmp_path / "news.db"
    result = clean(str(PAGE), "--url", url, "--db", str(db))
    assert result.exit_code == 2  # click's usage-error status
    assert "Invalid value for '--url': " in result.output and repr(url) in result.output
    assert stored(db) == []


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_manifest_url_that_is_not_http_refuses_the_manifest_with_its_line(tmp_path, url):
    manifest = tmp_path / "urls.jsonl"
    manifest.write_text(json.dumps({"path": str(PAGE), "url": url}) + "\n", encoding="utf-8")
    db = tmp_path / "news.db"
    result = clean(str(PAGE), "--manifest", str(manifest), "--db", str(db))
    assert result.exit_code == 1 and f"{manifest}:1: " in result.output and repr(url) in result.output
    assert stored(db) == []


@pytest.mark.slow
def test_an_http_url_with_spaces_or_capitals_is_kept_trimmed(tmp_path):
    manifest = tmp_path / "urls.jsonl"
    manifest.write_text(json.dumps({"path": str(PAGE), "url": "  HTTP://news.ddsb.cn/a.html "}) + "\n")
    db = tmp_path / "news.db"
    assert clean(str(PAGE), "--manifest", str(manifest), "--db", str(db)).exit_code == 0
    assert [row[:2] for row in stored(db)] == [("HTTP://news.ddsb.cn/a.html",) * 2]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x"])
def test_a_warc_target_uri_that_is_not_http_is_not_stored(tmp_path, url):
    archive = tmp_path / "crawl.warc"
    archive.write_bytes(
        warc_record(url, PAGE.read_bytes(), http_headers={"Content-Type": "text/html; charset=utf-8"})
    )
    db = tmp_path / "news.db"
    assert clean(str(archive), "--db", str(db)).exit_code == 0
    ((stored_url, key, warnings),) = stored(db)
    assert stored_url is None and key.startswith("sha256:")
    assert "URL not stored: not a well-formed http(s) URL" in json.loads(warnings)


FORGED_NAME = "bad\nfailed: forged.html: fake\u202egnp.html\x1b[2J"


def test_a_file_name_with_a_newline_or_bidi_marks_is_printed_escaped(tmp_path):
    """Item 36: `failed:` lines name files on one line, controls and bidi marks escaped."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / (FORGED_NAME + ".html")).write_bytes(b"")  # an empty page: one failure
    result = CliRunner().invoke(
        main, ["clean", str(folder), "--db", str(tmp_path / "news.db"), "--jobs", "1"]
    )
    assert result.exit_code == 1  # the only input failed
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "bad\\x0afailed: forged.html" in failed[0]
    assert "\\u202e" in failed[0] and "\\x1b[2J" in failed[0]
    assert not any(c in result.output for c in "\u202e\x1b")
