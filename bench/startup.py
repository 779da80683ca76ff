#!/usr/bin/env python3
"""Start-up benchmark: wall time of short commands, each a fresh process (issue 14).

Usage: python bench/startup.py               # 7 runs of each command, medians
       python bench/startup.py --runs 15 --top 20
       python bench/startup.py --db news.db  # query that database instead of the fixtures'

Another checkout (e.g. the commit before a change, from `git archive REV | tar -x -C DIR`)
is measured with `PYTHONPATH=DIR python DIR/bench/startup.py` (copy this file there first):
PYTHONPATH puts DIR's newsclean/ ahead of the editable install, for the console script too.

Commands timed (the interpreter is this one, sys.executable; `newsclean` is the console
script installed beside it, which imports newsclean.cli from the installed package):
  bare python          python -c pass (the floor: interpreter and site start-up)
  cli.py --help        python cli.py --help
  newsclean --help     newsclean --help
  search               newsclean search 锦旗 --db DB
  show                 newsclean show 1 --db DB
  stats                newsclean stats --db DB
  sites                newsclean sites
  clean --help         newsclean clean --help
  fetch --help         newsclean fetch --help
  clean one page       newsclean clean PAGE --db ONE --force -q (a site fixture, cleaned again
                       into the same database each run: extraction and a write, no new schema)
DB is made from tests/fixtures (`python cli.py clean tests/fixtures --db DB`) in a temporary
folder, unless --db names one. The runs are interleaved (run 1 of every command, then run 2,
...) so that a change of load hits every command alike; each figure is the median over the
runs (wall time), with the fastest and slowest beside it, then the median CPU time (user +
system, from os.wait4), which other processes on the machine disturb less. Every run must
exit 0.

Then `python -X importtime cli.py --help` (and the same for search) is parsed, and the
modules with the largest cumulative import time are listed (a module's figure includes the
modules it imported first), indented by depth as Python prints them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: `bench` is the folder, not bench/bench.py
FIXTURES = ROOT / "tests" / "fixtures"
PYTHON = sys.executable
NEWSCLEAN = str(Path(PYTHON).parent / "newsclean")
CLI = str(ROOT / "cli.py")
ONE_PAGE = FIXTURES / "hnr" / "2020_000" / "source.html"
# The warm-up runs write the .pyc files even under PYTHONDONTWRITEBYTECODE (an installed
# package has them): without them every timed run compiles the project's sources again.
WARM_UP_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def commands(db: str, folder: str) -> list[tuple[str, list[str]]]:
    """(label, argv) of every command timed (`folder`: where `clean` writes its database)."""
    one_db = os.path.join(folder, "one.db")
    return [
        ("bare python", [PYTHON, "-c", "pass"]),
        ("cli.py --help", [PYTHON, CLI, "--help"]),
        ("newsclean --help", [NEWSCLEAN, "--help"]),
        ("search", [NEWSCLEAN, "search", "锦旗", "--db", db]),
        ("show", [NEWSCLEAN, "show", "1", "--db", db]),
        ("stats", [NEWSCLEAN, "stats", "--db", db]),
        ("sites", [NEWSCLEAN, "sites"]),
        ("clean --help", [NEWSCLEAN, "clean", "--help"]),
        ("fetch --help", [NEWSCLEAN, "fetch", "--help"]),
        ("clean one page", [NEWSCLEAN, "clean", str(ONE_PAGE), "--db", one_db, "--force", "-q"]),
    ]


def run_once(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run (exits on a failed run: a broken
    command times nothing)."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {child.returncode}: {errors.decode(errors='replace')}")
    return elapsed, usage.ru_utime + usage.ru_stime


def import_times(argv: list[str]) -> list[tuple[int, int, int, str]]:
    """(cumulative µs, self µs, depth, module) of every import of one -X importtime run."""
    done = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], cwd=ROOT, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|", 2)
        depth = (len(name) - len(name.lstrip(" "))) // 2
        rows.append((int(cumulative), int(own), depth, name.strip()))
    return rows


def print_imports(label: str, argv: list[str], top: int) -> None:
    """The `top` modules by cumulative import time of one command, and the total."""
    rows = import_times(argv)
    total = sum(c for c, _, depth, _ in rows if depth == 0)
    print(f"\n{label}: {len(rows)} modules imported, {total / 1000:.0f} ms of imports in all")
    print(f"{'cumulative ms':>14} {'self ms':>8}  module")
    for cumulative, own, depth, name in sorted(rows, reverse=True)[:top]:
        print(f"{cumulative / 1000:14.1f} {own / 1000:8.1f}  {'  ' * depth}{name}")


def make_db(folder: str) -> str:
    """A database cleaned from tests/fixtures."""
    db = os.path.join(folder, "fixtures.db")
    subprocess.run([PYTHON, CLI, "clean", str(FIXTURES), "--db", db, "-q"], cwd=ROOT, check=True)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (default 7)")
    parser.add_argument("--top", type=int, default=10, help="modules listed by import time (default 10)")
    parser.add_argument("--db", help="database to query (default: one made from tests/fixtures)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or make_db(tmp)
        todo = commands(db, tmp)
        load = os.getloadavg()[0]
        for _, argv in todo:  # warm the page cache and the .pyc files
            run_once(argv, WARM_UP_ENV)
        times: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in todo}
        for _ in range(args.runs):
            for label, argv in todo:
                times[label].append(run_once(argv))
        load = max(load, os.getloadavg()[0])
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average up to {load:.2f}; "
            f"{args.runs} fresh processes each (ms; CPU = user + system of the process)"
        )
        print(f"{'command':<18} {'wall':>7} {'min':>7} {'max':>7} {'CPU':>7}")
        for label, _ in todo:
            wall = [w for w, _ in times[label]]
            cpu = [c for _, c in times[label]]
            print(
                f"{label:<18} {statistics.median(wall) * 1000:7.0f} {min(wall) * 1000:7.0f} "
                f"{max(wall) * 1000:7.0f} {statistics.median(cpu) * 1000:7.0f}"
            )
        print_imports("cli.py --help", [PYTHON, CLI, "--help"], args.top)
        print_imports("search", [PYTHON, CLI, "search", "锦旗", "--db", db], args.top)


if __name__ == "__main__":
    main()
