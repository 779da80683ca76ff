#!/usr/bin/env python3
"""Story detection benchmark: quality on the labelled pairs, speed at scale.

Usage: python bench/stories_bench.py [--articles 100000] [--new 300] [--no-speed]
       python bench/stories_bench.py --story 1000 4000 10000   (one large story only)

Quality: the pairs of bench/stories_pairs.py (fixtures, plus ../shared/devset when present;
traditional copies made with OpenCC when it is installed, else with db/stories.py's own
character map, which then measures nothing). A pair is predicted "one story" when the two
signatures share an LSH band and their estimated similarity reaches the threshold; the curve
is printed over thresholds, and at the default the pairs are also stored in a database
(through store.upsert_article and the write hook) and judged by their story_id.

Speed: N synthetic articles (random text drawn from the fixtures' character frequencies with
stock sentences of the fixtures mixed in, about 1 in 10 an edited reprint of an earlier
one), a full rebuild, then --new articles written one at a time: the time to match one (its
signature plus the LSH look-up and check) and the time of the whole store hook (matching,
writing its bands and its story), the index size against the text, and a check that a
rebuild afterwards gives the same stories.

One large story (--story N ...): N reprints of one fixture article (bench/stories_pairs.py's
large_story), inserted with plain SQL but one, which `newsclean clean` stores from a text
file; then, each as its own process (wall time and peak RSS by /usr/bin/time): `newsclean
reindex`, `clean` of that file changed (one copy re-clustered within its story), and `clean`
of it changed into another article (the copy leaves the story).
"""
from __future__ import annotations

import argparse
import gc
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from dataclasses import replace
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import stories_pairs as sp  # noqa: E402  (this folder is on sys.path when run as a script)
from newsclean.db import store, stories  # noqa: E402

THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8]


def converter() -> tuple[Callable[[str], str], str]:
    """Simplified -> traditional: OpenCC when installed, else the inverse of our own map."""
    try:
        import opencc
        return opencc.OpenCC("s2t").convert, "OpenCC s2t"
    except ImportError:
        table = str.maketrans(stories._SIMPLIFIED, stories._TRADITIONAL)
        return (lambda s: s.translate(table)), "db/stories.py's own map (circular)"


def pair_scores(pairs: list[sp.Pair]) -> list[tuple[sp.Pair, bool, float]]:
    """(pair, shares an LSH band, estimated similarity) for each pair."""
    out = []
    for p in pairs:
        a, b = stories.signature(p.a.text), stories.signature(p.b.text)
        if a is None or b is None:
            out.append((p, False, 0.0))
            continue
        shared = bool(set(stories.band_keys(a)) & set(stories.band_keys(b)))
        out.append((p, shared, stories.similarity(a, b)))
    return out


def precision_recall(scored: list[tuple[sp.Pair, bool, float]], t: float) -> tuple[float, float, int, int]:
    """Precision, recall, false positives and false negatives at threshold t."""
    tp = sum(1 for p, c, s in scored if p.same and c and s >= t)
    fp = sum(1 for p, c, s in scored if not p.same and c and s >= t)
    fn = sum(1 for p, c, s in scored if p.same and not (c and s >= t))
    return tp / max(1, tp + fp), tp / max(1, tp + fn), fp, fn


def stored_verdicts(pairs: list[sp.Pair], db_path: Path) -> tuple[float, float]:
    """Precision and recall when every pair's documents are written to a database."""
    db = store.open_db(db_path)
    ids: dict[sp.Doc, int] = {}
    for p in pairs:
        for d in (p.a, p.b):
            if d not in ids:
                with db.atomic():
                    row = {"key": f"{d.name}#{len(ids)}", "title": d.title or "无题",
                           "body": d.text, "site": d.site, "published_at": d.published_at}
                    ids[d], _ = store.upsert_article(db, row)
    story = dict(db.execute(f"select article_id, story_id from {stories.MEMBERS_TABLE}"))
    tp = sum(1 for p in pairs if p.same and story[ids[p.a]] == story[ids[p.b]])
    fp = sum(1 for p in pairs if not p.same and story[ids[p.a]] == story[ids[p.b]])
    positives = sum(1 for p in pairs if p.same)
    db.conn.close()
    return tp / max(1, tp + fp), tp / max(1, positives)


def compilations(docs: list[sp.Doc], thresholds: list[float]) -> list[tuple[float, int, int]]:
    """For each threshold: how many stitched pages (doc + next doc) match both their halves."""
    sims = []
    for a, b in zip(docs, docs[1:]):
        both = stories.signature(a.text + "\n" + b.text)
        sa, sb = stories.signature(a.text), stories.signature(b.text)
        if both is not None and sa is not None and sb is not None:
            sims.append(min(stories.similarity(sa, both), stories.similarity(sb, both)))
    return [(t, sum(s >= t for s in sims), len(sims)) for t in thresholds]


