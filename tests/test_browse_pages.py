"""The data behind browse's search, stories and chart pages (db/browse_pages.py), and the
pages as Datasette serves them in process, on the golden-record corpus of test_search.

tests/test_browse.py reads the same pages in headless Chromium on a dev-set corpus.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from test_search import build_fixture_db

from newsclean.db import browse, browse_pages, store
from newsclean.db.browse_pages import SearchForm
from newsclean.db.store import ReadOnlyDatabase
from newsclean.extract.text import fold_script


def add_reprint(db: Any) -> int:
    """Store a reprint (转载) of the longest article on another outlet, a day later, without its
    last paragraph, as reprints often are; return its id."""
    row = dict(
        db.execute(
            "select * from articles where published_at is not null order by length(body) desc"
        ).fetchone()
    )
    paragraphs = row["body"].split("\n")
    day = dt.date.fromisoformat(row["published_at"][:10]) + dt.timedelta(days=1)
    url = "https://news.reprint.example.cn/a/1.html"
    reprint = {**row, "key": url, "url": url, "outlet": "转载网", "host": "news.reprint.example.cn"}
    reprint.update(
        site="generic", body="\n".join(paragraphs[:-1]), published_at=day.isoformat(), fingerprint=None
    )
    del reprint["id"]
    with db.atomic():
        return store.upsert_article(db, reprint)[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden records and one reprint as a browse-ready database file."""
    path = tmp_path_factory.mktemp("pages") / "news.db"
    db, _ = build_fixture_db(path)
    db.conn.row_factory = sqlite3.Row
    add_reprint(db)
    db.conn.row_factory = None
    browse.prepare_database(db)
    db.conn.close()
    return path


@pytest.fixture
def db(corpus: Path):  # type: ignore[no-untyped-def]
    """The corpus opened read-only, as Datasette opens it."""
    conn = sqlite3.connect(f"file:{corpus}?mode=ro", uri=True)
    yield ReadOnlyDatabase(conn)
    conn.close()


def containing(db: ReadOnlyDatabase, word: str) -> list[tuple[Any, ...]]:
    """(id, outlet, published_at, authors) of the articles whose title or body holds the word,
    traditional script folded: what a search for it must find."""
    rows = db.execute("select id, outlet, published_at, authors, title, body from articles").fetchall()
    return [r[:4] for r in rows if word in fold_script(f"{r[4]}\n{r[5]}")]


def text_of(pieces: list[tuple[str, bool]]) -> str:
    return "".join(text for text, _ in pieces)


# ---------------------------------------------------------------- search


def test_search_counts_every_match_in_its_facets(db: ReadOnlyDatabase) -> None:
    expected = containing(db, "社区")
    result = browse_pages.run_search(db, SearchForm(q="社区"))
    assert result.error is None and result.total == len(expected) >= 3
    assert {h.id for h in result.hits} == {r[0] for r in expected}
    outlets = {v.label: v.count for v in result.facets[0].values}
    wanted: dict[str, int] = {}
    for _, outlet, _, _ in expected:
        label = outlet or browse_pages.UNKNOWN_OUTLET
        wanted[label] = wanted.get(label, 0) + 1
    assert outlets == wanted
    years = {v.value: v.count for v in result.facets[1].values}
    assert sum(years.values()) == sum(1 for r in expected if r[2])
    authors = {v.value: v.count for v in result.facets[2].values}
    assert all(authors[name] == sum(name in json.loads(r[3] or "[]") for r in expected) for name in authors)


def test_search_marks_matches_in_titles_and_snippets(db: ReadOnlyDatabase) -> None:
    result = browse_pages.run_search(db, SearchForm(q="锦旗"))
    assert result.hits
    for hit in result.hits:
        marked = [text for text, hit_ in hit.snippet + hit.title if hit_]
        assert marked and all(fold_script(t) == "锦旗" for t in marked)
    # a traditional-script query finds and marks the same words
    again = browse_pages.run_search(db, SearchForm(q="錦旗"))
    assert [h.id for h in again.hits] == [h.id for h in result.hits]


def test_facet_filters_narrow_the_matches(db: ReadOnlyDatabase) -> None:
    everything = browse_pages.run_search(db, SearchForm())
    assert (
        everything.order == "newest"
        and everything.total == db.execute("select count(*) from articles").fetchone()[0]
    )
    for facet in everything.facets:
        for value in facet.values:
            if not value.value:
                continue
            form = (
                SearchForm(date_from=value.value, date_to=value.value)
                if facet.name == "year"
                else SearchForm(**{facet.name: value.value})
            )
            narrowed = browse_pages.run_search(db, form)
            assert narrowed.total == value.count, (facet.name, value.value)
            selected = [v for f in narrowed.facets if f.name == facet.name for v in f.values if v.selected]
            assert [v.value for v in selected] == [value.value]


