"""Issue 11, pipes and progress: `clean -` reads one page from standard input (with --url), and
the progress bar on a terminal shows the real total, a rate and the time left."""

from __future__ import annotations

import gzip
import re
import sqlite3
from pathlib import Path

import pytest

from conftest import FIXTURES, fixture, on_terminal, run_cli

pytestmark = pytest.mark.slow  # each test runs `python cli.py clean` processes

HNR_HTML = fixture("hnr/2020_000")  # hnr.cn 2020 template (saved page)
HNR_URL = "https://news.hnr.cn/202003/19/731862.html"
DDSB_TEXT = fixture("ddsb/seed_001")  # 当代商报 text rendering (a seed)


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_clean_reads_one_page_from_stdin_with_its_url(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    done = run_cli("clean", "-", "--url", HNR_URL, "--db", str(db), input=HNR_HTML.read_bytes(), text=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("1 input: 1 cleaned")
    assert rows(db, "select url, site, title from articles") == [
        (HNR_URL, "hnr", "荥阳：一面锦旗“众人织” 万人同心“共战疫”")
    ]
    assert rows(db, "select path, status from inputs") == [("<stdin>", "cleaned")]
    again = run_cli("clean", "-", "--url", HNR_URL, "--db", str(db), input=HNR_HTML.read_bytes(), text=False)
    assert again.stdout.decode().startswith("1 input: 0 cleaned, 0 updated, 1 unchanged")


def test_stdin_may_be_gzip_and_needs_no_url(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    done = run_cli("clean", "-", "--db", str(db), input=gzip.compress(DDSB_TEXT.read_bytes()), text=False)
    assert done.returncode == 0, done.stderr
    assert rows(db, "select site, title from articles") == [
        ("ddsb", "衡阳市西湖新村社区:初心如磐担使命 齐心协力战疫情")
    ]


def test_stdin_that_is_no_page_fails_alone_with_its_name(tmp_path: Path) -> None:
    done = run_cli("clean", "-", "--db", str(tmp_path / "news.db"), input=b"\x1f\x8b broken gzip", text=False)
    assert done.returncode == 1  # the only input failed
    assert b"failed: <stdin>: broken gzip data" in done.stderr
    assert b"Traceback" not in done.stderr


def test_url_and_stdin_usage_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    mixed = run_cli("clean", "-", str(FIXTURES), "--db", db, input=b"", text=False)
    assert mixed.returncode == 2 and b"must be the only PATH" in mixed.stderr
    folder = run_cli("clean", str(FIXTURES), "--url", HNR_URL, "--db", db, input=b"", text=False)
    assert folder.returncode == 2 and b"--url needs exactly one page" in folder.stderr
    single = run_cli(
        "clean", str(HNR_HTML), "--url", "https://www.example.cn/a/1.html", "--db", db, input=b"", text=False
    )
    assert single.returncode == 0
    assert rows(Path(db), "select url from articles") == [("https://www.example.cn/a/1.html",)]


def test_progress_bar_shows_total_rate_and_time_left(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    page = DDSB_TEXT.read_text(encoding="utf-8")
    for n in range(24):  # distinct pages: the title line differs
        (folder / f"{n:02d}.txt").write_text(
            page.replace("衡阳市西湖新村社区", f"衡阳市第{n}社区", 1), "utf-8"
        )
    status, out, terminal = on_terminal(
        "clean", str(folder), "--db", str(tmp_path / "news.db"), "--jobs", "1"
    )
    assert status == 0 and out.startswith("24 inputs: 24 cleaned")
    assert re.search(r"cleaning .*24/24", terminal), terminal[-500:]
    assert re.search(r"\d+(\.\d)? inputs/s", terminal)
    assert "/0" not in terminal  # the old bar had no total: 1/0 … 21/0
    assert re.search(r"\d+%", terminal)  # a known total gives a percentage and time left


def test_quiet_shows_no_progress_bar(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(22):
        (folder / f"{n:02d}.txt").write_bytes(DDSB_TEXT.read_bytes())
    status, _, terminal = on_terminal("clean", str(folder), "--db", str(tmp_path / "n.db"), "-q")
    assert status == 0 and "cleaning" not in terminal
