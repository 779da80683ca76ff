#!/usr/bin/env python3
"""Extraction time on real pages: ours vs trafilatura vs the bare lxml parse, in one run.

Usage: python bench/real_pages.py [FOLDER ...] [--rounds 5] [--fastest]
       python bench/real_pages.py --mix [--rounds 3]   # the real mix of bench/realmix.py as one set
       python bench/real_pages.py [FOLDER ...] --run ours|trafilatura|parse|none --rounds N
       (default folders: ../shared/devset/html and ../shared/devset/text, when present, and
       the site fixtures: the HTML cases of tests/fixtures but generic/)

Every page of each folder (`*.html`, `*.txt`) is read as raw bytes and put through
  ours         ingest.pipeline.extract_page(data, url=…, path=…): what `clean`'s workers call
  trafilatura  trafilatura.extract(data) (HTML pages only)
  lxml parse   lxml.html.fromstring(data): the parse floor (HTML pages only)
each --rounds times, in CPU time (time.process_time: what other processes on the machine
take is not counted); a page's figure is its median (with --fastest: its fastest round).
Printed per folder: median, mean and p95 over pages (ms), the ratios trafilatura / ours (at
the median, mean and p95) and ours / parse, and the load average. With --mix, the pages are
every real page the project can read (bench/realmix.py's real_pages), and the line after
gives how many pages the body's second opinion ran on (a `body: second opinion` warning).

`--run WHAT` times nothing: it puts every page through WHAT `--rounds` times, for counting
instructions, which the load does not move: the instructions of one round are those of
`valgrind --tool=cachegrind python bench/real_pages.py --run ours --rounds 2` minus those
of the same with `--rounds 1` (imports, reading and first-call set-up cancel out).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: `bench` is the folder, not bench/bench.py

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from newsclean.extract.record import NotAnArticle  # noqa: E402
from newsclean.ingest.pipeline import extract_page  # noqa: E402

from bench.cases import cases  # noqa: E402

SITE_FIXTURES = ROOT / "tests" / "fixtures"


def median_ms(fn: Callable[[], object], rounds: int, fastest: bool = False) -> float:
    """The median (or the fastest) CPU time of fn() over `rounds` calls, in ms."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return min(times) if fastest else statistics.median(times)


def ours(data: bytes, url: str | None, path: str) -> None:
    """Extract one page as clean does; a refused page costs its time too."""
    try:
        extract_page(data, url=url, path=path)
    except (NotAnArticle, ValueError):
        pass


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def read_pages(folder: Path) -> list[tuple[Path, bytes, str | None]]:
    """Each page of the folder with its bytes and URL (from the gold `.json` beside it); in the
    fixtures folder, the site fixtures only (their URL is left for the adapters to find)."""
    if folder == SITE_FIXTURES:
        return [(c.page, c.page.read_bytes(), None) for c in cases(".html") if not c.name.startswith("generic_")]
    pages = []
    for page in sorted([*folder.glob("*.html"), *folder.glob("*.txt")]):
        gold = page.with_suffix(".json")
        url = None
        if gold.exists():
            url = json.loads(gold.read_text(encoding="utf-8")).get("url")
        pages.append((page, page.read_bytes(), url))
    return pages


def mix_pages() -> list[tuple[Path, bytes, str | None]]:
    """Every page of the real mix (bench/realmix.py), with the URL of its gold record."""
    from bench.realmix import real_pages

    pages = []
    for page, gold in real_pages():
        record = json.loads(gold.read_text(encoding="utf-8")) if gold and gold.name != "expected.json" else {}
        pages.append((page, page.read_bytes(), record.get("url")))
    return pages


