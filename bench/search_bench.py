#!/usr/bin/env python3
"""Search benchmark: build a synthetic corpus from the fixture records, time indexing and queries.

Usage: python bench/search_bench.py [--articles 100000] [--queries 60] [--prefix-index]
                                    [--keep bench.db] [--reuse bench.db] [--legacy]
                                    [--stats-export] [--rank-limit 500] [--count-limit 10000]
       python bench/search_bench.py --compare 5000   # bigram vs trigram vs jieba

At 1,000,000 articles (about 4.2 GB of articles and 7 GB of index; an hour to build on
2 cores): `--articles 1000000 --keep /tmp/nc1m/bench.db`, then `--reuse /tmp/nc1m/bench.db`
to time queries again. `--legacy` also times the query SQL of the previous design (join
filters, bm25 over the 5,000 newest matches, single characters newest first) on the same
index, for the before/after figures; `--stats-export` times `stats` and a full `export`.

The corpus is made from the golden records of tests/fixtures (bench/cases.py) (the seed goldens in
../shared/acceptance/ when the fixtures are missing): each synthetic article takes a random
title fragment and 3-15 paragraphs drawn from all fixtures, shuffled, with ~10% of their
CJK characters replaced by characters drawn from the corpus' own character frequencies (so
the vocabulary is not just the fixtures' few thousand bigrams), a date in 2018-2024 and one
of 12 sites. Queries are 1-, 2- and 4-character strings cut from random places in the
corpus text (so common and rare words both appear), run through db.search.search() exactly
as the CLI does (parse, FTS5 MATCH, bm25 ranking, join, snippet), limit 20, each once after
a warm-up pass, without and with filters (--site + a one-year date range). Also: a word
found in ~99% of the articles (疫情) with the filter, 6-character quoted phrases, and
`A OR B` of two 2-character words. Each row prints the median number of matches (the
total the search reports, "more than N" counting as N), how many totals were such a bound,
and how many matches bm25 ranked; two more rows time `search --count` (every match counted).
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsclean.db import query, search, store  # noqa: E402
from newsclean.db.filters import Filters, filter_sql  # noqa: E402
from newsclean.db.writable import CorpusDatabase  # noqa: E402

from bench.cases import cases  # noqa: E402

SITES = ["hnr", "ddsb", "chinanews", "generic", "dahe", "hnrb", "zynews", "xinhua",
         "henan_gov", "luohe", "zhengzhou", "hengyang"]
FILTER = Filters(site="hnr", date_from="2020", date_to="2020")


def load_records() -> list[dict[str, Any]]:
    """The fixture goldens (title, body list, ...)."""
    files = [c.gold for c in cases()]
    if not files:
        files = sorted((ROOT.parent / "shared" / "acceptance").glob("*.expected.json"))
    return [json.loads(f.read_text(encoding="utf-8")) for f in files]


def char_pool(paragraphs: list[str]) -> str:
    """All CJK characters of the paragraphs, with repetition (a frequency-weighted pool)."""
    return "".join(ch for p in paragraphs for ch in p if search.CJK_RUN.match(ch))


def mutate(text: str, pool: str, rng: random.Random, rate: float = 0.1) -> str:
    """Replace about `rate` of the CJK characters with random pool characters."""
    chars = list(text)
    for i, ch in enumerate(chars):
        if rng.random() < rate and search.CJK_RUN.match(ch):
            chars[i] = rng.choice(pool)
    return "".join(chars)


def synthetic_rows(n: int, records: list[dict[str, Any]], seed: int = 7
                   ) -> Iterator[tuple[Any, ...]]:
    """n synthetic article rows (key, site, title, published_at, authors, source, body)."""
    rng = random.Random(seed)
    paragraphs = [p for r in records for p in r["body"] if p.strip()]
    titles = [r["title"] for r in records]
    pool = char_pool(paragraphs)
    authors = sorted({a for r in records for a in r.get("authors") or []}) or ["佚名"]
    start = dt.datetime(2018, 1, 1)
    days = (dt.datetime(2024, 12, 31) - start).days
    for i in range(n):
        body = [mutate(p, pool, rng) for p in rng.sample(paragraphs, rng.randint(3, 15))]
        fragment = rng.choice(paragraphs)
        cut = rng.randint(0, max(0, len(fragment) - 20))
        title = (mutate(rng.choice(titles), pool, rng, 0.3) + " "
                 + fragment[cut:cut + rng.randint(6, 16)])
        when = start + dt.timedelta(days=rng.randrange(days), seconds=rng.randrange(86400))
        yield (f"bench:{i}", rng.choice(SITES), title, when.isoformat() + "+08:00",
               json.dumps([rng.choice(authors)], ensure_ascii=False),
               rng.choice(SITES) + "报", "\n".join(body))


def build_corpus(db_path: Path, n: int, prefix_index: bool) -> None:
    """Create the database and fill `articles` (without indexing it)."""
    db = store.open_db(db_path)
    if prefix_index:
        db.execute(f"create virtual table {search.FTS_TABLE} using fts5("
                   "title, body, content='', tokenize='unicode61', prefix='1')")
    with db.atomic():
        db.conn.executemany(
            "insert into articles (key, site, title, published_at, authors, source, body) "
            "values (?, ?, ?, ?, ?, ?, ?)", synthetic_rows(n, load_records()))
    db.conn.close()


def table_bytes(db: Any, like: str) -> int:
    """Bytes of the tables whose name matches the LIKE pattern (dbstat)."""
    return db.execute("select coalesce(sum(pgsize), 0) from dbstat where name like ?",
                      [like]).fetchone()[0]


def sample_queries(db: Any, length: int, count: int, rng: random.Random) -> list[str]:
    """`count` distinct CJK strings of `length` characters cut from random article text."""
    out: set[str] = set()
    max_id = db.execute("select max(id) from articles").fetchone()[0]
    while len(out) < count:
        body = db.execute("select body from articles where id = ?",
                          [rng.randint(1, max_id)]).fetchone()[0]
        runs = [r for r in search.CJK_RUN.findall(body) if len(r) >= length]
        if runs:
            run = rng.choice(runs)
            at = rng.randint(0, len(run) - length)
            out.add(run[at:at + length])
    return sorted(out)


def legacy_search(db: Any, q: str, filters: Filters, limit: int = 20) -> tuple[int, int]:
    """The previous design's search (before issue 14): filters joined on `articles`, bm25
    over the RANK_WINDOW newest matches, single characters newest first; no total.
    Returns (hits, hits) so that it prints like the current one."""
    parsed = search.parse_query(q)
    where, params = filter_sql(filters, "a")
    chars = search.chars_expression(parsed)
    pattern = search.needle_pattern(parsed.needles())
    cols = ", ".join(f"a.{c}" for c in search.HIT_COLUMNS)
    if chars is not None:
        t = search.CHARS_TABLE
        sql = (f"select {cols}, 0.0 from {t} cross join articles a on a.id = {t}.rowid "
               f"where {t} match ? and {where} order by {t}.rowid desc limit ?")
        rows = db.execute(sql, [chars, *params, limit]).fetchall()
    else:
        t = search.FTS_TABLE
        window = (f"select a.id, -{search.RANK_SQL} as score from {t} cross join articles a "
                  f"on a.id = {t}.rowid where {t} match ? and {where} "
                  f"order by {t}.rowid desc limit {search.RANK_WINDOW}")
        sql = (f"select {cols}, best.score from (select id, score from ({window}) "
               f"order by score desc limit ?) best cross join articles a on a.id = best.id "
               f"order by best.score desc")
        rows = db.execute(sql, [search.fts_expression(parsed), *params, limit]).fetchall()
    for row in rows:
        search.make_snippet(row[-2], pattern)
        json.loads(row[8] or "[]")
    return len(rows), len(rows)


def current_search(db: Any, q: str, filters: Filters, exact_count: bool = False
                   ) -> tuple[int, int, bool]:
    """search.search as the CLI runs it (with --count when exact_count); returns (total
    matches or the bound reported, matches ranked, whether the total is exact)."""
    hits = search.search(db, q, filters, exact_count=exact_count)
    return ((hits[0]["total"], hits[0]["ranked_among"], hits[0]["total_exact"]) if hits
            else (0, 0, True))


def time_queries(db: Any, queries: list[str], filters: Filters, legacy: bool = False,
                 exact_count: bool = False) -> tuple[list[float], list[int], list[int], int]:
    """Latency (ms), total and ranked matches of each query, and how many totals were a
    bound ("more than"), after one warm-up pass."""
    def run(q: str) -> tuple[int, int, bool]:
        if legacy:
            return (*legacy_search(db, q, filters), True)
        return current_search(db, q, filters, exact_count)

    for q in queries[:5]:
        run(q)
    times, totals, ranked, bounded = [], [], [], 0
    for q in queries:
        started = time.perf_counter()
        total, n_ranked, exact = run(q)
        times.append((time.perf_counter() - started) * 1000)
        totals.append(total)
        ranked.append(n_ranked)
        bounded += not exact
    return times, totals, ranked, bounded


def query_kinds(db: Any, count: int, rng: random.Random) -> list[tuple[str, list[str], Filters]]:
    """(label, queries, filters) for every query kind measured ("--count" in the label: the
    search counts every match)."""
    kinds = []
    for length in (1, 2, 4):
        queries = sample_queries(db, length, count, rng)
        kinds += [(f"{length}-char", queries, Filters()),
                  (f"{length}-char + filter", queries, FILTER)]
    common = ["疫情"] * max(count // 3, 5)
    kinds += [("疫情 (99%)", common, Filters()), ("疫情 (99%) + filter", common, FILTER)]
    phrases = [f'"{q}"' for q in sample_queries(db, 6, count, rng)]
    kinds += [("6-char phrase", phrases, Filters()), ("6-char phrase + filter", phrases, FILTER)]
    words = sample_queries(db, 2, 2 * count, rng)
    ors = [f"{a} OR {b}" for a, b in zip(words[::2], words[1::2])]
    kinds += [("A OR B", ors, Filters()), ("A OR B + filter", ors, FILTER)]
    kinds += [("疫情 (99%) --count", common, Filters()), ("2-char --count", kinds[2][1], Filters())]
    return kinds


def time_stats_export(db_path: Path) -> None:
    """Time query.stats in process and a full `export` as a subprocess (its max RSS)."""
    db = store.open_readonly(db_path)
    for _ in range(2):
        started = time.perf_counter()
        query.stats(db)
        print(f"stats: {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "export", "--db", str(db_path)],
                   stdout=subprocess.DEVNULL, check=True)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"export (jsonl to a pipe): {time.perf_counter() - started:.1f} s, max RSS {rss:.0f} MB")


def p95(values: list[float]) -> float:
    """The 95th percentile."""
    return statistics.quantiles(values, n=20)[-1]


# ---------------------------------------------------------------- comparing schemes

def jieba_tokens(text: str) -> str:
    """Text segmented by jieba's search mode (words plus their in-dictionary parts)."""
    import jieba  # optional: only for this comparison

    return " ".join(jieba.cut_for_search(text))


