#!/usr/bin/env python3
"""`clean` on the real mix: every real page the project can read, copied to N (issue 23).

Usage: python bench/realmix.py --sizes 2000 --jobs 1 2     # end to end, plus trafilatura
       python bench/realmix.py --stages 2000               # CPU by stage, per-page spread
       python bench/realmix.py --sizes 2000 --keep /tmp/realmix   # keep the copies
       python bench/realmix.py --sizes --once --jobs 1   # the shared HTML pages, copied once

The real mix (`real_pages`): the HTML and text cases of tests/fixtures, ../shared/refs/html and
every folder under ../shared/devset (html, html2, text, sites/<host>), when present. Copy
number k of a page (`copy_real_pages` in bench/bench.py) gets its own URL, its number in Han
characters after its gold title, and a unique sentence before its gold body's first words, so
that every copy is an article of its own.

End to end (`--sizes`): `python cli.py clean DIR --db fresh.db --jobs J` as a subprocess; CPU
of the whole process tree from os.wait4, the main process's own CPU sampled with psutil
(bench.py's run_clean) (the
rest is the workers'), wall time, peak tree RSS, and peak tree PSS (shared pages split between
the processes: the workers are forked from the main process and share its pages). Beside it, in the same run, a subprocess
puts one copy of each distinct page through `trafilatura.extract(bytes)` (a copy costs what its
page costs), CPU from os.wait4.

Stages (`--stages N`): clean_paths(jobs=1) in this process, the pipeline's functions wrapped so
that each stage's CPU (time.process_time, innermost stage only) is summed: read/hash, decode,
parse, extract (the adapters, minus parse and decode), derive (row and index text), SQL
(upsert, input records), FTS sync, stories sync, and the write loop's rest (BEGIN/COMMIT, key
look-ups). Per page: the CPU of read + extract + derive (what a worker does), mean, median,
p95; how often the body's second opinion ran (warning `body: second opinion`) and what
trafilatura cost there.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: `bench` is the folder, not bench/bench.py
SHARED = Path("/work/shared") if not (ROOT.parent / "shared").is_dir() else ROOT.parent / "shared"

from bench.bench import copy_real_pages, run_clean  # noqa: E402
from bench.cases import cases  # noqa: E402


def real_pages() -> list[tuple[Path, Path | None]]:
    """(page, gold record or None) of every real page: fixtures, refs, every devset folder."""
    pages: list[tuple[Path, Path | None]] = [(c.page, c.gold) for c in cases()]
    folders = [SHARED / "refs" / "html", *sorted(p for p in (SHARED / "devset").rglob("*") if p.is_dir())]
    for folder in folders:
        for page in sorted([*folder.glob("*.html"), *folder.glob("*.txt")]):
            gold = page.with_suffix(".json")
            pages.append((page, gold if gold.exists() else None))
    return pages


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def spread(values: list[float]) -> str:
    """mean / median / p95 of values in seconds, as ms."""
    return (
        f"mean {1000 * statistics.mean(values):.1f}, median {1000 * statistics.median(values):.1f}, "
        f"p95 {1000 * p95(values):.1f} ms"
    )


# --------------------------------------------------------------------------- end to end

TRAFILATURA_RUN = """
import sys, trafilatura
for name in sys.stdin.read().splitlines():
    trafilatura.extract(open(name, 'rb').read())
"""


def trafilatura_cpu(files: list[Path]) -> float:
    """CPU seconds (user + system, from os.wait4) of a process putting every file through
    trafilatura.extract, minus the same process with no files (its imports)."""

    def run(names: list[Path]) -> float:
        child = subprocess.Popen([sys.executable, "-c", TRAFILATURA_RUN], stdin=subprocess.PIPE)
        assert child.stdin is not None
        child.stdin.write("\n".join(map(str, names)).encode())
        child.stdin.close()
        _, _, usage = os.wait4(child.pid, 0)
        return usage.ru_utime + usage.ru_stime

    return run(files) - run([])


def end_to_end(folder: Path, n: int, jobs_list: list[int], distinct: int) -> None:
    """clean the N copies with each --jobs, then trafilatura on one copy of each page."""
    print(f"\nN={n} ({distinct} distinct pages), load average {os.getloadavg()[0]:.1f}")
    print(
        f"{'jobs':>5}{'wall s':>8}{'pages/s':>9}{'CPU s':>8}{'CPU ms/page':>13}{'main ms/page':>14}"
        f"{'workers ms/page':>17}{'tree RSS MB':>13}{'tree PSS MB':>13}{'load':>6}"
    )
    with tempfile.TemporaryDirectory(prefix="newsclean-realmix-db-") as tmp:
        for jobs in jobs_list:
            load = os.getloadavg()[0]
            r = run_clean(folder, Path(tmp) / f"fresh-{jobs}.db", jobs)
            main = r["main_cpu"] if jobs > 1 else r["cpu"]
            print(
                f"{jobs:>5}{r['wall']:>8.1f}{n / r['wall']:>9.0f}{r['cpu']:>8.1f}{1000 * r['cpu'] / n:>13.1f}"
                f"{1000 * main / n:>14.1f}{1000 * (r['cpu'] - main) / n:>17.1f}{r['rss']:>13.0f}{r['pss']:>13.0f}"
                f"{load:>6.1f}"
                f"   {r['summary'].split('  →')[0]}",
                flush=True,
            )
            if r["exit"] not in (0, 2):
                print(f"    exit {r['exit']}: {r['stderr']}")
    files = sorted(folder.iterdir())[:distinct]
    cpu = trafilatura_cpu(files)
    print(
        f"trafilatura.extract, one copy of each of the {len(files)} pages: "
        f"{1000 * cpu / len(files):.1f} ms CPU "
        f"per page (load {os.getloadavg()[0]:.1f})"
    )


# --------------------------------------------------------------------------- stages


class StageClock:
    """Sums process_time per stage, each call's time going to the innermost stage running."""

    def __init__(self) -> None:
        self.totals: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.stack: list[float] = []  # time spent in nested stages, per open call

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            self.stack.append(0.0)
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.process_time() - start
                nested = self.stack.pop()
                self.totals[stage] += elapsed - nested
                self.calls[stage] += 1
                if self.stack:
                    self.stack[-1] += elapsed

        return timed

    def patch(self, stage: str, owner: Any, name: str) -> None:
        timed = self.wrap(stage, getattr(owner, name))
        static = isinstance(inspect.getattr_static(owner, name), staticmethod)
        setattr(owner, name, staticmethod(timed) if static else timed)


