"""Issue 22, section 3: exit statuses as click and its peers use them (2 usage error, 1 nothing
done, 2 some inputs failed and the others were stored — the status the dev-set scorer and
users' scripts read — 130 Ctrl-C), a clean stop on Ctrl-C,
foreign databases refused, and per-input progress."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.bench import generate
from conftest import ROOT, fixture, invoke
from newsclean.db.store import open_db
from newsclean.ingest.pipeline import WRITE_SIZE, clean_paths

SEED_PAGE = fixture("ddsb/seed_001")  # 当代商报 text rendering (a seed)


def articles(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from articles").fetchone()[0]


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = invoke("clean", str(SEED_PAGE), "--db", tmp_path / "n.db", "--no-such-option")
    assert result.exit_code == 2 and "No such option" in result.output
    assert invoke("search", "--limit", "0", "--db", tmp_path / "n.db").exit_code == 2
    assert not (tmp_path / "n.db").exists()


def test_missing_path_exits_1_and_creates_no_database(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    result = invoke("clean", tmp_path / "missing", "--db", db)
    assert result.exit_code == 1 and "no such file or folder" in result.output
    assert list(tmp_path.iterdir()) == []  # no news.db, -wal or -shm left


def test_every_input_failing_exits_1(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    result = invoke("clean", tmp_path / "empty.html", "--db", tmp_path / "n.db")
    assert result.exit_code == 1 and "empty input" in result.output
    assert not (tmp_path / "n.db").exists()


def test_some_inputs_failing_exits_2_and_keeps_the_others(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    result = invoke("clean", SEED_PAGE, tmp_path / "missing.html", "--db", db)
    assert result.exit_code == 2, result.output
    assert articles(db) == 1
    assert "Exit status" in invoke("clean", "--help").output and "2 some inputs failed" in " ".join(
        invoke("clean", "--help").output.split()
    )


def test_foreign_database_is_refused_unless_empty(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("create table notes (id integer primary key, text)")
        conn.execute("insert into notes (text) values ('mine')")
    result = invoke("clean", SEED_PAGE, "--db", foreign)
    assert result.exit_code == 1 and "is not a newsclean database" in result.output
    assert "notes" in result.output
    with sqlite3.connect(foreign) as conn:  # untouched: no table added
        assert [r[0] for r in conn.execute("select name from sqlite_master")] == ["notes"]
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")  # an empty file is an SQLite database with no table: newsclean may use it
    assert invoke("clean", SEED_PAGE, "--db", empty).exit_code == 0
    assert articles(empty) == 1


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_commits_and_exits_130(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    generate(pages, 4000, seed=22)
    db = tmp_path / "n.db"
    proc = subprocess.Popen(
        [sys.executable, "cli.py", "clean", str(pages), "--db", str(db), "--jobs", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:  # until the first batch is committed
        time.sleep(0.1)
        try:
            if db.exists() and articles(db):
                break
        except sqlite3.OperationalError:
            pass  # the schema is being written
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in err and "Aborted" not in err, err[-2000:]
    summary = re.match(r"(\d+) inputs: (\d+) cleaned, 0 updated, 0 unchanged, 0 failed, interrupted  → ", out)
    assert summary, out
    stored = articles(db)
    assert 0 < stored == int(summary.group(2)) < 4000  # what the summary says is committed
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        assert conn.execute("select count(*) from inputs").fetchone()[0] == stored


def test_progress_is_told_each_input_before_its_batch_is_written(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    generate(pages, WRITE_SIZE + 20, seed=23)
    db_path = tmp_path / "n.db"
    db = open_db(db_path)
    stored_when_told: list[int] = []
    summary = clean_paths(
        db, [str(pages)], jobs=2, on_progress=lambda _name: stored_when_told.append(articles(db_path))
    )
    assert summary.counts["cleaned"] == WRITE_SIZE + 20
    assert len(stored_when_told) == WRITE_SIZE + 20  # once per input
    # the first WRITE_SIZE inputs are reported as their results arrive, before their transaction
    assert stored_when_told[:WRITE_SIZE] == [0] * WRITE_SIZE
