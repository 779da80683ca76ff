#!/usr/bin/env python3
"""Concurrent runs on one database: does every input end up stored once? (issue 24, done-when)

Usage: python -m bench.cluster_trials [--trials 10] [--pages 100] [--workers 1]

Inputs: the fixtures and a generated WARC of a regional news crawl (bench/warc_bench.py), as
in tests/test_cluster_safety.py. A reference database is made by one local `clean`. Then,
for each trial, on a new database: two `clean --cluster` runs started together (scenario
"two cluster runs"), and a `clean --cluster` run beside a local `clean` (scenario "cluster +
local"), the second process started 0-2 s after the first (a seeded random delay, so the
runs meet at different points). The cluster is one LocalCluster shared by every run. A trial
passes when both runs exit 0 without a traceback and the database holds exactly the
reference's inputs (path and digest) and articles (key and title), each once, with no shard
folder left behind.
"""

from __future__ import annotations

import argparse
import logging
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: `bench` is the folder, not bench/bench.py

from bench import warc_bench  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def stored(db: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The inputs (path, sha256) and articles (key, title) of a database, sorted."""
    with sqlite3.connect(db) as con:
        inputs = con.execute("select path, sha256 from inputs order by path").fetchall()
        articles = con.execute("select key, title from articles order by key").fetchall()
    con.close()
    return inputs, articles


def clean(*args: str | Path) -> subprocess.Popen[str]:
    """`newsclean clean ARGS` started in its own process."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "clean", *map(str, args), "-q"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def trial(runs: list[list[str | Path]], delay: float, db: Path, reference: tuple) -> tuple[bool, str]:
    """Start the runs `delay` seconds apart; (passed, why not)."""
    procs = []
    for n, args in enumerate(runs):
        if n:
            time.sleep(delay)
        procs.append(clean(*args))
    problems = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0 or "Traceback" in err:
            problems.append(f"exit {proc.returncode}: {err.strip()[-300:]}")
    inputs, articles = stored(db)
    if (inputs, articles) != reference:
        problems.append(
            f"{len(inputs)} inputs ({len(set(inputs))} distinct) and {len(articles)} articles, "
            f"expected {len(reference[0])} and {len(reference[1])}"
        )
    if Path(f"{db}.shards").exists():
        problems.append("shard folder left behind")
    return not problems, "; ".join(problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--pages", type=int, default=100, help="pages in the generated WARC")
    parser.add_argument("--workers", type=int, default=1, help="processes of the shared LocalCluster")
    args = parser.parse_args()
    from dask.distributed import LocalCluster

    rng = random.Random(24)
    with tempfile.TemporaryDirectory(prefix="cluster-trials-") as tmp:
        base = Path(tmp)
        (base / "in").mkdir()
        warc_bench.build_warc(base / "in" / "crawl.warc.gz", args.pages)
        paths: list[str | Path] = [FIXTURES, base / "in"]
        local = base / "reference.db"
        assert clean(*paths, "--db", local).wait() == 0
        reference = stored(local)
        print(f"{len(reference[0])} inputs, {len(reference[1])} articles in the reference database")
        with LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster:
            address = cluster.scheduler_address
            on_cluster = ["--cluster", address, "--task-inputs", "25"]
            passed = {"two cluster runs": 0, "cluster + local": 0}
            for n in range(args.trials):
                for scenario in passed:
                    db = base / f"trial{n}-{scenario.split()[0]}.db"
                    first = [*paths, "--db", db, *on_cluster]
                    second = first if scenario == "two cluster runs" else [*paths, "--db", db]
                    delay = rng.uniform(0, 2)
                    started = time.perf_counter()
                    ok, why = trial([first, second], delay, db, reference)
                    passed[scenario] += ok
                    took = time.perf_counter() - started
                    print(
                        f"trial {n + 1:>2} {scenario:<16} second run after {delay:.1f} s: "
                        f"{'stored once' if ok else 'FAILED: ' + why} ({took:.0f} s)",
                        flush=True,
                    )
        for scenario, count in passed.items():
            print(f"{scenario}: every input stored once in {count} of {args.trials} trials")


if __name__ == "__main__":
    main()
