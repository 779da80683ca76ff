"""The data behind browse's pages for journalists: search with facets, stories, the chart.

datasette_plugins/pages.py calls these on Datasette's read-only connection and renders
templates/newsclean_*.html with what they return; nothing here imports Datasette. Search
matches as the `search` command does (db/search.py: find), and the facet counts are counted
over every match under the same filters.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from newsclean.db import search, store, stories
from newsclean.db.filters import FilterError, Filters, filter_sql, validate
from newsclean.db.values import stored_list

PER_PAGE = 20  # search results on a page
STORIES_PER_PAGE = 50
FACET_SIZE = 10  # values shown per facet (years: all of them, up to YEARS_SHOWN)
YEARS_SHOWN = 40
SNIPPET_CHARS = 120
MAX_PAGE = 10_000  # a page number past this is read as this one
# Seconds one facet may take to count (a word in most of a million articles); past it the
# facet says it was not counted, as Datasette's facets do (its facet_time_limit_ms).
FACET_SECONDS = 1.0
CHART_OUTLETS = 6  # the chart stacks this many outlets; the others share one band
OTHER_OUTLETS = "other outlets"
UNKNOWN_OUTLET = "(outlet unknown)"
# Ranges up to these spans (in days) are drawn by week, then by month; longer ones by year.
WEEKS_UP_TO, MONTHS_UP_TO = 26 * 7, 6 * 366
# Put around matches by the snippet maker, then split into segments (never reaches HTML).
MARK = ("\x02", "\x03")
_MARKED = re.compile("\x02(.*?)\x03", re.DOTALL)
_DAY = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
NO_SEARCH_INDEX = "This database has no search index: run `newsclean reindex` on a writable copy."
NO_STORY_INDEX = "This database has no story index: run `newsclean reindex` on a writable copy."
HIT_COLUMNS = ("id", "title", "outlet", "host", "published_at", "source", "authors", "body")

Segment = tuple[str, bool]  # a piece of text, and whether it matched the query
Source = Callable[[str], tuple[str, list[Any]]]  # `select WHAT from <the matches>`, parameters


@dataclass(frozen=True)
class SearchForm:
    """What the search and chart pages were asked for (their URL parameters)."""

    q: str = ""
    outlet: str = ""
    author: str = ""
    date_from: str = ""
    date_to: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> SearchForm:
        """The form from URL parameters q, outlet, author, from, to and page."""
        page = (args.get("page") or "1").strip()
        return cls(
            q=(args.get("q") or "").strip(),
            outlet=(args.get("outlet") or "").strip(),
            author=(args.get("author") or "").strip(),
            date_from=(args.get("from") or "").strip(),
            date_to=(args.get("to") or "").strip(),
            page=min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1,
        )

    def args(self, **changes: Any) -> dict[str, str]:
        """The URL parameters of this form with `changes` (empty ones and page 1 left out)."""
        form = replace(self, **changes)
        pairs = {
            "q": form.q,
            "outlet": form.outlet,
            "author": form.author,
            "from": form.date_from,
            "to": form.date_to,
            "page": str(form.page) if form.page > 1 else "",
        }
        return {k: v for k, v in pairs.items() if v}

    def filters(self) -> Filters:
        """The row filters of the form."""
        return Filters(
            date_from=self.date_from or None,
            date_to=self.date_to or None,
            author=self.author or None,
            outlet=self.outlet or None,
        )


@dataclass
class FacetValue:
    """One value of a facet: the filter it sets, what is shown and how many match."""

    value: str  # '' for articles without an outlet: shown, not a filter
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    """Counts of the matches by one field; `name` is the form field a value sets."""

    name: str
    title: str
    values: list[FacetValue]
    timed_out: bool = False  # not counted within FACET_SECONDS


@dataclass
class Hit:
    """One search result as the page shows it."""

    id: int
    title: list[Segment]
    outlet: str
    date: str
    authors: list[str]
    snippet: list[Segment]


@dataclass
class SearchResult:
    """One page of results, the facets of all matches, or the error that stopped the search."""

    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    exact: bool = True  # False: more than `total` matched (counting stopped)
    order: str = "newest"  # "relevance", "title" (one character: title matches first), "newest"
    facets: list[Facet] = field(default_factory=list)
    error: str | None = None

    def has_next(self, form: SearchForm) -> bool:
        """True when there is a page after form.page."""
        return form.page * PER_PAGE < self.total or not self.exact


# ---------------------------------------------------------------- search


def segments(marked: str) -> list[Segment]:
    """Text with MARK-ed matches as (text, matched) pieces."""
    out: list[Segment] = []
    pos = 0
    for m in _MARKED.finditer(marked):
        if m.start() > pos:
            out.append((marked[pos : m.start()], False))
        out.append((m.group(1), True))
        pos = m.end()
    if pos < len(marked):
        out.append((marked[pos:], False))
    return out


def _unmarked(text: str | None) -> str:
    """Text without the characters MARK uses (so only real matches are highlighted)."""
    return (text or "").replace(MARK[0], "").replace(MARK[1], "")


def hit_of(row: Mapping[str, Any], pattern: re.Pattern[str] | None) -> Hit:
    """A result row as a Hit: title and snippet with their matches marked."""
    title = _unmarked(row["title"])
    snippet = search.make_snippet(_unmarked(row["body"]), pattern, SNIPPET_CHARS, MARK)
    return Hit(
        id=row["id"],
        title=segments(search.mark_matches(title, pattern, MARK) if pattern else title),
        outlet=row["outlet"] or row["host"] or "",
        date=(row["published_at"] or "")[:10],
        authors=stored_list(row["authors"]),
        snippet=segments(snippet),
    )


def match_source(db: store.Queryable, parsed: search.ParsedQuery | None, filters: Filters) -> Source:
    """`select WHAT` over the articles matching the query (every article when None) under the
    filters, the article aliased `a`."""
    where, params = filter_sql(filters, "a")
    if parsed is None:
        return lambda what: (f"select {what} from articles a where {where}", params)
    plan = search.make_plan(db, parsed, filters)
    return search.Plan(plan.table, plan.expr, where, params).source


def newest_rows(db: store.Queryable, filters: Filters, offset: int) -> tuple[list[dict[str, Any]], int]:
    """One page of the articles under the filters, newest first, and how many there are."""
    where, params = filter_sql(filters, "a")
    cursor = db.execute(
        f"select {', '.join(HIT_COLUMNS)} from articles a where {where} "
        "order by a.published_at is null, a.published_at desc, a.id desc limit ? offset ?",
        [*params, PER_PAGE, offset],
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor]
    total = db.execute(f"select count(*) from articles a where {where}", params).fetchone()[0]
    return rows, int(total)


def _counts(db: store.Queryable, source: Source, what: str, order: str, limit: int) -> list[tuple[Any, int]]:
    """(value, matches) of the `what` expression over the matches, most first or by `order`."""
    sql, params = source(f"{what} as value")
    rows = db.execute(
        f"select value, count(*) as n from ({sql}) where value is not null "
        f"group by value order by {order} limit ?",
        [*params, limit],
    ).fetchall()
    return [(r[0], int(r[1])) for r in rows]


@contextlib.contextmanager
def time_limit(db: store.Queryable, seconds: float) -> Iterator[None]:
    """Interrupt what the connection runs inside after `seconds` (sqlite3.OperationalError)."""
    deadline = time.monotonic() + seconds
    db.conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 200)
    try:
        yield
    finally:
        db.conn.set_progress_handler(None, 1000)


def counted(db: store.Queryable, name: str, title: str, count: Callable[[], list[FacetValue]]) -> Facet:
    """The facet `count` makes, or an empty one marked timed_out past FACET_SECONDS."""
    try:
        with time_limit(db, FACET_SECONDS):
            return Facet(name, title, count())
    except sqlite3.OperationalError as exc:
        if "interrupted" not in str(exc):
            raise
        return Facet(name, title, [], timed_out=True)


def facets(db: store.Queryable, source: Source, form: SearchForm) -> list[Facet]:
    """Outlet, year and author counts over every match."""

    def outlets() -> list[FacetValue]:
        order = "value = '', n desc, value"
        return [
            FacetValue(value or "", value or UNKNOWN_OUTLET, n, bool(value) and value == form.outlet)
            for value, n in _counts(db, source, "coalesce(a.outlet, '')", order, FACET_SIZE)
        ]

    def years() -> list[FacetValue]:
        return [
            FacetValue(year, year, n, form.date_from == form.date_to == year)
            for year, n in _counts(db, source, "substr(a.published_at, 1, 4)", "value desc", YEARS_SHOWN)
            if year.isdigit()
        ]

    def authors() -> list[FacetValue]:
        sql, params = source("a.authors as authors")
        rows = db.execute(
            f"select j.value, count(*) as n from ({sql}) s, json_each(case when json_valid(s.authors) "
            "and json_type(s.authors) = 'array' then s.authors else '[]' end) j "
            "where j.type = 'text' group by j.value order by n desc, j.value limit ?",
            [*params, FACET_SIZE],
        ).fetchall()
        return [FacetValue(name, name, int(n), name == form.author) for name, n in rows]

    return [
        counted(db, "outlet", "Outlet", outlets),
        counted(db, "year", "Year", years),
        counted(db, "author", "Author", authors),
    ]


def checked_form(db: store.Queryable, form: SearchForm) -> tuple[search.ParsedQuery | None, str | None]:
    """The form's parsed query (None without words), or why it cannot be run: a bad query or
    date, or words on a database without a search index."""
    try:
        validate(form.filters())
        parsed = search.parse_query(form.q) if form.q else None
    except FilterError as exc:
        return None, "Bad date: " + str(exc).replace("--from", "from").replace("--to", "to")
    except search.QueryError as exc:
        return None, f"Bad query: {exc}"
    if parsed is not None:
        search.prepare(db)  # a writable connection brings the index up to date
        if not search.index_exists(db):
            return None, NO_SEARCH_INDEX
    return parsed, None


def run_search(db: store.Queryable, form: SearchForm) -> SearchResult:
    """One page of results for the form (relevance first with a query, else newest first)
    and the facets of all its matches; a bad query or date gives the error only."""
    parsed, problem = checked_form(db, form)
    if problem:
        return SearchResult(error=problem)
    filters = form.filters()
    offset = (form.page - 1) * PER_PAGE
    if parsed is None:
        rows, total = newest_rows(db, filters, offset)
        result = SearchResult([hit_of(r, None) for r in rows], total)
    else:
        try:
            page = search.find(db, form.q, filters, PER_PAGE, offset, HIT_COLUMNS)
        except search.QueryError as exc:  # the index cannot run it
            return SearchResult(error=f"Bad query: {exc}")
        pattern = search.needle_pattern(parsed.needles())
        order = "title" if page.order == "title" else "relevance"
        result = SearchResult([hit_of(r, pattern) for r in page.rows], page.total, page.exact, order)
    result.facets = facets(db, match_source(db, parsed, filters), form)
    return result


def search_sql(form: SearchForm) -> tuple[str, dict[str, str]]:
    """The page's result list as one SQL query with named parameters, for Datasette's SQL page
    (cjk_match and cjk_snippet are the plugin's functions)."""
    fts = search.FTS_TABLE
    conds, params = [], {}
    if form.q:
        conds.append(f"{fts} match cjk_match(:q)")
        params["q"] = form.q
    for name, value, cond in (
        ("outlet", form.outlet, "a.outlet = :outlet"),
        ("date_from", form.date_from, "a.published_at >= :date_from"),
        ("date_to", form.date_to, "a.published_at < :date_to || '~'"),
        ("author", form.author, "exists (select 1 from json_each(a.authors) where value = :author)"),
    ):
        if value:
            conds.append(cond)
            params[name] = value
    snippet = "cjk_snippet(a.body, :q)" if form.q else "substr(a.body, 1, 120)"
    source = f"{fts} join articles a on a.id = {fts}.rowid" if form.q else "articles a"
    order = f"{search.RANK_SQL}" if form.q else "a.published_at desc"
    sql = (
        f"select a.id, a.title, a.outlet, substr(a.published_at, 1, 10) as date, a.authors,\n"
        f"  {snippet} as snippet\nfrom {source}\n"
        + ("where " + "\n  and ".join(conds) + "\n" if conds else "")
        + f"order by {order}\nlimit {PER_PAGE} offset {(form.page - 1) * PER_PAGE}"
    )
    return sql, params


# ---------------------------------------------------------------- stories


@dataclass
class StoryRow:
    """One story of the list: its first copy's title, its copies and outlets, its dates."""

    id: int
    title: str
    copies: int
    outlets: list[str]
    first_seen: str
    last_seen: str


def _outlets_of(db: store.Queryable, story_ids: list[int]) -> dict[int, list[str]]:
    """The outlets (else hosts) of each story's copies, most copies first."""
    if not story_ids:
        return {}
    rows = db.execute(
        f"select m.story_id, coalesce(nullif(a.outlet, ''), nullif(a.host, ''), a.site) as o, count(*) "
        f"from {stories.MEMBERS_TABLE} m join articles a on a.id = m.article_id "
        f"where m.story_id in ({', '.join('?' * len(story_ids))}) "
        "group by m.story_id, o order by count(*) desc, o",
        story_ids,
    ).fetchall()
    found: dict[int, list[str]] = {}
    for sid, outlet, _n in rows:
        found.setdefault(sid, []).append(outlet)
    return found


def story_list(db: store.Queryable, min_copies: int, page: int) -> tuple[list[StoryRow], int]:
    """One page of the stories with at least `min_copies` copies, most copies first, and how
    many such stories there are (none without a story index)."""
    if not stories.index_exists(db):
        return [], 0
    where = f"from {stories.STORIES_TABLE} s join articles a on a.id = s.first_article_id where s.copies >= ?"
    rows = db.execute(
        f"select s.id, a.title, s.copies, s.first_seen, s.last_seen {where} "
        "order by s.copies desc, s.first_seen is null, s.first_seen, s.id limit ? offset ?",
        [min_copies, STORIES_PER_PAGE, (page - 1) * STORIES_PER_PAGE],
    ).fetchall()
    total = int(db.execute(f"select count(*) {where}", [min_copies]).fetchone()[0])
    outlets = _outlets_of(db, [r[0] for r in rows])
    return [
        StoryRow(sid, title, copies, outlets.get(sid, []), (first or "")[:10], (last or "")[:10])
        for sid, title, copies, first, last in rows
    ], total


@dataclass
class StoryCopy:
    """A copy on the story page: `stories show`'s Copy with its outlet."""

    copy: stories.Copy
    outlet: str
    first: bool


def story_page(db: store.Queryable, story_id: int) -> tuple[dict[str, Any], list[StoryCopy]] | None:
    """The story (by its id or a copy's) and its copies, first copy first; None if unknown."""
    if not stories.index_exists(db):
        return None
    found = stories.story_copies(db, story_id)
    if found is None:
        return None
    info, copies = found
    ids = [c.id for c in copies]
    outlets = dict(
        db.execute(
            "select id, coalesce(nullif(outlet, ''), nullif(host, ''), site) from articles "
            f"where id in ({', '.join('?' * len(ids))})",
            ids,
        ).fetchall()
    )
    return info, [StoryCopy(c, outlets.get(c.id, c.site), n == 0) for n, c in enumerate(copies)]


def story_of_article(db: store.Queryable, article_id: int) -> dict[str, int] | None:
    """{"id", "copies"} of the article's story, or None (no story index, or not indexed yet)."""
    try:
        row = db.execute(
            f"select s.id, s.copies from {stories.MEMBERS_TABLE} m join {stories.STORIES_TABLE} s "
            "on s.id = m.story_id where m.article_id = ?",
            [article_id],
        ).fetchone()
    except sqlite3.OperationalError:
        return None
    return {"id": int(row[0]), "copies": int(row[1])} if row else None


# ---------------------------------------------------------------- chart


@dataclass
class Chart:
    """Articles per time bin and outlet: the bins in order, the outlets stacked (largest
    first), one value per bin and outlet that has articles, and the articles left out."""

    unit: str  # "year", "month" or "week"
    bins: list[str]
    outlets: list[str]
    values: list[dict[str, Any]]  # bin, outlet, articles, args (the search page's filter)
    undated: int
    error: str | None = None

    @property
    def highest(self) -> int:
        """The most articles in one bin."""
        totals: dict[str, int] = {}
        for v in self.values:
            totals[v["bin"]] = totals.get(v["bin"], 0) + v["articles"]
        return max(totals.values(), default=0)


def choose_unit(first: dt.date, last: dt.date) -> str:
    """The bin for a range: week up to half a year, month up to six years, else year."""
    span = (last - first).days
    return "week" if span <= WEEKS_UP_TO else "month" if span <= MONTHS_UP_TO else "year"


def bin_start(day: dt.date, unit: str) -> dt.date:
    """The first day of the day's bin (weeks start on Monday)."""
    if unit == "year":
        return day.replace(month=1, day=1)
    if unit == "month":
        return day.replace(day=1)
    return day - dt.timedelta(days=day.weekday())


def next_bin(start: dt.date, unit: str) -> dt.date:
    """The first day of the bin after the one starting on `start`."""
    if unit == "year":
        return start.replace(year=start.year + 1)
    if unit == "month":
        return (start + dt.timedelta(days=32)).replace(day=1)
    return start + dt.timedelta(days=7)


def bin_label(start: dt.date, unit: str) -> str:
    """2020, 2020-03, or the Monday of the week (2020-03-16)."""
    return (
        str(start.year) if unit == "year" else start.isoformat()[:7] if unit == "month" else start.isoformat()
    )


def bin_range(start: dt.date, unit: str) -> tuple[str, str]:
    """The search page's from and to for the bin: 2020/2020, 2020-03/2020-03, or two days."""
    if unit == "week":
        return start.isoformat(), (start + dt.timedelta(days=6)).isoformat()
    label = bin_label(start, unit)
    return label, label


def _day_counts(db: store.Queryable, source: Source) -> tuple[list[tuple[dt.date, str, int]], int]:
    """(day, outlet, articles) of the matches with a day, and how many have none."""
    sql, params = source("substr(a.published_at, 1, 10) as day, coalesce(a.outlet, '') as outlet")
    dated, undated = [], 0
    for day, outlet, n in db.execute(
        f"select day, outlet, count(*) from ({sql}) group by day, outlet", params
    ).fetchall():
        try:
            dated.append((dt.date.fromisoformat(day), outlet, int(n)))
        except (TypeError, ValueError):  # no date, or not a real day
            undated += int(n)
    return dated, undated


def chart_data(db: store.Queryable, form: SearchForm) -> Chart:
    """The matches of the form per time bin, stacked by the CHART_OUTLETS largest outlets."""
    parsed, problem = checked_form(db, form)
    if problem:
        return Chart("year", [], [], [], 0, problem)
    dated, undated = _day_counts(db, match_source(db, parsed, form.filters()))
    if not dated:
        return Chart("year", [], [], [], undated)
    unit = choose_unit(min(d for d, _, _ in dated), max(d for d, _, _ in dated))
    sizes: dict[str, int] = {}
    for _, outlet, n in dated:
        sizes[outlet] = sizes.get(outlet, 0) + n
    ranked = sorted(sizes, key=lambda o: (-sizes[o], o))
    top = ranked[:CHART_OUTLETS] if len(ranked) > CHART_OUTLETS + 1 else ranked
    named = {o: o or UNKNOWN_OUTLET for o in top}
    cells: dict[tuple[dt.date, str], int] = {}
    for day, outlet, n in dated:
        key = (bin_start(day, unit), named.get(outlet, OTHER_OUTLETS))
        cells[key] = cells.get(key, 0) + n
    outlets = [named[o] for o in top] + ([OTHER_OUTLETS] if len(top) < len(ranked) else [])
    by_label = {v: k for k, v in named.items()}
    values = []
    for (start, outlet), n in sorted(cells.items(), key=lambda c: (c[0][0], outlets.index(c[0][1]))):
        date_from, date_to = bin_range(start, unit)
        outlet_value = by_label.get(outlet, "")
        args = form.args(date_from=date_from, date_to=date_to, outlet=outlet_value or form.outlet, page=1)
        values.append({"bin": bin_label(start, unit), "outlet": outlet, "articles": n, "args": args})
    first, last = min(s for s, _ in cells), max(s for s, _ in cells)
    bins = []
    while first <= last:
        bins.append(bin_label(first, unit))
        first = next_bin(first, unit)
    return Chart(unit, bins, outlets, values, undated)


def count_ticks(highest: int, most: int = 8) -> list[int]:
    """Whole-number axis ticks from 0 to at least `highest`, at most about `most` of them."""
    step = 1
    while highest / step > most:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2  # 1, 2, 5, 10, 20, ...
    return list(range(0, highest + step, step)) if highest else [0, 1]


def chart_spec(chart: Chart) -> dict[str, Any]:
    """A stacked bar chart: the bins on x (empty ones kept), one colour an outlet, the largest
    outlet at the bottom; each bar's `href` is the search page filtered to it."""
    ticks = count_ticks(chart.highest)
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": f"Articles per {chart.unit}, by outlet",
        "width": "container",
        "height": 320,
        "data": {"values": [{**v, "order": chart.outlets.index(v["outlet"])} for v in chart.values]},
        "mark": {"type": "bar", "tooltip": True, "cursor": "pointer"},
        "encoding": {
            "x": {
                "field": "bin",
                "type": "ordinal",
                "title": chart.unit,
                "scale": {"domain": chart.bins},
                "axis": {"labelAngle": 0 if len(chart.bins) <= 16 else -45},
            },
            "y": {
                "field": "articles",
                "type": "quantitative",
                "stack": "zero",
                "title": "articles",
                "axis": {"values": ticks, "format": "d"},
                "scale": {"domain": [0, ticks[-1]]},
            },
            "color": {
                "field": "outlet",
                "type": "nominal",
                "title": "outlet",
                "scale": {"domain": chart.outlets},
            },
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [
                {"field": "bin", "title": chart.unit},
                {"field": "outlet"},
                {"field": "articles", "type": "quantitative"},
            ],
        },
    }
