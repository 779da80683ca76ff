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
* `articles_fts_chars` (FTS5, detail='none'): the distinct CJK characters of each article.
  Queries made only of single characters use it: a prefix query over the bigram index merges
  hundreds of doclists (median 215 ms at 100,000 articles), this one takes under 3 ms and
  adds 0.13x the text to the index (an FTS5 prefix='1' index instead added 1.0x and was
  still slow). Such queries are not ranked: the most recently stored matches come first.
* Ranking is bm25 (title weight 5, body 1) over the RANK_WINDOW most recently stored
  matches: ranking every match of a word found in most articles cost 200-500 ms.
* Rejected: trigram (cannot match 1- or 2-character words such as 疫情, 锦旗; index 2.5x
  the text); jieba (0.95x, but finds only 28-82% of the articles containing a 2-4 character
  string that its dictionary splits differently, e.g. names or 战疫, and builds 6x slower).
  Bigrams match any substring, so 海南 also matches 上海南路, as Lucene's CJK analyzer does.

Both FTS tables are contentless (rowid = articles.id; the text lives in `articles`). A
contentless row can only be removed by passing the exact indexed text, so SQL triggers copy
the *old* title/body of changed or deleted articles into `articles_fts_pending`; `sync()`
(run by the store hook after every upsert, and before every search) replays them, which
also catches writers that bypass upsert_article.
"""
from __future__ import annotations

import contextlib
import json
import operator
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any, ContextManager, Iterable, Iterator

import sqlite_utils

from db import store
from db.filters import Filters, filter_sql

FTS_TABLE = "articles_fts"
CHARS_TABLE = "articles_fts_chars"
PENDING_TABLE = "articles_fts_pending"
# bm25 is computed for at most this many matches (the most recently stored ones): ranking
# every match of a word found in most articles took 200-500 ms at 100,000 articles.
RANK_WINDOW = 5000
# bm25 column weights (title, body): a hit in the title counts as five in the body.
TITLE_WEIGHT, BODY_WEIGHT = 5.0, 1.0
RANK_SQL = f"bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT})"

# Han (with extensions and compatibility ideographs), 〇, kana and hangul syllables.
CJK_CHARS = ("\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
             "\U00020000-\U0003134f")
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
# Pieces of a query term: a CJK run, or a word that unicode61 keeps as one token.
_PIECE = re.compile(f"[{CJK_CHARS}]+|[^\\W_{CJK_CHARS}]+")
_IS_CJK = re.compile(f"[{CJK_CHARS}]")

_SCHEMA = [
    f"create virtual table if not exists {FTS_TABLE} using fts5("
    "title, body, content='', tokenize='unicode61')",
    f"create virtual table if not exists {CHARS_TABLE} using fts5("
    "chars, content='', detail='none', tokenize='unicode61')",
    f"create table if not exists {PENDING_TABLE} ("
    "id integer primary key, title text, body text, indexed integer not null)",
    # A new row is not indexed yet; OR IGNORE keeps an older pending entry for the same id.
    f"create trigger if not exists {FTS_TABLE}_ai after insert on articles begin "
    f"insert or ignore into {PENDING_TABLE}(id, indexed) values (new.id, 0); end",
    f"create trigger if not exists {FTS_TABLE}_au after update of title, body on articles "
    "when old.title is not new.title or old.body is not new.body begin "
    f"insert or ignore into {PENDING_TABLE} values (old.id, old.title, old.body, 1); end",
    f"create trigger if not exists {FTS_TABLE}_ad after delete on articles begin "
    f"insert or ignore into {PENDING_TABLE} values (old.id, old.title, old.body, 1); end",
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
    """The text as FTS5 should index it: CJK runs as bigrams, everything else untouched."""
    if not text:
        return ""
    parts: list[str] = []
    pos = 0
    for m in CJK_RUN.finditer(text):
        parts.append(text[pos:m.start()])
        parts.append(" " + " ".join(run_tokens(m.group())) + " ")
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts)


def distinct_chars(*texts: str | None) -> str:
    """The distinct CJK characters of the texts, space-separated (the character index)."""
    return " ".join(dict.fromkeys("".join(CJK_RUN.findall("".join(t or "" for t in texts)))))


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
        return [p for group in self.groups for t in group for p in _PIECE.findall(t.text)]


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
            out.append(Term(query[i + 1:close].strip(), negated))
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
    """Parse `a b` (both), `a OR b` (either, binds tighter than AND), "a phrase", `-a` (not)."""
    items = _lex(query)
    parsed = ParsedQuery()
    pending_or = False
    for pos, item in enumerate(items):
        if item == _AND:
            if pending_or or pos in (0, len(items) - 1):
                raise QueryError("AND needs a term on each side")
            continue
        if item == _OR:
            if not parsed.groups or pending_or or pos == len(items) - 1 \
                    or items[pos - 1] == _AND:
                raise QueryError("OR needs a term on each side, e.g. 锦旗 OR 党旗")
            pending_or = True
            continue
        assert isinstance(item, Term)
        if not _PIECE.search(item.text):
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
        raise QueryError("the query needs at least one term to look for "
                         "(exclusions alone match nothing)" if parsed.excluded
                         else "the query is empty")
    return parsed


def _quote(token: str) -> str:
    """An FTS5 string literal."""
    return '"' + token.replace('"', '""') + '"'


def term_expression(text: str) -> str:
    """The FTS5 phrase for one term, mirroring index_text (see the module docstring)."""
    pieces = _PIECE.findall(text)
    tokens: list[str] = []
    prefix = False
    for pos, piece in enumerate(pieces):
        last = pos == len(pieces) - 1
        if not _IS_CJK.match(piece):
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
    pieces = _PIECE.findall(term.text)
    return len(pieces) == 1 and len(pieces[0]) == 1 and bool(_IS_CJK.match(pieces[0]))


def chars_expression(parsed: ParsedQuery) -> str | None:
    """The character-index MATCH expression when every term is a single CJK character."""
    terms = [t for group in parsed.groups for t in group] + parsed.excluded
    if not all(_single_char(t) for t in terms):
        return None
    char = lambda t: _quote(_PIECE.findall(t.text)[0])  # noqa: E731
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


def make_snippet(body: str | None, pattern: re.Pattern[str] | None, width: int = 64,
                 mark: tuple[str, str] = ("[", "]")) -> str:
    """About `width` characters of the first body paragraph that matches, matches marked."""
    paragraphs = [p for p in (body or "").split("\n") if p.strip()]
    if not paragraphs:
        return ""
    para, start = paragraphs[0], 0
    for p in paragraphs if pattern else []:
        m = pattern.search(p)  # type: ignore[union-attr]
        if m:
            para, start = p, max(0, m.start() - width // 4)
            break
    end = min(len(para), start + width)
    start = max(0, min(start, end - width))
    window = para[start:end]
    if pattern:
        window = pattern.sub(lambda m: mark[0] + m.group() + mark[1], window)
    return ("…" if start > 0 else "") + window + ("…" if end < len(para) else "")


def snippet_for(body: str | None, query: str, mark: tuple[str, str] = ("[", "]")) -> str:
    """Snippet of body for a raw user query (used by the Datasette plugin)."""
    try:
        pattern = needle_pattern(parse_query(query).needles())
    except QueryError:
        pattern = None
    return make_snippet(body, pattern, mark=mark)


# ---------------------------------------------------------------- index maintenance

def index_exists(db: sqlite_utils.Database) -> bool:
    """True when both FTS tables are there."""
    row = db.execute("select count(*) from sqlite_master where name in (?, ?)",
                     [FTS_TABLE, CHARS_TABLE]).fetchone()
    return row[0] == 2


def _in_transaction(db: sqlite_utils.Database) -> ContextManager[Any]:
    """Join the caller's transaction, or open (and commit) one of our own."""
    return contextlib.nullcontext() if db.conn.in_transaction else db.conn


