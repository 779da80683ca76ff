#!/usr/bin/env python3
"""Extraction and `clean` benchmark: our adapters vs trafilatura vs bare parsing, and clean at scale.

Usage: python bench/bench.py                      # micro-benchmark + clean at N=1,000 and 10,000
       python bench/bench.py --sizes 1000 --jobs 1 2 --rounds 9
       python bench/bench.py --no-e2e --profile   # micro-benchmark, then a pyinstrument profile
       python bench/bench.py --no-micro --keep /tmp/pages   # keep the generated pages

Micro-benchmark (one run, the same pages for every extractor): every HTML case of
tests/fixtures except generic/ (the site adapters' own cases, bench/cases.py), read as raw bytes, each put through
  ours        ingest.pipeline.extract_page(data, path=…): decode, detect, site adapter, check
  generic     the same with site='generic' (the generic adapter on the same pages)
  trafilatura trafilatura.extract(data) with its defaults (raw bytes: it decodes itself)
  lxml parse  lxml.html.fromstring(data): parsing alone, the floor no HTML extractor beats
Each (page, extractor) is warmed up once, then timed in --rounds rounds of enough calls to
fill ~--round-ms, the extractors' rounds interleaved so that load changes hit them alike;
the page's figure is the median of the rounds' per-call times. The summary
gives the mean over pages of those medians (ms/page), pages/s (= 1000 / that mean), and the
ratios: trafilatura's time over ours ("× faster") and ours over the parse floor.

End-to-end: for each N in --sizes, N pages are generated into a temporary folder from the eight
HTML cases of GENERATED (generic included), each copy with its own URL (saved-from comment, canonical
and og:url, and every other occurrence of the fixture's URL), its number written in Han
characters in its title, body paragraphs shuffled and their digits changed, then
`python cli.py clean DIR --db fresh.db --jobs J` runs as a subprocess for each J in --jobs.
Reported: wall time, pages/s, total CPU time of the tree, and memory measured three ways:
  tree RSS   peak over time of the sum of RSS of the clean process and its workers, sampled
             every 50 ms with psutil (counts pages shared between the forked workers and
             the parent once per process: an overestimate of real use);
  tree PSS   the same with PSS (shared pages split between the processes sharing them);
  max RSS    ru_maxrss from os.wait4() on the clean process: the largest RSS any single
             process of the tree reached (Linux reports the max over the process and its
             reaped descendants, not a sum).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: `bench` is the folder, not bench/bench.py
# The HTML cases `generate` varies: the eight it always used, so that a generated set (the
# 1,000 pages of the before/after hashes) stays the same when cases are added.
GENERATED = (
    "chinanews_ha_2018_gb2312",
    "chinanews_ha_2022_004",
    "chinanews_main_2020",
    "ddsb_2020_001",
    "generic_county_2021",
    "hnr_2018_trs",
    "hnr_2020_000",
    "hnr_2020_003",
)

import lxml.html  # noqa: E402

from bench.cases import cases  # noqa: E402

from newsclean.ingest.pipeline import extract_page  # noqa: E402

HAN_RUN_RE = re.compile(r"[\u4e00-\u9fff]{2,}")
HAN_RE = re.compile(r"[\u4e00-\u9fff]")
PARA_RE = re.compile(r"(<p\b[^>]*>)((?:(?!<p\b|</p>).)*?)(</p>)", re.S | re.I)
TAG_RE = re.compile(r"(<[^>]*>)")
SAVED_FROM_RE = re.compile(r"<!--\s*saved from url=\(\d+\)\s*\S+?\s*-->", re.I)
FILLER = "春夏秋冬东西南北新旧上下前后左右金木水火土山川河湖海"


# --------------------------------------------------------------------------- micro-benchmark

def site_pages() -> list[Path]:
    """The site adapters' HTML fixtures."""
    return [c.page for c in cases(".html") if not c.name.startswith("generic_")]


