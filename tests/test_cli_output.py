"""Command output for people and pipes: help that says `newsclean`, CSV --bom, `export | head`
quiet, -v and -vv, JSON objects and --nl for stats and stories, `1 input` grammar, --site in
any case (issue 22, section 6)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bench.bench import generate
from conftest import ROOT, fixture, invoke, run_cli

HNR = fixture("hnr/2020_000")  # hnr.cn 2020 template


@pytest.fixture
def one_article(tmp_path: Path) -> Path:
    db = tmp_path / "news.db"
    assert invoke("clean", HNR, "--db", db).exit_code == 0
    return db


def test_help_and_hints_name_the_installed_command(tmp_path: Path) -> None:
    assert "Example: newsclean clean " in invoke("clean", "--help").output
    assert "Example: newsclean search " in invoke("search", "--help").output
    assert "python cli.py" not in invoke("stories", "--help").output
    missing = invoke("search", "x", "--db", tmp_path / "none.db")
    assert "create it with `newsclean clean PAGES --db" in missing.output
    from newsclean.cli import COMMANDS

    assert "pip install 'newsclean[browse]'" in COMMANDS["browse"][2]


def test_csv_bom_for_excel(one_article: Path) -> None:
    plain = invoke("export", "--format", "csv", "--db", one_article).stdout
    marked = invoke("export", "--format", "csv", "--bom", "--db", one_article).stdout
    assert not plain.startswith("\ufeff") and marked == "\ufeff" + plain
    assert "--bom" in invoke("export", "--help").output and "Excel" in invoke("export", "--help").output


@pytest.mark.slow
def test_export_into_head_ends_quietly(tmp_path: Path) -> None:
    generate(tmp_path / "pages", 120, seed=7)
    db = tmp_path / "news.db"
    assert run_cli("clean", tmp_path / "pages", "--db", db, "-q").returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "cli.py", "export", "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()  # what `head -1` reads, then it leaves
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141 and err == ""


@pytest.mark.slow
def test_v_is_newsclean_and_vv_is_everything(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = ["fetch", "--urls", "-", "--base-url", f"hnr=http://127.0.0.1:{port}", "--delay", "0"]
    args += ["--db", str(tmp_path / "news.db")]
    url = f"http://127.0.0.1:{port}/202003/20/730002.html\n"
    loud = run_cli(*args, "-v", input=url)
    assert "(cause: ConnectionRefusedError" in loud.stderr and "DEBUG: urllib3" not in loud.stderr
    louder = run_cli(*args, "-vv", input=url)
    assert "DEBUG: urllib3" in louder.stderr


def test_stats_json_rows_are_objects_and_nl_gives_lines(one_article: Path) -> None:
    figures = json.loads(invoke("stats", "--format", "json", "--db", one_article).stdout)
    assert figures["articles"] == 1
    assert figures["sites"][0] == {
        "site": "hnr",
        "name": "映象网",
        "articles": 1,
        "first": "2020-03-19",
        "last": "2020-03-19",
    }
    assert figures["outlets"][0]["outlet"] == "映象网" and figures["months"] == [
        {"month": "2020-03", "articles": 1}
    ]
    lines = [json.loads(line) for line in invoke("stats", "--nl", "--db", one_article).stdout.splitlines()]
    assert lines[0] == {"table": "totals", "articles": 1, "with_warnings": 0, "without_date": 0}
    assert {"table": "sources", "source": "映象网", "articles": 1} in lines


def test_stories_sites_are_a_list_and_nl_gives_lines(one_article: Path) -> None:
    [story] = json.loads(
        invoke("stories", "--min-copies", "1", "--format", "json", "--db", one_article).stdout
    )
    assert story["sites"] == ["hnr"]
    [line] = invoke("stories", "--min-copies", "1", "--nl", "--db", one_article).stdout.splitlines()
    assert json.loads(line) == story


def test_grammar_of_one(one_article: Path, tmp_path: Path) -> None:
    table = invoke("stories", "--min-copies", "1", "--db", one_article).stdout
    assert table.startswith("1 article in 1 story;")
    shown = invoke("stories", "show", "1", "--db", one_article).stdout
    assert "1 copy on hnr" in shown
    again = invoke("clean", HNR, "--db", tmp_path / "again.db", "--site", "HNR")  # --site in any case
    assert again.exit_code == 0 and again.stdout.startswith("1 input: 1 cleaned")


def test_copies_of_one_url_count_as_merged_not_updated(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    page = HNR.read_text(encoding="utf-8")  # two saves of one page (same canonical URL), one edited later
    (folder / "a.html").write_text(page, encoding="utf-8")
    (folder / "b.html").write_text(page.replace("文博社区。", "文博社区（更新）。", 1), encoding="utf-8")
    db = tmp_path / "news.db"
    first = invoke("clean", folder, "--db", db, "--force").stdout
    assert first.startswith("2 inputs: 1 cleaned, 0 updated, 0 unchanged, 1 merged"), first
    for _ in range(2):  # --force again: the row is the same, nothing is updated
        again = invoke("clean", folder, "--db", db, "--force").stdout
        assert again.startswith("2 inputs: 0 cleaned, 0 updated, 1 unchanged, 1 merged"), again
