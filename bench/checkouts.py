#!/usr/bin/env python3
"""Extraction CPU per page of several checkouts, per dev folder, in one run (issue 23).

Usage: python bench/checkouts.py DIR [DIR ...] [--rounds 3]
       (DIR: a checkout, e.g. `git worktree add /tmp/old 619e961`, or `git archive REV | tar -x -C DIR`)

Every HTML page of ../shared/refs/html and of each ../shared/devset HTML folder (html, html2,
sites/<host>) is put through `ingest.pipeline.extract_page(data, url=…)` of each checkout, in
a fresh process per checkout and round; the rounds are interleaved (round 1 of every
checkout, then round 2, ...) so that a change of load hits every checkout alike. A page's
figure is its fastest round, in CPU time (time.process_time) after one warm-up call. Printed
per folder and checkout: median, mean and p95 over the pages (ms), and the load average.

A checkout whose package sits in `DIR/newsclean` is imported from DIR; one whose package is
DIR itself (this layout: `package-dir = {"newsclean" = "."}`) through a `newsclean` link to it
in a temporary folder, ahead of any installed copy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path("/work/shared") if not (ROOT.parent / "shared").is_dir() else ROOT.parent / "shared"
FOLDERS = (
    "refs/html",
    "devset/html",
    "devset/html2",
    "devset/sites/ent.163.com",
    "devset/sites/ent.ifeng.com",
)


def pages() -> list[tuple[str, Path, str | None]]:
    """(folder, page, URL of its gold record) of every page timed."""
    found = []
    for folder in FOLDERS:
        for page in sorted((SHARED / folder).glob("*.html")):
            gold = page.with_suffix(".json")
            url = json.loads(gold.read_text(encoding="utf-8")).get("url") if gold.exists() else None
            found.append((folder, page, url))
    return found


def import_root(checkout: Path, scratch: Path) -> Path:
    """The folder to put first on sys.path so that `newsclean` is the checkout's package
    (`scratch`: a folder of this checkout's own)."""
    if (checkout / "newsclean" / "__init__.py").exists():
        return checkout
    link_root = scratch
    link_root.mkdir(parents=True, exist_ok=True)
    link = link_root / "newsclean"
    if not link.exists():
        link.symlink_to(checkout.resolve(), target_is_directory=True)
    return link_root


def worker() -> None:
    """Time every page once after a warm-up call; print {page: ms} (run in a fresh process)."""
    from newsclean.ingest.pipeline import extract_page

    times = {}
    for _, page, url in pages():
        data = page.read_bytes()
        for _ in range(2):  # the first call warms caches and lazy imports
            start = time.process_time()
            with contextlib.suppress(ValueError):  # NotAnArticle, DecodeError: timed all the same
                extract_page(data, url=url)
            spent = time.process_time() - start
        times[str(page)] = spent * 1000
    json.dump(times, sys.stdout)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkouts", nargs="+", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    best: dict[Path, dict[str, float]] = {c: {} for c in args.checkouts}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(args.rounds):
            for checkout in args.checkouts:
                own = Path(scratch) / str(args.checkouts.index(checkout))
                env = dict(os.environ, PYTHONPATH=str(import_root(checkout, own)))
                out = subprocess.run(
                    [sys.executable, __file__, "--worker"],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                for page, ms in json.loads(out).items():
                    best[checkout][page] = min(ms, best[checkout].get(page, ms))
    print(
        f"extraction CPU ms per page (fastest of {args.rounds} rounds): median / mean / p95, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'folder':28} {'pages':>5}  " + "  ".join(f"{str(c)[-22:]:>22}" for c in args.checkouts))
    for folder in (*FOLDERS, "all"):
        chosen = [str(p) for f, p, _ in pages() if folder in ("all", f)]
        cells = []
        for checkout in args.checkouts:
            values = [best[checkout][page] for page in chosen]
            cells.append(
                f"{statistics.median(values):6.2f} {statistics.mean(values):6.2f} {p95(values):7.1f}"
            )
        print(f"{folder:28} {len(chosen):5}  " + "  ".join(f"{cell:>22}" for cell in cells))
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        worker()
        sys.exit()
    sys.exit(main())