def _index_rows(db: sqlite_utils.Database, rows: Iterable[tuple[int, str, str]],
                command: str | None = None) -> None:
    """Add (id, title, body) rows to both tables, or remove them with command='delete'."""
    rows = list(rows)
    cmd_col, cmd_val = (f"{FTS_TABLE}, ", "?, ") if command else ("", "")
    db.conn.executemany(
        f"insert into {FTS_TABLE}({cmd_col}rowid, title, body) values ({cmd_val}?, ?, ?)",
        [(*([command] if command else []), i, index_text(t), index_text(b))
         for i, t, b in rows])
    cmd_col = f"{CHARS_TABLE}, " if command else ""
    db.conn.executemany(
        f"insert into {CHARS_TABLE}({cmd_col}rowid, chars) values ({cmd_val}?, ?)",
        [(*([command] if command else []), i, distinct_chars(t, b)) for i, t, b in rows])


def _article_batches(db: sqlite_utils.Database, size: int = 2000
                     ) -> Iterator[list[tuple[int, str, str]]]:
    """All articles as (id, title, body), a batch at a time, in id order."""
    last = -1 << 62
    while True:
        batch = db.execute("select id, title, body from articles where id > ? "
                           "order by id limit ?", [last, size]).fetchall()
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def reindex(db: sqlite_utils.Database) -> int:
    """Rebuild the whole index from the articles table; return the number of rows indexed."""
    count = 0
    with _in_transaction(db):
        for sql in _SCHEMA:
            db.execute(sql)
        for table in (FTS_TABLE, CHARS_TABLE):
            db.execute(f"insert into {table}({table}) values ('delete-all')")
        db.execute(f"delete from {PENDING_TABLE}")
        for batch in _article_batches(db):
            _index_rows(db, batch)
            count += len(batch)
        for table in (FTS_TABLE, CHARS_TABLE):
            db.execute(f"insert into {table}({table}) values ('optimize')")
    return count


def ensure_index(db: sqlite_utils.Database) -> None:
    """Create the index (indexing every existing article) if the database has none yet."""
    if not index_exists(db):
        reindex(db)


def pending_count(db: sqlite_utils.Database) -> int:
    """How many article changes are waiting to be indexed."""
    return db.execute(f"select count(*) from {PENDING_TABLE}").fetchone()[0]


