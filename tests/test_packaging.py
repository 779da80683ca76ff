"""Issue 11, packaging: one installed package named `newsclean`, and a clear refusal of old
Pythons. Both build from a copy of the repository (links kept), offline."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

SKIP = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache")


def copy_of_repository(tmp: Path) -> Path:
    """The repository's files in `tmp/src`, symbolic links kept as links."""
    src = tmp / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=SKIP)
    return src


def old_python() -> str | None:
    """A Python 3.9 interpreter that runs, if this machine has one."""
    for candidate in [
        shutil.which("python3.9"),
        *map(str, Path("/root/.pyenv/versions").glob("3.9*/bin/python3.9")),
    ]:
        if candidate and subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0:
            return candidate
    return None


def test_wheel_installs_one_package_named_newsclean(tmp_path: Path) -> None:
    pytest.importorskip("setuptools")
    src = copy_of_repository(tmp_path)
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("newsclean-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"newsclean", wheel.name.split("-py3")[0] + ".dist-info"}
    for module in (
        "newsclean/cli.py",
        "newsclean/db/store.py",
        "newsclean/extract/text.py",
        "newsclean/ingest/pipeline.py",
        "newsclean/sites/hnr.py",
        "newsclean/db/datasette_plugins/cjk_search.py",
    ):
        assert module in names
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt")))
    assert b"newsclean = newsclean.cli:main" in entry_points


def test_python_3_9_is_refused_with_a_message_about_the_version(tmp_path: Path) -> None:
    python = old_python()
    if python is None:
        pytest.skip("no Python 3.9 on this machine")
    env_dir = tmp_path / "py39"
    subprocess.run([python, "-m", "venv", str(env_dir)], check=True, timeout=120)
    src = copy_of_repository(tmp_path)
    done = subprocess.run(
        [
            str(env_dir / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "newsclean needs Python 3.10 or newer; this is Python 3.9" in done.stdout + done.stderr


def test_the_package_folder_links_every_code_folder() -> None:
    linked = {p.name: p.resolve() for p in (ROOT / "newsclean").iterdir() if p.is_symlink()}
    assert linked == {
        name: ROOT / name for name in ("cli.py", "commands", "db", "extract", "ingest", "sites")
    }
