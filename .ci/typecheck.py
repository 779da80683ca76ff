#!/usr/bin/env python3
"""mypy on every module of the `newsclean` package, with the settings of pyproject.toml.

Usage: python .ci/typecheck.py [MYPY OPTIONS]

The package's folder is the repository root (pyproject's package-dir), which is not named
`newsclean`, and the editable install maps the name with an import hook that mypy does not
follow; so plain `mypy -p newsclean` cannot find the package. This script hands mypy each
module file of the packages that pyproject.toml lists, with its module name
(`db/store.py` is `newsclean.db.store`), and prints mypy's report. The exit code is mypy's.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mypy import build
from mypy.errors import CompileError
from mypy.main import process_options
from mypy.modulefinder import BuildSource

try:
    import tomllib
except ImportError:  # Python 3.10: the copy of tomli that pip vendors
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def package_sources() -> list[BuildSource]:
    """Every module of the packages in pyproject's [tool.setuptools] (their data folders'
    modules too, as `mypy -p` finds them), named as installed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    top = ROOT / config["package-dir"]["newsclean"]
    paths = set(top.glob("*.py"))
    for package in config["packages"]:
        if package != "newsclean":
            paths |= set(top.joinpath(*package.split(".")[1:]).rglob("*.py"))
    sources = []
    for path in sorted(paths):
        parts = ["newsclean", *path.relative_to(top).with_suffix("").parts]
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        sources.append(BuildSource(str(path.relative_to(ROOT)), module))
    return sources


def main(argv: list[str]) -> int:
    """Type-check the package; print the errors and mypy's summary line."""
    # mypy reads its settings (pyproject.toml) here; the file named is only there to satisfy it
    _, options = process_options([*argv, str(ROOT / "__init__.py")])
    sources = package_sources()
    try:
        messages = build.build(sources, options).errors
    except CompileError as error:
        messages = error.messages
    for line in messages:
        print(line)
    errors = [m for m in messages if ": error:" in m]
    if errors:
        files = len({m.split(":", 1)[0] for m in errors})
        print(f"Found {len(errors)} errors in {files} files (checked {len(sources)} source files)")
        return 1
    print(f"Success: no issues found in {len(sources)} source files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
