#!/usr/bin/env python3
"""Install exactly the declared minimum versions in a fresh venv and run the tests.

Usage: python .ci/min_versions.py [--venv DIR] [-- PYTEST ARGS]

Every ``>=X`` lower bound of ``[project].dependencies`` and of the extras CI installs, ``test``
and ``cluster`` (following ``newsclean[...]`` self-references), is pinned ``==X`` in a pip
constraints file; then ``pip install -c constraints.txt -e '.[test,cluster]'`` runs in a fresh venv
(a temporary one, removed afterwards, unless ``--venv DIR`` is given), ``pip freeze`` of the
direct dependencies is printed, and ``python -m pytest -q -p no:cacheprovider`` runs with any
arguments given after ``--``. The exit code is pytest's; a failed install exits 1.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path
from typing import Any

try:
    import tomllib
except ImportError:  # Python 3.10: the copy of tomli that pip vendors
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("test", "cluster")  # as CI installs them (.ci/run)
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*([^;]*)")


def normalize(name: str) -> str:
    """The PEP 503 normalized form of a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(requirement: str) -> tuple[str, list[str], str | None]:
    """Name, extras and the ``>=`` lower bound (or None) of one requirement string."""
    match = REQUIREMENT.match(requirement)
    if not match:
        raise SystemExit(f"min_versions: cannot read the requirement {requirement!r}")
    name, extras, specifiers = match.groups()
    lower = None
    for spec in specifiers.split(","):
        spec = spec.strip()
        if spec.startswith(">="):
            lower = spec[2:].strip()
    return name, [e.strip() for e in (extras or "").split(",") if e.strip()], lower


def requirements(project: dict[str, Any], extras: tuple[str, ...]) -> list[str]:
    """The base dependencies plus those of ``extras`` and of the extras they name on the project."""
    own = normalize(project["name"])
    optional = project.get("optional-dependencies", {})
    found = list(project.get("dependencies", []))
    seen: set[str] = set()
    todo = list(extras)
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in optional:
            raise SystemExit(f"min_versions: no extra {current!r} in pyproject.toml")
        for requirement in optional[current]:
            name, extras, _ = parse(requirement)
            if normalize(name) == own:
                todo.extend(extras)
            else:
                found.append(requirement)
    return found


def minimums(pyproject: Path, extras: tuple[str, ...] = EXTRAS) -> dict[str, str]:
    """Each directly required package (normalized name) with its declared lower bound."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    pins: dict[str, str] = {}
    for requirement in requirements(project, extras):
        name, _, lower = parse(requirement)
        if lower is None:
            print(f"min_versions: {name} has no >= bound; left to the resolver", file=sys.stderr)
            continue
        pins[normalize(name)] = lower
    return pins


def run(command: list[str], env: dict[str, str]) -> int:
    """Run a command from the project root, echoing it first; return its exit code."""
    print("+", " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    """Build the venv, install the minimums, show them, run pytest."""
    argv = sys.argv[1:] if argv is None else argv
    pytest_args: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, pytest_args = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--venv", type=Path, help="where to create the venv (default: a temporary dir)")
    args = parser.parse_args(argv)

    pins = minimums(ROOT / "pyproject.toml")
    temporary = None if args.venv else Path(tempfile.mkdtemp(prefix="min-versions-"))
    env_dir = args.venv.resolve() if temporary is None else temporary / "venv"
    try:
        env_dir.parent.mkdir(parents=True, exist_ok=True)
        constraints = env_dir.parent / f"{env_dir.name}-constraints.txt"
        constraints.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins.items())), encoding="utf-8")
        print(f"constraints ({constraints}):\n" + constraints.read_text(encoding="utf-8"), end="", flush=True)

        print(f"creating a fresh venv in {env_dir} with {sys.executable}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        python = str(env_dir / "bin" / "python")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV")}
        env["VIRTUAL_ENV"] = str(env_dir)
        env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"

        run([python, "-m", "pip", "--version"], env=env)
        if run([python, "-m", "pip", "install", "-c", str(constraints), "-e", f".[{','.join(EXTRAS)}]"], env=env):
            print(
                "min_versions: FAILED to install the minimum versions together "
                "(see pip's message above); raise the bound that conflicts",
                file=sys.stderr,
            )
            return 1

        frozen = subprocess.run(
            [python, "-m", "pip", "freeze", "--all"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        print("pip freeze of the direct dependencies:")
        for line in frozen.splitlines():
            name = re.split(r"[=<>@ ]", line, maxsplit=1)[0]
            if normalize(name) in pins:
                print(f"  {line}")
        sys.stdout.flush()

        return run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args], env=env)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