def sync(db: sqlite_utils.Database) -> int:
    """Replay pending changes into the index; return how many rows were processed."""
    ensure_index(db)
    pending = db.execute(f"select id, title, body, indexed from {PENDING_TABLE} "
                         "order by id").fetchall()
    if not pending:
        return 0
    with _in_transaction(db):
        # Remove what was indexed (the old text kept by the triggers), then index the rows
        # as they are now; deleted articles are simply not found any more.
        _index_rows(db, [(i, t, b) for i, t, b, indexed in pending if indexed], "delete")
        for article_id, *_ in pending:
            _index_rows(db, db.execute("select id, title, body from articles where id = ?",
                                       [article_id]).fetchall())
        db.conn.executemany(f"delete from {PENDING_TABLE} where id = ?",
                            [(row[0],) for row in pending])
    return len(pending)


def _on_articles_changed(db: sqlite_utils.Database, ids: list[int]) -> None:
    """store.ARTICLE_HOOKS callback: bring the index up to date after a write."""
    sync(db)


if _on_articles_changed not in store.ARTICLE_HOOKS:
    store.ARTICLE_HOOKS.append(_on_articles_changed)
if ensure_index not in store.SCHEMA_HOOKS:
    store.SCHEMA_HOOKS.append(ensure_index)


# ---------------------------------------------------------------- searching

HIT_COLUMNS = ("id", "key", "url", "site", "site_name", "title", "published_at",
               "source", "authors", "body")


def _select(columns: Iterable[str], score: str, source: str, where: str, order: str) -> str:
    """A select of article columns plus a score from an FTS table joined to articles.

    CROSS JOIN keeps the FTS table as the outer loop: probing the FTS index once per
    filtered article instead was measured 100x slower for common words.
    """
    cols = ", ".join(f"a.{c}" for c in columns)
    return (f"select {cols}, {score} as score from {source} cross join articles a "
            f"on a.id = {source}.rowid where {source} match ? and {where} order by {order}")


def search_sql(parsed: ParsedQuery, filters: Filters, limit: int | None,
               columns: Iterable[str] = HIT_COLUMNS) -> tuple[str, list[Any]]:
    """SQL (and parameters) selecting matching articles plus a `score` column.

    limit=None (export): every match, in article id order. With a limit: queries made only
    of single CJK characters list the most recently stored matches first (see the module
    docstring); other queries are ranked by bm25 among the RANK_WINDOW most recently stored
    matches.
    """
    where, fparams = filter_sql(filters, "a")
    chars = chars_expression(parsed)
    if chars is not None:
        order = f"{CHARS_TABLE}.rowid" + (" desc" if limit is not None else "")
        sql = _select(columns, "0.0", CHARS_TABLE, where, order)
        params: list[Any] = [chars, *fparams]
    elif limit is None:
        sql = _select(columns, "0.0", FTS_TABLE, where, f"{FTS_TABLE}.rowid")
        params = [fts_expression(parsed), *fparams]
    else:
        window = _select(["id"], f"-{RANK_SQL}", FTS_TABLE, where,
                         f"{FTS_TABLE}.rowid desc limit {RANK_WINDOW}")
        cols = ", ".join(f"a.{c}" for c in columns)
        sql = (f"select {cols}, best.score from (select id, score from ({window}) "
               f"order by score desc limit ?) best cross join articles a on a.id = best.id "
               f"order by best.score desc")
        return sql, [fts_expression(parsed), *fparams, limit]
    if limit is not None:
        sql += " limit ?"
        params.append(limit)
    return sql, params


def prepare(db: sqlite_utils.Database) -> None:
    """Make sure the index exists and holds every change before a search reads it."""
    try:
        if not index_exists(db) or pending_count(db):
            sync(db)
    except sqlite3.OperationalError:
        pass  # a read-only database: search what is indexed


def iter_matches(db: sqlite_utils.Database, query: str, filters: Filters = Filters(),
                 limit: int | None = None, columns: Iterable[str] = HIT_COLUMNS
                 ) -> Iterator[dict[str, Any]]:
    """Matching article rows as dicts, streamed from the cursor (see search_sql for order)."""
    sql, params = search_sql(parse_query(query), filters, limit, columns)
    prepare(db)
    try:
        cursor = db.execute(sql, params)
    except sqlite3.OperationalError as exc:
        raise QueryError(f"cannot search for {query!r}: {exc}") from exc
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def search(db: sqlite_utils.Database, query: str, filters: Filters = Filters(),
           limit: int = 20, mark: tuple[str, str] = ("[", "]")) -> list[dict[str, Any]]:
    """Ranked hits: article fields (authors as a list), `score` and a highlighted `snippet`."""
    pattern = needle_pattern(parse_query(query).needles())
    hits = []
    for row in iter_matches(db, query, filters, limit):
        body = row.pop("body")
        row["authors"] = json.loads(row["authors"] or "[]")
        row["snippet"] = make_snippet(body, pattern, mark=mark)
        hits.append(row)
    return hits
