"""The manual tells the truth: the command reference documents every command and option, the
database doc's columns are the store's, the reliability doc names tests that exist, the
accuracy doc's figures are the scorer's, and every link of the README and `docs/` resolves.
(Every `$ ` example of these documents is run by tests/test_readme_examples.py.)"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import click
import pytest

from conftest import ROOT
from newsclean.cli import main
from newsclean.db.store import ARTICLE_COLUMNS
from newsclean.extract.record import ARTICLE_FIELDS

DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI = (DOCS / "cli.md").read_text(encoding="utf-8")
MANUAL = ("cli", "database", "adding-a-site", "architecture", "accuracy", "performance", "reliability")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_is_documented(name):
    command = main.commands[name]
    assert f"### `{name}" in CLI or f"and `{name}" in CLI, f"docs/cli.md has no section for {name}"
    assert command.help and "Example:" in command.help, f"{name} --help has no example"


def section(name: str) -> str:
    """The section of docs/cli.md whose heading names the command (up to the next heading)."""
    heading = re.search(r"^### (?:`|.*? and `)" + re.escape(name) + r"[ `].*$", CLI, re.M)
    assert heading, f"docs/cli.md has no section for {name}"
    rest = re.search(r"^##", CLI[heading.end() :], re.M)
    return CLI[heading.start() : heading.end() + (rest.start() if rest else len(CLI))]


# Options every command has, documented once at the top of "## Commands".
COMMON_OPTIONS = ("verbose", "quiet")


def test_common_options_are_documented_once():
    commands = CLI.split("## Commands", 1)[1].split("### ", 1)[0]
    assert "`-v/--verbose`" in commands and "`-q/--quiet`" in commands


def all_options() -> list[tuple[str, str, list[str]]]:
    """(top command, command path, option names) for every option of every command."""
    found = []
    for top, command in sorted(main.commands.items()):
        todo = [(top, command)]
        while todo:
            path, cmd = todo.pop()
            if isinstance(cmd, click.Group):
                todo += [(f"{path} {n}", c) for n, c in cmd.commands.items()]
            found += [
                (top, path, p.opts + p.secondary_opts)
                for p in cmd.params
                if isinstance(p, click.Option) and p.name not in COMMON_OPTIONS
            ]
    return found


@pytest.mark.parametrize(
    "top, path, names", all_options(), ids=lambda v: v if isinstance(v, str) else "/".join(v)
)
def test_every_option_is_documented_in_its_section(top, path, names):
    text = section(top)
    assert any(re.search(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", text) for n in names), (
        f"docs/cli.md's section of {top} does not mention {path} {'/'.join(names)}"
    )


# ---------------------------------------------------------------- the README, the manual, links


def test_the_readme_accuracy_table_is_the_accuracy_docs():
    """The README's dev-set table is the one docs/accuracy.md keeps (which the scorer checks)."""
    rows = [line for line in README.splitlines() if line.startswith("| `")]
    accuracy = (DOCS / "accuracy.md").read_text(encoding="utf-8")
    assert len(rows) == 5 and all(row in accuracy.splitlines() for row in rows)


def test_the_readme_is_a_front_door_that_links_the_whole_manual():
    assert 150 <= len(README.splitlines()) <= 250, "the README is the front door: 150-250 lines"
    assert {p.stem for p in DOCS.glob("*.md")} == set(MANUAL)
    for name in MANUAL:
        assert f"](docs/{name}.md)" in README, f"README does not link docs/{name}.md"


LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(path: Path) -> set[str]:
    """The anchors a document offers: GitHub's heading slugs and explicit `<a id>`s."""
    text = path.read_text(encoding="utf-8")
    slugs = {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.*)$", text, re.M)
    }
    return slugs | set(re.findall(r'<a id="([^"]+)"></a>', text))


@pytest.mark.parametrize("path", [ROOT / "README.md", *sorted(DOCS.glob("*.md"))], ids=lambda p: p.name)
def test_every_relative_link_resolves(path):
    broken = []
    for target in LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        file, _, anchor = target.partition("#")
        resolved = (path.parent / file).resolve() if file else path
        if not resolved.exists() or (anchor and anchor not in anchors(resolved)):
            broken.append(target)
    assert broken == []


# ---------------------------------------------------------------- docs/database.md


