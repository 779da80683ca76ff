#!/usr/bin/env python3
"""Extraction time on real pages: ours vs trafilatura vs the bare lxml parse, in one run.

Usage: python bench/real_pages.py [FOLDER ...] [--rounds 5] [--fastest]
       (default folders: ../shared/devset/html and ../shared/devset/text, when present)

Every page of each folder (`*.html`, `*.txt`) is read as raw bytes and put through
  ours         ingest.pipeline.extract_page(data, url=…): what `clean`'s workers call
  trafilatura  trafilatura.extract(data) (HTML pages only)
  lxml parse   lxml.html.fromstring(data): the parse floor (HTML pages only)
each --rounds times; a page's figure is its median (with --fastest: its fastest round, the
steadier figure on a loaded machine). Printed per folder: median and p95 over pages (ms), and
the ratios trafilatura / ours and ours / parse.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from newsclean.ingest.pipeline import extract_page  # noqa: E402
from newsclean.extract.record import NotAnArticle  # noqa: E402


def median_ms(fn, rounds: int, fastest: bool = False) -> float:
    """The median (or the fastest) wall time of fn() over `rounds` calls, in ms."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times) if fastest else statistics.median(times)


def ours(data: bytes, url: str | None) -> None:
    """Extract one page as clean does; a refused page costs its time too."""
    try:
        extract_page(data, url=url)
    except (NotAnArticle, ValueError):
        pass


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def bench_folder(folder: Path, rounds: int, fastest: bool = False) -> None:
    """Time every page of one folder and print the summary line."""
    rows = []
    for page in sorted([*folder.glob("*.html"), *folder.glob("*.txt")]):
        gold = page.with_suffix(".json")
        url = json.loads(gold.read_text(encoding="utf-8")).get("url") if gold.exists() else None
        data = page.read_bytes()
        row = {"ours": median_ms(lambda: ours(data, url), rounds, fastest)}
        if page.suffix == ".html":
            row["traf"] = median_ms(lambda: trafilatura.extract(data), rounds, fastest)
            row["parse"] = median_ms(lambda: lxml.html.fromstring(data), rounds, fastest)
        rows.append(row)
    if not rows:
        return
    mine = [r["ours"] for r in rows]
    line = f"{folder}: {len(rows)} pages, ours median {statistics.median(mine):.2f} ms, p95 {p95(mine):.2f} ms"
    html = [r for r in rows if "traf" in r]
    if html:
        traf = [r["traf"] for r in html]
        parse = [r["parse"] for r in html]
        line += (f"; trafilatura median {statistics.median(traf):.2f}, p95 {p95(traf):.2f} ms; "
                 f"parse median {statistics.median(parse):.2f} ms; trafilatura/ours "
                 f"{statistics.median(traf) / statistics.median([r['ours'] for r in html]):.1f}x; "
                 f"ours/parse {statistics.median([r['ours'] for r in html]) / statistics.median(parse):.1f}x")
    print(line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--fastest", action="store_true", help="a page's fastest round, not its median")
    args = ap.parse_args()
    folders = args.folders or [p for p in (ROOT.parent / "shared" / "devset" / "html",
                                           ROOT.parent / "shared" / "devset" / "text") if p.is_dir()]
    for folder in folders:
        bench_folder(folder, args.rounds, args.fastest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