def jieba_query(word: str) -> str:
    """A jieba-segmented query word as an FTS5 phrase."""
    import jieba

    return '"' + " ".join(t for t in jieba.cut(word) if t.strip()) + '"'


SCHEMES: dict[str, tuple[str, Any, Any]] = {
    # name: (FTS5 tokenizer, text transform, query -> MATCH expression)
    "bigram": ("unicode61", search.index_text, search.to_fts_query),
    "trigram": ("trigram", lambda t: t, lambda q: '"' + q + '"'),
    "jieba": ("unicode61", jieba_tokens, jieba_query),
}


def compare_schemes(n: int, count: int) -> None:
    """Index size and exactness (vs substring truth) of bigram, trigram and jieba indexes."""
    rows = [(i + 1, r[2], r[6]) for i, r in enumerate(synthetic_rows(n, load_records()))]
    text_bytes = sum(len(t.encode()) + len(b.encode()) for _, t, b in rows)
    rng = random.Random(3)
    docs = {i: f"{t}\n{b}" for i, t, b in rows}
    words: dict[Any, list[str]] = {length: [] for length in (1, 2, 3, 4)}
    for length, out in list(words.items()):
        while len(out) < count:
            runs = [r for r in search.CJK_RUN.findall(docs[rng.randint(1, n)]) if len(r) >= length]
            if runs:
                run = rng.choice(runs)
                at = rng.randint(0, len(run) - length)
                out.append(run[at:at + length])
    if importlib.util.find_spec("jieba") is not None:
        import jieba  # words as jieba segments them in context: the sample most favourable to it

        vocab: list[str] = []
        while len(vocab) < count:
            doc_words = [w for w in jieba.cut(docs[rng.randint(1, n)])
                         if len(w) >= 2 and search.CJK_RUN.fullmatch(w)]
            vocab += rng.sample(doc_words, min(3, len(doc_words)))
        words["jieba words"] = vocab[:count]  # type: ignore[index]
    print(f"\nschemes on {n} articles ({text_bytes / 1e6:.1f} MB of text); recall/precision "
          f"against 'the text contains the word', {count} words per length")
    print(f"{'scheme':<9}{'build s':>8}{'index/text':>11}" +
          "".join(f"{f'{k}-char R/P' if isinstance(k, int) else f'{k} R/P':>17}" for k in words))
    for name, (tokenizer, transform, to_match) in SCHEMES.items():
        if name == "jieba" and importlib.util.find_spec("jieba") is None:
            print(f"{name:<9} (not installed: pip install jieba to compare)")
            continue
        con = sqlite3.connect(":memory:")
        con.execute(f"create virtual table f using fts5(title, body, content='', "
                    f"tokenize='{tokenizer}')")
        started = time.perf_counter()
        con.executemany("insert into f(rowid, title, body) values (?, ?, ?)",
                        ((i, transform(t), transform(b)) for i, t, b in rows))
        con.execute("insert into f(f) values ('optimize')")
        build = time.perf_counter() - started
        size = con.execute("select sum(pgsize) from dbstat where name like 'f%'").fetchone()[0]
        cells = []
        for sample in words.values():
            tp = fp = fn = 0
            for word in sample:
                truth = {i for i, d in docs.items() if word in d}
                try:
                    got = {r[0] for r in con.execute("select rowid from f where f match ?",
                                                     [to_match(word)])}
                except sqlite3.Error:
                    got = set()
                tp, fp, fn = tp + len(got & truth), fp + len(got - truth), fn + len(truth - got)
            cells.append(f"{tp / max(tp + fn, 1):.2f}/{tp / max(tp + fp, 1):.2f}")
        print(f"{name:<9}{build:>8.1f}{size / text_bytes:>11.2f}"
              + "".join(f"{c:>17}" for c in cells))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=60, help="queries per length")
    ap.add_argument("--prefix-index", action="store_true",
                    help="add an FTS5 prefix='1' index (the alternative for 1-char queries)")
    ap.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    ap.add_argument("--reuse", type=Path, help="time queries on this built database")
    ap.add_argument("--legacy", action="store_true",
                    help="also time the previous design's query SQL (before issue 14)")
    ap.add_argument("--stats-export", action="store_true",
                    help="also time stats and a full export (skips the update timing)")
    ap.add_argument("--compare", type=int, metavar="N",
                    help="only compare bigram / trigram / jieba indexes on N articles")
    ap.add_argument("--rank-limit", type=int, default=search.RANK_LIMIT,
                    help="matches ranked by bm25 (search.RANK_LIMIT)")
    ap.add_argument("--count-limit", type=int, default=search.COUNT_LIMIT,
                    help="matches counted before 'more than' (search.COUNT_LIMIT)")
    args = ap.parse_args()
    search.RANK_LIMIT, search.COUNT_LIMIT = args.rank_limit, args.count_limit
    if args.compare:
        compare_schemes(args.compare, args.queries)
        return 0

    tmp = tempfile.TemporaryDirectory()
    if args.reuse:
        # Only the search module's schema work (index layout, query indexes): opening with
        # store.open_db would also run every other registered hook over a million rows.
        db_path = args.reuse
        db = CorpusDatabase(sqlite3.connect(str(db_path)))
        with db.atomic():
            search.ensure_index(db)
            search.ensure_query_indexes(db)
    else:
        db_path = args.keep or Path(tmp.name) / "bench.db"
        if db_path.exists():
            sys.exit(f"{db_path} exists: remove it first (or --reuse it)")
        started = time.perf_counter()
        build_corpus(db_path, args.articles, args.prefix_index)
        print(f"corpus: {args.articles} articles generated in "
              f"{time.perf_counter() - started:.1f} s")
        db = store.open_db(db_path)
        started = time.perf_counter()
        search.reindex(db)
        build = time.perf_counter() - started
        print(f"index build: {build:.1f} s ({args.articles / build:,.0f} articles/s)")
    n = db.execute("select count(*) from articles").fetchone()[0]
    text = db.execute("select sum(length(cast(title as blob)) + length(cast(body as blob))), "
                      "sum(length(title) + length(body)) from articles").fetchone()
    index = table_bytes(db, search.FTS_TABLE + "%")
    chars = table_bytes(db, search.CHARS_TABLE + "%")
    print(f"{n} articles; text: {text[1] / 1e6:.1f} M characters, {text[0] / 1e6:.1f} MB UTF-8; "
          f"index: {index / 1e6:.1f} MB = {index / text[0]:.2f} x the text, of which the "
          f"character index {chars / 1e6:.1f} MB"
          + (" (with prefix='1' index)" if args.prefix_index else ""))

    rng = random.Random(11)
    print(f"\nsearch latency, ms (limit 20, {args.queries} queries per row; "
          f"filtered = --site hnr --from 2020 --to 2020; RANK_LIMIT {search.RANK_LIMIT}, "
          f"COUNT_LIMIT {search.COUNT_LIMIT})")
    print("median total: of the totals reported; 'more than': how many of them were a bound")
    print(f"{'query':<24}{'design':>8}{'median':>8}{'p95':>8}{'max':>8}{'median total':>14}"
          f"{'more than':>10}{'ranked':>8}")
    for label, queries, filters in query_kinds(db, args.queries, rng):
        exact_count = "--count" in label
        for legacy in (True, False) if args.legacy and not exact_count else (False,):
            times, totals, ranked, bounded = time_queries(db, queries, filters, legacy,
                                                          exact_count)
            print(f"{label:<24}{'before' if legacy else 'now':>8}"
                  f"{statistics.median(times):>8.1f}{p95(times):>8.1f}{max(times):>8.1f}"
                  + (f"{'-':>14}{'-':>10}{'-':>8}" if legacy else
                     f"{statistics.median(totals):>14,.0f}{bounded:>10}"
                     f"{statistics.median(ranked):>8,.0f}"))
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.stats_export:
        db.conn.close()
        time_stats_export(db_path)
        return 0

    started = time.perf_counter()
    rows = list(synthetic_rows(200, load_records(), seed=99))
    for key, site, title, published, authors, source, body in rows:
        with db.atomic():
            store.upsert_article(db, {"key": key, "site": site, "title": title + "!",
                                      "published_at": published, "authors": authors,
                                      "source": source, "body": body})
    per_write = (time.perf_counter() - started) * 1000 / len(rows)
    print(f"\nupdate through store.upsert_article (index kept in sync): {per_write:.1f} ms/article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
