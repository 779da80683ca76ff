"""A full disk during `reindex` (issue 24, item 21): one line saying so, exit 1, and the index
as it was before (sqlite-utils 4 committed each statement, so the emptied index was kept)."""

from __future__ import annotations

import http.server
import shutil
import sqlite3
import threading

import pytest
from test_hostile_files import small_disk  # noqa: F401 (the fixture, by name)

from conftest import fixture, numbered_corpus
from conftest import run_cli as run

pytestmark = pytest.mark.slow  # a tmpfs filled by runs of the CLI (seconds)


def fill(folder, leave: int) -> None:
    """Fill the file system of `folder` up to `leave` bytes."""
    free = shutil.disk_usage(folder).free
    (folder / "filler").write_bytes(b"\0" * (free - leave))


def test_reindex_on_a_full_disk_says_so_and_keeps_the_index(tmp_path, request):
    disk = request.getfixturevalue("small_disk")
    db = disk / "news.db"
    shutil.copy(numbered_corpus(tmp_path / "news.db", 1_100), db)
    fill(disk, 300 * 1024)
    result = run("reindex", "--db", str(db))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Error: {db}: disk full (database or disk is full): the command stopped")
    (disk / "filler").unlink()
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles_fts_docsize").fetchone() == (1_100,)
    found = run("search", "社区", "--db", str(db), "--count")
    assert found.stdout.startswith("1,100 matches")


class FixtureSite(http.server.BaseHTTPRequestHandler):
    """hnr.cn's article page of tests/fixtures at any path; robots.txt allows everything."""

    def do_GET(self) -> None:
        robots = self.path == "/robots.txt"
        body = b"User-agent: *\nAllow: /\n" if robots else fixture("hnr/2020_000").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if robots else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_fetch_on_a_full_disk_says_so(tmp_path, request):
    disk = request.getfixturevalue("small_disk")
    db = disk / "news.db"
    shutil.copy(numbered_corpus(tmp_path / "news.db", 1_100), db)
    assert run("fetch", "--urls", "/dev/null", "--db", str(db)).returncode == 0  # its tables
    fill(disk, 60 * 1024)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FixtureSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{origin}/202003/19/731862.html\n")
    try:
        result = run(
            "fetch", "--urls", str(urls), "--base-url", f"hnr={origin}", "--db", str(db), "--delay", "0"
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"Error: {db}: disk full (database or disk is full)" in result.stderr
