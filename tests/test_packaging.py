"""Packaging: one installed package named `newsclean` whose folder is the repository root
(pyproject's package-dir), no symbolic links, an sdist that builds a wheel that installs and
runs, `python cli.py` from a checkout without an install, and a clear refusal of old Pythons."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

try:
    import tomllib
except ImportError:  # Python 3.10: pytest's own dependency
    import tomli as tomllib

SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache")
SEED = "000_16834f47284e46b2"  # an hnr page (映象网), a seed of the acceptance check


def copy_of_repository(tmp: Path) -> Path:
    """The repository's files in `tmp/src`."""
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    return src


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command to its end (five minutes at most), its output captured as text."""
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def build(source: Path, kind: str, out: Path) -> Path:
    """`python -m build --KIND` of a source folder, offline (this environment's setuptools)."""
    done = run(sys.executable, "-m", "build", f"--{kind}", "--no-isolation", "-o", out, source, cwd=source)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (built,) = out.glob("newsclean-*.tar.gz" if kind == "sdist" else "newsclean-*.whl")
    return built


def fresh_venv(where: Path) -> Path:
    """A new venv that sees this environment's installed dependencies (as --system-site-packages
    would for a Python outside a venv) but not its newsclean; returns its bin folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=120)
    (purelib,) = where.glob("lib/python*/site-packages")
    paths = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (purelib / "dependencies.pth").write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
    return where / "bin"


def seed_page() -> Path:
    """The seed page's text rendering among the fixtures (wherever the fixture layout puts it)."""
    return next(p for p in sorted(FIXTURES.rglob("*.txt")) if SEED in str(p.relative_to(FIXTURES)))


@pytest.mark.slow
def test_sdist_builds_a_wheel_that_installs_and_cleans_a_seed(tmp_path: Path) -> None:
    pytest.importorskip("build")
    sdist = build(copy_of_repository(tmp_path), "sdist", tmp_path / "sdist")
    with tarfile.open(sdist) as archive:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python 3.10.12+
        archive.extractall(tmp_path / "unpacked", **safe)
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    wheel = build(unpacked, "wheel", tmp_path / "wheel")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"newsclean", wheel.name.split("-py3")[0] + ".dist-info"}
    assert "newsclean/db/datasette_plugins/static/newsclean.css" in names

    bin_dir = fresh_venv(tmp_path / "venv")
    pip = [sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "-q", "--no-index"]
    done = run(*pip, "--no-deps", "--ignore-installed", wheel, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = run(
        bin_dir / "python", "-c", "import newsclean.db.store as m; print(m.__file__)", cwd=tmp_path
    )
    assert imported.stdout.startswith(str(tmp_path / "venv")), imported.stdout + imported.stderr

    helped = run(bin_dir / "newsclean", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "Usage: newsclean" in helped.stdout, helped.stderr[-2000:]
    cleaned = run(bin_dir / "newsclean", "clean", seed_page(), "--db", "seed.db", "-q", cwd=tmp_path)
    assert cleaned.returncode == 0, cleaned.stderr[-2000:]
    with sqlite3.connect(tmp_path / "seed.db") as db:
        rows = db.execute("select site, title, published_at, authors from articles").fetchall()
    assert rows == [
        ("hnr", "荥阳:一面锦旗“众人织” 万人同心“共战疫”", "2020-03-19T17:00:58+08:00", '["王文凯"]')
    ]


@pytest.mark.slow
def test_cli_py_runs_its_own_checkout_without_an_install(tmp_path: Path) -> None:
    """`python cli.py` in a copy imports `newsclean` from the copy, not from the installed package."""
    src = copy_of_repository(tmp_path)
    helped = run(sys.executable, "cli.py", "--help", cwd=src)
    assert helped.returncode == 0 and "Usage: cli.py" in helped.stdout, helped.stderr[-2000:]
    where = run(sys.executable, "-c", "import cli, newsclean.db.store as m; print(m.__file__)", cwd=src)
    assert where.stdout.strip() == str(src / "db" / "store.py"), where.stderr[-2000:]


def old_python() -> str | None:
    """A Python 3.9 interpreter that runs, if this machine has one."""
    for candidate in [
        shutil.which("python3.9"),
        *map(str, Path("/root/.pyenv/versions").glob("3.9*/bin/python3.9")),
    ]:
        if (
            candidate
            and subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False).returncode == 0
        ):
            return candidate
    return None


@pytest.mark.slow
def test_python_3_9_is_refused_with_a_message_about_the_version(tmp_path: Path) -> None:
    python = old_python()
    if python is None:
        pytest.skip("no Python 3.9 on this machine")
    env_dir = tmp_path / "py39"
    subprocess.run([python, "-m", "venv", str(env_dir)], check=True, timeout=120)
    src = copy_of_repository(tmp_path)
    pip = [
        env_dir / "bin" / "python",
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-index",
        "--no-build-isolation",
    ]
    done = run(*pip, src, cwd=tmp_path)
    assert done.returncode != 0
    assert "newsclean needs Python 3.10 or newer; this is Python 3.9" in done.stdout + done.stderr


def test_no_symbolic_links_are_committed() -> None:
    """A clone where links become text files (Git for Windows' default) works the same."""
    listed = run("git", "ls-files", "--stage", cwd=ROOT)
    if listed.returncode:
        pytest.skip("not a git checkout")
    assert [line.split("\t")[1] for line in listed.stdout.splitlines() if line.startswith("120000")] == []


def test_every_code_folder_is_a_listed_package() -> None:
    """pyproject's package list names each folder of Python modules (but tests/)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"] == {"newsclean": "."}
    folders = [
        p.parent.relative_to(ROOT) for p in [*ROOT.glob("*/__init__.py"), *ROOT.glob("*/*/__init__.py")]
    ]
    expected = {".".join(("newsclean", *f.parts)) for f in folders if f.parts[0] != "tests"}
    assert set(config["packages"]) == expected | {"newsclean"}
