"""`browse` on a database it cannot write (issue 24, item 32): served as it is (Datasette's
immutable mode), with notes on what the browser lacks, and the file left unchanged."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, numbered_corpus

pytest.importorskip("datasette")

from test_browse_security import served
from test_hostile_db import read_only  # noqa: F401 (the fixture, by name)

from newsclean.db import browse, browse_pages


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("prepared", [True, False])
def test_a_read_only_database_is_served_as_it_is(tmp_path, request, prepared):
    db_path = numbered_corpus(tmp_path / "ro" / "news.db", 30)
    if prepared:  # browsed once while it was writable: its views are in place
        assert browse.prepare_file(db_path) == []
    request.getfixturevalue("read_only")(db_path)
    before = digest(db_path)
    notes = browse.prepare_file(db_path)
    assert notes[0] == "the database is read-only: served as it is, nothing added to it"
    assert any("views are missing" in note for note in notes) is not prepared
    assert digest(db_path) == before
    assert "-i" in browse.datasette_command(
        db_path, tmp_path / "m.json", "127.0.0.1", 1, False, immutable=True
    )
    article, listing = served(db_path, ["/news/articles/3", "/news/articles_list"], immutable=True)
    assert article.status_code == 200 and "第3条新闻标题" in article.text
    assert listing.status_code == (200 if prepared else 404)


def test_the_browse_command_serves_a_read_only_database(tmp_path, request):
    db_path = numbered_corpus(tmp_path / "ro" / "news.db", 5)
    request.getfixturevalue("read_only")(db_path)
    child = subprocess.Popen(
        [sys.executable, "cli.py", "browse", "--db", str(db_path), "--port", "0", "--no-open"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stderr is not None
        lines = [child.stderr.readline() for _ in range(3)]
    finally:
        child.terminate()
        child.wait(timeout=30)
    assert lines[0].startswith("note: the database is read-only"), lines
    assert any(line.startswith(f"serving {db_path} on http://127.0.0.1:") for line in lines), lines


def test_the_journalist_pages_of_a_read_only_database_without_indexes(tmp_path, request):
    """A database written before search and stories, read-only: the pages say what is missing
    (no server error), and what needs no index still works."""
    import sqlite3

    db_path = numbered_corpus(tmp_path / "ro" / "news.db", 5)
    with sqlite3.connect(db_path) as conn:
        names = conn.execute(
            "select type, name from sqlite_master where type in ('table', 'trigger') "
            "and (name like 'articles_fts%' or name like 'stor%')"
        ).fetchall()
        for kind, name in sorted(names, key=lambda n: n[0] != "trigger"):
            conn.execute(f"drop {kind} if exists {name}")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # served immutable: the WAL is not read
    conn.close()
    request.getfixturevalue("read_only")(db_path)
    query = "q=" + "新闻"
    search, listing, chart, stories_page, story = served(
        db_path,
        [
            f"/news/-/search?{query}",
            "/news/-/search",
            f"/news/-/chart?{query}",
            "/news/-/stories",
            "/news/-/stories/1",
        ],
        immutable=True,
    )
    assert search.status_code == chart.status_code == 200
    assert browse_pages.NO_SEARCH_INDEX in search.text and browse_pages.NO_SEARCH_INDEX in chart.text
    assert listing.status_code == 200 and listing.text.count('class="hit"') == 5
    assert stories_page.status_code == 200 and browse_pages.NO_STORY_INDEX in stories_page.text
    assert story.status_code == 404 and browse_pages.NO_STORY_INDEX in story.text
