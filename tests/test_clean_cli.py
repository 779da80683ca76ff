"""The `clean` command end to end: rows, re-runs, --force, bad inputs, exit codes."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT, fixture, run_cli

pytestmark = pytest.mark.slow  # each test runs `python cli.py clean` processes

SEEDS = sorted(FIXTURES.glob("*/seed_*/00*.txt"), key=lambda p: p.name)


def rows(db) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    return [dict(r) for r in con.execute("select * from articles order by id")]


def test_clean_writes_one_row_per_article_and_reruns_change_nothing(tmp_path):
    db = tmp_path / "news.db"
    first = run_cli("clean", *map(str, SEEDS), "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "5 inputs: 5 cleaned" in first.stdout
    before = rows(db)
    assert len(before) == 5
    assert {r["site"] for r in before} == {"hnr", "ddsb", "chinanews", "generic"}
    second = run_cli("clean", *map(str, SEEDS), "--db", str(db))
    assert second.returncode == 0
    assert "5 unchanged" in second.stdout
    assert rows(db) == before


def test_force_updates_rows_in_place(tmp_path):
    db = tmp_path / "news.db"
    page = tmp_path / "in" / SEEDS[0].name
    page.parent.mkdir()
    shutil.copy(SEEDS[0], page)
    assert run_cli("clean", str(page), "--db", str(db)).returncode == 0
    [old] = rows(db)
    con = sqlite3.connect(db)
    con.execute("update articles set title = 'stale' where id = ?", [old["id"]])
    con.commit()
    forced = run_cli("clean", str(page), "--db", str(db), "--force")
    assert forced.returncode == 0 and "1 updated" in forced.stdout
    [new] = rows(db)
    assert new["id"] == old["id"] and new["title"] == old["title"]


def test_folder_gzip_and_manifest(tmp_path):
    folder = tmp_path / "saved" / "deep"
    folder.mkdir(parents=True)
    (folder / "page.html.gz").write_bytes(gzip.compress(fixture("hnr/2020_003").read_bytes()))
    shutil.copy(SEEDS[0], folder / "seed.txt")
    (folder / "ignored.png").write_bytes(b"\x89PNG\r\n")
    manifest = tmp_path / "saved" / "manifest.jsonl"
    manifest.write_text(
        json.dumps({"path": "deep/seed.txt", "url": "https://news.hnr.cn/202003/19/1.html"}) + "\n"
    )
    db = tmp_path / "news.db"
    result = run_cli("clean", str(tmp_path / "saved"), "--db", str(db), "--manifest", str(manifest))
    assert result.returncode == 0, result.stdout + result.stderr
    by_path = {r["input_path"].rsplit("/", 1)[-1]: r for r in rows(db)}
    assert set(by_path) == {"page.html.gz", "seed.txt"}
    assert by_path["seed.txt"]["key"] == "https://news.hnr.cn/202003/19/1.html"
    assert by_path["page.html.gz"]["url"].startswith("https://news.hnr.cn/")


def test_bad_inputs_fail_clearly_and_keep_stored_rows(tmp_path):
    db = tmp_path / "news.db"
    assert run_cli("clean", str(SEEDS[0]), "--db", str(db)).returncode == 0
    stored = rows(db)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.html").write_bytes(b"")
    (bad / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (bad / "latin.txt").write_bytes(bytes(range(0x80, 0x100)) * 3)
    (bad / "list.html").write_text(
        "<html><head><title>新闻列表</title></head><body><ul>"
        + "".join(f"<li><a href='/a/{i}.html'>第{i}条新闻标题</a></li>" for i in range(20))
        + "</ul></body></html>",
        encoding="utf-8",
    )
    result = run_cli("clean", str(bad), str(SEEDS[1]), str(bad / "missing.html"), "--db", str(db))
    assert result.returncode == 2  # some inputs failed, the others were stored
    for name in ("empty.html", "image.html", "latin.txt", "list.html", "missing.html"):
        assert name in result.stderr
    assert "empty input" in result.stderr and "binary" in result.stderr
    after = rows(db)
    assert after[0] == stored[0] and len(after) == 2
    con = sqlite3.connect(db)
    failed = dict(con.execute("select path, error from inputs where status = 'failed'").fetchall())
    assert {p.rsplit("/", 1)[-1] for p in failed} == {"empty.html", "image.html", "latin.txt", "list.html"}
    assert all(failed.values())


def test_unwritable_database_exits_1(tmp_path):
    result = run_cli("clean", str(SEEDS[0]), "--db", str(tmp_path / "no" / "such" / "dir" / "news.db"))
    assert result.returncode == 1
    assert "cannot open database" in result.stderr


def test_sites_lists_every_adapter():
    result = subprocess.run(
        [sys.executable, "cli.py", "sites"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    for name in ("hnr", "chinanews", "ddsb", "generic"):
        assert name in result.stdout


@pytest.mark.parametrize("site", ["hnr", "generic"])
def test_forced_site(tmp_path, site):
    db = tmp_path / "news.db"
    assert run_cli("clean", str(SEEDS[0]), "--db", str(db), "--site", site).returncode == 0
    assert rows(db)[0]["site"] == site


def comparable(db) -> list[tuple]:
    """Rows without the run-dependent columns."""
    return [(r["id"], r["key"], r["title"], r["body"], r["authors"]) for r in rows(db)]


def test_parallel_clean_matches_serial(tmp_path):
    serial, parallel = tmp_path / "serial.db", tmp_path / "parallel.db"
    assert run_cli("clean", str(FIXTURES), "--db", str(serial), "--jobs", "1").returncode == 0
    assert run_cli("clean", str(FIXTURES), "--db", str(parallel), "--jobs", "2").returncode == 0
    assert comparable(serial) == comparable(parallel)
    assert len(comparable(serial)) >= 9  # 13 pages, four of them HTML twins of seeds
    # the search index and the stories come from values the workers derive (store.derive)
    assert derived_tables(serial) == derived_tables(parallel)


def derived_tables(db) -> list[list[tuple]]:
    """The search index and story tables, as stored."""
    with sqlite3.connect(db) as conn:
        return [
            conn.execute(f"select * from {table} order by 1").fetchall()
            for table in (
                "articles_fts_data",
                "articles_fts_chars_data",
                "story_articles",
                "story_bands",
                "stories",
            )
        ]


@pytest.mark.parametrize(
    "order",
    [("hnr/seed_000", "hnr/2020_000"), ("hnr/2020_000", "hnr/seed_000")],
)
def test_text_rendering_and_html_of_one_article_are_one_row(tmp_path, order):
    db = tmp_path / "news.db"
    for name in order:
        result = run_cli("clean", str(fixture(name)), "--db", str(db))
        assert result.returncode == 0, result.stderr
    assert "1 merged" in result.stdout
    [row] = rows(db)
    assert row["key"] == row["url"] == "https://news.hnr.cn/202003/19/731862.html"
    assert row["id"] == 1