def test_paging(db: ReadOnlyDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse_pages, "PER_PAGE", 4)
    total = db.execute("select count(*) from articles").fetchone()[0]
    seen = []
    for page in range(1, 5):
        form = SearchForm(page=page)
        result = browse_pages.run_search(db, form)
        seen += [h.id for h in result.hits]
        assert result.has_next(form) is (page * 4 < total)
    assert len(seen) == len(set(seen)) == total
    undated = db.execute("select id from articles where published_at is null").fetchall()
    assert [(seen[-1],)] == undated  # newest first, the undated article last


def test_bad_queries_and_dates_say_why(db: ReadOnlyDatabase) -> None:
    error = browse_pages.run_search(db, SearchForm(q='"锦旗')).error
    assert error == 'Bad query: unbalanced quote " in the query: close the phrase'
    error = browse_pages.run_search(db, SearchForm(date_from="2020-13")).error
    assert error and error.startswith("Bad date: from 2020-13: no such date")
    assert browse_pages.chart_data(db, SearchForm(date_from="2021", date_to="2020")).error


def test_form_round_trips_through_its_url_arguments() -> None:
    form = SearchForm.from_args(
        {"q": " 锦旗 ", "outlet": "映象网", "from": "2020", "to": "2020", "page": "3"}
    )
    assert form == SearchForm("锦旗", "映象网", "", "2020", "2020", 3)
    assert SearchForm.from_args(form.args()) == form
    assert form.args(page=1, outlet="") == {"q": "锦旗", "from": "2020", "to": "2020"}
    assert SearchForm.from_args({"page": "-1"}).page == SearchForm.from_args({"page": "x"}).page == 1


def test_the_sql_link_runs_the_same_search(db: ReadOnlyDatabase, corpus: Path) -> None:
    """search_sql, run with the plugin's functions, lists the page's articles."""
    from newsclean.db.datasette_plugins import cjk_search

    form = SearchForm(q="社区", outlet="映象网")
    sql, params = browse_pages.search_sql(form)
    conn = sqlite3.connect(corpus)
    cjk_search.prepare_connection(conn)
    rows = conn.execute(sql, params).fetchall()
    conn.close()
    page = browse_pages.run_search(db, form)
    assert sorted(r[0] for r in rows) == sorted(h.id for h in page.hits) and rows


# ---------------------------------------------------------------- stories


def test_story_pages(db: ReadOnlyDatabase) -> None:
    rows, total = browse_pages.story_list(db, 2, 1)
    with_copies = db.execute("select count(*) from stories where copies >= 2").fetchone()[0]
    assert total == len(rows) == with_copies >= 1
    story = rows[0]
    info, copies = browse_pages.story_page(db, story.id) or ({}, [])
    assert info["copies"] == story.copies == len(copies) and copies[0].first
    assert sorted(set(story.outlets)) == sorted({c.outlet for c in copies})
    assert browse_pages.story_of_article(db, copies[-1].copy.id) == {"id": story.id, "copies": story.copies}
    assert browse_pages.story_page(db, 10**12) is None
    _, every = browse_pages.story_list(db, 1, 1)
    assert every == db.execute("select count(*) from stories").fetchone()[0]


# ---------------------------------------------------------------- chart


@pytest.mark.parametrize(
    "first, last, unit",
    [
        ("2020-01-01", "2020-06-30", "week"),  # 181 days
        ("2020-01-01", "2020-07-02", "month"),
        ("2015-01-01", "2020-12-31", "month"),  # six years
        ("1996-01-01", "2025-06-01", "year"),
    ],
)
def test_the_chart_bin_follows_the_range(first: str, last: str, unit: str) -> None:
    assert browse_pages.choose_unit(dt.date.fromisoformat(first), dt.date.fromisoformat(last)) == unit


def test_bins() -> None:
    day = dt.date(2020, 3, 19)  # a Thursday
    assert browse_pages.bin_start(day, "week") == dt.date(2020, 3, 16)
    assert browse_pages.bin_range(dt.date(2020, 3, 16), "week") == ("2020-03-16", "2020-03-22")
    assert browse_pages.bin_range(dt.date(2020, 3, 1), "month") == ("2020-03", "2020-03")
    assert browse_pages.next_bin(dt.date(2020, 12, 1), "month") == dt.date(2021, 1, 1)
    assert browse_pages.next_bin(dt.date(2020, 1, 1), "year") == dt.date(2021, 1, 1)
    assert browse_pages.count_ticks(0) == [0, 1]
    assert browse_pages.count_ticks(17) == [0, 5, 10, 15, 20]