def time_calls(fns: dict[str, Callable[[], object]], rounds: int, round_ms: float) -> dict[str, float]:
    """Median per-call seconds of each function over `rounds` rounds of ~round_ms each.

    The functions' rounds are interleaved (round 1 of each, then round 2 of each…), so a
    change of machine load during the measurement affects them all alike.
    """
    calls = {}
    for name, fn in fns.items():
        start = time.perf_counter()
        fn()  # warm-up (selector compilation, imports, caches)
        once = max(time.perf_counter() - start, 1e-6)
        calls[name] = max(1, int(round_ms / 1000 / once))
    per_call: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(calls[name]):
                fn()
            per_call[name].append((time.perf_counter() - start) / calls[name])
    return {name: statistics.median(times) for name, times in per_call.items()}


def micro(rounds: int, round_ms: float) -> dict[str, float]:
    """Time every extractor on every site fixture; print a table; return mean ms per extractor."""
    import trafilatura

    extractors: dict[str, Callable[[bytes, str], Callable[[], object]]] = {
        "ours": lambda data, path: lambda: extract_page(data, path=path),
        "generic": lambda data, path: lambda: extract_page(data, path=path, site="generic"),
        "trafilatura": lambda data, path: lambda: trafilatura.extract(data),
        "lxml parse": lambda data, path: lambda: lxml.html.fromstring(data),
    }
    names = list(extractors)
    print(f"Micro-benchmark: {len(site_pages())} site fixtures, median of {rounds} rounds of "
          f"~{round_ms:.0f} ms each (ms per page)")
    print(f"{'page':<32}{'KB':>6}" + "".join(f"{n:>13}" for n in names) + f"{'adapter':>22}")
    results: dict[str, list[float]] = {n: [] for n in names}
    for page in site_pages():
        data = page.read_bytes()
        art = extract_page(data, path=str(page))
        text = trafilatura.extract(data) or ""
        assert len(text) > 200, f"trafilatura extracted little from {page.name}"
        medians = time_calls({name: make(data, str(page)) for name, make in extractors.items()},
                             rounds, round_ms)
        row = []
        for name in names:
            results[name].append(medians[name] * 1000)
            row.append(medians[name] * 1000)
        print(f"{page.name:<32}{len(data) / 1024:>6.1f}" + "".join(f"{v:>13.2f}" for v in row)
              + f"{art.extractor:>22}"[:22])
    means = {n: statistics.mean(v) for n, v in results.items()}
    print(f"{'mean ms/page':<38}" + "".join(f"{means[n]:>13.2f}" for n in names))
    print(f"{'pages/s':<38}" + "".join(f"{1000 / means[n]:>13.0f}" for n in names))
    floor, traf = means["lxml parse"], means["trafilatura"]
    print()
    for name in ("ours", "generic"):
        per_page = [t / o for t, o in zip(results["trafilatura"], results[name])]
        print(f"{name:<8} {traf / means[name]:5.1f}× faster than trafilatura "
              f"(per page {min(per_page):.1f}–{max(per_page):.1f}×), "
              f"{means[name] / floor:4.1f}× the lxml parse floor")
    print(f"trafilatura {traf / floor:5.1f}× the lxml parse floor")
    target = traf / means["ours"] >= 8
    print(f"target: site adapters ≥ 8× faster than trafilatura: "
          f"{'MET' if target else 'MISSED'} ({traf / means['ours']:.1f}×)")
    return means


