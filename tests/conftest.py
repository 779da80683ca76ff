"""Shared test helpers: the fixture folder and its golden records, and the two ways tests run
the command line: in this process (`invoke`, click's CliRunner) or as a real process (`run_cli`)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PAGE_SUFFIXES = (".txt", ".html", ".html.gz")

sys.path.insert(0, str(ROOT))


def golden_cases() -> list[tuple[Path, dict]]:
    """(page path, golden record) for every NAME.json in tests/fixtures that has a page."""
    cases = []
    for gold in sorted(FIXTURES.glob("*.json")):
        stem = gold.name[: -len(".json")]
        pages = [FIXTURES / (stem + s) for s in PAGE_SUFFIXES if (FIXTURES / (stem + s)).exists()]
        if pages:
            cases.append((pages[0], json.loads(gold.read_text(encoding="utf-8"))))
    return cases


def read_terminal(fd: int, proc: subprocess.Popen) -> str:
    """Everything written to the pseudo-terminal `fd` until the process ends."""
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    return out.decode("utf-8", "replace")


def on_terminal(*args: str) -> tuple[int, str, str]:
    """`python cli.py ARGS` with stderr on a pseudo-terminal: (exit status, stdout, terminal)."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "200"}  # a wide terminal: progress lines are cut at its width
    proc = subprocess.Popen(
        [sys.executable, "cli.py", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=slave, env=env
    )
    os.close(slave)
    terminal = read_terminal(master, proc)
    os.close(master)
    assert proc.stdout is not None
    return proc.wait(timeout=120), proc.stdout.read().decode(), terminal


def invoke(*args: Any, input: str | bytes | None = None) -> Result:
    """The CLI run in this process on `args` (turned into strings), as click's CliRunner runs it:
    `.exit_code`, `.stdout`, `.stderr`, `.output` (both streams). Exceptions propagate.

    For what only a real process shows (its exit status seen by a shell, signals, start-up,
    a pipe or a terminal on its standard streams), use run_cli.
    """
    from newsclean.cli import main
    from newsclean.ingest import verbosity

    try:
        return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)
    finally:
        verbosity.set_level(verbosity.NORMAL)  # -v/-q hold for one invocation


def run_cli(
    *args: Any,
    cwd: Path = ROOT,
    input: str | bytes | None = None,
    text: bool = True,
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    """`python cli.py ARGS` in a fresh process, its output captured (text, or bytes)."""
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *map(str, args)],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=text,
        encoding="utf-8" if text else None,
        timeout=timeout,
    )
