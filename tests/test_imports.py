"""Imports flow one way: ingest/ → sites/ → extract/; the toolkit never imports its users."""
from __future__ import annotations

import ast

import pytest

from conftest import ROOT

# package -> packages of this project it must never import
FORBIDDEN = {"extract": {"sites", "ingest", "db", "cli"}, "sites": {"ingest", "db", "cli"}}


def imported_packages(path) -> set[str]:
    """Top-level names of every module the file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", list(FORBIDDEN))
def test_imports_flow_one_way(package):
    files = sorted((ROOT / package).glob("*.py"))
    assert files
    wrong = {f.name: imported_packages(f) & FORBIDDEN[package] for f in files}
    assert {k: v for k, v in wrong.items() if v} == {}
