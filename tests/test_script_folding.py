"""Issue 22, section 4: simplified and traditional script are one script for search (OpenCC's
t2s folds the index and the query), the stored text stays as published, and an index made
before folding is rebuilt by `reindex` (or the next write)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import opencc
import pytest

from conftest import fixture, invoke
from newsclean.db import search, store

HNR = fixture("hnr/2020_000")  # hnr.cn 2020 template: 一面锦旗“众人织”
DDSB = fixture("ddsb/seed_001")  # 当代商报 text rendering (simplified)


def to_traditional(text: str) -> str:
    return str(opencc.OpenCC("s2t.json").convert(text))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The hnr page republished in traditional script (as a Hong Kong or Taiwan outlet
    would), and a simplified page of another site."""
    traditional = tmp_path / "hk.html"
    traditional.write_text(to_traditional(HNR.read_text(encoding="utf-8")), encoding="utf-8")
    db = tmp_path / "news.db"
    result = invoke("clean", traditional, DDSB, "--db", db, "--jobs", "1")
    assert result.exit_code == 0, result.output
    return db


def hits(db: Path, query: str) -> list[dict]:
    result = invoke("search", query, "--format", "json", "--db", db)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_simplified_query_finds_traditional_text_and_the_reverse(corpus: Path) -> None:
    for query in ("锦旗", "錦旗", "文博社区", "文博社區", "锦", "錦"):
        found = hits(corpus, query)
        assert [h["title"][:6] for h in found] == ["滎陽：一面錦"], query
    found = hits(corpus, "锦旗")[0]
    assert "[錦旗]" in found["snippet"]  # highlighted as published


def test_stored_text_stays_as_published(corpus: Path) -> None:
    with sqlite3.connect(corpus) as conn:
        title, body = conn.execute("select title, body from articles where site = 'hnr'").fetchone()
    assert title.startswith("滎陽：一面錦旗") and "錦旗" in body and "锦旗" not in body


def make_unfolded_index(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rebuild the index as a version without folding did, and stamp that version (1)."""
    with monkeypatch.context() as patch:
        patch.setattr(search, "fold_script", lambda text: text)
        db = store.open_db(db_path)
        search.reindex(db)
        db.execute("PRAGMA user_version = 1")
        db.conn.commit()
        db.conn.close()
    assert hits(db_path, "锦旗") == []  # the old index knows only 錦旗


def test_reindex_folds_an_index_made_before_folding(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_unfolded_index(corpus, monkeypatch)
    done = invoke("reindex", "--db", corpus)
    assert done.exit_code == 0, done.output
    assert len(hits(corpus, "锦旗")) == 1


def test_the_next_write_folds_an_index_made_before_folding(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_unfolded_index(corpus, monkeypatch)
    store.open_db(corpus).conn.close()  # the writer's schema upgrade
    assert len(hits(corpus, "锦旗")) == 1
    with sqlite3.connect(corpus) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 3


@pytest.mark.parametrize(
    "suffix",
    [
        "?spm=C73544894212.P59792594134.0.0",
        "?wfr=spider&for=pc",
        "?utm_source=wechat&utm_medium=social",
        "?spm=a.b.c#comments",
    ],
)
def test_show_finds_a_url_with_tracking_parameters(tmp_path: Path, suffix: str) -> None:
    db = tmp_path / "news.db"
    assert invoke("clean", HNR, "--db", db).exit_code == 0
    url = "https://news.hnr.cn/202003/19/731862.html"
    shown = invoke("show", url + suffix, "--db", db, "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["url"] == url
    assert invoke("show", url + "?id=2", "--db", db).exit_code == 1  # a parameter that names a page
