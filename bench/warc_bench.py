#!/usr/bin/env python3
"""WARC and cluster benchmark: WARC readers compared, then `clean` of one big WARC three ways.

Usage: python bench/warc_bench.py                   # 20,000 pages: readers, then clean runs
       python bench/warc_bench.py --pages 2000 --no-clean   # the reader comparison only
       python bench/warc_bench.py --keep /tmp/w     # keep the generated archive

The archive: --pages varied copies of the HTML fixtures (bench/bench.py's `generate`: real
templates, each page its own URL and title; here each long paragraph's Han characters are
shuffled too, so that every page is a distinct article), one `response` record each with
the page's URL, a WARC-Date and the HTTP charset, plus for every 50 pages a `request` record,
an image response and a 404 (skipped records), gzip-compressed one member per record.

Readers: warcio and FastWARC each read every record of the same .warc.gz and .warc, parse
the HTTP headers and read the decoded payload of the 200 responses (best of 3).

Clean (each a fresh database, a subprocess, RSS of every process sampled every 50 ms):
  local        python cli.py clean ARCHIVE --jobs 2
  cluster 1/2  python cli.py clean ARCHIVE --cluster local --workers N (one thread each)
  --out        the 2-worker run writing shards only (extraction without the merge)
then the merge alone: those shards merged into a fresh database by this process
(`ingest.cluster.merge_shards`), in inputs/s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "bench" / "bench.py")
_pages = importlib.util.module_from_spec(_spec)  # bench/bench.py, whether or not bench/ is on the path
_spec.loader.exec_module(_pages)  # type: ignore[union-attr]
generate = _pages.generate
from newsclean.ingest.inputs import saved_url  # noqa: E402
from newsclean.ingest.warc import WarcWriter, warc_record  # noqa: E402

# every this many pages, one request record, one image and one 404 (records to skip)
EXTRA_EVERY = 50


def distinct(page: bytes, encoding: str, rng: random.Random) -> bytes:
    """The page with the Han characters of each long paragraph shuffled: its own article.

    bench.py's copies share their paragraphs (shuffled), so story detection would see them
    all as copies of nine stories; shuffled characters give each copy its own shingles.
    """
    text = page.decode(encoding)

    def scramble(match: re.Match) -> str:
        parts = _pages.TAG_RE.split(match.group(2))
        han = [c for part in parts if not part.startswith("<") for c in _pages.HAN_RE.findall(part)]
        if len(han) < 40:
            return match.group(0)
        rng.shuffle(han)
        pool = iter(han)
        inner = "".join(part if part.startswith("<") else
                        _pages.HAN_RE.sub(lambda _m: next(pool), part) for part in parts)
        return match.group(1) + inner + match.group(3)

    return _pages.PARA_RE.sub(scramble, text).encode(encoding)


def build_warc(archive: Path, pages: int, seed: int = 6, extras: bool = True) -> int:
    """Write a WARC of `pages` generated pages (and skipped records); the number of records."""
    gz = archive.name.endswith(".gz")
    rng = random.Random(seed)
    count = 0
    with tempfile.TemporaryDirectory(prefix="warc-pages-") as tmp, archive.open("wb") as fh:
        generate(Path(tmp), pages, seed=seed)
        writer = WarcWriter(fh, gz)
        start = dt.datetime(2020, 3, 19, 9, 0, tzinfo=dt.timezone.utc)
        for number, page in enumerate(sorted(Path(tmp).iterdir())):
            charset = "gb2312" if "gb2312" in page.name else "utf-8"
            data = distinct(page.read_bytes(), "gb18030" if charset == "gb2312" else "utf-8", rng)
            url = saved_url(data) or f"http://example.com/{page.name}"
            date = start + dt.timedelta(seconds=rng.randrange(86400 * 365))
            writer.write(warc_record(url, data, date=date,
                                     http_headers={"Content-Type": f"text/html; charset={charset}"}))
            count += 1
            if extras and number % EXTRA_EVERY == EXTRA_EVERY - 1:
                writer.write(warc_record(url, f"GET {url} HTTP/1.1\r\n\r\n".encode(), date=date,
                                         record_type="request",
                                         http_headers={"Content-Type": "application/http;msgtype=request"}))
                writer.write(warc_record(url + ".png", b"\x89PNG\r\n\x1a\n" + bytes(200), date=date,
                                         http_headers={"Content-Type": "image/png"}))
                writer.write(warc_record(url + ".gone", b"<html>not found</html>", date=date,
                                         status=404, http_headers={"Content-Type": "text/html"}))
                count += 3
    return count


def read_fastwarc(archive: Path) -> tuple[int, int]:
    """(pages, payload bytes) read with FastWARC."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    pages = size = 0
    with archive.open("rb") as fh:
        for rec in ArchiveIterator(fh, parse_http=False):
            if rec.record_type != WarcRecordType.response:
                continue
            rec.parse_http(auto_decode="all")
            if rec.http_headers.status_code == 200 and "html" in (rec.http_content_type or ""):
                size += len(rec.reader.read())
                pages += 1
    return pages, size