def profile(seconds: float) -> None:
    """Profile `ours` on the site fixtures with pyinstrument and print the call tree."""
    from pyinstrument import Profiler

    pages = [(str(p), p.read_bytes()) for p in site_pages()]
    for path, data in pages:
        extract_page(data, path=path)
    profiler = Profiler(interval=0.0002)
    profiler.start()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for path, data in pages:
            extract_page(data, path=path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


# --------------------------------------------------------------------------- page generation

def read_fixture(page: Path) -> tuple[str, str, dict]:
    """(text, encoding, golden record) of one HTML fixture."""
    data = page.read_bytes()
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("gb18030"), "gb18030"
    gold = json.loads((page.parent / "expected.json").read_text(encoding="utf-8"))
    return text, encoding, gold


def han_only(text: str) -> str:
    return "".join(HAN_RE.findall(text))


def han_number(number: int) -> str:
    """The number in base len(FILLER), written with FILLER characters (at least two)."""
    digits = ""
    while True:
        number, rest = divmod(number, len(FILLER))
        digits = FILLER[rest] + digits
        if not number:
            return digits.rjust(2, FILLER[0])


def vary(text: str, gold: dict, number: int, rng: random.Random) -> str:
    """A copy of a fixture page with its own URL, title and body (same template)."""
    old_url = gold["url"]
    new_url = re.sub(r"\d+(?=\D*$)", str(1_000_000 + number), old_url)
    text = text.replace(old_url, new_url)
    comment = f"<!-- saved from url=({len(new_url):04d}){new_url} -->"
    if SAVED_FROM_RE.search(text):
        text = SAVED_FROM_RE.sub(lambda _m: comment, text, count=1)
    else:
        first_line_end = text.index("\n") + 1
        text = text[:first_line_end] + comment + "\n" + text[first_line_end:]
    # Title: the page number written in FILLER characters after its longest Han run, wherever
    # that run appears (unique titles: copies with one title, date and body would be merged).
    run = max(HAN_RUN_RE.findall(gold["title"]), key=len)
    text = text.replace(run, run + han_number(number))
    # Body: the <p> paragraphs that belong to the golden body are shuffled, digits changed.
    body_han = han_only("".join(gold["body"]))
    spans = [m for m in PARA_RE.finditer(text)
             if len(han_only(m.group(2))) >= 12 and han_only(m.group(2))[:12] in body_han]
    inner = [m.group(2) for m in spans]
    rng.shuffle(inner)
    inner = ["".join(part if part.startswith("<") else
                     re.sub(r"\d", lambda _m: str(rng.randrange(10)), part)
                     for part in TAG_RE.split(chunk)) for chunk in inner]
    out, last = [], 0
    for match, new_inner in zip(spans, inner):
        out += [text[last:match.start(2)], new_inner]
        last = match.end(2)
    out.append(text[last:])
    return "".join(out)


def generate(folder: Path, count: int, seed: int = 6) -> None:
    """Write `count` varied copies of the HTML fixtures into `folder`."""
    rng = random.Random(seed)
    fixtures = [(c.name, *read_fixture(c.page)) for c in cases(".html") if c.name in GENERATED]
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        stem, text, encoding, gold = fixtures[number % len(fixtures)]
        page = vary(text, gold, number, rng)
        (folder / f"{number:06d}_{stem}.html").write_bytes(page.encode(encoding))


def copy_real_pages(folder: Path, count: int, pages: list[tuple[Path, Path | None]]) -> None:
    """Write `count` copies of the real pages, given with their gold records (or None), each with
    its own URL (its gold URL replaced, and a saved-from comment in HTML), title (the copy's
    number appended in Han characters where the gold title appears) and a sentence of its own
    before the gold body's first words, so that each copy is an article of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        page, gold = pages[number % len(pages)]
        data = page.read_bytes()
        record = json.loads(gold.read_text(encoding="utf-8")) if gold else {}
        new_url = f"http://copy{number}.bench.invalid/{page.stem}.html"
        if record.get("url"):
            data = data.replace(record["url"].encode(), new_url.encode())
        body = record.get("body") or []
        first = (body[0] if isinstance(body, list) and body else str(body))[:10]
        for encoding in ("utf-8", "gb18030"):
            title = (record.get("title") or "").encode(encoding)
            if title and title in data:
                data = data.replace(title, title + han_number(number).encode(encoding))
            words = first.encode(encoding, errors="ignore")
            if len(first) >= 4 and words in data:
                data = data.replace(words, f"本篇编号{han_number(number)}。".encode(encoding) + words, 1)
            if title in data or words in data:
                break
        bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        comment = f"<!-- saved from url=({len(new_url):04d}){new_url} -->\n".encode() if page.suffix == ".html" else b""
        (folder / f"{number:06d}_{page.parent.name}_{page.stem}{page.suffix}").write_bytes(bom + comment + data[len(bom):])


def pages_under(sources: list[Path]) -> list[tuple[Path, Path | None]]:
    """The HTML pages of the folders, with the gold record beside each (None when missing)."""
    pages = sorted(p for source in sources for p in source.glob("*.html"))
    return [(p, p.with_suffix(".json") if p.with_suffix(".json").exists() else None) for p in pages]


# --------------------------------------------------------------------------- end-to-end

def tree_memory(pid: int, stop: threading.Event, peaks: dict[str, float]) -> None:
    """Sample the summed RSS and PSS of a process and its descendants, and the process's own
    CPU seconds, until `stop` is set."""
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.is_set():
        rss = pss = 0
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            break
        for proc in procs:
            try:
                info = proc.memory_full_info()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        try:
            times = root.cpu_times()
            peaks["main_cpu"] = times.user + times.system  # the main process's own, not its workers'
        except psutil.Error:
            pass
        peaks["rss"] = max(peaks.get("rss", 0), rss)
        peaks["pss"] = max(peaks.get("pss", 0), pss)
        stop.wait(0.05)


def run_clean(folder: Path, db: Path, jobs: int) -> dict[str, float]:
    """Run `cli.py clean` once; wall seconds, CPU seconds, memory peaks (MB) and its summary."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "cli.py", "clean", str(folder), "--db", str(db),
                             "--jobs", str(jobs)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    stop, peaks = threading.Event(), {}
    sampler = threading.Thread(target=tree_memory, args=(proc.pid, stop, peaks), daemon=True)
    sampler.start()
    reader = {}
    threads = [threading.Thread(target=lambda n=n, f=f: reader.__setitem__(n, f.read()))
               for n, f in (("out", proc.stdout), ("err", proc.stderr))]
    for t in threads:
        t.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    for t in (*threads, sampler):
        t.join()
    summary = reader["out"].strip().splitlines()[0] if reader["out"].strip() else ""
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "exit": proc.returncode,
            "rss": peaks.get("rss", 0) / 2**20, "pss": peaks.get("pss", 0) / 2**20,
            "maxrss": usage.ru_maxrss / 1024, "main_cpu": peaks.get("main_cpu", 0.0), "summary": summary, "stderr": reader["err"][-2000:]}


