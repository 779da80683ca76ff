"""Indexes built aside while a writer fills a fresh database (db/aside.py, the cluster merge):
the same tables as syncs in place, and nothing lost when the writer stops halfway."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from conftest import fixture
from newsclean.db import aside, search, stories
from newsclean.db.store import derive, open_db, sync_indexes
from newsclean.ingest.pipeline import Extracted, FileJob, extract_job, store_batch

# Real layouts of four adapters; each page is stored with copies under other URLs and
# titles, which the story index joins to it.
PAGES = [
    "chinanews/ha_2018_gb2312",
    "chinanews/main_2020",
    "ddsb/2020_001",
    "generic/county_2021",
    "hnr/2020_000",
]


def items(db) -> list[Extracted]:
    """Each page extracted as clean's workers do, then two copies of it (other URL and title)."""
    out = []
    for n, name in enumerate(PAGES):
        done = extract_job(FileJob(fixture(name), name, None, None, None), db.indexes)
        assert isinstance(done, Extracted) and done.row is not None
        out.append(done)
        for copy in range(2):
            url = f"https://copy{copy}.example.cn/{n}.html"
            title = f"{done.row['title']}（转载{copy}）"
            row = {**done.row, "key": url, "url": url, "title": title, "fingerprint": None}
            out.append(Extracted(f"{name}#{copy}", done.digest, row=row, derived=derive(row, db.indexes)))
    return out


def write(db, stop_after: int | None = None) -> None:
    """The items in batches of 4, then the first page again with a paragraph more (an update)."""
    batch = items(db)
    for number, start in enumerate(range(0, len(batch), 4)):
        if number == stop_after:
            raise KeyboardInterrupt  # the writer stops: a kill, a Ctrl-C
        store_batch(db, batch[start : start + 4], set())
    first = batch[0]
    row = {**first.row, "body": first.row["body"] + "\n本文另有一段补充说明。", "fingerprint": None}
    done = store_batch(
        db, [Extracted(first.path, "changed", row=row, derived=derive(row, db.indexes))], set()
    )
    assert [o.status for o in done] == ["updated"]


def tables(path: Path) -> dict[str, str]:
    """Every table's rows (times left out), hashed; of an FTS5 index, what it holds rather
    than how its segments lay it out (search.index_content)."""
    con = sqlite3.connect(path)
    out = {f"{name} content": content for name, content in search.index_content(con)}
    for (name,) in con.execute("select name from sqlite_master where type = 'table'"):
        if name.endswith(("_fts_data", "_fts_idx", "_chars_data", "_chars_idx")):
            continue
        cols = [
            c
            for (c,) in con.execute(f"select name from pragma_table_info('{name}')")
            if c not in ("extracted_at", "seen_at")
        ]
        rows = sorted(map(repr, con.execute(f"select {', '.join(cols)} from [{name}]")))
        out[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    con.close()
    return out


def found(path: Path, query: str) -> list[tuple[int, float]]:
    """(id, score) of the articles a search finds, in its order."""
    return [(row["id"], row["score"]) for row in search.find(open_db(path), query).rows]


@pytest.mark.parametrize("parts", [1, 3])
def test_indexes_built_aside_equal_the_indexes_synced_in_place(tmp_path, monkeypatch, parts):
    # With parts: the bigram index built in three parts of blocks of two ids, then stitched.
    monkeypatch.setattr(aside, "FTS_PARTS", parts)
    monkeypatch.setattr(aside, "PART_IDS", 2)
    db = open_db(tmp_path / "inline.db")
    write(db)
    db.conn.close()
    built = open_db(tmp_path / "aside.db")
    with aside.indexes_aside(built):
        assert [type(i) for i in built.indexes] == [aside.SearchBuild, aside.StoryBuild]
        write(built)
    assert built.indexes == db.indexes
    assert list(tmp_path.glob(".newsclean-index-*")) == []  # the side databases are gone
    built.conn.close()
    inline, copied = tables(tmp_path / "inline.db"), tables(tmp_path / "aside.db")
    assert inline == copied
    con = sqlite3.connect(tmp_path / "aside.db")
    assert con.execute(f"select count(*) from {search.FTS_TABLE}_docsize").fetchone()[0] == 15
    assert con.execute(f"select count(*) from {stories.STORIES_TABLE}").fetchone()[0] == 5  # 3 copies each
    assert con.execute(f"select count(*) from {search.PENDING_TABLE}").fetchone()[0] == 0
    for table in (search.FTS_TABLE, search.CHARS_TABLE):
        con.execute(f"insert into {table}({table}) values ('integrity-check')")
    con.rollback()
    segments = con.execute(f"select count(distinct segid) from {search.FTS_TABLE}_idx").fetchone()[0]
    assert parts in (segments, 1)  # parts: one segment each
    word = con.execute("select substr(title, 1, 4) from articles order by id limit 1").fetchone()[0]
    for query in (f'"{word}"', word[0]):  # the bigram index, the character index
        assert found(tmp_path / "aside.db", query) == found(tmp_path / "inline.db", query) != []


def test_a_writer_stopped_halfway_leaves_its_articles_for_the_next_sync(tmp_path):
    db = open_db(tmp_path / "stopped.db")
    with pytest.raises(KeyboardInterrupt), aside.indexes_aside(db):
        write(db, stop_after=2)
    stored = db.execute("select count(*) from articles").fetchone()[0]
    assert stored == 8
    assert search.pending_count(db) == stories.pending_count(db) == stored  # nothing indexed yet
    assert db.execute(f"select count(*) from {search.FTS_TABLE}_docsize").fetchone()[0] == 0
    assert list(tmp_path.glob(".newsclean-index-*")) == []
    with db.atomic():
        sync_indexes(db)
    assert search.pending_count(db) == stories.pending_count(db) == 0
    assert db.execute(f"select count(*) from {search.FTS_TABLE}_docsize").fetchone()[0] == stored
    word = db.execute("select substr(title, 1, 4) from articles order by id limit 1").fetchone()[0]
    assert search.find(db, f'"{word}"').total >= 3  # the page and its two copies
    assert db.execute(f"select count(distinct story_id) from {stories.MEMBERS_TABLE}").fetchone()[0] == 3


def test_nothing_is_built_aside_in_a_database_that_has_articles(tmp_path):
    db = open_db(tmp_path / "full.db")
    write(db)
    indexes = db.indexes
    with aside.indexes_aside(db):
        assert db.indexes == indexes
