"""The `stories` command on a story index that is missing or lags behind the articles (issue
24, item 29): it never brings the index up to date in a copy of the database made in memory
(which cost the database's size in RAM on every call). A missing index is refused and a
lagging one is read as it is, each with the `reindex` command that fixes it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import invoke
from newsclean.db import store

BODY = "，".join(f"第{n}段记者从当地有关部门获悉社区防控工作有序推进居民生活保障到位" for n in range(6))


@pytest.fixture()
def reprinted(tmp_path: Path) -> Path:
    """A database (written through newsclean) with one story of three copies and one lone article."""
    path = tmp_path / "news.db"
    db = store.open_db(path)
    for key, body in [("a", BODY), ("b", BODY + "。编辑:王芳"), ("c", "转载:" + BODY), ("lone", BODY[::-1])]:
        with db.atomic():
            store.upsert_article(db, {"key": key, "title": f"标题{key}", "body": body, "site": "hnr"})
    db.conn.close()
    return path


def plain_sql(path: Path, sql: str) -> None:
    """Change the database as another tool would, around newsclean's write path."""
    with sqlite3.connect(path) as conn:
        conn.execute(sql)
    conn.close()


def contents(path: Path) -> list[str]:
    """Every row and schema statement of the database."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_stories_reads_a_lagging_index_as_it_is_and_points_to_reindex(reprinted):
    assert "4 articles in 2 stories; 1 with 2 or more copies" in invoke("stories", "--db", reprinted).output
    plain_sql(reprinted, "delete from articles where key in ('b', 'c')")
    changed = contents(reprinted)
    for args in (["stories"], ["stories", "--format", "json"], ["stories", "show", "1"]):
        result = invoke(*args, "--db", reprinted)
        assert result.exit_code == 0, result.output
        note = (
            "note: 2 article changes are not in the story index yet (written outside newsclean): "
            f"results may miss them; `newsclean reindex --db {reprinted}` adds them"
        )
        assert note in result.stderr
    # Read as indexed (the deleted copies still counted), not brought up to date in memory.
    assert "4 articles in 2 stories; 1 with 2 or more copies" in invoke("stories", "--db", reprinted).stdout
    assert contents(reprinted) == changed  # and not written either
    assert invoke("reindex", "--db", reprinted).exit_code == 0
    result = invoke("stories", "--db", reprinted, "--min-copies", "1")
    assert "2 articles in 2 stories; 0 with 2 or more copies" in result.stdout and not result.stderr


def test_a_story_whose_copies_are_all_deleted_outside_newsclean_is_no_story(reprinted):
    plain_sql(reprinted, "delete from articles where key = 'lone'")
    result = invoke("stories", "show", "4", "--db", reprinted)
    assert result.exit_code == 1 and f"no story or article with id 4 in {reprinted}" in result.output


@pytest.mark.parametrize("table", ["stories", "story_articles", "story_pending"])
def test_stories_without_its_tables_is_refused_with_the_command_that_builds_them(reprinted, table):
    plain_sql(reprinted, f"drop table {table}")
    for args in (["stories"], ["stories", "show", "1"]):
        result = invoke(*args, "--db", reprinted)
        assert result.exit_code == 1
        expected = f"{reprinted} has no story index: build it with `newsclean reindex --db {reprinted}`"
        assert expected in result.output
    assert invoke("reindex", "--db", reprinted).exit_code == 0
    assert "1 with 2 or more copies" in invoke("stories", "--db", reprinted).output