def second_opinions(pages: list[tuple[Path, bytes, str | None]]) -> None:
    """How many pages the body's second opinion runs on, and its share of the CPU."""
    from newsclean.extract import body

    spent: list[float] = []
    trafilatura_lines = body.trafilatura_lines

    def timed(*args: object, **kwargs: object) -> list[str]:
        start = time.process_time()
        try:
            return trafilatura_lines(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            spent.append(time.process_time() - start)

    body.trafilatura_lines = timed  # type: ignore[assignment]
    warned = 0
    start = time.process_time()
    for page, data, url in pages:
        try:
            art = extract_page(data, url=url, path=str(page))
        except (NotAnArticle, ValueError):
            continue
        warned += any(w.startswith("body: second opinion") for w in art.warnings)
    total = time.process_time() - start
    body.trafilatura_lines = trafilatura_lines  # type: ignore[assignment]
    print(
        f"body second opinion: warned on {warned} of {len(pages)} pages; trafilatura ran "
        f"{len(spent)} times, {1000 * sum(spent) / max(len(spent), 1):.1f} ms a call, "
        f"{100 * sum(spent) / total:.1f}% of the extraction CPU of one pass"
    )


def run_only(pages: list[tuple[Path, bytes, str | None]], what: str, rounds: int) -> None:
    """Put every page through one extractor `rounds` times, untimed (for cachegrind)."""
    for _ in range(rounds):
        for page, data, url in pages:
            if what == "ours":
                ours(data, url, str(page))
            elif what == "trafilatura" and page.suffix == ".html":
                trafilatura.extract(data)
            elif what == "parse" and page.suffix == ".html":
                lxml.html.fromstring(data)


def bench_folder(folder: Path, rounds: int, fastest: bool = False) -> None:
    """Time every page of one folder and print the summary line."""
    bench_pages(str(folder), read_pages(folder), rounds, fastest)


def bench_pages(label: str, pages: list[tuple[Path, bytes, str | None]], rounds: int, fastest: bool) -> None:
    """Time every page and print the summary line."""
    rows = []
    for page, data, url in pages:
        row = {"ours": median_ms(lambda d=data, u=url, p=str(page): ours(d, u, p), rounds, fastest)}
        if page.suffix == ".html":
            row["traf"] = median_ms(lambda d=data: trafilatura.extract(d), rounds, fastest)
            row["parse"] = median_ms(lambda d=data: lxml.html.fromstring(d), rounds, fastest)
        rows.append(row)
    if not rows:
        return
    mine = [r["ours"] for r in rows]
    line = (
        f"{label}: {len(rows)} pages, ours median {statistics.median(mine):.2f} ms, "
        f"mean {statistics.mean(mine):.2f}, p95 {p95(mine):.2f} ms"
    )
    html = [r for r in rows if "traf" in r]
    if html:
        traf, parse = [r["traf"] for r in html], [r["parse"] for r in html]
        mine = [r["ours"] for r in html]
        line += (
            f"; on the {len(html)} HTML pages ours median {statistics.median(mine):.2f}, mean "
            f"{statistics.mean(mine):.2f}; trafilatura median {statistics.median(traf):.2f}, mean "
            f"{statistics.mean(traf):.2f}, p95 {p95(traf):.2f} ms; parse median {statistics.median(parse):.2f}, "
            f"mean {statistics.mean(parse):.2f} ms; trafilatura/ours "
            f"{statistics.median(traf) / statistics.median(mine):.1f}x (mean "
            f"{statistics.mean(traf) / statistics.mean(mine):.1f}x, p95 {p95(traf) / p95(mine):.1f}x); "
            f"ours/parse {statistics.median(mine) / statistics.median(parse):.1f}x "
            f"(mean {statistics.mean(mine) / statistics.mean(parse):.1f}x)"
        )
    print(f"{line}  (load average {os.getloadavg()[0]:.2f})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--mix", action="store_true", help="the real mix (bench/realmix.py) as one set")
    ap.add_argument("--fastest", action="store_true", help="a page's fastest round, not its median")
    ap.add_argument(
        "--run", choices=("ours", "trafilatura", "parse", "none"), help="time nothing (for cachegrind)"
    )
    args = ap.parse_args()
    devset = ROOT.parent / "shared" / "devset"
    if args.mix:
        pages = mix_pages()
        if args.run:
            run_only(pages, args.run, args.rounds)
        else:
            bench_pages("real mix", pages, args.rounds, args.fastest)
            second_opinions(pages)
        return 0
    folders = args.folders or [p for p in (devset / "html", devset / "text", SITE_FIXTURES) if p.is_dir()]
    for folder in folders:
        if args.run:
            run_only(read_pages(folder.resolve()), args.run, args.rounds)
        else:
            bench_folder(folder.resolve(), args.rounds, args.fastest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
