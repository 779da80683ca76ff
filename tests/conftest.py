"""Shared test helpers: the fixture cases and their golden records (`--update-golden`), and
the two ways tests run the command line: in this process (`invoke`, click's CliRunner) or as
a real process (`run_cli`)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PAGE_SUFFIXES = (".txt", ".html", ".html.gz")

sys.path.insert(0, str(ROOT))
import cli  # noqa: E402,F401  (as `python cli.py` does: `newsclean` is this checkout)


@dataclass
class Case:
    """One golden case, `tests/fixtures/<site>/<case>/`: a page, case.json and expected.json."""

    folder: Path
    page: Path  # source.html, source.txt, or the folder's one page file (the seeds keep their names)
    info: dict[str, Any]  # case.json: url, template, why
    expected: dict[str, Any]  # expected.json: every article field but input_path

    @property
    def name(self) -> str:
        """`<site>/<case>`."""
        return f"{self.site}/{self.folder.name}"

    @property
    def site(self) -> str:
        """The adapter the case belongs to (its parent folder's name)."""
        return self.folder.parent.name


def case_page(folder: Path) -> Path:
    """The page of a case folder: `source.*`, else the one page file in it."""
    pages = sorted(p for p in folder.iterdir() if p.name.endswith(PAGE_SUFFIXES))
    sources = [p for p in pages if p.name.startswith("source.")]
    if len(sources) == 1:
        return sources[0]
    if len(pages) != 1:
        raise ValueError(f"{folder}: a case needs source.* or exactly one page file, found {len(pages)}")
    return pages[0]


def read_json(path: Path) -> dict[str, Any]:
    """A JSON file's object."""
    return json.loads(path.read_text(encoding="utf-8"))


def golden_cases() -> list[Case]:
    """Every case folder under tests/fixtures (a folder holding expected.json), by name."""
    return [
        Case(gold.parent, case_page(gold.parent), read_json(gold.parent / "case.json"), read_json(gold))
        for gold in sorted(FIXTURES.glob("*/*/expected.json"))
    ]


def fixture(name: str) -> Path:
    """The page of the case `<site>/<case>` (`fixture("hnr/2020_000")`)."""
    return case_page(FIXTURES / name)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/fixtures/*/*/expected.json from what extraction gives now",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite the expected files."""
    return bool(request.config.getoption("--update-golden"))


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
        check=False,
    )


def numbered_article(n: int) -> dict[str, object]:
    """A stored article row numbered n, as the pipeline writes it; every body has 社区."""
    return {
        "key": f"https://news.example.cn/{n}.html",
        "url": f"https://news.example.cn/{n}.html",
        "site": "generic",
        "title": f"第{n}条新闻标题",
        "published_at": f"2021-05-{n % 28 + 1:02d}T08:00:00+08:00",
        "authors": json.dumps(["张三"], ensure_ascii=False),
        "keywords": json.dumps(["社区"], ensure_ascii=False),
        "warnings": "[]",
        "body": f"这是第{n}篇文章的正文，讲述社区志愿者第{n}号的故事。\n第二段正文内容。",
    }


def numbered_corpus(path: Path, count: int) -> Path:
    """A newsclean database of articles 1..count (numbered_article), checkpointed and closed."""
    from newsclean.db import search, store, stories  # noqa: F401 (the indexes' schema hooks)

    path.parent.mkdir(parents=True, exist_ok=True)
    db = store.open_db(path)
    with db.atomic():
        for n in range(1, count + 1):
            store.upsert_article(db, numbered_article(n))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path
