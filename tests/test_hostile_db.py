"""Hostile databases and query-command inputs (issue 10 items 1, 3, 4, 15, 16).

Every case runs `python cli.py ...` as a user does, on databases built here: exporting onto
the database, two `clean` runs on one database at once, query commands on files that are
not a newsclean corpus or cannot be written, control characters in stored text, and
numbers too large for SQLite.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, fixture, invoke, run_cli
from newsclean.db import query, store
from newsclean.db.filters import Filters

pytestmark = pytest.mark.slow  # concurrent writers, full devices, read-only copies: over a minute
# What a terminal acts on: C0 controls but newline and tab, DEL, C1, bidirectional marks.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def article(n: int, **fields: Any) -> dict[str, Any]:
    """A stored article row; its title and body carry the number n."""
    row = {
        "key": f"https://news.example.cn/{n}.html",
        "url": f"https://news.example.cn/{n}.html",
        "site": "generic",
        "site_name": "示例新闻网",
        "title": f"第{n}条新闻标题",
        "published_at": f"2021-05-{n % 28 + 1:02d}T08:00:00+08:00",
        "source": "示例日报",
        "authors": json.dumps(["张三"], ensure_ascii=False),
        "warnings": "[]",
        "body": f"这是第{n}篇文章的正文，讲述社区志愿者的故事。\n第二段正文内容。",
    }
    return {**row, **fields}


def make_corpus(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A newsclean database holding these article rows, written as the pipeline writes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = store.open_db(path)
    with db.atomic():
        for row in rows:
            store.upsert_article(db, row)
    db.conn.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count_and_check(path: Path) -> tuple[int, str]:
    """(articles, integrity_check) of a database, read without writing it."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return (
            con.execute("select count(*) from articles").fetchone()[0],
            con.execute("pragma integrity_check").fetchone()[0],
        )
    finally:
        con.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "news.db", [article(n) for n in range(1, 6)])


# ---------------------------------------------------------------- 1. export onto the database


@pytest.mark.parametrize("target", ["db", "wal", "shm", "symlink", "hardlink", "relative"])
def test_export_onto_the_database_is_refused_and_the_database_kept(corpus, target):
    links = {"symlink": corpus.with_name("link.db"), "hardlink": corpus.with_name("hard.db")}
    links["symlink"].symlink_to(corpus.name)
    os.link(corpus, links["hardlink"])
    before = digest(corpus)
    output = {
        "db": str(corpus),
        "wal": f"{corpus}-wal",
        "shm": f"{corpus}-shm",
        "relative": os.path.relpath(corpus, ROOT),
        **{k: str(v) for k, v in links.items()},
    }
    result = run_cli("export", "--db", str(corpus), "-o", output[target])
    assert result.returncode == 1
    assert "refusing to export" in result.stderr and "Traceback" not in result.stderr
    assert digest(corpus) == before and count_and_check(corpus) == (5, "ok")


def test_failed_export_leaves_the_previous_file_and_no_partial_one(corpus, monkeypatch):
    out = corpus.with_name("out.jsonl")
    out.write_text("previous export\n", encoding="utf-8")

    def write_then_fail(records, stream):
        stream.write(json.dumps(next(iter(records)), ensure_ascii=False) + "\n")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(query, "write_jsonl", write_then_fail)
    result = invoke("export", "--db", corpus, "-o", out)
    assert result.exit_code == 1 and "cannot write" in result.output
    assert "No space left on device" in result.output
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in corpus.parent.iterdir() if "out" in p.name) == ["out.jsonl"]


def test_export_replaces_the_file_whole_and_keeps_its_mode(corpus):
    out = corpus.with_name("out.csv")
    out.write_text("x" * 100_000, encoding="utf-8")
    out.chmod(0o640)
    result = run_cli("export", "--db", str(corpus), "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("id,key,url")
    assert len(out.read_text(encoding="utf-8").splitlines()) > 5
    assert out.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in corpus.parent.iterdir() if p.name.endswith(".part")] == []


def test_export_to_a_full_device_fails_cleanly(corpus):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    result = run_cli("export", "--db", str(corpus), "-o", "/dev/full")
    assert result.returncode == 1
    assert "cannot write /dev/full" in result.stderr and "Traceback" not in result.stderr


# ---------------------------------------------------------------- 3. two clean runs at once