def test_the_articles_table_of_the_database_doc_is_the_stores():
    """docs/database.md lists the `articles` columns in the store's order, each article field
    with the format extract/record.py gives it."""
    text = (DOCS / "database.md").read_text(encoding="utf-8")
    table = text.split("## `articles`", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \|[^|]*\|[^|]*\| (.*) \|$", table, re.M)
    assert [name for name, _ in rows] == list(ARTICLE_COLUMNS)
    formats = dict(rows)
    assert {spec.name: formats[spec.name] for spec in ARTICLE_FIELDS} == {
        spec.name: spec.format for spec in ARTICLE_FIELDS
    }


# ---------------------------------------------------------------- docs/reliability.md

RELIABILITY = (DOCS / "reliability.md").read_text(encoding="utf-8")
# The test files of hostile inputs, crashes and attacks (issue 24), as glob patterns.
HOSTILE_TESTS = (
    "test_*security*.py",
    "test_*safety*.py",
    "test_hostile*.py",
    "test_crash.py",
    "test_warc_damage.py",
    "test_fetch_responses.py",
    "test_input_crashes.py",
)


def test_the_reliability_doc_names_every_hostile_test_file():
    files = {p.name for pattern in HOSTILE_TESTS for p in (ROOT / "tests").glob(pattern)}
    assert len(files) >= 13
    assert {f for f in files if f"`tests/{f}`" not in RELIABILITY} == set()


def test_every_test_the_reliability_doc_names_exists():
    named_files = set(re.findall(r"`tests/(test_\w+\.py)`", RELIABILITY))
    assert {f for f in named_files if not (ROOT / "tests" / f).exists()} == set()
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    named_tests = set(re.findall(r"`(test_\w+)`", RELIABILITY))
    assert len(named_tests) >= 8
    assert {t for t in named_tests if f"def {t}(" not in sources} == set()


# ---------------------------------------------------------------- docs/accuracy.md

DEVSET = ROOT.parent / "shared" / "devset"
ACCURACY = (DOCS / "accuracy.md").read_text(encoding="utf-8")
FIGURE_ROW = re.compile(
    r"^\| `([\w./]+)` \| (\d+) \| (\d+/\d+) \| (\d+/\d+) \| (\d+/\d+) \| (\d+/\d+) \| ([\d.]+) \| ([\d.]+|–) \| (\d+) \| (\d+) \|$",
    re.M,
)
SCORER_LINE = re.compile(
    r"devset \S+: (\d+) pages, title (\d+/\d+), date (\d+/\d+), people (\d+/\d+), body F1 ([\d.]+) "
    r"\(trafilatura ([\d.]+)\), leaks (\d+), failed (\d+), source (\d+/\d+)"
)


def documented_figures() -> dict[str, tuple[str, ...]]:
    """Folder -> (pages, title, date, people, body F1, trafilatura F1, leaks, failed, source),
    as the scorer prints them; a text folder's trafilatura figure is 0.000 (it reads HTML)."""
    rows = {}
    for folder, *figures in FIGURE_ROW.findall(ACCURACY):
        pages, title, date, people, source, f1, traf, leaks, failed = figures
        traf = "0.000" if traf == "–" else traf
        rows[folder] = (pages, title, date, people, f1, traf, leaks, failed, source)
    return rows


def test_the_accuracy_doc_has_a_figure_row_per_dev_folder():
    assert list(documented_figures()) == ["text", "html", "html2", "sites/ent.163.com", "sites/ent.ifeng.com"]


@pytest.mark.slow
@pytest.mark.skipif(not DEVSET.is_dir(), reason="../shared/devset is not there")
@pytest.mark.skipif(not find_spec("trafilatura"), reason="trafilatura is not installed")
@pytest.mark.parametrize("folder", list(documented_figures()))
def test_the_accuracy_doc_shows_the_scorers_figures(folder, tmp_path):
    """The dev-set figures of docs/accuracy.md are what the scorer prints today: re-measure and
    update the doc when extraction changes."""
    python = sys.executable
    done = subprocess.run(
        [python, str(DEVSET / "score.py"), str(DEVSET / folder), "--python", python, "--project", str(ROOT),
         "--trafilatura", python],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    found = SCORER_LINE.search(done.stdout.strip().splitlines()[-1])
    assert found, done.stdout[-2000:] + done.stderr[-2000:]
    assert found.groups() == documented_figures()[folder]
