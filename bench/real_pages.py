#!/usr/bin/env python3
"""Extraction time on real pages: ours vs trafilatura vs the bare lxml parse, in one run.

Usage: python bench/real_pages.py [FOLDER ...] [--rounds 5] [--fastest]
       python bench/real_pages.py [FOLDER ...] --run ours|trafilatura|parse|none --rounds N
       (default folders: ../shared/devset/html and ../shared/devset/text, when present, and
       the site fixtures: the HTML cases of tests/fixtures but generic/)

Every page of each folder (`*.html`, `*.txt`) is read as raw bytes and put through
  ours         ingest.pipeline.extract_page(data, url=…, path=…): what `clean`'s workers call
  trafilatura  trafilatura.extract(data) (HTML pages only)
  lxml parse   lxml.html.fromstring(data): the parse floor (HTML pages only)
each --rounds times; a page's figure is its median (with --fastest: its fastest round, the
steadier figure on a loaded machine). Printed per folder: median and p95 over pages (ms), the
ratios trafilatura / ours (at the median and at p95) and ours / parse, and the load average.

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
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from newsclean.extract.record import NotAnArticle  # noqa: E402
from newsclean.ingest.pipeline import extract_page  # noqa: E402

from bench.cases import cases  # noqa: E402

SITE_FIXTURES = ROOT / "tests" / "fixtures"


def median_ms(fn: Callable[[], object], rounds: int, fastest: bool = False) -> float:
    """The median (or the fastest) wall time of fn() over `rounds` calls, in ms."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
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
    rows = []
    for page, data, url in read_pages(folder):
        row = {"ours": median_ms(lambda d=data, u=url, p=str(page): ours(d, u, p), rounds, fastest)}
        if page.suffix == ".html":
            row["traf"] = median_ms(lambda d=data: trafilatura.extract(d), rounds, fastest)
            row["parse"] = median_ms(lambda d=data: lxml.html.fromstring(d), rounds, fastest)
        rows.append(row)
    if not rows:
        return
    mine = [r["ours"] for r in rows]
    line = (
        f"{folder}: {len(rows)} pages, ours median {statistics.median(mine):.2f} ms, p95 {p95(mine):.2f} ms"
    )
    html = [r for r in rows if "traf" in r]
    if html:
        traf, parse = [r["traf"] for r in html], [r["parse"] for r in html]
        mine = [r["ours"] for r in html]
        line += (
            f"; trafilatura median {statistics.median(traf):.2f}, p95 {p95(traf):.2f} ms; "
            f"parse median {statistics.median(parse):.2f} ms; trafilatura/ours "
            f"{statistics.median(traf) / statistics.median(mine):.1f}x (p95 {p95(traf) / p95(mine):.1f}x); "
            f"ours/parse {statistics.median(mine) / statistics.median(parse):.1f}x"
        )
    print(f"{line}  (load average {os.getloadavg()[0]:.2f})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--fastest", action="store_true", help="a page's fastest round, not its median")
    ap.add_argument(
        "--run", choices=("ours", "trafilatura", "parse", "none"), help="time nothing (for cachegrind)"
    )
    args = ap.parse_args()
    devset = ROOT.parent / "shared" / "devset"
    folders = args.folders or [p for p in (devset / "html", devset / "text", SITE_FIXTURES) if p.is_dir()]
    for folder in folders:
        if args.run:
            run_only(read_pages(folder.resolve()), args.run, args.rounds)
        else:
            bench_folder(folder.resolve(), args.rounds, args.fastest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