PAGES_PER_RUN = 1000
TRIALS = 3


@pytest.fixture(scope="module")
def two_page_sets(tmp_path_factory) -> tuple[Path, Path]:
    """Two folders of PAGES_PER_RUN generated pages each, all distinct articles."""
    from bench.bench import generate

    root = tmp_path_factory.mktemp("pages")
    generate(root / "all", 2 * PAGES_PER_RUN, seed=10)
    first, second = root / "a", root / "b"
    first.mkdir()
    second.mkdir()
    for n, page in enumerate(sorted((root / "all").iterdir())):
        page.rename((first if n < PAGES_PER_RUN else second) / page.name)
    return first, second


def test_two_clean_runs_on_one_database_both_store_everything(two_page_sets, tmp_path):
    first, second = two_page_sets
    for trial in range(TRIALS):
        db = tmp_path / f"trial{trial}.db"  # not there yet: both runs create it at once
        runs = [
            subprocess.Popen(
                [sys.executable, "cli.py", "clean", str(folder), "--db", str(db), "--jobs", "1"],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for folder in (first, second)
        ]
        results = []
        try:
            for proc in runs:
                results.append((proc.communicate(timeout=120)[1], proc.returncode))
        except subprocess.TimeoutExpired:
            for proc in runs:
                proc.kill()
            pytest.fail(f"trial {trial}: a clean run still going after 120 s")
        for err, code in results:
            assert code == 0, f"trial {trial}: exit {code}\n{err[-2000:]}"
            assert "Traceback" not in err and "locked" not in err
        assert count_and_check(db) == (2 * PAGES_PER_RUN, "ok")
        con = sqlite3.connect(db)
        assert (
            con.execute("select count(*) from inputs where status = 'cleaned'").fetchone()[0]
            == 2 * PAGES_PER_RUN
        )
        con.close()


def test_database_atomic_takes_the_write_lock_up_front(tmp_path):
    """The pipeline's `with db.atomic():` waits for the lock instead of failing at once."""
    db = store.open_db(tmp_path / "x.db")
    other = store.open_db(tmp_path / "x.db")
    with db.atomic():
        assert db.execute("select count(*) from articles").fetchone()[0] == 0
        # A second writer cannot start while this transaction, which has only read, is open.
        other.conn.execute("PRAGMA busy_timeout = 0")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.conn.execute("BEGIN IMMEDIATE")
        store.upsert_article(db, article(1))
    assert other.execute("select count(*) from articles").fetchone()[0] == 1


def test_open_waits_for_a_writer_instead_of_failing_at_once(tmp_path):
    """Switching a file to WAL while another connection writes it fails at once in SQLite
    (the busy timeout does not apply to that lock upgrade); open_db retries until it is free."""
    path = tmp_path / "x.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # a write that leaves no table of its own: not a foreign database
    other.execute("create table t (x)")
    other.execute("drop table t")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        sqlite3.connect(path, timeout=5).execute("PRAGMA journal_mode=WAL")
    timer = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    timer.start()
    started = time.monotonic()
    db = store.open_db(path)
    timer.join()
    assert 0.4 < time.monotonic() - started < 10
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


# ---------------------------------------------------------------- 4. read-only query commands

QUERY_RUNS = {
    "search": ["search", "志愿者"],
    "stats": ["stats"],
    "export": ["export"],
    "show": ["show", "1"],
}


def not_a_corpus(path: Path, kind: str) -> None:
    """Write a file that is not a newsclean database."""
    if kind == "empty":
        path.write_bytes(b"")
        return
    if kind == "text":
        path.write_text("not a database at all\n")
        return
    con = sqlite3.connect(path)
    if kind == "other-sqlite":
        con.execute("create table notes (id integer primary key, text text)")
        con.execute("insert into notes (text) values ('keep me')")
    else:  # an articles table of another program
        con.execute("create table articles (id integer primary key, headline text)")
    con.commit()
    con.close()


def refused(path: Path, *args: str) -> str:
    """Run cli.py ARGS --db PATH, which must refuse the file: exit code 1, one line naming the
    file (no traceback), the file left byte for byte as it was. Returns the line."""
    before = digest(path)
    result = run_cli(*args, "--db", str(path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [result.stderr.strip()] and str(path) in result.stderr
    assert digest(path) == before
    return result.stderr


@pytest.mark.parametrize("kind", ["empty", "text", "other-sqlite", "other-articles"])
@pytest.mark.parametrize("command", sorted(QUERY_RUNS))
def test_query_commands_refuse_a_file_that_is_no_corpus_and_leave_it_alone(tmp_path, kind, command):
    path = tmp_path / "other.db"
    not_a_corpus(path, kind)
    message = "cannot read database" if kind == "text" else "is not a newsclean database"
    assert message in refused(path, *QUERY_RUNS[command])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Any]:
    """A function making a database and its folder read-only; undone after the test."""
    made: list[tuple[Path, str]] = []

    def make(path: Path) -> None:
        for target in (path, path.parent):
            if os.geteuid() != 0:
                target.chmod(0o444 if target.is_file() else 0o555)
                made.append((target, "chmod"))
            elif (
                shutil.which("chattr")
                and subprocess.run(["chattr", "+i", str(target)], capture_output=True, check=False).returncode
                == 0
            ):
                made.append((target, "chattr"))
            else:
                pytest.skip("root on a file system without chattr +i: nothing is read-only")
        with pytest.raises(OSError):
            (path.parent / "probe").write_text("x")

    yield make
    for target, how in reversed(made):
        if how == "chattr":
            subprocess.run(["chattr", "-i", str(target)], check=True)
        else:
            target.chmod(0o755 if target.is_dir() else 0o644)


def search_keys(db: Path, words: str) -> set[str]:
    result = run_cli("search", words, "--db", str(db), "--format", "json", "--limit", "100")
    assert result.returncode == 0, result.stderr
    return {hit["key"] for hit in json.loads(result.stdout)}


def test_query_commands_work_on_a_read_only_database(tmp_path, read_only):
    db = make_corpus(tmp_path / "ro" / "news.db", [article(n) for n in range(1, 6)])
    read_only(db)
    before = digest(db)
    assert search_keys(db, "志愿者") == {article(n)["key"] for n in range(1, 6)}
    stats = run_cli("stats", "--db", str(db), "--format", "json")
    assert stats.returncode == 0 and json.loads(stats.stdout)["articles"] == 5
    show = run_cli("show", "2", "--db", str(db))
    assert show.returncode == 0 and show.stdout.startswith("第2条新闻标题")
    export = run_cli("export", "--db", str(db), "-q", "第三段 OR 第二段")
    assert export.returncode == 0 and len(export.stdout.splitlines()) == 5
    assert digest(db) == before


def test_search_on_a_read_only_database_with_changes_not_yet_indexed(tmp_path, read_only):
    """Rows changed by another tool wait in the pending table; a read-only search cannot add
    them to the index: it searches the index as it is (never a copy of the whole database in
    memory), skips deleted rows, and says so with the command that brings it up to date."""
    db = make_corpus(tmp_path / "ro" / "news.db", [article(n) for n in range(1, 6)])
    con = sqlite3.connect(db)
    con.execute("update articles set body = body || '\n蓝鲸飞艇码头' where id = 2")
    con.execute("update articles set title = '改过的标题' where id = 3")
    con.execute("delete from articles where id = 4")
    con.commit()
    assert con.execute("select count(*) from articles_fts_pending").fetchone()[0] == 3
    con.close()
    read_only(db)
    result = run_cli("search", "志愿者", "--db", str(db), "--format", "json", "--limit", "100")
    assert result.returncode == 0 and f"`newsclean reindex --db {db}` adds them" in result.stderr
    assert "3 article changes are not in the search index yet" in result.stderr
    assert {hit["key"] for hit in json.loads(result.stdout)} == {article(n)["key"] for n in (1, 2, 3, 5)}


def test_search_on_a_read_only_database_from_before_the_index(tmp_path, read_only):
    db = make_corpus(tmp_path / "ro" / "news.db", [article(n) for n in range(1, 4)])
    con = sqlite3.connect(db)
    names = [
        r[0]
        for r in con.execute(
            "select name from sqlite_master where name like 'articles_fts%' and type in ('table', 'trigger')"
        )
    ]
    for name in names:
        kind = con.execute("select type from sqlite_master where name = ?", [name]).fetchone()
        if kind:
            con.execute(f"drop {kind[0]} {name}")
    con.commit()
    con.close()
    read_only(db)
    result = run_cli("search", "志愿者", "--db", str(db))
    assert result.returncode == 1
    assert result.stderr == f"Error: {db} has no search index: build it with `newsclean reindex --db {db}`\n"


def test_missing_database_is_reported_and_not_created(tmp_path):
    missing = tmp_path / "missing.db"
    for helper in (store.require_corpus, store.open_existing_db, store.open_readonly):
        with pytest.raises(store.DatabaseMissing, match=r"missing\.db not found"):
            helper(missing)
    result = run_cli("reindex", "--db", str(missing))
    assert result.returncode == 1 and "not found" in result.stderr
    assert not missing.exists()


def test_reindex_refuses_a_file_that_is_no_corpus(tmp_path):
    path = tmp_path / "other.db"
    not_a_corpus(path, "other-sqlite")
    before = digest(path)
    result = run_cli("reindex", "--db", str(path))
    assert result.returncode == 1 and "is not a newsclean database" in result.stderr
    assert digest(path) == before
    with pytest.raises(store.NotACorpus):
        store.require_corpus(path)


# ---------------------------------------------------------------- schema version (issue 24 item 19)

PAGE = fixture("hnr/seed_000")  # a seed page (text rendering)


def user_version(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("pragma user_version").fetchone()[0]
    finally:
        con.close()


def test_a_new_database_records_its_schema_version(tmp_path):
    assert user_version(make_corpus(tmp_path / "news.db", [article(1)])) == store.SCHEMA_VERSION == 3


def test_a_database_from_before_versions_is_migrated_and_kept(tmp_path):
    db = make_corpus(tmp_path / "news.db", [article(1)])
    con = sqlite3.connect(db)
    con.execute("pragma user_version = 0")
    con.commit()
    con.close()
    result = run_cli("clean", str(PAGE), "--db", str(db), "-q")
    assert result.returncode == 0, result.stderr
    assert user_version(db) == store.SCHEMA_VERSION
    assert count_and_check(db)[0] == 2


def hostile_schema(path: Path, kind: str) -> None:
    """A database newsclean must not touch: a newer schema version, a NOT NULL column it does
    not know (in articles or inputs), or an articles table of another program."""
    if kind in ("newer", "not-null-inputs"):
        make_corpus(path, [article(1)])
    con = sqlite3.connect(path)
    if kind == "newer":
        con.execute(f"pragma user_version = {store.SCHEMA_VERSION + 1}")
    elif kind == "not-null-inputs":
        con.execute("drop table inputs")
        con.execute(
            "create table inputs (path text primary key, sha256 text, status text, error text, "
            "article_key text, site text, seen_at text, owner text not null)"
        )
    elif kind == "not-null-articles":
        columns = ", ".join(
            f"{c} integer primary key" if c == "id" else f"{c} text" for c in store.ARTICLE_COLUMNS
        )
        con.execute(f"create table articles ({columns}, reviewer text not null)")
    else:
        not_a_corpus(path, "other-articles")
    con.commit()
    con.close()


HOSTILE_SCHEMAS = {
    "newer": f"has schema version {store.SCHEMA_VERSION + 1}, newer than this newsclean's ({store.SCHEMA_VERSION})",
    "not-null-articles": "its articles table has a NOT NULL column newsclean does not write: reviewer",
    "not-null-inputs": "its inputs table has a NOT NULL column newsclean does not write: owner",
    "other-articles": "is not a newsclean database (its articles table lacks key, url",
}
SCHEMA_RUNS = {
    "clean": ["clean", str(PAGE)],
    "reindex": ["reindex"],
    "search": ["search", "志愿者"],
}


@pytest.mark.parametrize(
    "kind, command",
    [("newer", c) for c in SCHEMA_RUNS]
    + [("not-null-articles", "clean"), ("not-null-articles", "search")]
    + [("not-null-inputs", "clean"), ("other-articles", "clean")],
)
def test_a_newer_or_foreign_schema_is_refused_at_open_and_left_alone(tmp_path, kind, command):
    path = tmp_path / "news.db"
    hostile_schema(path, kind)
    line = refused(path, *SCHEMA_RUNS[command])
    assert line.startswith(f"Error: {path} ") and HOSTILE_SCHEMAS[kind] in line


# ---------------------------------------------------------------- 15. control characters

HOSTILE_TITLE = "标题\x1b[2J\x1b]0;pwned\x07清屏\u202e反转"
HOSTILE_BODY = "正文\x9b31m志愿者\x1b[31m红色\u2066隔离\u2069\r回车\n第二段\x08退格"


@pytest.fixture
def hostile_corpus(tmp_path: Path) -> Path:
    return make_corpus(
        tmp_path / "news.db",
        [
            article(
                1,
                title=HOSTILE_TITLE,
                body=HOSTILE_BODY,
                authors=json.dumps(["作者\x1b[8m"], ensure_ascii=False),
                source="来源\u202e",
            ),
            article(2),
        ],
    )


def test_show_and_search_escape_control_characters_on_the_terminal(hostile_corpus):
    outputs = [
        run_cli("show", "1", "--db", str(hostile_corpus)),
        run_cli("search", "志愿者", "--db", str(hostile_corpus)),
        run_cli("stats", "--db", str(hostile_corpus)),
    ]
    for result in outputs:
        assert result.returncode == 0, result.stderr
        assert not UNSAFE.search(result.stdout), repr(result.stdout)
    show, found = outputs[0].stdout, outputs[1].stdout
    assert "标题\\x1b[2J\\x1b]0;pwned\\x07清屏\\u202e反转" in show
    assert "正文\\x9b31m志愿者\\x1b[31m红色\\u2066隔离\\u2069\\x0d回车" in show
    assert "\n\n第二段\\x08退格" in show  # paragraphs still break lines
    assert "标题\\x1b[2J" in found and "作者\\x1b[8m" in found and "[志愿者]" in found


def test_highlighting_on_a_terminal_keeps_its_own_colours_only(hostile_corpus):
    from newsclean.commands import query as query_commands

    db = query.open_existing(hostile_corpus)
    [hit] = [
        h
        for h in query_commands.terminal_hits(db, "志愿者", Filters(), 10, query_commands.ANSI_MARK)
        if h["id"] == 1
    ]
    assert "\x1b[1;31m志愿者\x1b[0m" in hit["snippet"]
    assert not UNSAFE.search(hit["snippet"].replace("\x1b[1;31m", "").replace("\x1b[0m", ""))


def test_json_and_csv_output_keep_the_text_exact(hostile_corpus):
    show = run_cli("show", "1", "--db", str(hostile_corpus), "--format", "json")
    rec = json.loads(show.stdout)
    assert rec["title"] == HOSTILE_TITLE and rec["body"] == HOSTILE_BODY.split("\n")
    found = run_cli("search", "志愿者", "--db", str(hostile_corpus), "--format", "json")
    assert HOSTILE_TITLE in [h["title"] for h in json.loads(found.stdout)]
    export = run_cli("export", "--db", str(hostile_corpus))
    assert json.loads(export.stdout.splitlines()[0])["source"] == "来源\u202e"
    csv_out = run_cli("export", "--db", str(hostile_corpus), "--format", "csv")
    assert HOSTILE_TITLE in csv_out.stdout


# ---------------------------------------------------------------- 16. out-of-range numbers


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "99999999999999999999"], "no article with id, url or key '99999999999999999999'"),
        (["show", "9223372036854775808"], "no article with id"),
        (["show", "²"], "no article with id"),
        (["search", "志愿者", "--limit", "1e20"], "Invalid value for '--limit'"),
        (["search", "志愿者", "--limit", "99999999999999999999"], "Invalid value for '--limit'"),
        (["stats", "--top", "1e20"], "Invalid value for '--top'"),
        (["stats", "--top", "99999999999999999999"], "Invalid value for '--top'"),
    ],
)
def test_out_of_range_numbers_give_a_clear_error(corpus, args, message):
    result = run_cli(*args, "--db", str(corpus))
    assert result.returncode == (2 if "Invalid value" in message else 1)  # 2: click's usage error
    assert message in result.stderr and "Traceback" not in result.stderr


def test_largest_id_still_finds_nothing_quietly_and_small_ids_work(corpus):
    assert run_cli("show", "9223372036854775807", "--db", str(corpus)).returncode == 1
    assert run_cli("show", "5", "--db", str(corpus)).stdout.startswith("第5条新闻标题")


def test_reclean_on_a_missing_database_says_so_and_creates_nothing(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    db = tmp_path / "missing.db"
    result = subprocess.run(
        [sys.executable, "cli.py", "reclean", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and "not found" in result.stderr
    assert "Traceback" not in result.stderr and not db.exists()