def test_the_chart_stacks_the_largest_outlets(db: ReadOnlyDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse_pages, "CHART_OUTLETS", 2)
    chart = browse_pages.chart_data(db, SearchForm())
    dated = db.execute("select count(*) from articles where published_at is not null").fetchone()[0]
    assert sum(v["articles"] for v in chart.values) == dated and chart.undated == 1
    assert chart.unit == "year" and chart.bins == [str(y) for y in range(2018, 2026)]
    assert chart.outlets == ["中国新闻网", "映象网", browse_pages.OTHER_OUTLETS]
    for value in chart.values:  # a bar opens the search for its year and outlet (all: the others)
        args = value["args"]
        assert (args["from"], args["to"]) == (value["bin"], value["bin"])
        found = browse_pages.run_search(db, SearchForm.from_args(args)).total
        if value["outlet"] == browse_pages.OTHER_OUTLETS:
            assert "outlet" not in args and found == sum(
                v["articles"] for v in chart.values if v["bin"] == value["bin"]
            )
        else:
            assert args["outlet"] == value["outlet"] and found == value["articles"]
    narrow = browse_pages.chart_data(db, SearchForm(date_from="2020-02", date_to="2020-07"))
    in_range = db.execute(
        "select count(*) from articles where published_at between '2020-02' and '2020-08'"
    ).fetchone()[0]
    assert narrow.unit == "week" and sum(v["articles"] for v in narrow.values) == in_range


def test_the_chart_spec_is_safe_in_a_script() -> None:
    pytest.importorskip("datasette")
    from newsclean.db.datasette_plugins import chart

    hostile = browse_pages.Chart("year", ["2020"], ["</script><b>"], [], 0)
    text = chart.spec_json(browse_pages.chart_spec(hostile))
    assert (
        "<" not in text
        and "&" not in text
        and json.loads(text)["encoding"]["color"]["scale"]["domain"] == ["</script><b>"]
    )


# ---------------------------------------------------------------- in Datasette


def test_the_pages_in_datasette(corpus: Path) -> None:
    pytest.importorskip("datasette")
    from test_browse_security import served

    search, story, chart, missing, article = served(
        corpus,
        [
            "/news/-/search?q=" + "社区",
            "/news/-/stories",
            "/news/-/chart",
            "/news/-/stories/999999",
            "/news/articles/1",
        ],
    )
    assert search.status_code == story.status_code == chart.status_code == article.status_code == 200
    assert missing.status_code == 404
    assert "<mark>社区</mark>" in search.text and 'rel="next"' not in search.text
    assert re.search(r'<a href="/news\?sql=select\+', search.text)  # the SQL: one link away
    assert "cjk_match" not in re.sub(r'href="[^"]*"', "", search.text)  # not shown
    assert 'class="story-link" href="/news/-/stories/' in story.text and 'rel="prev"' not in story.text
    assert "vegaEmbed" in chart.text
    assert 'class="story-link" href="/news/-/stories/' in article.text


def test_a_facet_that_takes_too_long_is_left_uncounted(
    db: ReadOnlyDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browse_pages, "FACET_SECONDS", -1.0)  # every facet is past its time
    result = browse_pages.run_search(db, SearchForm(q="社区"))
    assert result.hits and [(f.values, f.timed_out) for f in result.facets] == [([], True)] * 3
    assert db.execute("select count(*) from articles").fetchone()[0]  # the connection still works


def test_the_stories_pages_page(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("datasette")
    from test_browse_security import served

    monkeypatch.setattr(browse_pages, "STORIES_PER_PAGE", 5)
    conn = sqlite3.connect(corpus)
    every = conn.execute("select count(*) from stories").fetchone()[0]
    conn.close()
    assert every > 10
    paths = [f"/news/-/stories?min=1&page={n}" for n in (1, 2, (every + 4) // 5)]
    first, second, last, huge = served(corpus, [*paths, "/news/-/stories?min=" + "9" * 30])
    assert huge.status_code == 200 and "No story has 1000000 or more copies" in huge.text
    assert first.text.count('class="story-link"') == 5 and 'rel="prev"' not in first.text
    assert 'href="/news/-/stories?min=1&amp;page=2"' in first.text
    assert 'rel="prev"' in second.text and 'rel="next"' in second.text
    assert (
        last.text.count('class="story-link"') == every - 5 * ((every - 1) // 5)
        and 'rel="next"' not in last.text
    )
