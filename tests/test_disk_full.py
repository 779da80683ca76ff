"""A full disk during `reindex` (issue 24, item 21): one line saying so, exit 1, and the index
as it was before (sqlite-utils 4 committed each statement, so the emptied index was kept)."""

from __future__ import annotations

import shutil
import sqlite3

from test_hostile import small_disk  # noqa: F401 (the fixture, by name)
from test_hostile_db import run

from conftest import numbered_corpus


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
