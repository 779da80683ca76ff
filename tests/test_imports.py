"""Imports flow one way: cli.py → commands/ → ingest/ → sites/ → extract/, and ingest/ → db/;
the toolkit never imports its users, the adapters in sites/ use nothing but the toolkit, and
the database layer imports no page handling."""

from __future__ import annotations

import ast
import re

import pytest

from conftest import ROOT

ARCHITECTURE = ROOT / "docs" / "architecture.md"
RULE_ROW = re.compile(r"^\| `([\w.]+?)/?` \|(.*?)\|(.*?)\|$", re.M)


def folder_names(cell: str) -> set[str]:
    """The folders a table cell names (`sites/`, `cli.py` -> sites, cli)."""
    return {name.removesuffix(".py") for name in re.findall(r"`([\w.]+?)/?`", cell)}


def import_rules(text: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The rules table of docs/architecture.md's "Import rules": folder -> the folders it must
    never import, and folder -> the only folders it may import (when the cell names any)."""
    section = text.split("## Import rules", 1)[1].split("\n## ", 1)[0]
    rows = RULE_ROW.findall(section)
    forbidden = {folder: folder_names(never) for folder, never, _ in rows}
    allowed = {folder: folder_names(only) for folder, _, only in rows if folder_names(only)}
    return forbidden, allowed


# The rules are the table of docs/architecture.md: the doc and this test cannot disagree.
FORBIDDEN, ALLOWED = import_rules(ARCHITECTURE.read_text(encoding="utf-8"))

# Where the project's code lives, besides tests/: the command modules are for cli.py alone.
CODE = ("cli.py", "commands", "db", "ingest", "sites", "extract")
PROJECT = {package.removesuffix(".py") for package in CODE}


def project_package(module: str) -> str:
    """The project folder a module name points into (`newsclean.db.store` -> `db`), else its
    top-level name."""
    parts = module.split(".")
    return parts[1] if parts[0] == "newsclean" and len(parts) > 1 else parts[0]


def imported_packages(path) -> set[str]:
    """The project folder (or top-level name) of every module the file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {project_package(alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "newsclean":
                names |= {alias.name for alias in node.names}
            else:
                names.add(project_package(node.module))
    return names


def code_files(package: str) -> list:
    """The Python files of a top-level folder (subfolders included), or cli.py itself."""
    return [ROOT / package] if package.endswith(".py") else sorted((ROOT / package).rglob("*.py"))


def test_the_rules_table_covers_every_code_folder():
    """Every folder of the code but cli.py has its row, and the rules keep their direction."""
    assert set(FORBIDDEN) == PROJECT - {"cli"}
    assert FORBIDDEN["extract"] == PROJECT - {"extract"} and ALLOWED["extract"] == {"extract"}
    assert ALLOWED["sites"] == {"sites", "extract"}
    assert FORBIDDEN["db"] >= {"ingest", "sites", "commands", "cli"}
    assert all("cli" in never for never in FORBIDDEN.values())


@pytest.mark.parametrize("package", list(FORBIDDEN))
def test_imports_flow_one_way(package):
    files = code_files(package)
    assert files
    wrong = {str(f.relative_to(ROOT)): imported_packages(f) & FORBIDDEN[package] for f in files}
    assert {k: v for k, v in wrong.items() if v} == {}


@pytest.mark.parametrize("package", list(ALLOWED))
def test_imports_only_what_the_layer_allows(package):
    """sites/ holds adapters built from the toolkit alone; extract/ imports only itself."""
    files = code_files(package)
    assert files
    wrong = {str(f.relative_to(ROOT)): (imported_packages(f) & PROJECT) - ALLOWED[package] for f in files}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_only_cli_imports_the_commands():
    users = {
        str(f.relative_to(ROOT))
        for package in CODE
        if package != "commands"
        for f in code_files(package)
        if "commands" in imported_packages(f)
    }
    assert users == {"cli.py"}


def test_the_check_sees_project_imports(tmp_path):
    """The parser finds a forbidden import in each spelling the project uses."""
    source = tmp_path / "m.py"
    source.write_text(
        "import newsclean.db.search\nfrom newsclean.ingest.pipeline import x\nfrom newsclean import cli\n",
        encoding="utf-8",
    )
    assert imported_packages(source) >= {"db", "ingest", "cli"}


def test_every_module_imports_by_the_package_name():
    """No module imports a project folder by its bare name (`from db.store import …`): installed,
    only `newsclean.db` exists."""
    bare = {
        f"{f.parent.name}/{f.name}": sorted(imported_packages_bare(f))
        for package in CODE
        for f in code_files(package)
    }
    assert {k: v for k, v in bare.items() if v} == {}


def imported_packages_bare(path) -> set[str]:
    """Project folders the file imports without the `newsclean.` prefix."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            )
        )
        names |= {m.split(".")[0] for m in modules} & PROJECT
    return names
