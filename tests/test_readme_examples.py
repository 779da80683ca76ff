"""The sample outputs of the README and the manual (`docs/*.md`) are real: every `$ COMMAND`
example is run and its output compared.

An example block is a fenced block with no language tag whose lines start with `$ COMMAND`; the
lines after a command, up to the next `$ ` line or the end of the block, are its expected
output. Conventions:

- Output is what a terminal user sees: stdout and stderr merged (the whole block runs under
  `exec 2>&1`), Python unbuffered so the two stay in the order they were written. Trailing
  blank lines of an output are not compared.
- The blocks of a document run in its order, each as one bash script (so `echo $?` and `cd`
  see the previous command), in ONE temporary working folder per document holding a copy of
  `tests/fixtures` and `tests/sites_mirror`; files carry over from one example to the next, as
  for a reader following the document. The venv's bin folder is first on PATH.
- `<!-- example-setup: SHELL -->` right before a block (it may span lines) runs first in the
  same script, its output hidden unless it fails; a trap it sets (to stop a helper it started)
  fires when the block ends. `<!-- example: not run (REASON) -->` skips the block with REASON.
- Volatile parts are masked on both sides by the named regexes in MASKS (durations, ports,
  temporary paths, times of the run) before comparing.
- A line ending in `…` matches any line that starts with the text before it, and a line that is
  only `…` ends the comparison: the document shortens that output there.

`python tests/test_readme_examples.py [README.md docs/cli.md ...]` prints every run example
(of the documents named, by default all) with its real output, in the documents' form, for
updating them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs every example of the documents as a process

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# The README first, then the manual: each document runs in its own working folder.
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent  # the venv's bin folder, where `newsclean` is installed
ELLIPSIS = "…"
SEPARATOR = "@@readme-example {}@@"
SETUP_FAILED = "@@readme-example setup failed@@"
BLOCK_TIMEOUT = 120

SETUP_MARK = re.compile(r"<!--\s*example-setup:(.*?)-->", re.S)
SKIP_MARK = re.compile(r"<!--\s*example:\s*not run\s*\((.+)\)\s*-->", re.S)
FENCE = re.compile(r"^```(\S*)\s*$")


@dataclass
class Command:
    line: int  # 1-based line of the `$ ` line in its document
    text: str
    expected: list[str]


@dataclass
class Block:
    doc: str  # the document, relative to the project folder (`README.md`, `docs/cli.md`)
    line: int  # 1-based line of the opening fence
    section: str
    commands: list[Command] = field(default_factory=list)
    setups: list[str] = field(default_factory=list)
    skip: str | None = None
    marks: list[str] = field(default_factory=list)  # every marker comment found before the block

    @property
    def id(self) -> str:
        first = re.sub(r"[^\w.-]+", "-", self.commands[0].text)[:40].strip("-")
        return f"{Path(self.doc).stem}-L{self.line}-{first}"

    @property
    def where(self) -> str:
        """`docs/cli.md:12`: the document and line of the block, for messages."""
        return f"{self.doc}:{self.line}"


def marker_comments(lines: list[str], fence: int) -> list[str]:
    """The HTML comments (each possibly on several lines) that stand right before line `fence`
    (0-based), nearest last; blank lines between them are allowed."""
    found: list[str] = []
    end = fence - 1
    while end >= 0:
        if not lines[end].strip():
            end -= 1
            continue
        if not lines[end].rstrip().endswith("-->"):
            break
        start = end
        while start >= 0 and "<!--" not in lines[start]:
            start -= 1
        if start < 0:
            break
        found.insert(0, "\n".join(lines[start : end + 1]).strip())
        end = start - 1
    return found


def parse_document(text: str, doc: str = "README.md") -> list[Block]:
    """Every example block of a document (`doc`, its name in messages), in order."""
    lines = text.splitlines()
    blocks: list[Block] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        fence = FENCE.match(line)
        if not fence:
            i += 1
            continue
        close = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), len(lines))
        body = lines[i + 1 : close]
        if fence.group(1) == "" and any(b.startswith("$ ") for b in body):
            assert body[0].startswith("$ "), f"{doc}:{i + 2}: an example block must start with `$ `"
            block = Block(doc=doc, line=i + 1, section=section, marks=marker_comments(lines, i))
            for n, b in enumerate(body, start=i + 2):
                if b.startswith("$ "):
                    block.commands.append(Command(line=n, text=b[2:], expected=[]))
                else:
                    block.commands[-1].expected.append(b)
            for mark in block.marks:
                if setup := SETUP_MARK.fullmatch(mark):
                    block.setups.append(setup.group(1).strip())
                elif skip := SKIP_MARK.fullmatch(mark):
                    block.skip = skip.group(1).strip()
            blocks.append(block)
        i = close + 1
    return blocks


def document_name(path: Path) -> str:
    """The document's path relative to the project folder, with forward slashes."""
    return path.relative_to(ROOT).as_posix()


