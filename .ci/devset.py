#!/usr/bin/env python3
"""Score the project on ../shared/devset with its scorer, print the figures, and fail when
one drops below the floor in .ci/devset-floor.json (a ratchet: raise it as results improve;
it is kept one count and 0.002 F1 under the measured figures, so that a library update that
moves one page does not block every submission).

  python .ci/devset.py --python PY [--update]

--update writes the figures just measured as the new floor (only ever upwards).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"
FLOOR = Path(__file__).with_name("devset-floor.json")
LINE_RE = re.compile(r"title (\d+)/\d+, date (\d+)/\d+, people (\d+)/\d+, body F1 ([\d.]+)"
                     r"(?: \(trafilatura [\d.]+\))?, leaks (\d+), failed (\d+), source (\d+)/\d+")
# Every folder the scorer reads, each with its own floor. In the folders the extractor was
# first tuned on, no page may fail (body F1 under 0.5) at all.
PARTS = ("text", "html", "html2", "sites/ent.163.com", "sites/ent.ifeng.com")
NO_FAILED = ("text", "html")
LOWER = ("leaks", "failed")  # lower is better; every other figure: higher is better


def measure(python: str, part: str) -> tuple[dict[str, float], str]:
    """Run score.py on one dev folder; its figures and its last line."""
    cmd = [python, str(DEVSET / "score.py"), str(DEVSET / part), "--python", python,
           "--project", str(ROOT), "--quiet"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800).stdout.strip()
    last = out.splitlines()[-1] if out else "(no output)"
    match = LINE_RE.search(last)
    if not match:
        raise SystemExit(f"devset {part}: scorer gave no figures: {last}")
    title, date, people, f1, leaks, failed, source = match.groups()
    return {"title": int(title), "date": int(date), "people": int(people), "body_f1": float(f1),
            "leaks": int(leaks), "failed": int(failed), "source": int(source)}, last


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()
    if not (DEVSET / "score.py").exists():
        print(f"devset: {DEVSET} not found, skipped")
        return 0
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))
    failed = []
    for part in PARTS:
        if not (DEVSET / part).is_dir():
            print(f"devset {part}: not found, skipped")
            continue
        got, line = measure(args.python, part)
        print(line)
        want = floor.setdefault(part, {})
        if part in NO_FAILED and got["failed"]:
            failed.append(f"devset {part}: {got['failed']} pages failed (body F1 under 0.5)")
        for key, value in got.items():
            if key not in want:
                continue
            worse = value > want[key] if key in LOWER else value < want[key]
            if worse:
                failed.append(f"devset {part}: {key} {value} is below the floor {want[key]}")
        if args.update:
            for key, value in got.items():
                old = want.get(key)
                better = old is None or (value < old if key in LOWER else value > old)
                want[key] = value if better else old
    if args.update:
        FLOOR.write_text(json.dumps(floor, indent=2) + "\n", encoding="utf-8")
    for message in failed:
        print(message)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
