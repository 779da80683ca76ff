#!/usr/bin/env python3
"""Search benchmark: build a synthetic corpus from the fixture records, time indexing and queries.

Usage: python bench/search_bench.py [--articles 100000] [--queries 60] [--prefix-index]
       python bench/search_bench.py --compare 5000   # bigram vs trigram vs jieba
                                    [--keep bench.db]

The corpus is made from the golden records in tests/fixtures/*.json (the seed goldens in
../shared/acceptance/ when the fixtures are missing): each synthetic article takes a random
title fragment and 3-15 paragraphs drawn from all fixtures, shuffled, with ~10% of their
CJK characters replaced by characters drawn from the corpus' own character frequencies (so
the vocabulary is not just the fixtures' few thousand bigrams), a date in 2018-2024 and one
of 12 sites. Queries are 1-, 2- and 4-character strings cut from random places in the
corpus text (so common and rare words both appear), run through db.search.search() exactly
as the CLI does (parse, FTS5 MATCH, bm25 ranking, join, snippet), limit 20, each once after
a warm-up pass, without and with filters (--site + a one-year date range).
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db import search, store  # noqa: E402
from db.filters import Filters  # noqa: E402

SITES = ["hnr", "ddsb", "chinanews", "generic", "dahe", "hnrb", "zynews", "xinhua",
         "henan_gov", "luohe", "zhengzhou", "hengyang"]
FILTER = Filters(site="hnr", date_from="2020", date_to="2020")


def load_records() -> list[dict[str, Any]]:
    """The fixture goldens (title, body list, ...)."""
    files = sorted((ROOT / "tests" / "fixtures").glob("*.json"))
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


def time_queries(db: Any, queries: list[str], filters: Filters) -> tuple[list[float], list[int]]:
    """Latency (ms) and hit count of each query, after one warm-up pass."""
    for q in queries[:5]:
        search.search(db, q, filters)
    times, hits = [], []
    for q in queries:
        started = time.perf_counter()
        found = search.search(db, q, filters)
        times.append((time.perf_counter() - started) * 1000)
        hits.append(len(found))
    return times, hits


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
    ap.add_argument("--compare", type=int, metavar="N",
                    help="only compare bigram / trigram / jieba indexes on N articles")
    args = ap.parse_args()
    if args.compare:
        compare_schemes(args.compare, args.queries)
        return 0

    tmp = tempfile.TemporaryDirectory()
    db_path = args.keep or Path(tmp.name) / "bench.db"
    if db_path.exists():
        sys.exit(f"{db_path} exists: remove it first")
    started = time.perf_counter()
    build_corpus(db_path, args.articles, args.prefix_index)
    print(f"corpus: {args.articles} articles generated in {time.perf_counter() - started:.1f} s")

    db = store.open_db(db_path)
    started = time.perf_counter()
    search.reindex(db)
    build = time.perf_counter() - started
    text = db.execute("select sum(length(cast(title as blob)) + length(cast(body as blob))), "
                      "sum(length(title) + length(body)) from articles").fetchone()
    index = table_bytes(db, search.FTS_TABLE + "%")
    print(f"index build: {build:.1f} s ({args.articles / build:,.0f} articles/s)")
    print(f"text: {text[1] / 1e6:.1f} M characters, {text[0] / 1e6:.1f} MB UTF-8; "
          f"index: {index / 1e6:.1f} MB = {index / text[0]:.2f} x the text"
          + (" (with prefix='1' index)" if args.prefix_index else ""))

    rng = random.Random(11)
    print(f"\nsearch latency, ms (limit 20, {args.queries} queries per row; "
          f"filtered = --site hnr --from 2020 --to 2020)")
    print(f"{'query':<22}{'median':>8}{'p95':>8}{'max':>8}{'median hits':>13}")
    for length in (1, 2, 4):
        queries = sample_queries(db, length, args.queries, rng)
        for label, filters in (("", Filters()), (" + filters", FILTER)):
            times, hits = time_queries(db, queries, filters)
            print(f"{f'{length}-char{label}':<22}{statistics.median(times):>8.1f}"
                  f"{p95(times):>8.1f}{max(times):>8.1f}{statistics.median(hits):>13.0f}")

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