BLOCKS = [
    block
    for path in DOCUMENTS
    for block in parse_document(path.read_text(encoding="utf-8"), document_name(path))
]


# ---------------------------------------------------------------- masking and comparing


def today_pattern() -> str:
    """Today's date (local and UTC), optionally with a time: when the run happened."""
    days = {dt.date.today().isoformat(), dt.datetime.now(dt.timezone.utc).date().isoformat()}
    return r"\b(?:" + "|".join(sorted(days)) + r")(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"


# (name, pattern, replacement), applied in order to expected and actual output alike.
MASKS: list[tuple[str, re.Pattern[str], str]] = [
    ("temporary path", re.compile(r"(?<![\w/])/tmp/[\w.-]+"), "<tmp>"),
    ("duration", re.compile(r"\b\d+(?:\.\d+)? s\b"), "<n> s"),
    # eval's per-page milliseconds: one decimal, right-aligned in their columns
    ("milliseconds", re.compile(r" +\d+\.\d(?=(?: +[-\d]| ms/page|$))"), " <ms>"),
    ("random port", re.compile(r"\b127\.0\.0\.1:\d{5}\b"), "127.0.0.1:<port>"),
    # a record's offset: WARC record ids are random, so gzip member sizes vary by a few bytes
    ("WARC record offset", re.compile(r"(?<=\.warc\.gz#)\d+"), "<offset>"),
    ("time of the run", re.compile(today_pattern()), "<now>"),
]


def mask(line: str) -> str:
    """The line with every volatile part replaced by its placeholder."""
    for _name, pattern, replacement in MASKS:
        line = pattern.sub(replacement, line)
    return line


def trimmed(lines: list[str]) -> list[str]:
    """The lines masked, without trailing blank lines."""
    out = [mask(line) for line in lines]
    while out and not out[-1].strip():
        out.pop()
    return out


def line_matches(want: str, got: str) -> bool:
    """Equal, or `got` starts with what `want` keeps before its closing `…`."""
    return want == got or (want.endswith(ELLIPSIS) and got.startswith(want[: -len(ELLIPSIS)]))


def differences(expected: list[str], actual: list[str]) -> str:
    """A unified diff of the masked expected and actual lines, or '' when they agree (with the
    document's `…` elisions honoured)."""
    want, got = trimmed(expected), trimmed(actual)
    tail = []
    if ELLIPSIS in want:  # a line that is only `…`: the rest of the output is elided
        want, got, tail = want[: want.index(ELLIPSIS)], got[: want.index(ELLIPSIS)], [ELLIPSIS]
    if len(want) == len(got) and all(map(line_matches, want, got)):
        return ""
    return "\n".join(
        difflib.unified_diff(want + tail, got + tail, "document (masked)", "actual (masked)", lineterm="")
    )


# ---------------------------------------------------------------- running


