"""The README documents every command, and every command has help text with an example."""

from __future__ import annotations

import re

import click
import pytest

from conftest import ROOT
from newsclean.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_is_documented(name):
    command = main.commands[name]
    assert f"### `{name}" in README or f"and `{name}" in README, f"README has no section for {name}"
    assert command.help and "Example:" in command.help, f"{name} --help has no example"


def section(name: str) -> str:
    """The README section whose heading names the command (up to the next heading)."""
    heading = re.search(r"^### (?:`|.*? and `)" + re.escape(name) + r"[ `].*$", README, re.M)
    assert heading, f"README has no section for {name}"
    rest = re.search(r"^##", README[heading.end() :], re.M)
    return README[heading.start() : heading.end() + (rest.start() if rest else len(README))]


# Options every command has, documented once at the top of "## Commands".
COMMON_OPTIONS = ("verbose", "quiet")


def test_common_options_are_documented_once():
    commands = README.split("## Commands", 1)[1].split("### ", 1)[0]
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
        f"README's section of {top} does not mention {path} {'/'.join(names)}"
    )
