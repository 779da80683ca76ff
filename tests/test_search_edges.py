"""`search` at its edges (issue 24): a common word over a corpus with an id gap, offsets near
the integer limit, non-finite numbers, collapsed pages past the ranking window."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from conftest import invoke, numbered_corpus

COMMON_WORD = "社区"
N_ARTICLES = 1_100  # more than search.IDF_SAMPLE (1,000) share COMMON_WORD


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A database of N_ARTICLES numbered articles (built once per module)."""
    return numbered_corpus(tmp_path_factory.mktemp("edges") / "news.db", N_ARTICLES)


@pytest.fixture()
def corpus(built, tmp_path) -> Path:
    """A fresh copy of the built database, for a test to change."""
    path = tmp_path / "news.db"
    shutil.copy(built, path)
    return path


def test_a_common_word_after_an_old_article_is_deleted_is_ranked(corpus):
    # The deleted id widens the id span the document frequency is estimated over past the
    # rows indexed: log() of a negative number ("math domain error"), even after reindex.
    with sqlite3.connect(corpus) as conn:  # by plain SQL: reindex brings the index up to date
        conn.execute("delete from articles where id = 2")
    result = invoke("search", COMMON_WORD, "--db", str(corpus), "--limit", "3", "--format", "json")
    assert result.exit_code == 0 and "1 article changes are not in the search index yet" in result.output
    for _ in range(2):
        assert invoke("reindex", "--db", str(corpus)).exit_code == 0
        result = invoke("search", COMMON_WORD, "--db", str(corpus), "--limit", "3", "--format", "json")
        assert result.exit_code == 0, result.output
        hits = json.loads(result.output)
        assert len(hits) == 3 and hits[0]["total"] == N_ARTICLES - 1


@pytest.mark.parametrize("offset", ["9223372036854775807", str(2**63), "99999999999999999999999"])
def test_an_offset_past_the_integer_limit_is_a_usage_error(built, offset):
    result = invoke("search", COMMON_WORD, "--db", str(built), "--offset", offset)
    assert result.exit_code == 2 and "Invalid value for '--offset'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_largest_offset_finds_nothing_and_says_so(built):
    for extra in ([], ["--collapse"], ["--format", "json"]):
        result = invoke("search", COMMON_WORD, "--db", str(built), "--offset", str(2**62), *extra)
        assert result.exit_code == 0 and not isinstance(result.exception, OverflowError), result.output


def collapsed(corpus: Path, *args: str) -> list[dict[str, Any]]:
    result = invoke("search", COMMON_WORD, "--db", str(corpus), "--collapse", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_collapse_pages_past_the_ranking_window(built):
    # Every article is its own story: 1,100 stories, more than the 500 hits ranked at once.
    pages = [collapsed(built, "--offset", str(offset), "--limit", "100") for offset in range(0, 1200, 100)]
    ids = [hit["id"] for page in pages for hit in page]
    assert len(ids) == len(set(ids)) == N_ARTICLES
    assert [hit["rank"] for page in pages for hit in page] == list(range(1, N_ARTICLES + 1))
    last = collapsed(built, "--offset", "1090")
    assert [hit["rank"] for hit in last] == list(range(1091, 1101))


def test_collapse_from_offset_500_finds_stories_on_the_terminal(built):
    result = invoke(
        "search", COMMON_WORD, "--db", str(built), "--collapse", "--offset", "500", "--limit", "5"
    )
    assert result.exit_code == 0 and "no article matches" not in result.output
    assert "stories among 1,100 matches, 501-505 shown" in result.output
    result = invoke(
        "search", COMMON_WORD, "--db", str(built), "--collapse", "--offset", "1090", "--limit", "5"
    )
    assert "1,100 stories among 1,100 matches, 1,091-1,095 shown; more with --offset 1095" in result.output


def test_a_query_longer_than_the_cap_is_refused_before_it_is_searched(built):
    word = "疫情 "
    result = invoke("search", word * 400, "--db", str(built))  # 1,200 characters
    assert result.exit_code == 1
    assert "bad search query: the query is 1,200 characters long; at most 1,000" in result.output
    result = invoke("export", "-q", word * 400, "--db", str(built), "-o", "-")
    assert result.exit_code == 1 and "at most 1,000" in result.output
    assert invoke("search", "社区 " + "疫情" * 300, "--db", str(built)).exit_code == 0  # 903 characters


def test_collapse_without_story_tables_is_refused_with_the_command_that_builds_them(corpus):
    with sqlite3.connect(corpus) as conn:
        conn.execute("drop table stories")
    result = invoke("search", COMMON_WORD, "--db", str(corpus), "--collapse")
    assert result.exit_code == 1
    assert f"{corpus} has no story index: build it with `newsclean reindex --db {corpus}`" in result.output
    assert invoke("search", COMMON_WORD, "--db", str(corpus)).exit_code == 0  # without --collapse


def test_export_with_a_query_on_a_lagging_index_notes_it(corpus):
    with sqlite3.connect(corpus) as conn:
        conn.execute("update articles set body = body || '新加的句子' where id <= 3")
    result = invoke("export", "-q", COMMON_WORD, "--db", str(corpus), "-o", "-")
    assert result.exit_code == 0
    assert "note: 3 article changes are not in the search index yet" in result.output