def read_warcio(archive: Path) -> tuple[int, int]:
    """(pages, payload bytes) read with warcio."""
    from warcio.archiveiterator import ArchiveIterator

    pages = size = 0
    with archive.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response":
                continue
            if (rec.http_headers.get_statuscode() == "200"
                    and "html" in (rec.http_headers.get_header("Content-Type") or "")):
                size += len(rec.content_stream().read())
                pages += 1
    return pages, size


def compare_readers(folder: Path, pages: int) -> None:
    """Time warcio and FastWARC on the same archive, compressed and not."""
    import fastwarc
    import importlib.metadata as md

    gz = folder / "readers.warc.gz"
    plain = folder / "readers.warc"
    records = build_warc(gz, pages)
    build_warc(plain, pages)
    print(f"readers: {records} records ({pages} pages); .warc.gz {gz.stat().st_size / 2**20:.0f} MB, "
          f".warc {plain.stat().st_size / 2**20:.0f} MB; warcio {md.version('warcio')}, "
          f"FastWARC {md.version('fastwarc')} ({fastwarc.__name__})")
    print(f"{'reader':<10}{'archive':<10}{'s (best of 3)':>15}{'records/s':>12}{'MB/s (raw)':>12}  pages, payload MB")
    for archive in (gz, plain):
        for name, fn in (("warcio", read_warcio), ("FastWARC", read_fastwarc)):
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                got, size = fn(archive)
                best = min(best, time.perf_counter() - start)
            suffix = "".join(archive.suffixes)
            print(f"{name:<10}{suffix:<10}{best:>15.3f}{records / best:>12,.0f}"
                  f"{plain.stat().st_size / 2**20 / best:>12.0f}  {got}, {size / 2**20:.0f}", flush=True)


# --------------------------------------------------------------------------- clean runs

def sample_memory(pid: int, stop: threading.Event, peaks: dict[int, int]) -> None:
    """Peak RSS of every process of the tree rooted at `pid`, by pid, until `stop` is set."""
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.is_set():
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            break
        for proc in procs:
            try:
                peaks[proc.pid] = max(peaks.get(proc.pid, 0), proc.memory_info().rss)
            except psutil.Error:
                continue
        stop.wait(0.05)


def run(cmd: list[str]) -> dict[str, Any]:
    """Run a command; wall seconds, peak RSS per process (MB, the root first), its output."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop, peaks = threading.Event(), {}
    sampler = threading.Thread(target=sample_memory, args=(proc.pid, stop, peaks), daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    rss = [peaks.get(proc.pid, 0) / 2**20] + [v / 2**20 for k, v in peaks.items() if k != proc.pid]
    return {"wall": wall, "exit": proc.returncode, "rss": rss, "out": out, "err": err[-3000:]}


def clean_runs(folder: Path, pages: int) -> None:
    """local --jobs 2, --cluster local with 1 and 2 workers, extraction alone, merge alone."""
    from newsclean.db.store import open_db
    from newsclean.ingest.cluster import merge_shards, planned_tasks

    archive = folder / "bench.warc.gz"
    if not archive.exists():
        build_warc(archive, pages)
    print(f"\nclean: {archive.name}, {pages} pages, {archive.stat().st_size / 2**20:.0f} MB, "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}", flush=True)
    out = folder / "shards-out"
    runs = [("local --jobs 2", ["--jobs", "2"]),
            ("cluster, 1 worker", ["--cluster", "local", "--workers", "1"]),
            ("cluster, 2 workers", ["--cluster", "local", "--workers", "2"]),
            ("cluster, 2 workers, --out (extraction alone)",
             ["--cluster", "local", "--workers", "2", "--out", str(out)])]
    for number, (label, extra) in enumerate(runs):
        db = folder / f"run-{number}.db"
        for leftover in folder.glob(db.name + "*"):
            leftover.unlink()
        r = run([sys.executable, "cli.py", "clean", str(archive), "--db", str(db), *extra])
        client, *children = r["rss"]  # the root process first
        print(f"\n{label}: {r['wall']:.1f} s, {pages / r['wall']:.0f} pages/s, exit {r['exit']}; "
              f"peak RSS: client {client:.0f} MB, workers (largest first) "
              f"{', '.join(f'{m:.0f}' for m in sorted(children, reverse=True)[:4])} MB")
        for line in (r["out"] + r["err"]).strip().splitlines()[-6:]:
            print(f"    {line}", flush=True)
    db_path = folder / "merge-only.db"
    for leftover in folder.glob(db_path.name + "*"):
        leftover.unlink()
    db = open_db(db_path)
    start = time.perf_counter()
    summary = merge_shards(db, str(out), planned_tasks(str(out)))
    wall = time.perf_counter() - start
    rows = sum(summary.counts.values()) - summary.counts["skipped"]
    print(f"\nmerge alone (the --out shards into a fresh database, in this process): {rows} inputs "
          f"({summary.counts['cleaned']} articles) in {wall:.1f} s = {rows / wall:.0f} inputs/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--reader-pages", type=int, default=5_000, help="pages for the reader comparison")
    parser.add_argument("--no-readers", action="store_true")
    parser.add_argument("--no-clean", action="store_true")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="warc-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if not args.no_readers:
            compare_readers(folder, args.reader_pages)
        if not args.no_clean:
            clean_runs(folder, args.pages)


if __name__ == "__main__":
    main()