def stages(folder: Path, n: int) -> None:
    """clean_paths(jobs=1) over the folder in this process, CPU by stage and per page."""
    from newsclean.db import search, stories
    from newsclean.db.store import open_db
    from newsclean.extract import body
    from newsclean.extract.record import Article
    from newsclean.ingest import pipeline
    from newsclean.sites import base

    clock = StageClock()
    clock.patch("read/hash", pipeline, "read_job")
    clock.patch("decode", pipeline, "decode_text")
    clock.patch("extract", pipeline, "extract_sampled")
    clock.patch("parse", base, "parse_html")  # Page.doc, which every adapter reads the page by
    clock.patch("second opinion (trafilatura)", body, "trafilatura_lines")
    clock.patch("derive", Article, "to_row")
    clock.patch("derive", pipeline, "derive")
    clock.patch("SQL", pipeline, "upsert_article")
    clock.patch("SQL", pipeline, "record_input")
    clock.patch("write loop (BEGIN/COMMIT, key look-ups)", pipeline, "store_batch")
    clock.patch("FTS sync", search.SearchIndex, "sync")
    clock.patch("stories sync", stories.StoryIndex, "sync")

    per_page: list[float] = []
    second: list[str] = []
    extract_job = pipeline.extract_job

    def timed_job(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        done = extract_job(*args, **kwargs)
        per_page.append(time.process_time() - start)
        row = getattr(done, "row", None) or {}
        if any(w.startswith("body: second opinion") for w in json.loads(row.get("warnings") or "[]")):
            second.append(row.get("key", ""))
        return done

    pipeline.extract_job = timed_job  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(prefix="newsclean-stages-") as tmp:
        db = open_db(Path(tmp) / "fresh.db")
        start = time.process_time()
        summary = pipeline.clean_paths(db, [str(folder)], jobs=1)
        total = time.process_time() - start
    print(
        f"\nStages: clean_paths(jobs=1) in-process over N={n}, load average {os.getloadavg()[0]:.1f}; "
        f"{dict(summary.counts)}"
    )
    print(f"total {total:.1f} s CPU, {1000 * total / n:.1f} ms per page (wrappers included)")
    for stage, seconds in clock.totals.most_common():
        print(
            f"  {stage:<44}{1000 * seconds / n:8.2f} ms/page {100 * seconds / total:5.1f}%  "
            f"({clock.calls[stage]} calls)"
        )
    rest = total - sum(clock.totals.values())
    print(
        f"  {'rest (listing, batching, progress)':<44}{1000 * rest / n:8.2f} ms/page "
        f"{100 * rest / total:5.1f}%"
    )
    print(f"per page, read + extract + derive (a worker's part): {spread(per_page)}")
    traf = clock.totals["second opinion (trafilatura)"]
    calls = clock.calls["second opinion (trafilatura)"]
    print(
        f"body second opinion: {len(second)} of {n} pages ({100 * len(second) / n:.1f}%) warn of it; "
        f"trafilatura ran {calls} times, {1000 * traf / max(calls, 1):.1f} ms a call, "
        f"{100 * traf / total:.1f}% of the run"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--stages", type=int, metavar="N", help="CPU by stage over N copies")
    parser.add_argument(
        "--once", action="store_true", help="also the shared HTML pages (refs, devset), each copied once"
    )
    parser.add_argument("--keep", type=Path, help="write the copies into this folder and keep them")
    args = parser.parse_args()
    pages = real_pages()
    print(
        f"real mix: {len(pages)} pages ({sum(1 for _, g in pages if g)} with a gold record), "
        f"{sum(p.stat().st_size for p, _ in pages) / 2**20:.1f} MB; {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory(prefix="newsclean-realmix-") as tmp:
        base = args.keep or Path(tmp)
        if args.once:
            shared = [(p, g) for p, g in pages if p.suffix == ".html" and SHARED in p.parents]
            folder = base / "shared-once"
            if not folder.exists():
                copy_real_pages(folder, len(shared), shared)
            end_to_end(folder, len(shared), args.jobs, len(shared))
        for n in sorted({*args.sizes, *([args.stages] if args.stages else [])}):
            folder = base / f"real-{n}"
            if not folder.exists():
                copy_real_pages(folder, n, pages)
            if n in args.sizes:
                end_to_end(folder, n, args.jobs, min(n, len(pages)))
            if n == args.stages:
                stages(folder, n)


if __name__ == "__main__":
    main()
