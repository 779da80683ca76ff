"""Chinese-aware full-text search: a bigram FTS5 index over articles, kept in sync on every write.

Scheme (chosen by measuring; bench/search_bench.py, figures in the README):

* `articles_fts` (FTS5, unicode61): each run of CJK characters becomes its overlapping
  bigrams followed by its last character: 疫情防控 -> `疫情 情防 防控 控`; a 1-character run
  stays a unigram. Latin words and numbers are left to unicode61 (case-folded whole tokens).
  Punctuation ends a run, so no bigram spans a comma.
* A 2-character word is one token (`"疫情"`); a longer word is the phrase of its bigrams
  (`"志愿 愿者"`), which matches exactly where the word occurs inside one run, so recall and
  precision against "the text contains the word" are both 1.0 (tested). The run-final
  unigram stops phrases from matching across a punctuation break and lets a 1-character
  term inside a longer query match as the prefix query `"疫"*` (every `疫X` bigram plus the
  run-final `疫`).
* `articles_fts_chars` (FTS5, detail='column'): the distinct CJK characters of the title and
  of the body. Queries made only of single characters use it: a prefix query over the
  bigram index merges hundreds of doclists (median 215 ms at 100,000 articles). They are
  ranked by place: articles with a query character in the title first, then the others,
  each newest first (bm25 needs positions, which this index does not keep).
* Both tables have a third column, `tags`, holding the filter values as tokens that no
  query can produce (a private-use character, U+E000, leads each): the site, and the
  publication decade, year, month and day. A --site / --from / --to filter becomes part of
  the MATCH expression, so FTS5 intersects doclists instead of joining every match to
  `articles` (a word in 99% of articles filtered by site + year: 154 ms at 100,000 articles
  before). Filters that tags cannot express exactly (author, source, or dates that are not
  YYYY-MM-DD in 1900-2099) are also applied in SQL on the joined article row.
* Counting stops past COUNT_LIMIT matches (or the end of the page asked for): the result
  then says "more than N" (Page.exact is False), and exact_count=True counts them all.
  Counting a whole doclist costs its length (a word in 99% of 1,000,000 articles: ~1 M
  entries), and a page never needs it.
* Ranking is bm25 (title weight 5, body 1) over every match when there are at most
  RANK_LIMIT of them; otherwise over the RANK_LIMIT most recently stored matches, and the
  rest follow newest first. The result always says how many were ranked, and every match
  can be paged through (offset). bm25 is computed here (bm25_scores), with FTS5's formula,
  on the ranked matches only: FTS5's bm25() counts the documents of every phrase in the
  MATCH, filter tags included, before its first row, which costs more than the whole
  search at 1,000,000 articles. Term frequencies are counted in the articles' text, lengths
  come from the index, and a term's document frequency is counted up to IDF_SAMPLE and
  estimated past it.
* Rejected: trigram (cannot match 1- or 2-character words such as 疫情, 锦旗; index 2.5x
  the text); jieba (0.95x, but finds only 28-82% of the articles containing a 2-4 character
  string that its dictionary splits differently, e.g. names or 战疫, and builds 6x slower).
  Bigrams match any substring, so 海南 also matches 上海南路, as Lucene's CJK analyzer does.

Both FTS tables are contentless (rowid = articles.id; the text lives in `articles`). A
contentless row can only be removed by passing the exact indexed text, so SQL triggers copy
the *old* title/body of changed or deleted articles into `articles_fts_pending`; `sync()`
(run by the store after every write, SEARCH being one of its derived indexes, and before
every search) replays them, which also catches writers that bypass upsert_article.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import math
import operator
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from newsclean.db import store
from newsclean.db.filters import Filters, filter_sql
from newsclean.db.values import stored_list
from newsclean.extract.text import fold_script, lazy_pattern

FTS_TABLE = "articles_fts"
CHARS_TABLE = "articles_fts_chars"
PENDING_TABLE = "articles_fts_pending"
# bm25 is computed for at most this many matches (the most recently stored ones when there
# are more): each ranked match is read from `articles` (see bench/README.md).
RANK_LIMIT = 500
RANK_WINDOW = RANK_LIMIT  # the name db/browse.py uses
# A search counts at most this many matches (more on a later page) and then says "more
# than"; find(exact_count=True) counts them all.
COUNT_LIMIT = 10_000
MAX_QUERY_CHARS = 1_000  # the longest query searched (a news headline is under 100)
# A term's document frequency (for bm25's idf) is counted up to this many, estimated past it.
IDF_SAMPLE = 1000
# bm25's parameters, the values FTS5's bm25() uses.
BM25_K1, BM25_B = 1.2, 0.75
# reindex prepares token text in a worker process from this many articles on.
PARALLEL_FROM = 20_000
# bm25 column weights (title, body, tags): a hit in the title counts as five in the body.
TITLE_WEIGHT, BODY_WEIGHT = 5.0, 1.0
RANK_SQL = f"bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT}, 0.0)"
# The columns a user's query searches (never `tags`).
TEXT_COLUMNS = "{title body}"
# Leads every tag token: a private-use character, which unicode61 keeps inside a token but
# no query term contains (query words are split on everything that is not a letter/digit).
TAG = "\ue000"

# Han (with extensions and compatibility ideographs), 〇, kana and hangul syllables.
CJK_CHARS = "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
# Pieces of a query term: a CJK run, or a word that unicode61 keeps as one token. The query
# patterns are compiled on first use: a class of CJK_CHARS takes ~1.5 ms to compile, and the
# writers (`clean`, which imports this module for the index) read no query (issue 23).
_PIECE = lazy_pattern(f"[{CJK_CHARS}]+|[^\\W_{CJK_CHARS}]+")
_IS_CJK = lazy_pattern(f"[{CJK_CHARS}]")

_OLD = "old.id, old.title, old.body, old.site, old.published_at, 1"


def queue_schema(queue: str, trigger: str, temp: bool = False) -> list[str]:
    """The table queuing article changes for the index, and the triggers filling it (TEMP
    ones on the main database's articles for an index built aside: see built_aside)."""
    kind, articles = ("temp ", "main.articles") if temp else ("", "articles")
    return [
        f"create {kind}table if not exists {queue} (id integer primary key, title text, "
        "body text, site text, published_at text, indexed integer not null)",
        # A new row is not indexed yet; OR IGNORE keeps an older pending entry for the same id.
        f"create {kind}trigger if not exists {trigger}_ai after insert on {articles} begin "
        f"insert or ignore into {queue}(id, indexed) values (new.id, 0); end",
        f"create {kind}trigger if not exists {trigger}_au after update of title, body, site, "
        f"published_at on {articles} when old.title is not new.title or old.body is not new.body "
        "or old.site is not new.site or old.published_at is not new.published_at begin "
        f"insert or ignore into {queue} values ({_OLD}); end",
        f"create {kind}trigger if not exists {trigger}_ad after delete on {articles} begin "
        f"insert or ignore into {queue} values ({_OLD}); end",
    ]


FTS_SCHEMA = [
    f"create virtual table if not exists {FTS_TABLE} using fts5("
    "title, body, tags, content='', tokenize='unicode61')",
    f"create virtual table if not exists {CHARS_TABLE} using fts5("
    "title, body, tags, content='', detail='column', tokenize='unicode61')",
]
_SCHEMA = [*FTS_SCHEMA, *queue_schema(PENDING_TABLE, FTS_TABLE)]
# What an index built by older code left: dropped before the current one is built.
_DROP = [f"drop trigger if exists {FTS_TABLE}_{t}" for t in ("ai", "au", "ad")] + [
    f"drop table if exists {t}" for t in (FTS_TABLE, CHARS_TABLE, PENDING_TABLE)
]


class QueryError(ValueError):
    """The search query is malformed; the message says why, in words a user understands."""


# ---------------------------------------------------------------- text -> index tokens


def run_tokens(run: str) -> list[str]:
    """Index tokens of one CJK run: its overlapping bigrams, then its last character."""
    if len(run) == 1:
        return [run]
    return [*map(operator.add, run, run[1:]), run[-1]]


def index_text(text: str | None) -> str:
    """The text as FTS5 should index it: traditional script folded to simplified, CJK runs as
    bigrams, everything else untouched."""
    if not text:
        return ""
    text = fold_script(text)
    parts: list[str] = []
    pos = 0
    for m in CJK_RUN.finditer(text):
        parts.append(text[pos : m.start()])
        parts.append(" " + " ".join(run_tokens(m.group())) + " ")
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts)


