"""Query commands over a damaged database (issue 24, items 18 and 22): a stored value that is
not what newsclean writes (authors that are not a JSON list) is shown as it is stored, and
a damaged page of the file gives one line naming the file, never a traceback."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import invoke, numbered_corpus

N_ARTICLES = 300  # enough for the articles table to span many pages


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A database of N_ARTICLES numbered articles (built once per module)."""
    return numbered_corpus(tmp_path_factory.mktemp("damage") / "news.db", N_ARTICLES)


@pytest.fixture()
def corpus(built, tmp_path) -> Path:
    path = tmp_path / "news.db"
    shutil.copy(built, path)
    return path


BAD_VALUES = {
    5: {"authors": "not json {"},  # hand-written text
    6: {"authors": '[1, {"a": 2}]'},  # JSON, but not a list of names
    7: {"authors": '"张三"', "keywords": "{", "warnings": "x"},
}


def with_bad_values(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        for article_id, values in BAD_VALUES.items():
            for column, value in values.items():
                conn.execute(f"update articles set {column} = ? where id = ?", [value, article_id])


@pytest.mark.parametrize(
    "args",
    [
        ["show", "5"],
        ["show", "6", "--format", "json"],
        ["show", "7"],
        ["search", "第5条"],
        ["search", "第6条", "--format", "json"],
        ["search", "社区", "--author", "张三", "--limit", "400"],
        ["search", "社区", "--collapse"],
        ["export", "--format", "jsonl"],
        ["export", "--format", "csv"],
        ["export", "--author", "张三"],
        ["stats"],
    ],
)
def test_a_bad_stored_value_is_shown_as_stored(corpus, args):
    with_bad_values(corpus)
    args = [*args, "--db", str(corpus)] + (["-o", "-"] if args[0] == "export" else [])
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.exception is None


def test_bad_values_read_as_what_is_stored(corpus):
    with_bad_values(corpus)
    shown = json.loads(invoke("show", "5", "--format", "json", "--db", str(corpus)).output)
    assert shown["authors"] == ["not json {"]
    shown = json.loads(invoke("show", "6", "--format", "json", "--db", str(corpus)).output)
    assert shown["authors"] == ["1", '{"a": 2}']
    lines = invoke("export", "--format", "jsonl", "-o", "-", "--db", str(corpus)).output.splitlines()
    records = {r["id"]: r for r in map(json.loads, lines)}
    assert records[7]["keywords"] == ["{"] and records[7]["authors"] == ['"张三"']
    assert len(records) == N_ARTICLES


def damage_an_articles_page(path: Path) -> None:
    """Overwrite most of each leaf page of the articles table but the first (as bad sectors
    or a torn copy would)."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            p
            for (p,) in conn.execute(
                "select pageno from dbstat where name = 'articles' and pagetype = 'leaf'"
            )
        ]
    with path.open("r+b") as fh:
        for page in sorted(pages)[1:]:
            fh.seek(page_size * (page - 1) + 8)
            fh.write(b"\xff" * (page_size - 16))


@pytest.mark.parametrize(
    "args",
    [
        ["show", "20"],
        ["export", "-o", "-"],
        ["export", "--format", "csv", "-o", "-"],
        ["search", "第20条", "--collapse"],
    ],
)
def test_a_damaged_page_is_one_line_naming_the_file(corpus, args):
    damage_an_articles_page(corpus)
    result = invoke(*args, "--db", str(corpus))
    assert result.exit_code == 1
    assert not isinstance(result.exception, sqlite3.Error)
    message = next(line for line in result.output.splitlines() if line.startswith("Error:"))
    assert message.startswith(f"Error: {corpus}: the database file is damaged (")
    assert f"sqlite3 {corpus} .recover" in message


def test_clean_that_meets_a_damaged_page_stops_with_the_file_named(corpus, tmp_path):
    damage_an_articles_page(corpus)
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>第20条新闻标题</title></head><body><h1>第20条新闻标题</h1>"
        + "<p>这是第20篇文章的正文，讲述社区志愿者的故事。这是一段足够长的正文内容，用来抽取。</p>" * 5
        + "</body></html>",
        encoding="utf-8",
    )
    result = invoke("clean", str(page), "--db", str(corpus), "--url", "https://news.example.cn/20.html")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{corpus}: the database file is damaged" in result.output


def damage_a_middle_page(path: Path) -> None:
    """Overwrite one leaf page in the middle of the articles table: one that `clean` of a new
    page (appended at the table's end, found absent through the indexes) never reads."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = sorted(
            p
            for (p,) in conn.execute(
                "select pageno from dbstat where name = 'articles' and pagetype = 'leaf'"
            )
        )
    conn.close()
    with path.open("r+b") as fh:
        fh.seek(page_size * (pages[len(pages) // 2] - 1) + 8)
        fh.write(b"\xff" * (page_size - 16))


def leave_a_killed_writers_log(path: Path) -> None:
    """Change the first article and exit without closing the database, as a writer killed
    with `kill -9` leaves it: the change is in the -wal file, not yet in the database file."""
    program = (
        "import os, sqlite3, sys; conn = sqlite3.connect(sys.argv[1]); "
        "conn.execute(\"update articles set title = title || '!' where id = 1\"); conn.commit(); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", program, str(path)], check=True)
    assert Path(f"{path}-wal").stat().st_size > 0


def new_page(tmp_path: Path) -> Path:
    page = tmp_path / "new.html"
    page.write_text(
        "<html><head><title>新到的一篇报道</title></head><body><h1>新到的一篇报道</h1>"
        + "<p>记者从当地有关部门获悉，社区防控工作有序推进，居民生活保障到位，各项措施落实落细。</p>" * 5
        + "</body></html>",
        encoding="utf-8",
    )
    return page


def test_clean_after_a_killed_writer_finds_a_damaged_page_it_would_not_read(corpus, tmp_path):
    damage_a_middle_page(corpus)
    leave_a_killed_writers_log(corpus)
    before = corpus.read_bytes()
    url = "https://news.example.cn/new.html"
    result = invoke("clean", new_page(tmp_path), "--db", corpus, "--url", url)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"Error: {corpus}: the database file is damaged (" in result.output
    assert f"sqlite3 {corpus} .recover" in result.output
    assert corpus.read_bytes() == before  # nothing written into it


def test_clean_after_a_killed_writer_of_a_sound_database_goes_on(corpus, tmp_path):
    leave_a_killed_writers_log(corpus)
    url = "https://news.example.cn/new.html"
    result = invoke("clean", new_page(tmp_path), "--db", corpus, "--url", url)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(corpus) as conn:
        assert conn.execute("select title from articles where key = ?", [url]).fetchone() == (
            "新到的一篇报道",
        )
        assert conn.execute("select title from articles where id = 1").fetchone()[0].endswith("!")
    conn.close()