def script(block: Block) -> str:
    """The bash script of one block: setup, then each command after a separator line; `$?`
    carries over from one command to the next."""
    parts = ["exec 2>&1"]
    if block.setups:
        setup = "\n".join(block.setups)
        parts.append(
            f"{{\n{setup}\n}} >.example-setup.log 2>&1 || "
            f"{{ cat .example-setup.log; echo '{SETUP_FAILED}'; exit 97; }}"
        )
    parts.append("__rc=0")
    for n, command in enumerate(block.commands):
        parts.append(f"printf '\\n%s\\n' '{SEPARATOR.format(n)}'")
        parts.append(f"( exit $__rc )\n{command.text}\n__rc=$?")
    return "\n".join(parts) + "\n"


class Session:
    """One working folder for a whole document; its blocks run once each, in order."""

    def __init__(self, doc: str) -> None:
        self.blocks = [b for b in BLOCKS if b.doc == doc]
        self.folder = Path(tempfile.mkdtemp(prefix="newsclean-readme-"))
        (self.folder / "tests").mkdir()
        for name in ("fixtures", "sites_mirror"):
            shutil.copytree(
                ROOT / "tests" / name,
                self.folder / "tests" / name,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("NEWSCLEAN_", "PYTHON"))},
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8",
            "LC_ALL": "C.UTF-8",
            "VIRTUAL_ENV": str(BIN.parent),
        }
        self.outputs: dict[int, list[list[str]] | str] = {}  # block line → outputs, or setup failure
        self.next = 0  # index in BLOCKS of the next block to run
        self.seconds: dict[int, float] = {}  # block line → how long it ran

    def run_through(self, block: Block) -> list[list[str]] | str:
        """Run every block of the document up to and including `block` that has not run yet."""
        while block.line not in self.outputs:
            todo = self.blocks[self.next]
            self.next += 1
            if todo.skip is None:
                start = time.monotonic()
                self.outputs[todo.line] = self.run(todo)
                self.seconds[todo.line] = time.monotonic() - start
        return self.outputs[block.line]

    def run(self, block: Block) -> list[list[str]] | str:
        # Its own process group, so that a block that hangs is stopped with all it started.
        with subprocess.Popen(
            ["bash", "-c", script(block)],
            cwd=self.folder,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            start_new_session=True,
        ) as proc:
            try:
                raw, _ = proc.communicate(timeout=BLOCK_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                raw, _ = proc.communicate()
                raw += f"\n(stopped after {BLOCK_TIMEOUT} s)\n".encode()
        out = raw.decode("utf-8", errors="replace").replace("\r\n", "\n")  # CSV rows end in CRLF
        if SETUP_FAILED in out:
            return out
        for folder in {str(self.folder), os.path.realpath(self.folder)}:
            out = out.replace(folder, "/tmp/demo")
        chunks = re.split(r"\n" + re.escape(SEPARATOR).replace(r"\{\}", r"\d+") + r"\n", out)
        assert chunks[0] == "", f"output before the first command: {chunks[0]!r}"
        return [chunk.removesuffix("\n").split("\n") if chunk else [] for chunk in chunks[1:]]

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def sessions() -> Iterator[dict[str, Session]]:
    """The working folder of each document, made when its first block runs."""
    assert (BIN / "newsclean").exists(), f"no newsclean in {BIN}: install the project in this venv"
    made: dict[str, Session] = {}
    yield made
    for s in made.values():
        s.close()


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.id)
def test_example_prints_what_the_document_shows(block: Block, sessions: dict[str, Session]) -> None:
    if block.skip is not None:
        pytest.skip(f"{block.where}: {block.skip}")
    runs_browse = [c.text for c in block.commands] + block.setups
    if any("newsclean browse" in text for text in runs_browse) and not find_spec("datasette"):
        pytest.skip(f"{block.where}: Datasette is not installed (the browse extra)")
    if block.doc not in sessions:
        sessions[block.doc] = Session(block.doc)
    session = sessions[block.doc]
    outputs = session.run_through(block)
    assert not isinstance(outputs, str), f"{block.where}: example-setup failed:\n{outputs}"
    assert len(outputs) == len(block.commands), f"{block.where}: a command ended the block"
    report = []
    for command, actual in zip(block.commands, outputs):
        diff = differences(command.expected, actual)
        if diff:
            report.append(f"{block.doc}:{command.line}: $ {command.text}\n{diff}")
    assert not report, "\n\n".join(report)