def distinct_chars(*texts: str | None) -> str:
    """The distinct CJK characters of the texts in simplified script, space-separated (the
    character index)."""
    return " ".join(dict.fromkeys("".join(CJK_RUN.findall(fold_script("".join(t or "" for t in texts))))))


# ---------------------------------------------------------------- filter tags

# A date the tags can express: YYYY-MM-DD (then anything) with a year in 1900-2099.
_REGULAR_DATE = re.compile(r"(19\d\d|20\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
_FIRST_YEAR, _LAST_YEAR = 1900, 2099
# Date slots: every month has 31 day slots, so a month, year or decade is one aligned block.
_BLOCKS = ((3720, "e", 3), (372, "y", 4), (31, "m", 6), (1, "d", 8))  # size, tag, digits


def _slot(year: int, month: int, day: int) -> int:
    """The day slot of a date (months 1-12, days 1-31; see _BLOCKS)."""
    return ((year * 12 + month - 1) * 31) + day - 1


def _slot_tag(slot: int, size: int, letter: str, digits: int) -> str:
    """The tag token of the block of `size` slots starting at `slot`."""
    months, day = divmod(slot, 31)
    year, month = divmod(months, 12)
    text = f"{year:04d}{month + 1:02d}{day + 1:02d}"
    return TAG + letter + (text[:3] if letter == "e" else text[:digits])


@functools.lru_cache(maxsize=4096)  # articles of a site and day share them
def tags_text(site: str | None, published_at: str | None) -> str:
    """The tag tokens of an article: its site, and its date's decade, year, month and day."""
    tags = [TAG + "s" + site.encode().hex()] if site else []
    m = _REGULAR_DATE.match(published_at or "")
    if m:
        slot = _slot(*map(int, m.groups()))
        tags += [_slot_tag(slot - slot % size, size, letter, digits) for size, letter, digits in _BLOCKS]
    elif published_at is not None:
        tags.append(TAG + "dx")  # a date the tags cannot place: filtered in SQL
    return " ".join(tags)


def _bound(value: str, upper: bool) -> int:
    """The first (or, for upper, last) day slot that a --from (--to) date prefix admits.

    Mirrors filter_sql's string comparison, out-of-range months and days included
    (--to 2020-00 ends with 2019, --from 2020-02-45 starts in March).
    """
    parts = [int(x) for x in value.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else (12 if upper else 1)
    day = parts[2] if len(parts) > 2 else (31 if upper else 1)
    if month > 12:
        month, day = (12, 31) if upper else (13, 1)
    elif month == 0:
        month, day = (0, 31) if upper else (1, 1)
    day = min(day, 31) if upper else min(max(day, 1), 32)
    return _slot(year, month, day)


def date_tags(date_from: str | None, date_to: str | None) -> list[str]:
    """The fewest decade/year/month/day tags covering the regular dates of the range."""
    lo = max(_bound(date_from, False) if date_from else 0, _slot(_FIRST_YEAR, 1, 1))
    hi = min(_bound(date_to, True) if date_to else 1 << 40, _slot(_LAST_YEAR, 12, 31))
    tags = []
    while lo <= hi:
        size, letter, digits = next(b for b in _BLOCKS if lo % b[0] == 0 and lo + b[0] - 1 <= hi)
        tags.append(_slot_tag(lo, size, letter, digits))
        lo += size
    return tags


def names_adapter(site: str) -> bool:
    """True when a --site value is an adapter's name (`hnr`), not a host or an outlet."""
    return site.isascii() and "." not in site


def filter_expression(filters: Filters, irregular_dates: bool = True) -> tuple[str | None, bool]:
    """The tags MATCH expression for the filters (None: no constraint) and whether it is exact.

    Not exact (filter_sql must then be applied too) with an author, source or outlet filter, a --site
    that names a host or an outlet (the tags know adapters only), or with a date bound when
    some article has a date the tags cannot place (`irregular_dates`): such articles carry
    the `dx` tag and are matched for SQL to decide.
    """
    filter_sql(filters)  # raises FilterError on a malformed date
    parts = []
    by_outlet = bool(filters.site) and not names_adapter(filters.site or "")
    if filters.site and not by_outlet:
        parts.append(_quote(TAG + "s" + filters.site.encode().hex()))
    dated = bool(filters.date_from or filters.date_to)
    if dated:
        tags = date_tags(filters.date_from, filters.date_to)
        tags += [TAG + "dx"] if irregular_dates else []
        parts.append("(" + " OR ".join(map(_quote, tags)) + ")" if tags else _quote(TAG + "none"))
    exact = not (
        filters.author or filters.source or filters.outlet or by_outlet or (dated and irregular_dates)
    )
    return ("tags : (" + " AND ".join(parts) + ")" if parts else None), exact


# ---------------------------------------------------------------- query parsing


@dataclass
class Term:
    """One query term: a word or a quoted phrase, maybe excluded with a leading '-'."""

    text: str
    negated: bool = False


@dataclass
class ParsedQuery:
    """A query as groups of alternatives (OR inside a group, AND between groups) + exclusions."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    def needles(self) -> list[str]:
        """The strings to highlight in snippets: every CJK run and word of the positive terms."""
        return [p for group in self.groups for t in group for p in _PIECE().findall(t.text)]


_OPEN_QUOTES = {'"': '"', "“": "”", "„": "”", "「": "」"}
_OR, _AND = "OR", "AND"


def _lex(query: str) -> list[Term | str]:
    """Split a query into terms and the OR / AND operators."""
    out: list[Term | str] = []
    i, n = 0, len(query)
    while i < n:
        if query[i].isspace():
            i += 1
            continue
        negated = query[i] == "-"
        if negated:
            i += 1
            if i == n or query[i].isspace():
                raise QueryError("a '-' must be followed by the term to exclude, e.g. -锦旗")
        if query[i] in _OPEN_QUOTES:
            close = query.find(_OPEN_QUOTES[query[i]], i + 1)
            if close < 0:
                raise QueryError(f"unbalanced quote {query[i]} in the query: close the phrase")
            out.append(Term(query[i + 1 : close].strip(), negated))
            i = close + 1
            continue
        j = i
        while j < n and not query[j].isspace() and query[j] not in _OPEN_QUOTES:
            j += 1
        word = query[i:j]
        out.append(word if word in (_OR, _AND) and not negated else Term(word, negated))
        i = j
    return out


def parse_query(query: str) -> ParsedQuery:
    """Parse `a b` (both), `a OR b` (either, binds tighter than AND), "a phrase", `-a` (not);
    traditional script is folded to simplified, as the index holds it."""
    if len(query) > MAX_QUERY_CHARS:  # each term costs index scans: 40,000 characters took 1.36 GB
        raise QueryError(
            f"the query is {len(query):,} characters long; at most {MAX_QUERY_CHARS:,} are searched"
        )
    items = _lex(fold_script(query))
    parsed = ParsedQuery()
    pending_or = False
    for pos, item in enumerate(items):
        if item == _AND:
            if pending_or or pos in (0, len(items) - 1):
                raise QueryError("AND needs a term on each side")
            continue
        if item == _OR:
            if not parsed.groups or pending_or or pos == len(items) - 1 or items[pos - 1] == _AND:
                raise QueryError("OR needs a term on each side, e.g. 锦旗 OR 党旗")
            pending_or = True
            continue
        assert isinstance(item, Term)
        if not _PIECE().search(item.text):
            shown = f'"{item.text}"' if item.text else 'an empty phrase ""'
            raise QueryError(f"{shown} has no letters, digits or CJK characters to search for")
        if item.negated:
            if pending_or or (pos + 1 < len(items) and items[pos + 1] == _OR):
                raise QueryError(f"-{item.text}: an exclusion cannot be part of an OR")
            parsed.excluded.append(item)
        elif pending_or:
            parsed.groups[-1].append(item)
        else:
            parsed.groups.append([item])
        pending_or = False
    if not parsed.groups:
        raise QueryError(
            "the query needs at least one term to look for (exclusions alone match nothing)"
            if parsed.excluded
            else "the query is empty"
        )
    return parsed


def _quote(token: str) -> str:
    """An FTS5 string literal."""
    return '"' + token.replace('"', '""') + '"'


def term_expression(text: str) -> str:
    """The FTS5 phrase for one term, mirroring index_text (see the module docstring)."""
    pieces = _PIECE().findall(text)
    tokens: list[str] = []
    prefix = False
    for pos, piece in enumerate(pieces):
        last = pos == len(pieces) - 1
        if not _IS_CJK().match(piece):
            tokens.append(piece)
        elif len(piece) == 1:
            tokens.append(piece)
            prefix = last  # the character may begin a bigram in the text: match `X*`
        else:
            # Inner runs are bounded as in the text, so they keep their run-final unigram;
            # the last run may continue in the text, so it is bigrams only.
            tokens.extend(run_tokens(piece)[:-1] if last else run_tokens(piece))
    return _quote(" ".join(tokens)) + ("*" if prefix else "")


def fts_expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression for a parsed query."""
    groups = []
    for group in parsed.groups:
        alts = [term_expression(t.text) for t in group]
        groups.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    expr = " AND ".join(groups)
    for term in parsed.excluded:
        expr = f"({expr}) NOT {term_expression(term.text)}"
    return expr


def _single_char(term: Term) -> bool:
    """True when the term is one CJK character (nothing else searchable)."""
    pieces = _PIECE().findall(term.text)
    return len(pieces) == 1 and len(pieces[0]) == 1 and bool(_IS_CJK().match(pieces[0]))


def chars_expression(parsed: ParsedQuery) -> str | None:
    """The character-index MATCH expression when every term is a single CJK character."""
    terms = [t for group in parsed.groups for t in group] + parsed.excluded
    if not all(_single_char(t) for t in terms):
        return None

    def char(term: Term) -> str:
        return _quote(_PIECE().findall(term.text)[0])

    groups = ["(" + " OR ".join(map(char, g)) + ")" for g in parsed.groups]
    expr = " AND ".join(groups)
    for term in parsed.excluded:
        expr = f"({expr}) NOT {char(term)}"
    return expr


def to_fts_query(query: str) -> str:
    """Parse a user query and return its FTS5 MATCH expression (raises QueryError)."""
    return fts_expression(parse_query(query))


# ---------------------------------------------------------------- snippets


def needle_pattern(needles: Iterable[str]) -> re.Pattern[str] | None:
    """A case-insensitive regex matching any needle, longest first."""
    uniq = sorted(set(needles), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, uniq)), re.IGNORECASE) if uniq else None


