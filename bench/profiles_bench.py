#!/usr/bin/env python3
"""What site profiles cost `clean`: each folder cleaned with and without them.

Usage: python bench/profiles_bench.py ../shared/devset/sites/ent.163.com ../shared/devset/sites/ent.ifeng.com
       python bench/profiles_bench.py DIR... [--rounds 5] [--jobs 1]

Each DIR is a folder of saved pages of one site with, beside each page, a JSON file whose `url`
gives the page's URL (the dev set's layout): the URLs go to `clean` in a manifest, since a
profile is learned per host. `python cli.py clean DIR --db fresh.db --manifest M --jobs J` runs
as a subprocess --rounds times with profiles and as many times with `--no-profiles`, the two
interleaved so that load changes hit them alike. Reported per folder: the median wall time and
the median CPU time (user + system of the process tree) of each, and the share profiles add.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_manifest(folder: Path, manifest: Path) -> None:
    """A manifest giving each page of `folder` the URL its JSON file names."""
    lines = []
    for gold in sorted(folder.glob("*.json")):
        page = next((p for p in (gold.with_suffix(".html"), gold.with_suffix(".txt")) if p.exists()), None)
        url = json.loads(gold.read_text(encoding="utf-8")).get("url")
        if page and url:
            lines.append(json.dumps({"path": str(page), "url": url}) + "\n")
    manifest.write_text("".join(lines), encoding="utf-8")


def timed_clean(folder: Path, manifest: Path, db: Path, jobs: int, *options: str) -> tuple[float, float]:
    """Wall and CPU seconds of one `clean` of the folder into a fresh database."""
    db.unlink(missing_ok=True)
    before = os.times()
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "cli.py", "clean", str(folder), "--db", str(db), "--manifest", str(manifest)]
        + ["--jobs", str(jobs), "-q", *options],
        cwd=ROOT,
        check=False,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for folder in args.folders:
            manifest, db = Path(tmp) / "manifest.jsonl", Path(tmp) / "bench.db"
            write_manifest(folder.resolve(), manifest)
            runs: dict[str, list[tuple[float, float]]] = {"alone": [], "profiles": []}
            for _ in range(args.rounds):
                runs["alone"].append(timed_clean(folder, manifest, db, args.jobs, "--no-profiles"))
                runs["profiles"].append(timed_clean(folder, manifest, db, args.jobs))
            wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
            cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
            print(
                f"{folder.name}: --no-profiles wall {wall['alone']:.2f} s cpu {cpu['alone']:.2f} s; "
                f"profiles wall {wall['profiles']:.2f} s cpu {cpu['profiles']:.2f} s; "
                f"added wall {wall['profiles'] / wall['alone'] - 1:+.0%} cpu {cpu['profiles'] / cpu['alone'] - 1:+.0%}"
            )


if __name__ == "__main__":
    main()
