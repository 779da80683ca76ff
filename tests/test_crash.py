"""Crash safety: `clean --jobs 2` killed with SIGKILL at set points, then re-run.

Each trial cleans the same generated pages into a fresh database, kills the run's main
process with SIGKILL at a state watched for in the database (start-up, schema written,
first batch, halfway), then re-runs clean to completion. The database must pass
`PRAGMA integrity_check`, hold no duplicate keys, and equal an uninterrupted run's (articles
and inputs rows, without their time stamps; the search index over the same ids). While the
uninterrupted run writes, a reader counts rows through its own connection (WAL mode).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.bench import generate
from conftest import ROOT
from newsclean.ingest.pipeline import WRITE_SIZE

pytestmark = pytest.mark.slow  # kill -9 mid-run, then reruns: about a minute

PAGES = 600  # more than two write batches (pipeline.WRITE_SIZE), so that "halfway" is a state of its own
SEED = 20240611


def clean_cmd(folder: Path, db: Path) -> list[str]:
    return [sys.executable, "cli.py", "clean", str(folder), "--db", str(db), "--jobs", "2"]


def finish(folder: Path, db: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        clean_cmd(folder, db), cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Everything that must match between runs, minus extracted_at / seen_at."""
    con = sqlite3.connect(db)
    try:
        cols = [r[1] for r in con.execute("pragma table_info(articles)") if r[1] != "extracted_at"]
        articles = con.execute(f"select {', '.join(cols)} from articles order by id").fetchall()
        inputs = con.execute(
            "select path, sha256, status, error, article_key, site from inputs order by path"
        ).fetchall()
        fts = con.execute("select rowid from articles_fts order by rowid").fetchall()
        pending = con.execute("select count(*) from articles_fts_pending").fetchall()
    finally:
        con.close()
    return {"articles": articles, "inputs": inputs, "fts": fts, "pending": pending}


def check_sound(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
        dupes = con.execute("select key, count(*) from articles group by key having count(*) > 1").fetchall()
        assert dupes == []
        dupes = con.execute("select path, count(*) from inputs group by path having count(*) > 1").fetchall()
        assert dupes == []
        con.execute("insert into articles_fts(articles_fts) values ('integrity-check')")
    finally:
        con.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "pages"
    generate(folder, PAGES, seed=SEED)
    return folder


@pytest.fixture(scope="module")
def reference(pages, tmp_path_factory):
    """An uninterrupted run, with a reader counting rows while it writes."""
    db = tmp_path_factory.mktemp("reference") / "news.db"
    counts: list[int] = []
    errors: list[str] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            if db.exists():
                try:
                    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                    try:
                        counts.append(con.execute("select count(*) from articles").fetchone()[0])
                    finally:
                        con.close()
                except sqlite3.OperationalError as exc:
                    if "no such table" not in str(exc):  # before the schema is created
                        errors.append(str(exc))
            time.sleep(0.02)

    thread = threading.Thread(target=reader)
    thread.start()
    start = time.monotonic()
    try:
        result = finish(pages, db)
    finally:
        wall = time.monotonic() - start
        done.set()
        thread.join()
    assert f"{PAGES} inputs: {PAGES} cleaned" in result.stdout
    return {"db": db, "snapshot": snapshot(db), "counts": counts, "errors": errors, "wall": wall}


def test_reader_can_query_while_clean_writes(reference):
    counts = reference["counts"]
    assert reference["errors"] == []
    assert counts == sorted(counts)  # committed batches only ever add rows
    partial = [c for c in counts if 0 < c < PAGES]
    assert partial, f"no read landed mid-run: {counts[:5]}…{counts[-5:]}"
    assert all(c % WRITE_SIZE == 0 for c in partial)  # a reader sees whole batches, never half of one
    con = sqlite3.connect(reference["db"])
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"


def table_names(db: Path) -> set[str]:
    """The tables a reader sees now; empty when the file is missing or has no schema yet."""
    if not db.exists():
        return set()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
    try:
        return {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
    except sqlite3.OperationalError:
        return set()
    finally:
        con.close()


def stored_rows(db: Path) -> int:
    """Committed article rows a reader sees now (0 before the schema exists)."""
    if "articles" not in table_names(db):
        return 0
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
    try:
        return con.execute("select count(*) from articles").fetchone()[0]
    finally:
        con.close()


def wait_for(condition, limit: float = 60.0) -> bool:
    """Poll condition() every 5 ms until it holds or `limit` seconds pass."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


# Each trial kills the run at one state, reached by watching the database, not by a timer,
# so every run of the suite covers the same states: at start-up (schema maybe not yet
# written), right after the schema is committed and before the first batch, right after the
# first batch, and halfway through.
KILL_POINTS = {
    "start-up": lambda db: True,
    "schema, no rows": lambda db: "articles_fts" in table_names(db),
    "first batch": lambda db: stored_rows(db) >= WRITE_SIZE,
    "halfway": lambda db: stored_rows(db) >= PAGES // 2,
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_kill_9_then_rerun_equals_uninterrupted_run(pages, reference, tmp_path, point):
    db = tmp_path / "news.db"
    proc = subprocess.Popen(
        clean_cmd(pages, db),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    reached = wait_for(lambda: KILL_POINTS[point](db) or proc.poll() is not None)
    assert reached and proc.poll() is None, f"the run ended before the kill point {point!r}"
    os.kill(proc.pid, signal.SIGKILL)  # the main process only, as `kill -9 PID` would
    proc.wait(timeout=30)
    time.sleep(0.2)
    # pool workers orphaned by the kill: gone, or killed here so the test leaves none
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    tables = table_names(db)
    # the schema is one transaction: all of it or none of it
    assert tables == set() or {"articles", "inputs", "articles_fts", "articles_fts_chars"} <= tables
    partial = 0
    if tables:
        check_sound(db)  # the killed run's database is already sound (WAL replayed on open)
        partial = stored_rows(db)
    print(f"kill at {point}: {partial} of {PAGES} rows stored")
    assert partial % WRITE_SIZE == 0 or partial == PAGES  # whole batches only
    finish(pages, db)
    check_sound(db)
    assert snapshot(db) == reference["snapshot"]
