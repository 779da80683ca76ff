"""The stages after the write (db/stages.py): the derived indexes every writer's store keeps."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from newsclean.db import search, stages, store, stories


def rows(n: int) -> list[dict[str, str]]:
    """n article rows, two of them copies of one story (a body long enough to be signed)."""
    story = "社区志愿者连续三天为独居老人送去新鲜蔬菜和药品，并帮助他们打扫房间、检查水电线路。" * 3
    return [
        {"key": f"k{i}", "site": "t", "title": f"标题{i}", "body": story if i < 2 else f"第{i}篇正文锦旗"}
        for i in range(n)
    ]


def test_a_writer_importing_only_the_store_gets_every_index(tmp_path):
    """Nothing registers itself on import: a process that imports db.store alone, as any
    writer may, still gets the search index and the stories, both up to date."""
    path = tmp_path / "x.db"
    script = textwrap.dedent(
        f"""
        from newsclean.db import store
        db = store.open_db({str(path)!r})
        with db.atomic():
            for row in {rows(3)!r}:
                store.upsert_article(db, row)
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60)
    con = sqlite3.connect(path)
    assert con.execute("select rowid from articles_fts where articles_fts match '锦旗'").fetchall() == [(3,)]
    assert con.execute("select count(*) from articles_fts_pending").fetchone()[0] == 0
    assert con.execute("select id, copies from stories where copies > 1").fetchall() == [(1, 2)]
    assert con.execute("select count(*) from story_pending").fetchone()[0] == 0


def test_the_store_runs_search_then_stories_by_default(tmp_path):
    assert stages.INDEXES == (search.SEARCH, stories.STORIES)
    assert store.open_db(tmp_path / "x.db").indexes == stages.INDEXES


def test_a_store_given_no_indexes_creates_none(tmp_path):
    db = store.open_db(tmp_path / "x.db", indexes=())
    with db.atomic():
        store.upsert_article(db, rows(1)[0])
    assert not any(index.exists(db) for index in stages.INDEXES)
    assert set(db.table_names()) == {"articles", "inputs"}


@pytest.mark.parametrize("index", stages.INDEXES, ids=["search", "stories"])
def test_each_index_alone_follows_every_write(tmp_path, index):
    db = store.open_db(tmp_path / "x.db", indexes=(index,))
    assert index.exists(db)
    with db.atomic():
        for row in rows(4):
            store.upsert_article(db, row)
        store.upsert_article(db, {**rows(4)[2], "body": "改写后的正文"})
    with db.atomic():
        db.execute("delete from articles where key = 'k3'")
    assert index.pending(db) == 1  # a plain-SQL delete waits for the next sync
    with db.atomic():
        store.sync_indexes(db)
    assert index.pending(db) == 0
    assert index.rebuild(db) == 3 and index.pending(db) == 0