def quality(tmp: Path) -> None:
    """Print the pair set, the threshold curve and the stored verdicts at the default."""
    convert, how = converter()
    sets = [("fixtures", sp.fixture_docs())]
    if sp.DEVSET.exists():
        sets.append(("fixtures + dev set", sp.fixture_docs() + sp.devset_docs()))
    for label, docs in sets:
        pairs = sp.labelled_pairs(docs, convert)
        positives = sum(p.same for p in pairs)
        print(f"\n{label}: {len(docs)} articles, {len(pairs)} pairs ({positives} positive, "
              f"{len(pairs) - positives} negative); traditional copies by {how}")
        scored = pair_scores(pairs)
        print(f"{'threshold':>9}  {'precision':>9}  {'recall':>6}  {'FP':>4}  {'FN':>4}")
        for t in THRESHOLDS:
            prec, rec, fp, fn = precision_recall(scored, t)
            mark = "  <- default" if t == stories.THRESHOLD else ""
            print(f"{t:>9.2f}  {prec:>9.3f}  {rec:>6.3f}  {fp:>4}  {fn:>4}{mark}")
        kinds = sorted({p.kind for p in pairs})
        print("by kind at the default (share matched; positives should be 1, negatives 0):")
        for kind in kinds:
            sel = [(c and s >= stories.THRESHOLD) for p, c, s in scored if p.kind == kind]
            sims = [s for p, c, s in scored if p.kind == kind]
            print(f"  {kind:<22} {sum(sel)}/{len(sel)}  similarity {min(sims):.2f}-{max(sims):.2f}")
        prec, rec = stored_verdicts(pairs, tmp / f"pairs{len(docs)}.db")
        print(f"stored in a database (story_id equal): precision {prec:.3f}, recall {rec:.3f}")
        print("compilations (two stories stitched into one page) that would glue the two "
              "stories together:")
        print("  " + ", ".join(f"{glued}/{total} at {t:.2f}" for t, glued, total
                               in compilations(docs, [0.4, 0.45, 0.5, 0.55, 0.6])))


# ---------------------------------------------------------------- speed

