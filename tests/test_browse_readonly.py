"""`browse` on a database it cannot write (issue 24, item 32): served as it is (Datasette's
immutable mode), with notes on what the browser lacks, and the file left unchanged."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, numbered_corpus

pytest.importorskip("datasette")

from newsclean.db import browse  # noqa: E402


@pytest.fixture
def read_only() -> Iterator[Any]:
    """A function making a file and its folder read-only (chmod, or chattr +i for root)."""
    made: list[tuple[Path, str]] = []

    def make(path: Path) -> None:
        for target in (path, path.parent):
            if os.geteuid() != 0:
                target.chmod(0o444 if target.is_file() else 0o555)
                made.append((target, "chmod"))
            elif shutil.which("chattr") and subprocess.run(["chattr", "+i", str(target)]).returncode == 0:
                made.append((target, "chattr"))
            else:
                pytest.skip("root on a file system without chattr +i: nothing is read-only")

    yield make
    for target, how in reversed(made):
        if how == "chattr":
            subprocess.run(["chattr", "-i", str(target)], check=True)
        else:
            target.chmod(0o755 if target.is_dir() else 0o644)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def served_immutable(db_path: Path, paths: list[str]) -> list[Any]:
    """Datasette's answers, with the database opened as `browse` opens a read-only one."""
    from datasette.app import Datasette

    ds = Datasette(
        immutables=[str(db_path)],
        metadata=browse.metadata(db_path.stem),
        plugins_dir=str(browse.PLUGINS_DIR),
        template_dir=str(browse.TEMPLATES_DIR),
    )

    async def get_all() -> list[Any]:
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(get_all())


@pytest.mark.parametrize("prepared", [True, False])
def test_a_read_only_database_is_served_as_it_is(tmp_path, read_only, prepared):
    db_path = numbered_corpus(tmp_path / "ro" / "news.db", 30)
    if prepared:  # browsed once while it was writable: its views are in place
        assert browse.prepare_file(db_path) == []
    read_only(db_path)
    before = digest(db_path)
    notes = browse.prepare_file(db_path)
    assert notes[0] == "the database is read-only: served as it is, nothing added to it"
    assert any("views are missing" in note for note in notes) is not prepared
    assert digest(db_path) == before
    assert "-i" in browse.datasette_command(
        db_path, tmp_path / "m.json", "127.0.0.1", 1, False, immutable=True
    )
    article, listing = served_immutable(db_path, ["/news/articles/3", "/news/articles_list"])
    assert article.status_code == 200 and "第3条新闻标题" in article.text
    assert listing.status_code == (200 if prepared else 404)


def test_the_browse_command_serves_a_read_only_database(tmp_path, read_only):
    db_path = numbered_corpus(tmp_path / "ro" / "news.db", 5)
    read_only(db_path)
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