def end_to_end(sizes: list[int], jobs_list: list[int], keep: Path | None, repeat: int = 1,
               real: list[Path] | None = None) -> None:
    """Generate pages for each N (copies of the real pages under `real` when given), clean them
    with each --jobs (`repeat` times, alternating), print every run and compare the fastest run
    of each (N, jobs)."""
    what = f"copies of the real pages in {', '.join(map(str, real))}" if real else "generated pages"
    print(f"\nEnd-to-end ({what}): python cli.py clean DIR --db fresh.db --jobs J  "
          f"({os.cpu_count()} cores)")
    print(f"{'N':>7}{'jobs':>6}{'wall s':>9}{'pages/s':>9}{'ms/page':>9}{'CPU s':>8}"
          f"{'tree RSS MB':>13}{'tree PSS MB':>13}{'max RSS MB':>12}{'load':>6}   clean's summary")
    with tempfile.TemporaryDirectory(prefix="newsclean-bench-") as tmp:
        base = keep or Path(tmp)
        table: dict[tuple[int, int], dict[str, float]] = {}
        for n in sizes:
            folder = base / (f"real-{n}" if real else f"pages-{n}")
            if not folder.exists():
                copy_real_pages(folder, n, pages_under(real)) if real else generate(folder, n)
            for _attempt in range(repeat):
                for jobs in jobs_list:
                    db = Path(tmp) / f"fresh-{n}-{jobs}.db"
                    load = os.getloadavg()[0]
                    r = run_clean(folder, db, jobs)
                    if (n, jobs) not in table or r["wall"] < table[n, jobs]["wall"]:
                        table[n, jobs] = r
                    print(f"{n:>7}{jobs:>6}{r['wall']:>9.1f}{n / r['wall']:>9.0f}"
                          f"{1000 * r['wall'] / n:>9.2f}{r['cpu']:>8.1f}{r['rss']:>13.0f}"
                          f"{r['pss']:>13.0f}{r['maxrss']:>12.0f}{load:>6.1f}   "
                          f"{r['summary'].split('  →')[0]}", flush=True)
                    if r["exit"] != 0:
                        print(f"    exit {r['exit']}: {r['stderr']}")
                    for leftover in Path(tmp).glob(db.name + "*"):
                        leftover.unlink()
        print()
        if len(jobs_list) >= 2 and 1 in jobs_list:
            for n in sizes:
                for jobs in jobs_list:
                    if jobs > 1:
                        speedup = table[n, 1]["wall"] / table[n, jobs]["wall"]
                        rate = n / table[n, jobs]["wall"]
                        met = speedup >= 1.8 and rate >= 200
                        verdict = ("MET" if met else "MISSED") if jobs == 2 else ""
                        print(f"N={n}: --jobs {jobs} is {speedup:.2f}× --jobs 1, {rate:.0f} pages/s "
                              f"(target for --jobs 2: ≥ 1.8× and ≥ 200 pages/s: {verdict})" if verdict else
                              f"N={n}: --jobs {jobs} is {speedup:.2f}× --jobs 1, {rate:.0f} pages/s")
        if len(sizes) >= 2:
            small, large = min(sizes), max(sizes)
            for jobs in jobs_list:
                a, b = table[small, jobs], table[large, jobs]
                print(f"--jobs {jobs}: N×{large / small:.0f} → wall ×{b['wall'] / a['wall']:.2f} "
                      f"(ms/page {1000 * a['wall'] / small:.2f} → {1000 * b['wall'] / large:.2f}); "
                      f"peak tree RSS {a['rss']:.0f} → {b['rss']:.0f} MB, "
                      f"max RSS {a['maxrss']:.0f} → {b['maxrss']:.0f} MB")
        worst = max(r["rss"] for r in table.values())
        print(f"target: peak memory < 200 MB: {'MET' if worst < 200 else 'MISSED'} "
              f"(worst peak tree RSS {worst:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="timing rounds per page and extractor")
    parser.add_argument("--round-ms", type=float, default=60, help="target length of one round")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1,
                        help="end-to-end runs per (N, jobs), alternating; the fastest is compared")
    parser.add_argument("--no-micro", action="store_true", help="skip the micro-benchmark")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end runs")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of ours")
    parser.add_argument("--keep", type=Path, help="generate pages into this folder and keep them")
    parser.add_argument("--real", type=Path, nargs="+", metavar="DIR",
                        help="end-to-end over copies of the real HTML pages in DIR (e.g. "
                             "../shared/devset/html ../shared/refs/html) instead of generated ones")
    args = parser.parse_args()
    import platform
    import trafilatura
    print(f"python {platform.python_version()}, lxml {'.'.join(map(str, lxml.etree.LXML_VERSION))}, "
          f"trafilatura {trafilatura.__version__}, {os.cpu_count()} cores, {platform.machine()}, "
          f"load average {os.getloadavg()[0]:.2f} (other processes skew the figures, --jobs 2 most)")
    if not args.no_micro:
        micro(args.rounds, args.round_ms)
    if args.profile:
        profile(5.0)
    if not args.no_e2e:
        end_to_end(args.sizes, args.jobs, args.keep, args.repeat, args.real)


if __name__ == "__main__":
    main()