def test_every_example_block_is_run_or_skipped_with_a_reason() -> None:
    assert len(BLOCKS) >= 15, "the documents' examples were not found"
    for block in BLOCKS:
        known = [m for m in block.marks if SETUP_MARK.fullmatch(m) or SKIP_MARK.fullmatch(m)]
        strays = [m for m in block.marks if m not in known and "example" in m]
        assert not strays, f"{block.where}: malformed example marker: {strays}"
        assert not (block.skip and block.setups), f"{block.where}: both skipped and set up"
        if block.skip is not None:
            assert len(block.skip.split()) >= 2, f"{block.where}: skip reason too vague"
    skipped = [b for b in BLOCKS if b.skip is not None]
    assert len(skipped) <= len(BLOCKS) // 3, f"{len(skipped)} of {len(BLOCKS)} blocks are not run"


@pytest.mark.parametrize("path", DOCUMENTS, ids=document_name)
def test_every_dollar_line_of_a_document_is_a_command_that_runs(path: Path) -> None:
    """A `$ ` line outside an example block (a language-tagged fence, a typo) would go untested."""
    doc = document_name(path)
    every_dollar_line = [
        n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith("$ ")
    ]
    assert every_dollar_line == [c.line for b in BLOCKS if b.doc == doc for c in b.commands]


def test_the_readme_and_the_command_reference_have_examples() -> None:
    docs = {b.doc for b in BLOCKS if b.skip is None}
    assert {"README.md", "docs/cli.md", "docs/database.md"} <= docs


def test_masks_and_elisions_hide_only_what_varies() -> None:
    assert mask("articles: 1 failed  → news.db  (8.8 s)") == mask("articles: 1 failed  → news.db  (0.2 s)")
    assert mask("http://127.0.0.1:41857/status") == mask("http://127.0.0.1:39379/status")
    assert mask("failed: /tmp/demo/bad/a.html") == mask("failed: /tmp/newsclean-readme-x1/bad/a.html")
    assert mask("2020-03-19T17:00:58+08:00") == "2020-03-19T17:00:58+08:00"  # an article's date stays
    assert mask("13 inputs: 9 cleaned") != mask("13 inputs: 8 cleaned")
    assert differences(['{"id": 5, "key": "ht…'], ['{"id": 5, "key": "http://x"}']) == ""
    assert differences(["title", ELLIPSIS], ["title", "body", "more"]) == ""
    diff = differences(["9 articles", "per site:"], ["11 articles", "per site:"])
    assert diff.startswith("--- document (masked)") and "-9 articles" in diff and "+11 articles" in diff


def main(names: list[str]) -> None:
    """Print the real output of every run example of the documents named (all by default)."""
    for doc in names or [document_name(path) for path in DOCUMENTS]:
        s = Session(doc)
        try:
            for b in s.blocks:
                print(f"----- {b.where} ({b.section})")
                if b.skip is not None:
                    print(f"(not run: {b.skip})")
                    continue
                result = s.run_through(b)
                print(f"({s.seconds[b.line]:.1f} s)")
                if isinstance(result, str):
                    print(result)
                    continue
                for c, lines in zip(b.commands, result):
                    print(f"$ {c.text}")
                    print("\n".join(lines))
        finally:
            s.close()


if __name__ == "__main__":  # print the real output of every run example, to paste into the documents
    main(sys.argv[1:])