def synthetic_articles(n: int, seed: int = 5) -> Iterator[tuple[str, str, str, str, str]]:
    """n rows (key, site, title, published_at, body)."""
    rng = random.Random(seed)
    docs = sp.fixture_docs()
    text = "".join(p for d in docs for p in d.body)
    pool = "".join(re.findall(r"[\u4e00-\u9fff]", text))
    stock = [s for s in re.split(r"(?<=[。!！?？])", text) if 15 <= len(s) <= 60]
    edits = list(sp.edits(converter()[0]).values())
    recent: list[sp.Doc] = []
    for i in range(n):
        if recent and rng.random() < 0.1:
            doc = rng.choice(edits)(rng.choice(recent), rng)
        else:
            paragraphs = []
            for _ in range(rng.randint(3, 12)):
                sentences = []
                for _ in range(rng.randint(2, 5)):
                    if rng.random() < 0.15:
                        sentences.append(rng.choice(stock))
                    else:
                        words = ["".join(rng.choices(pool, k=rng.randint(1, 4)))
                                 for _ in range(rng.randint(4, 12))]
                        sentences.append(",".join(words) + "。")
                paragraphs.append("".join(sentences))
            doc = sp.Doc(f"bench{i}", "".join(rng.choices(pool, k=14)), tuple(paragraphs),
                         rng.choice(["hnr", "chinanews", "ddsb", "generic"]),
                         f"20{rng.randint(18, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
            recent = (recent + [doc])[-200:]
        yield f"bench:{i}", doc.site, doc.title, doc.published_at or "", doc.text


def snapshot(db: Any) -> tuple[list[Any], list[Any]]:
    """Every (article, story) assignment and every stories row."""
    return (db.execute(f"select article_id, story_id from {stories.MEMBERS_TABLE} order by 1").fetchall(),
            db.execute(f"select * from {stories.STORIES_TABLE} order by 1").fetchall())


def pct(values: list[float], q: float) -> float:
    """The q-quantile of values."""
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def speed(n: int, new: int, tmp: Path) -> None:
    """Build n articles, rebuild, write `new` more one at a time; print the figures."""
    db = store.open_db(tmp / "speed.db")
    rows = list(synthetic_articles(n + new))
    started = time.perf_counter()
    with db.atomic():
        db.conn.executemany("insert into articles (key, site, title, published_at, body) "
                            "values (?, ?, ?, ?, ?)", rows[:n])
    print(f"\n{n} synthetic articles inserted in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    counts = stories.rebuild(db)
    print(f"full rebuild: {time.perf_counter() - started:.1f} s; {counts['stories']} stories, "
          f"{counts['with_copies']} with copies")
    match_ms, match_cpu, hook_ms = [], [], []
    new_rows = rows[n:]
    del rows
    gc.collect()  # the corpus built above is garbage now: do not time its collection
    for key, site, title, published, body in new_rows:
        t0, c0 = time.perf_counter(), time.process_time()
        sig = stories.signature(body)
        if sig is not None:
            stories.matches(db, sig, stories.threshold(db))
        match_ms.append((time.perf_counter() - t0) * 1000)
        match_cpu.append((time.process_time() - c0) * 1000)
        with db.atomic():
            db.execute("insert into articles (key, site, title, published_at, body) "
                       "values (?, ?, ?, ?, ?)", [key, site, title, published, body])
            t0 = time.perf_counter()
            stories.sync(db)
            hook_ms.append((time.perf_counter() - t0) * 1000)
    print(f"match one new article ({new} articles): median {statistics.median(match_ms):.2f} ms, "
          f"p95 {pct(match_ms, 0.95):.2f} ms, max {max(match_ms):.2f} ms (wall); CPU time "
          f"median {statistics.median(match_cpu):.2f} ms, p95 {pct(match_cpu, 0.95):.2f} ms")
    print(f"whole store hook (match + write bands and story): median "
          f"{statistics.median(hook_ms):.2f} ms, p95 {pct(hook_ms, 0.95):.2f} ms")
    text = db.execute("select sum(length(cast(title as blob)) + length(cast(body as blob))) "
                      "from articles").fetchone()[0]
    sizes = {t: db.execute("select coalesce(sum(pgsize), 0) from dbstat where name = ? or "
                           "name like ?", [t, f"sqlite_autoindex_{t}%"]).fetchone()[0]
             for t in stories.TABLES}
    sizes[f"{stories.MEMBERS_TABLE}_story"] = db.execute(
        "select coalesce(sum(pgsize), 0) from dbstat where name = ?",
        [f"{stories.MEMBERS_TABLE}_story"]).fetchone()[0]
    total = sum(sizes.values())
    print(f"text {text / 1e6:.1f} MB UTF-8; story index {total / 1e6:.1f} MB = "
          f"{total / text:.2f} x the text ("
          + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items() if v) + ")")
    incremental = snapshot(db)
    started = time.perf_counter()
    stories.rebuild(db)
    print(f"rebuild after the incremental writes: {time.perf_counter() - started:.1f} s; "
          f"same stories as incremental: {snapshot(db) == incremental}")


# ---------------------------------------------------------------- one large story

def measured(*args: str | Path) -> tuple[float, float, str]:
    """Run `newsclean ARGS` as its own process: (wall seconds, peak RSS in MB, its output
    preceded by its CPU seconds)."""
    cmd = ["/usr/bin/time", "-f", "%e %M %U %S", sys.executable, "-m", "newsclean.cli", *map(str, args)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall, kb, user, system = done.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) / 1024, f"CPU {float(user) + float(system):.1f} s; {done.stdout.strip()}"


def as_text_file(doc: sp.Doc, path: Path) -> Path:
    """A copy as a text page `clean` reads: the title, a date line, the paragraphs."""
    path.write_text("\n\n".join([doc.title, "2020-03-19 10:00 来源:映象网", *doc.body]), encoding="utf-8")
    return path


def large_story(copies: int, tmp: Path) -> None:
    """Print reindex, and clean of one changed copy, on one story of `copies` copies."""
    docs = sp.large_story(sp.fixture_docs()[0], copies, converter()[0])
    path = tmp / f"story{copies}.db"
    db = store.open_db(path)
    with db.atomic():
        db.conn.executemany("insert into articles (key, site, title, published_at, body) values (?, ?, ?, ?, ?)",
                            [(d.name, d.site, d.title, d.published_at, d.text) for d in docs[1:]])
    db.conn.close()
    page = as_text_file(docs[0], tmp / "copy.txt")
    measured("clean", page, "--db", path, "-q")
    wall, peak, out = measured("reindex", "--db", path)
    print(f"{copies:>6} copies  reindex {wall:6.1f} s {peak:6.0f} MB  ({out.split(';')[0]}; {out.splitlines()[-1]})")
    edited = replace(docs[0], body=(*docs[0].body[:-2], "记者补充:" + docs[0].body[-1]))
    wall, peak, out = measured("clean", as_text_file(edited, page), "--db", path, "-q")
    print(f"{'':>14}clean of one changed copy {wall:6.1f} s {peak:6.0f} MB ({out.split(';')[0]})")
    other = sp.fixture_docs()[1]
    wall, peak, _ = measured("clean", as_text_file(replace(other, title=docs[0].title), page), "--db", path, "-q")
    print(f"{'':>14}clean of the copy made another article {wall:6.1f} s {peak:6.0f} MB")
    db = store.open_db(path)
    before = snapshot(db)
    stories.rebuild(db)
    print(f"{'':>14}incremental equals rebuild: {snapshot(db) == before}; "
          f"stories {db.execute('select copies from stories order by copies desc limit 2').fetchall()}")
    db.conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=300)
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--story", type=int, nargs="+", metavar="N",
                        help="only time one story of N copies (for each N)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for copies in args.story or []:
            large_story(copies, Path(tmp))
        if args.story:
            return
        quality(Path(tmp))
        if not args.no_speed:
            speed(args.articles, args.new, Path(tmp))


if __name__ == "__main__":
    main()
