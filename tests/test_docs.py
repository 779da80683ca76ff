"""The README documents every command, and every command has help text with an example."""
from __future__ import annotations

import pytest

from cli import main
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_is_documented(name):
    command = main.commands[name]
    assert f"### `{name}" in README or f"and `{name}" in README, f"README has no section for {name}"
    assert command.help and "Example:" in command.help, f"{name} --help has no example"
