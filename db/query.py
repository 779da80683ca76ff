"""Reading the corpus: open a database, show one article, stream exports, compute stats."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from newsclean.db import search, store, stories, values
from newsclean.db.filters import Filters, filter_sql
from newsclean.extract.record import ARTICLE_FIELDS, LIST_FIELDS

# Column order of exports (and of `show --format json`): the article record, then bookkeeping.
EXPORT_COLUMNS = ("id", "key", *(spec.name for spec in ARTICLE_FIELDS), "extracted_at")
CSV_LIST_SEPARATOR = "; "
# A CSV cell starting with one of these is a formula to a spreadsheet (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The largest SQLite integer: a longer number given to `show` is no id.
MAX_ID = 2**63 - 1


def open_existing(path: str | Path) -> store.Queryable:
    """Open an existing newsclean database read-only (raises store.StoreError with a message)."""
    return store.open_readonly(path)


def index_notes(
    db: store.Queryable, path: str | Path, with_stories: bool = False, with_search: bool = True
) -> list[str]:
    """Notes on a search index (unless `with_search` is false) and with `with_stories`, a
    story index, that lags behind the articles; raises store.StoreError when one is missing.

    The query commands open the database read-only: they cannot bring an index up to date,
    and copying the whole database into memory to do it on every query costs its size in
    RAM. A lagging index is searched as it is, with a note pointing to `reindex`.
    """
    reindex = f"newsclean reindex --db {path}"
    indexes = [("search", search.index_exists, search.pending_count)] if with_search else []
    if with_stories:
        indexes.append(("story", stories.index_exists, stories.pending_count))
    notes = []
    for name, exists, pending_count in indexes:
        try:
            pending = pending_count(db) if exists(db) else None
        except sqlite3.OperationalError:  # an index from an older layout
            pending = None
        if pending is None:
            raise store.StoreError(f"{path} has no {name} index: build it with `{reindex}`")
        if pending:
            notes.append(
                f"{pending:,} article changes are not in the {name} index yet "
                f"(written outside newsclean): results may miss them; `{reindex}` adds them"
            )
    return notes


def iter_dicts(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """The cursor's rows as dicts, one at a time."""
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def to_record(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as a record: list columns decoded, body as a list of paragraphs."""
    rec = {c: row.get(c) for c in EXPORT_COLUMNS}
    for name in LIST_FIELDS:
        rec[name] = values.stored_list(row.get(name))
    rec["body"] = rec["body"].split("\n") if rec["body"] else []
    return rec


# ---------------------------------------------------------------- show


def collapsed_hits(
    db: store.Queryable, fetch: Callable[[int, int], list[dict[str, Any]]], limit: int, offset: int
) -> list[dict[str, Any]]:
    """The best hit of each story, from the `offset`-th story on, at most `limit`.

    `fetch(limit, offset)` gives a page of hits, best first; pages of search.RANK_WINDOW are
    read until more than `offset + limit` stories are found or the matches run out, so
    stories past the first window are found too. Each hit gets its rank among the stories
    and `stories`, the stories among the hits read (`stories_exact`: among all the matches).
    """
    readable = db  # a lagging story index is read as it is (see index_notes)
    every: list[dict[str, Any]] = []
    seen: set[int] = set()
    start, done = 0, False
    while not done and len(every) <= offset + limit:
        page = fetch(search.RANK_WINDOW, start)
        start += search.RANK_WINDOW  # a page may hold fewer: rows deleted since indexing
        done = not page or (page[-1]["rank"] >= page[-1]["total"] and page[-1].get("total_exact", True))
        fresh = [hit for hit in stories.collapse(readable, page, len(page)) if hit["story_id"] not in seen]
        seen.update(hit["story_id"] for hit in fresh)
        every.extend(fresh)
    hits = every[offset : offset + limit]
    for rank, hit in enumerate(hits, offset + 1):
        hit.update(rank=rank, stories=len(every), stories_exact=done)
    return hits


def is_tracking(param: str) -> bool:
    """True for a query parameter that tracks the reader, not names the page: spm, wfr,
    utm_*, for=pc (a `key=value` piece of a query string)."""
    key, _, value = param.partition("=")
    return key in ("spm", "wfr") or key.startswith("utm_") or (key == "for" and value == "pc")


def without_tracking(url: str) -> str:
    """The URL without tracking parameters and fragment (`…/1.html?spm=a.b&id=3#top` ->
    `…/1.html?id=3`); the other parameters are kept as written."""
    base, _, query = url.partition("#")[0].partition("?")
    kept = [p for p in query.split("&") if p and not is_tracking(p)]
    return base + ("?" + "&".join(kept) if kept else "")


def get_article(db: store.Queryable, ref: str) -> dict[str, Any] | None:
    """The article with this id, key or url (also once its tracking parameters are removed),
    as a record; None when there is none."""
    clean = without_tracking(ref)
    sql = "select * from articles where key in (?, ?) or url in (?, ?)"
    params: list[Any] = [ref, clean, ref, clean]
    if re.fullmatch(r"[0-9]{1,19}", ref) and int(ref) <= MAX_ID:
        sql += " or id = ?"
        params.append(int(ref))
    row = next(iter_dicts(db.execute(sql + " order by key = ? desc limit 1", [*params, ref])), None)
    return to_record(row) if row else None


def _date_label(value: str | None) -> str:
    """2020-03-19T17:00:58+08:00 -> 2020-03-19 17:00:58 (+08:00); None -> 'date unknown'."""
    if not value:
        return "date unknown"
    if "T" not in value:
        return value
    date, time = value.split("T", 1)
    for sign in ("+", "-", "Z"):
        if sign in time:
            clock, zone = time.split(sign, 1)
            return f"{date} {clock} ({sign}{zone})" if sign != "Z" else f"{date} {clock} (UTC)"
    return f"{date} {time}"


def format_article(rec: dict[str, Any]) -> str:
    """The article as a reader reads it: title, meta lines, then the body paragraphs."""
    site = rec.get("outlet") or rec["site_name"] or rec["site"]
    meta = [
        f"{site} · {_date_label(rec['published_at'])}"
        + (f" · source: {rec['source']}" if rec["source"] else "")
    ]
    people = [
        (label, ", ".join(rec[name]))
        for label, name in (("authors", "authors"), ("correspondents", "correspondents"))
        if rec[name]
    ]
    if rec["editor"]:
        people.append(("editor", rec["editor"]))
    if people:
        meta.append(" · ".join(f"{label}: {value}" for label, value in people))
    if rec["section"] or rec["keywords"]:
        meta.append(
            " · ".join(
                x
                for x in (
                    f"section: {rec['section']}" if rec["section"] else "",
                    f"keywords: {', '.join(rec['keywords'])}" if rec["keywords"] else "",
                )
                if x
            )
        )
    meta.append(rec["url"] or f"key: {rec['key']}")
    lines = [rec["title"], "=" * min(40, 2 * len(rec["title"])), *meta, ""]
    for paragraph in rec["body"]:
        lines += [paragraph, ""]
    if rec["warnings"]:
        lines.append("warnings: " + "; ".join(rec["warnings"]))
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- export


def iter_records(
    db: store.Queryable, filters: Filters = Filters(), query: str | None = None
) -> Iterator[dict[str, Any]]:
    """Selected articles (all matches of the query, if any) as records, streamed in id order,
    each with its story_id (None for an article written by plain SQL since the last write)."""
    if query:
        rows: Iterable[dict[str, Any]] = search.iter_matches(db, query, filters, columns=EXPORT_COLUMNS)
    else:
        where, params = filter_sql(filters, "a")
        rows = iter_dicts(db.execute(f"select * from articles a where {where} order by a.id", params))
    for row in rows:
        yield {**to_record(row), "story_id": stories.story_id_of(db, row["id"])}


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """One JSON object per line (lists as arrays); return the count."""
    count = 0
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        count += 1
    return count


def formula_safe(value: Any) -> Any:
    """A cell a spreadsheet shows as text: text starting with = + - @ tab or carriage return
    (a formula to Excel, LibreOffice and Sheets: `=HYPERLINK(...)`) gets a leading `'`."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_value(name: str, value: Any, *, exact: bool = False) -> Any:
    """A record value as a CSV cell: lists joined with '; ', body paragraphs with newlines;
    made formula-safe unless `exact`."""
    if name == "body":
        value = "\n".join(value)
    elif isinstance(value, list):
        value = CSV_LIST_SEPARATOR.join(value)
    return value if exact else formula_safe(value)


def write_csv(records: Iterable[dict[str, Any]], out: TextIO, *, exact: bool = False) -> int:
    """A header row, then one row per record (cells formula-safe unless `exact`); return the count."""
    writer = csv.writer(out)
    columns = (*EXPORT_COLUMNS, "story_id")
    writer.writerow(columns)
    count = 0
    for rec in records:
        writer.writerow([csv_value(c, rec.get(c), exact=exact) for c in columns])
        count += 1
    return count


# ---------------------------------------------------------------- stats


def _pairs(db: store.Queryable, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of a small aggregate query."""
    return [tuple(r) for r in db.execute(sql, list(params)).fetchall()]


def stats(db: store.Queryable, top: int = 10) -> dict[str, Any]:
    """Counts per site and per month, top sources and authors, records with warnings.

    Each figure is read from an index (see search.QUERY_INDEXES) rather than the table, so
    it takes about a second at 1,000,000 articles: one pass over (site, published_at) gives
    the total, the undated, the sites and the months.
    """
    per_site: dict[Any, list[Any]] = {}
    months: dict[str, int] = {}
    without_date = 0
    for site, month, count, first, last in db.execute(
        "select site, substr(published_at, 1, 7), count(*), min(published_at), "
        "max(published_at) from articles group by site, substr(published_at, 1, 7)"
    ):
        entry = per_site.setdefault(site, [0, None, None])
        entry[0] += count
        entry[1] = first if entry[1] is None or (first and first < entry[1]) else entry[1]
        entry[2] = last if entry[2] is None or (last and last > entry[2]) else entry[2]
        months[month or "unknown"] = months.get(month or "unknown", 0) + count
        without_date += count if month is None else 0
    outlets = _pairs(
        db,
        "select outlet, group_concat(distinct site), count(*), substr(min(published_at), 1, 10), "
        "substr(max(published_at), 1, 10) from articles "
        "group by outlet order by count(*) desc, outlet limit ?",
        [top],
    )
    sites = []
    for site, (count, first, last) in per_site.items():
        name = db.execute("select max(site_name) from articles where site is ?", [site]).fetchone()[0]
        sites.append((site, name or "", count, (first or "")[:10], (last or "")[:10]))
    sites.sort(key=lambda r: (-r[2], r[0] is not None, r[0] or ""))
    return {
        "articles": sum(n for _, _, n, _, _ in sites),
        "with_warnings": db.execute(
            "select count(*) from articles where warnings is not null and warnings not in ('', '[]')"
        ).fetchone()[0],
        "without_date": without_date,
        "sites": sites,
        "outlets": outlets,
        "months": sorted(months.items()),
        "sources": _pairs(
            db,
            "select source, count(*) from articles where source is not null "
            "group by source order by count(*) desc, source limit ?",
            [top],
        ),
        # group the (few) distinct author lists first, from the index, then split them
        "authors": _pairs(
            db,
            "select j.value, sum(n) from (select authors, count(*) n "
            "from articles where json_valid(authors) group by authors) g, json_each(g.authors) j "
            "group by j.value order by sum(n) desc, j.value limit ?",
            [top],
        ),
    }
