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

from newsclean.db import browse


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
