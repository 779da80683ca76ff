#!/usr/bin/env python3
"""The cluster merge alone: Parquet shards kept by `clean --cluster local --out DIR` merged
into a fresh database, in this process (issue 23).

Usage: python cli.py clean FOLDER --cluster local --workers 2 --out /tmp/shards   # once
       python bench/merge_bench.py /tmp/shards                  # merge, articles/s
       python bench/merge_bench.py /tmp/shards --profile 25     # and the top of a cProfile
       python bench/merge_bench.py /tmp/shards --compare local.db   # same rows as a local clean?
       python bench/merge_bench.py /tmp/shards --inline         # the indexes synced in process
       python bench/merge_bench.py /tmp/shards --fts-parts 2    # the bigram index in 2 parts

Wall and CPU of `merge_shards` into a fresh database (shards are read, not removed): the
merge's own CPU (time.process_time; of which reading the shards, when the merge reads them
itself: older code), the CPU of the processes that read the shards (cluster.read_ahead) and
build the search and story indexes aside (db/aside.py; from RUSAGE_CHILDREN), and the wall
time spent at the end waiting for the indexes to be finished and written in. `--profile`
profiles the merge's CPU (time.process_time), not its waits. `--inline` syncs the
indexes in the merge's process instead, as before db/aside.py. With --compare, every table
that a local clean and a merge both write (site profiles apart: a local run learns them) is
hashed as tools' dbhash does (rows in rowid order, times left out) and compared.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import os
import pstats
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: `bench` is the folder, not bench/bench.py

TIME_COLUMNS = {"extracted_at", "seen_at"}
SEGMENT_TABLES = ("_fts_data", "_fts_idx", "_chars_data", "_chars_idx")  # an FTS5 index's segments


def table_hashes(path: Path) -> dict[str, str]:
    """{table: hash of its rows in rowid order, times left out} of a database; of the FTS5
    indexes, what they hold (search.index_content), not how their segments lay it out."""
    from newsclean.db import search

    con = sqlite3.connect(path)
    out = {f"{name} (content)": content for name, content in search.index_content(con)}
    for (name,) in con.execute("select name from sqlite_master where type = 'table' order by name"):
        if name.endswith(SEGMENT_TABLES):
            continue
        cols = [r[1] for r in con.execute(f"pragma table_info('{name}')") if r[1] not in TIME_COLUMNS]
        listed = ", ".join(f'"{c}"' for c in cols)
        try:
            rows = con.execute(f'select {listed} from "{name}" order by rowid').fetchall()
        except sqlite3.OperationalError:  # a WITHOUT ROWID table
            rows = con.execute(f'select {listed} from "{name}"').fetchall()
        out[name] = f"{hashlib.sha256(repr(rows).encode()).hexdigest()[:16]} rows={len(rows)}"
    return out


def merge_once(shards: str, db_path: Path, profile: int, inline: bool = False) -> None:
    """Merge the shards into a fresh database at db_path and print what it cost (`inline`:
    the search index synced in place, not built aside)."""
    from newsclean.db.store import open_db
    from newsclean.ingest import cluster

    if inline:
        cluster.indexes_aside = lambda db: contextlib.nullcontext()  # type: ignore[assignment]
    copy_wall = [0.0]
    with contextlib.suppress(ImportError):  # (not in code from before db/aside.py)
        from newsclean.db import aside

        name = "check" if hasattr(aside.AsideBuild, "check") else "finish"  # (finish: older code)
        waited = getattr(aside.AsideBuild, name)

        def timed(*args: Any) -> None:
            start = time.perf_counter()
            try:
                waited(*args)
            finally:
                copy_wall[0] += time.perf_counter() - start

        setattr(aside.AsideBuild, name, timed)

    tasks = cluster.planned_tasks(shards)
    read_cpu = [0.0]
    read_shard = cluster.read_shard

    def timed_read(*args: object) -> object:
        start = time.process_time()
        try:
            return read_shard(*args)  # type: ignore[arg-type]
        finally:
            read_cpu[0] += time.process_time() - start

    cluster.read_shard = timed_read  # type: ignore[assignment]
    db = open_db(db_path)
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU: not the waits
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    summary = cluster.merge_shards(db, shards, tasks)
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    db.conn.close()
    articles = summary.counts["cleaned"] + summary.counts["updated"]
    inputs = sum(summary.counts.values())
    print(
        f"merge of {len(tasks)} tasks: {inputs} inputs, {articles} articles ({dict(summary.counts)}); "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  wall {wall:.2f} s = {articles / wall:,.0f} articles/s; CPU {cpu:.2f} s = "
        f"{1000 * cpu / max(articles, 1):.3f} ms per article, of which reading shards "
        f"{1000 * read_cpu[0] / max(articles, 1):.3f}; the processes reading shards and building indexes "
        f"{1000 * children_cpu / max(articles, 1):.3f} ms per article{' (inline)' if inline else ''}; "
        f"waiting for them to finish and write their tables in: {copy_wall[0]:.2f} s wall"
    )
    if profiler:
        profiler.dump_stats(Path(tempfile.gettempdir()) / "merge_bench.prof")  # for print_callers
        pstats.Stats(profiler).sort_stats("tottime").print_stats(profile)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("shards", help="a shard folder kept by clean --cluster ... --out")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N top functions")
    parser.add_argument("--compare", type=Path, help="a local clean's database of the same inputs")
    parser.add_argument("--db", type=Path, help="merge into this (new) file and keep it")
    parser.add_argument("--inline", action="store_true", help="sync the search index in place")
    parser.add_argument("--fts-parts", type=int, help="build the bigram index in this many parts")
    args = parser.parse_args()
    if args.fts_parts:
        from newsclean.db import aside

        aside.FTS_PARTS = args.fts_parts
    with tempfile.TemporaryDirectory(prefix="newsclean-merge-") as tmp:
        db_path = args.db or Path(tmp) / "merged.db"
        merge_once(args.shards, db_path, args.profile, args.inline)
        if args.compare:
            ours, local = table_hashes(db_path), table_hashes(args.compare)
            tables = sorted((set(ours) | set(local)) - {"site_profiles"})
            differ = [t for t in tables if ours.get(t) != local.get(t)]
            for t in differ:
                print(f"  differs: {t}: merged {ours.get(t)}, local {local.get(t)}")
            print(f"  {len(tables) - len(differ)} of {len(tables)} tables equal to {args.compare}")


if __name__ == "__main__":
    main()