def make_snippet(
    body: str | None, pattern: re.Pattern[str] | None, width: int = 64, mark: tuple[str, str] = ("[", "]")
) -> str:
    """About `width` characters of the first body paragraph that matches, matches marked."""
    paragraphs = [p for p in (body or "").split("\n") if p.strip()]
    if not paragraphs:
        return ""
    para, start = paragraphs[0], 0
    if pattern:
        for p in paragraphs:
            m = pattern.search(as_searched(p))
            if m:
                para, start = p, max(0, m.start() - width // 4)
                break
    end = min(len(para), start + width)
    start = max(0, min(start, end - width))
    window = para[start:end]
    if pattern:
        window = mark_matches(window, pattern, mark)
    return ("…" if start > 0 else "") + window + ("…" if end < len(para) else "")


def as_searched(text: str) -> str:
    """The text in the script the query is in (simplified), when folding keeps its length (so
    that spans found in it are spans of the text), else the text itself."""
    folded = fold_script(text)
    return folded if len(folded) == len(text) else text


def mark_matches(text: str, pattern: re.Pattern[str], mark: tuple[str, str]) -> str:
    """The text with what the pattern finds in its simplified form marked, as published."""
    parts, pos = [], 0
    for m in pattern.finditer(as_searched(text)):
        parts += [text[pos : m.start()], mark[0], text[m.start() : m.end()], mark[1]]
        pos = m.end()
    return "".join(parts) + text[pos:]


def snippet_for(body: str | None, query: str, mark: tuple[str, str] = ("[", "]")) -> str:
    """Snippet of body for a raw user query (used by the Datasette plugin)."""
    try:
        pattern = needle_pattern(parse_query(query).needles())
    except QueryError:
        pattern = None
    return make_snippet(body, pattern, mark=mark)


# ---------------------------------------------------------------- index maintenance

IndexRow = tuple[int, str, str, "str | None", "str | None"]  # id, title, body, site, date


def index_exists(db: store.Queryable) -> bool:
    """True when both FTS tables are there in the current layout (with the `tags` column)."""
    names = {
        r[0]
        for r in db.execute(
            "select name from sqlite_master where name in (?, ?, ?)", [FTS_TABLE, CHARS_TABLE, PENDING_TABLE]
        )
    }
    if len(names) < 3:
        return False
    return all(
        "tags" in {r[1] for r in db.execute(f"pragma table_info({t})")} for t in (FTS_TABLE, CHARS_TABLE)
    ) and "site" in {r[1] for r in db.execute(f"pragma table_info({PENDING_TABLE})")}


def index_content(conn: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    """(table, hash of what it holds) of both FTS tables: every token instance (term, article,
    column, offset) in FTS5's order, the articles' token counts and the totals. Two indexes
    of the same articles hold the same whatever their segments (which follow how the inserts
    were grouped in transactions), and so answer every search the same."""
    import hashlib

    for table in (FTS_TABLE, CHARS_TABLE):
        digest = hashlib.sha256()
        conn.execute(f"create virtual table temp.{table}_vocab using fts5vocab(main, {table}, instance)")
        try:
            for row in conn.execute(f"select term, doc, col, offset from temp.{table}_vocab"):
                digest.update(repr(row).encode())
        finally:
            conn.execute(f"drop table temp.{table}_vocab")
        sizes = conn.execute(f"select id, sz from {table}_docsize order by id").fetchall()
        totals = conn.execute(f"select block from {table}_data where id = 1").fetchone()
        digest.update(repr((sizes, totals)).encode())
        yield table, digest.hexdigest()


def _in_transaction(db: store.Queryable) -> AbstractContextManager[Any]:
    """Join the caller's transaction, or open (and commit) one of our own: with an explicit
    BEGIN, as `with db.conn` is not one for sqlite-utils 4, whose execute() commits each
    statement run outside a transaction (a full disk left reindex's index emptied)."""
    return contextlib.nullcontext() if db.conn.in_transaction else store.immediate_transaction(db)


Prepared = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


# What the index stores of a title or body, computable in clean's workers (store.derive).
_bigrams = store.TextDerivation(index_text, ("title", "body"))
_chars = store.TextDerivation(distinct_chars, ("title", "body"))


def prepared_rows(rows: list[IndexRow]) -> Prepared:
    """The values to insert for (id, title, body, site, date) rows: (bigram rows, char rows)."""
    tags = [tags_text(site, date) for _, _, _, site, date in rows]
    return (
        [(r[0], _bigrams(r[1]), _bigrams(r[2]), tag) for r, tag in zip(rows, tags)],
        [(r[0], _chars(r[1]), _chars(r[2]), tag) for r, tag in zip(rows, tags)],
    )


def insert_prepared(db: store.Queryable, prepared: Prepared, command: str | None = None) -> None:
    """Insert prepared rows into both tables, or remove them with command='delete'."""
    for table, values in zip((FTS_TABLE, CHARS_TABLE), prepared):
        insert_into(db.conn, table, values, command)


def insert_into(
    conn: sqlite3.Connection, table: str, values: list[tuple[Any, ...]], command: str | None = None
) -> None:
    """Insert prepared rows into one of the tables, or remove them with command='delete'."""
    cmd_col, cmd_val = (f"{table}, ", "?, ") if command else ("", "")
    conn.executemany(
        f"insert into {table}({cmd_col}rowid, title, body, tags) values ({cmd_val}?, ?, ?, ?)",
        [(command, *v) for v in values] if command else values,
    )


def _index_rows(db: store.Queryable, rows: Iterable[IndexRow], command: str | None = None) -> None:
    """Add (id, title, body, site, date) rows to both tables, or remove them (command='delete')."""
    insert_prepared(db, prepared_rows(list(rows)), command)


def _article_batches(db: store.Queryable, size: int = 2000) -> Iterator[list[IndexRow]]:
    """All articles as (id, title, body, site, published_at), a batch at a time, in id order."""
    last = -1 << 62
    while True:
        batch = db.execute(
            "select id, title, body, site, published_at from articles where id > ? order by id limit ?",
            [last, size],
        ).fetchall()
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def reindex(db: store.Queryable) -> int:
    """Rebuild the whole index from the articles table; return the number of rows indexed.

    An index in an older layout (before the `tags` column) is dropped and built anew.
    """
    with _in_transaction(db):
        if not index_exists(db):
            for sql in _DROP:
                db.execute(sql)
        for sql in _SCHEMA:
            db.execute(sql)
        for table in (FTS_TABLE, CHARS_TABLE):
            db.execute(f"insert into {table}({table}) values ('delete-all')")
        db.execute(f"delete from {PENDING_TABLE}")
        count = _index_all(db)
        for table in (FTS_TABLE, CHARS_TABLE):
            db.execute(f"insert into {table}({table}) values ('optimize')")
    return count


def _index_all(db: store.Queryable) -> int:
    """Index every article; with several cores a worker process prepares the token text
    (38% of the time) while this one inserts. Returns the number of articles."""
    total: int = db.execute("select count(*) from articles").fetchone()[0]
    if total < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        for batch in _article_batches(db):
            _index_rows(db, batch)
        return total
    import multiprocessing  # only for large databases (~20 ms of start-up)

    count = 0
    with multiprocessing.get_context("fork").Pool(1) as pool:
        queued: collections.deque[Any] = collections.deque()
        for batch in _article_batches(db):
            queued.append(pool.apply_async(prepared_rows, (batch,)))
            count += len(batch)
            if len(queued) > 2:
                insert_prepared(db, queued.popleft().get())
        while queued:
            insert_prepared(db, queued.popleft().get())
    return count


def ensure_index(db: store.Queryable) -> None:
    """Build the index if the database has none, or one in an older layout (see reindex)."""
    if not index_exists(db):
        reindex(db)


def pending_count(db: store.Queryable) -> int:
    """How many article changes are waiting to be indexed."""
    return int(db.execute(f"select count(*) from {PENDING_TABLE}").fetchone()[0])


def sync(db: store.Queryable) -> int:
    """Replay pending changes into the index; return how many rows were processed."""
    ensure_index(db)
    pending = db.execute(
        f"select id, title, body, site, published_at, indexed from {PENDING_TABLE} order by id"
    ).fetchall()
    if not pending:
        return 0
    with _in_transaction(db):
        # Remove what was indexed (the old values kept by the triggers), then index the rows
        # as they are now; deleted articles are simply not found any more.
        _index_rows(db, [row[:5] for row in pending if row[5]], "delete")
        _index_rows(db, current_rows(db, [row[0] for row in pending]))
        db.conn.executemany(f"delete from {PENDING_TABLE} where id = ?", [(row[0],) for row in pending])
    return len(pending)


def current_rows(db: store.Queryable, ids: list[int]) -> Iterator[IndexRow]:
    """The (id, title, body, site, published_at) of the articles with these ids (ascending)
    that exist, in id order, 500 ids a query."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield from db.execute(
            "select id, title, body, site, published_at from articles "
            f"where id in ({', '.join('?' * len(chunk))}) order by id",
            chunk,
        )


# Indexes the read-only query commands rely on (stats at 1,000,000 articles in about a
# second instead of 90 s). Created on the next write open of an older database.
QUERY_INDEXES = [
    "create index if not exists idx_articles_site_name on articles(site, site_name)",
    "create index if not exists idx_articles_source on articles(source)",
    "create index if not exists idx_articles_authors on articles(authors)",
    "create index if not exists idx_articles_warned on articles(id) "
    "where warnings is not null and warnings not in ('', '[]')",
]


def ensure_query_indexes(db: store.Queryable) -> None:
    """Create the QUERY_INDEXES that are missing."""
    for sql in QUERY_INDEXES:
        db.execute(sql)


# The schema version from which the index holds traditional script folded to simplified.
FOLDED_FROM = 2


class SearchIndex:
    """The search index as a stage after the write (a store.DerivedIndex; db/stages.py)."""

    derivations: tuple[store.TextDerivation, ...] = (_bigrams, _chars)
    exists = staticmethod(index_exists)
    sync = staticmethod(sync)
    pending = staticmethod(pending_count)
    rebuild = staticmethod(reindex)

    def create(self, db: store.Queryable) -> None:
        """The index, built from the stored articles when missing or made before script
        folding (schema version < FOLDED_FROM), and the QUERY_INDEXES."""
        if index_exists(db) and db.execute("PRAGMA user_version").fetchone()[0] < FOLDED_FROM:
            reindex(db)
        ensure_index(db)
        ensure_query_indexes(db)


SEARCH = SearchIndex()


# ---------------------------------------------------------------- ranking


def _varints(blob: bytes) -> list[int]:
    """The SQLite varints an FTS5 docsize or averages record is made of (7 bits a byte, high
    bit set on all but the last; the 9-byte form, for values from 2**56, never occurs here)."""
    values, value = [], 0
    for byte in blob:
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            values.append(value)
            value = 0
    return values


def _corpus_stats(db: store.Queryable) -> tuple[int, float]:
    """(rows indexed, mean tokens per row), from FTS5's averages record."""
    row = db.execute(f"select block from {FTS_TABLE}_data where id = 1").fetchone()
    n_rows, *totals = _varints(row[0]) if row else [0]
    return n_rows, sum(totals) / n_rows if n_rows else 1.0


def _doc_freq(db: store.Queryable, term: str, last_id: int, id_span: int) -> float:
    """How many articles contain the term: counted up to IDF_SAMPLE, estimated past it from
    the share of the id range its newest IDF_SAMPLE matches reach back over."""
    sql = f"select rowid from {FTS_TABLE} where {FTS_TABLE} match ? order by rowid desc limit ?"
    ids = db.execute(sql, [f"{TEXT_COLUMNS} : ({term_expression(term)})", IDF_SAMPLE + 1]).fetchall()
    if len(ids) <= IDF_SAMPLE:
        return len(ids)
    oldest: int = ids[IDF_SAMPLE - 1][0]
    return IDF_SAMPLE * id_span / (last_id - oldest + 1)


def _idf(doc_freq: float, n_rows: int) -> float:
    """bm25's inverse document frequency, floored at 1e-6 as FTS5 does. An estimated
    `doc_freq` can exceed the rows indexed (deleted ids inside the span it scales by): it is
    capped there, where the log's argument stays positive."""
    doc_freq = min(doc_freq, n_rows)
    idf = math.log((n_rows - doc_freq + 0.5) / (doc_freq + 0.5))
    return idf if idf > 0 else 1e-6


def term_counter(text: str) -> Callable[[str], int]:
    """A function counting the places where the index matches the term in a text, overlapping
    ones too: its pieces in order with only separators between them, a Latin word or number
    whole, two CJK pieces apart (the index breaks a run there)."""
    pieces = _PIECE().findall(text)
    if len(pieces) == 1 and _IS_CJK().match(text) and not _overlaps_itself(text):
        return lambda s: s.count(text)  # the common case, ten times faster than the regex
    parts = []
    for pos, piece in enumerate(pieces):
        cjk = bool(_IS_CJK().match(piece))
        if pos:
            parts.append(r"[\W_]+" if cjk and _IS_CJK().match(pieces[pos - 1]) else r"[\W_]*")
        parts.append(re.escape(piece) if cjk else _WORD_EDGE + re.escape(piece) + _WORD_END)
    found = re.compile("(?=" + "".join(parts) + ")", re.IGNORECASE).findall
    return lambda s: len(found(s))


def _overlaps_itself(text: str) -> bool:
    """True when two occurrences of text can overlap (哈哈 in 哈哈哈): a prefix is also a suffix."""
    return any(text[:n] == text[-n:] for n in range(1, len(text)))


_WORD_EDGE = f"(?<![^\\W_{CJK_CHARS}])"  # not inside a Latin word or number
_WORD_END = f"(?![^\\W_{CJK_CHARS}])"


def bm25_scores(db: store.Queryable, parsed: ParsedQuery, ids: list[int]) -> dict[int, float]:
    """bm25 of the given matches, as FTS5's bm25() computes it (title 5, body 1; higher is
    better): term frequencies counted in the articles' text, lengths from the index, and
    document frequencies counted (estimated past IDF_SAMPLE). FTS5's bm25() would instead
    count every document of every phrase, the filter tags' too, before its first row."""
    if not ids:
        return {}
    terms = [t.text for group in parsed.groups for t in group]
    n_rows, mean_length = _corpus_stats(db)
    first_id, last_id = db.execute(
        "select (select min(id) from articles), (select max(id) from articles)"
    ).fetchone()
    idf = {t: _idf(_doc_freq(db, t, last_id, last_id - first_id + 1), n_rows) for t in set(terms)}
    counters = {t: term_counter(t) for t in set(terms)}
    marks = ", ".join("?" * len(ids))
    sizes = dict(db.execute(f"select id, sz from {FTS_TABLE}_docsize where id in ({marks})", ids).fetchall())
    scores = {}
    for article_id, raw_title, raw_body in db.execute(
        f"select id, title, body from articles where id in ({marks})", ids
    ):
        title, body = fold_script(raw_title or ""), fold_script(raw_body or "")  # as indexed
        length = sum(_varints(sizes.get(article_id, b"")))
        norm = BM25_K1 * (1 - BM25_B + BM25_B * length / mean_length)
        score = 0.0
        for term in terms:
            count = counters[term]
            weighted = TITLE_WEIGHT * count(fold_script(title or "")) + BODY_WEIGHT * count(
                fold_script(body or "")
            )
            score += idf[term] * weighted * (BM25_K1 + 1) / (weighted + norm)
        scores[article_id] = score
    return scores


# ---------------------------------------------------------------- searching

HIT_COLUMNS = ("id", "key", "url", "site", "site_name", "title", "published_at", "source", "authors", "body")


@dataclass
class Plan:
    """How to find a query's matches: which FTS table, its MATCH expression, any SQL filter."""

    table: str
    expr: str
    where: str | None  # filter_sql's conditions when the tags are not exact, else None
    params: list[Any]
    title_expr: str | None = None  # single characters: the matches with one in the title

    def source(self, what: str) -> tuple[str, list[Any]]:
        """`select WHAT from ... where <match>` (+ SQL filter), and its parameters."""
        t = self.table
        if self.where is None:
            return f"select {what} from {t} where {t} match ?", [self.expr]
        return (
            f"select {what} from {t} cross join articles a on a.id = {t}.rowid "
            f"where {t} match ? and {self.where}",
            [self.expr, *self.params],
        )


def _has_irregular_dates(db: store.Queryable) -> bool:
    """True when some article's date is not one the tags can place (see tags_text)."""
    return (
        db.execute(
            f"select 1 from {CHARS_TABLE} where {CHARS_TABLE} match ? limit 1",
            [f"tags : {_quote(TAG + 'dx')}"],
        ).fetchone()
        is not None
    )


def make_plan(db: store.Queryable, parsed: ParsedQuery, filters: Filters) -> Plan:
    """The plan for a parsed query under the filters."""
    dated = bool(filters.date_from or filters.date_to)
    tags, exact = filter_expression(filters, dated and _has_irregular_dates(db))
    where, params = (None, []) if exact else filter_sql(filters, "a")
    chars = chars_expression(parsed)
    text = fts_expression(parsed) if chars is None else chars
    expr = f"{TEXT_COLUMNS} : ({text})" + (f" AND {tags}" if tags else "")
    if chars is None:
        return Plan(FTS_TABLE, expr, where, params)
    wanted = [_quote(_PIECE().findall(t.text)[0]) for g in parsed.groups for t in g]
    return Plan(CHARS_TABLE, expr, where, params, f"{expr} AND title : ({' OR '.join(wanted)})")


@dataclass
class Page:
    """One page of a query's matches, and how they were ordered."""

    rows: list[dict[str, Any]]  # article columns, `score`, `rank` (1-based) and `ranked`
    total: int  # the matches counted: all of them, or the bound when `exact` is False
    ranked: int  # how many matches were ordered by relevance; the rest follow newest first
    offset: int
    order: str  # "bm25" (the ranked ones by bm25), or "title" (title matches first)
    exact: bool = True  # False: there are more than `total` matches (counting stopped)


def _count(db: store.Queryable, plan: Plan, expr: str | None = None, bound: int | None = None) -> int:
    """The matches of the plan (or of another expression under its filters), counting at
    most bound + 1 of them when a bound is given."""
    sql, params = Plan(plan.table, expr or plan.expr, plan.where, plan.params).source(f"{plan.table}.rowid")
    if bound is not None:
        sql, params = f"{sql} limit ?", [*params, bound + 1]
    return int(db.execute(f"select count(*) from ({sql})", params).fetchone()[0])


def _newest(
    db: store.Queryable, plan: Plan, expr: str, limit: int, offset: int, score: float | None
) -> list[tuple[int, float | None]]:
    """(id, score) of the matches of `expr`, newest first, from `offset` on."""
    if limit <= 0:
        return []
    sql, params = Plan(plan.table, expr, plan.where, plan.params).source(f"{plan.table}.rowid")
    rows = db.execute(
        f"{sql} order by {plan.table}.rowid desc limit ? offset ?", [*params, limit, offset]
    ).fetchall()
    return [(r[0], score) for r in rows]


def _title_first_ids(
    db: store.Queryable, plan: Plan, limit: int, offset: int
) -> list[tuple[int, float | None]]:
    """Single characters: (id, score) of one page, title matches first, each part newest first."""
    assert plan.title_expr is not None
    ids: list[tuple[int, float | None]] = _newest(db, plan, plan.title_expr, limit, offset, 1.0)
    if len(ids) == limit:
        return ids
    # The page reaches past the title matches: count them (at most `offset` of them).
    in_title = offset + len(ids) if ids else _count(db, plan, plan.title_expr, offset)
    rest = f"({plan.expr}) NOT {plan.title_expr.rsplit(' AND ', 1)[1]}"
    return ids + _newest(db, plan, rest, limit - len(ids), max(0, offset - in_title), 0.0)


def _ranked_ids(
    db: store.Queryable, plan: Plan, parsed: ParsedQuery, limit: int, offset: int, exact_count: bool
) -> tuple[list[tuple[int, float | None]], int, bool, int, str]:
    """(id, score) of one page, the total (or its bound), whether the total is exact, how
    many matches were ranked, and the order used."""
    bound = None if exact_count else max(COUNT_LIMIT, offset + limit)
    if plan.title_expr is not None:
        counted = _count(db, plan, bound=bound)
        total, exact = _total(counted, bound)
        return _title_first_ids(db, plan, limit, offset), total, exact, total, "title"
    if offset >= RANK_LIMIT:  # past the ranked matches: newest first, SQLite skips the offset
        counted = _count(db, plan, bound=bound)
        total, exact = _total(counted, bound)
        page = _newest(db, plan, plan.expr, limit, offset, None)
        return page, total, exact, min(counted, RANK_LIMIT), "bm25"
    if bound is None:
        counted = _count(db, plan)
        wanted = min(counted, RANK_LIMIT + limit)
    else:  # one walk gives the count, the ranked matches and the page
        wanted = bound + 1
    newest = [i for i, _ in _newest(db, plan, plan.expr, wanted, 0, None)]
    counted = counted if bound is None else len(newest)
    total, exact = _total(counted, bound)
    ranked = min(counted, RANK_LIMIT)
    if offset >= ranked:
        return [(i, None) for i in newest[offset : offset + limit]], total, exact, ranked, "bm25"
    scores = bm25_scores(db, parsed, newest[:ranked])
    best = sorted(newest[:ranked], key=lambda i: (scores.get(i, 0.0), i), reverse=True)
    order: list[tuple[int, float | None]] = [(i, scores.get(i, 0.0)) for i in best]
    order += [(i, None) for i in newest[ranked:]]
    return order[offset : offset + limit], total, exact, ranked, "bm25"


def _total(counted: int, bound: int | None) -> tuple[int, bool]:
    """The total to report and whether it is exact: the bound when more were counted."""
    return (counted, True) if bound is None or counted <= bound else (bound, False)


def _fetch(db: store.Queryable, ids: list[int], columns: Iterable[str]) -> dict[int, dict[str, Any]]:
    """Article rows by id."""
    cols = ["id", *(c for c in columns if c != "id")]
    cursor = db.execute(
        f"select {', '.join(cols)} from articles where id in ({', '.join('?' * len(ids))})", ids
    )
    return {row[0]: dict(zip(cols, row, strict=True)) for row in cursor}


def find(
    db: store.Queryable,
    query: str,
    filters: Filters = Filters(),
    limit: int = 20,
    offset: int = 0,
    columns: Iterable[str] = HIT_COLUMNS,
    exact_count: bool = False,
) -> Page:
    """One page of matches, best first (see the module docstring for the order); the total is
    counted up to COUNT_LIMIT (or the end of the page), or in full with exact_count."""
    parsed = parse_query(query)
    prepare(db)
    try:
        plan = make_plan(db, parsed, filters)
        ids, total, exact, ranked, order = _ranked_ids(db, plan, parsed, limit, offset, exact_count)
        found = _fetch(db, [i for i, _ in ids], columns) if ids else {}
    except sqlite3.OperationalError as exc:
        raise QueryError(f"cannot search for {query!r}: {exc}") from exc
    missing = [i for i, _ in ids if i not in found]
    if missing and not pending_count(db):  # not a deletion the index lags behind: damage
        raise sqlite3.DatabaseError(f"article {missing[0]} is in the search index, not in articles")
    rows = []
    for pos, (article_id, score) in enumerate(ids, offset + 1):
        if article_id not in found:
            continue
        row = found[article_id]
        row.update(
            score=score,
            rank=pos,
            ranked=pos <= ranked if order == "bm25" else True,
            total=total,
            total_exact=exact,
            ranked_among=ranked,
            order=order,
        )
        rows.append(row)
    return Page(rows, total, ranked, offset, order, exact)


def prepare(db: store.Queryable) -> None:
    """Make sure the index exists and holds every change before a search reads it."""
    try:
        if not index_exists(db) or pending_count(db):
            sync(db)
    except sqlite3.OperationalError:
        pass  # a read-only database: search what is indexed


def iter_matches(
    db: store.Queryable,
    query: str,
    filters: Filters = Filters(),
    limit: int | None = None,
    columns: Iterable[str] = HIT_COLUMNS,
    offset: int = 0,
) -> Iterator[dict[str, Any]]:
    """Matching article rows as dicts: one page of find() with a limit, else every match
    streamed from the cursor in article id order (export)."""
    if limit is not None:
        yield from find(db, query, filters, limit, offset, columns).rows
        return
    parsed = parse_query(query)
    prepare(db)
    try:
        plan = make_plan(db, parsed, filters)
        where, params = filter_sql(filters, "a")
        cols = ", ".join(f"a.{c}" for c in columns)
        cursor = db.execute(
            f"select {cols}, 0.0 as score from {plan.table} cross join articles a "
            f"on a.id = {plan.table}.rowid where {plan.table} match ? and {where} "
            f"order by {plan.table}.rowid",
            [plan.expr, *params],
        )
    except sqlite3.OperationalError as exc:
        raise QueryError(f"cannot search for {query!r}: {exc}") from exc
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def hits_of(
    page: Page, pattern: re.Pattern[str] | None, mark: tuple[str, str] = ("[", "]")
) -> list[dict[str, Any]]:
    """The page's rows as hits: authors as a list, `snippet` instead of the body."""
    hits = []
    for row in page.rows:
        hit = dict(row)
        body = hit.pop("body")
        hit["authors"] = stored_list(hit["authors"])
        hit["snippet"] = make_snippet(body, pattern, mark=mark)
        hits.append(hit)
    return hits


def summary(hits: list[dict[str, Any]]) -> str:
    """One line on a page of hits: how many matched, which are shown, how they are ordered."""
    first, last, total = hits[0]["rank"], hits[-1]["rank"], hits[0]["total"]
    exact = hits[0].get("total_exact", True)
    matches = f"{total:,} {'match' if total == 1 else 'matches'}" if exact else f"more than {total:,} matches"
    if "stories" in hits[0]:  # search --collapse: one hit per story, ranked among the stories
        count = hits[0]["stories"]
        noun = "story" if count == 1 else "stories"
        counted = f"{count:,}" if hits[0].get("stories_exact", True) else f"at least {count:,}"
        line = f"{counted} {noun} among {matches}, {first:,}-{last:,} shown"
        return line + (f"; more with --offset {last}" if last < count else "")
    line = f"{matches}, {first:,}-{last:,} shown"
    if hits[0]["order"] == "title":
        line += " (one character: title matches first, then the rest, each newest first)"
    elif hits[0]["ranked_among"] < total or not exact:
        ranked = hits[0]["ranked_among"]
        line += f" (ranked by relevance among the {ranked:,} newest matches, the others follow newest first)"
    line += f"; more with --offset {last}" if last < total or not exact else ""
    return line + ("" if exact else "; --count counts them all")


def search(
    db: store.Queryable,
    query: str,
    filters: Filters = Filters(),
    limit: int = 20,
    mark: tuple[str, str] = ("[", "]"),
    offset: int = 0,
    exact_count: bool = False,
) -> list[dict[str, Any]]:
    """Ranked hits: article fields (authors as a list), `score` and a highlighted `snippet`."""
    pattern = needle_pattern(parse_query(query).needles())
    return hits_of(find(db, query, filters, limit, offset, exact_count=exact_count), pattern, mark)
