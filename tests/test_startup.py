"""Start-up stays light (issue 14): the command group loads a command's module only when that
command runs, so `--help` and the query commands import none of the heavy libraries.

No timings here (bench/startup.py measures them): the tests check which modules a fresh
process has imported, and that the lazy registry cannot drift from the commands it stands for.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from conftest import FIXTURES, ROOT
from newsclean import cli
from newsclean.ingest import decode

# Libraries that cost tens to hundreds of milliseconds to import.
HEAVY = {
    "bs4",
    "charset_normalizer",
    "dask",
    "datasketch",
    "distributed",
    "fastwarc",
    "lxml",
    "numpy",
    "pyarrow",
    "requests",
    "sqlite_utils",
    "tenacity",
    "trafilatura",
    "urllib3",
}
# What `search` may not import either, although it reads SQLite.
NOT_FOR_SEARCH = HEAVY - {"sqlite_utils", "numpy"}

# Run in a fresh interpreter: invoke the CLI through click's CliRunner, then print the names
# of the imported modules as JSON.
PROBE = """
import json, sys
from click.testing import CliRunner
from newsclean.cli import main
result = CliRunner().invoke(main, sys.argv[1:])
print(json.dumps({"exit_code": result.exit_code, "output": result.output, "modules": sorted(sys.modules)}))
"""


def modules_after(*args: str) -> set[str]:
    """The top-level names of the modules a fresh process has imported after running the CLI
    with these arguments (which must succeed), plus the newsclean modules by full name."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    report = json.loads(done.stdout)
    assert report["exit_code"] == 0, report["output"]
    names = set(report["modules"])
    return {name.split(".")[0] for name in names} | {n for n in names if n.startswith("newsclean.")}


@pytest.fixture(scope="module")
def fixtures_db(tmp_path_factory):
    """A database cleaned from tests/fixtures."""
    db = tmp_path_factory.mktemp("startup") / "fixtures.db"
    subprocess.run(
        [sys.executable, "cli.py", "clean", str(FIXTURES), "--db", str(db), "-q"], cwd=ROOT, check=True
    )
    return db


def test_help_imports_no_command_module_and_no_heavy_library():
    imported = modules_after("--help")
    assert not HEAVY & imported
    loaded = {module for module, _, _ in cli.COMMANDS.values()}
    assert not loaded & imported, "--help imported a command's module"


def test_fetch_help_imports_no_heavy_library():
    """The crawler and fetcher (requests, tenacity) are imported when `fetch` runs (issue 23)."""
    assert not HEAVY & modules_after("fetch", "--help")


def test_search_imports_no_html_network_or_cluster_library(fixtures_db):
    imported = modules_after("search", "锦旗", "--db", str(fixtures_db))
    assert not NOT_FOR_SEARCH & imported
    assert "newsclean.commands.clean" not in imported


def test_clean_of_one_page_imports_neither_numpy_nor_the_cluster_module(tmp_path):
    """A page or two are signed without numpy, sqlite-utils is imported without it, and the
    cluster run's module waits for --cluster (issue 23): into a new database (schema, story
    sync) and again into the same one (--force: extracted again, unchanged)."""
    page = FIXTURES / "hnr" / "2020_000" / "source.html"
    db = tmp_path / "one.db"
    for force in ((), ("--force",)):
        imported = modules_after("clean", str(page), "--db", str(db), "-q", *force)
        assert not {"numpy", "pandas", "dask", "pyarrow", "fsspec"} & imported
        assert "newsclean.ingest.cluster" not in imported
    assert "sqlite_utils" in imported


@pytest.mark.parametrize("command", [["search", "锦旗"], ["show", "1"], ["stats"]])
def test_query_commands_import_neither_sqlite_utils_nor_numpy(fixtures_db, command):
    """They read through store.ReadOnlyDatabase; sqlite-utils (and numpy through it) is for writers."""
    imported = modules_after(*command, "--db", str(fixtures_db))
    assert not {"sqlite_utils", "numpy"} & imported


THREADS_PROBE = """
import os
from newsclean import cli
import numpy
print(os.environ["OPENBLAS_NUM_THREADS"], len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
@pytest.mark.parametrize(("setting", "expected"), [(None, "1"), ("2", "2")])
def test_numpy_starts_no_blas_threads_unless_the_user_asks(setting, expected):
    """numpy's OpenBLAS threads spin ~0.1 s of CPU at start-up (issue 23): the CLI asks for
    none, and keeps a user's own OPENBLAS_NUM_THREADS."""
    pytest.importorskip("numpy")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    if setting is not None:
        env["OPENBLAS_NUM_THREADS"] = setting
    done = subprocess.run(
        [sys.executable, "-c", THREADS_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    value, threads = done.stdout.split()
    assert value == expected
    if setting is None:
        assert threads == "1"


def test_registry_names_every_command_once():
    assert list(cli.main.commands) == list(cli.COMMANDS)
    for name in cli.COMMANDS:
        command = cli.main.commands[name]
        assert isinstance(command, click.Command)
        assert command.name == name


@pytest.mark.parametrize("name", list(cli.COMMANDS))
def test_registry_short_help_is_the_commands_own(name):
    """The main --help lists each command from the registry's short help: it must be the one
    the command's docstring gives, at every width the listing may cut it to."""
    real = cli.main.commands[name]
    short_help = cli.COMMANDS[name][2]
    stand_in = click.Command(name, help=short_help)
    assert short_help == real.get_short_help_str(10**6)
    for limit in range(3, 130):
        assert stand_in.get_short_help_str(limit) == real.get_short_help_str(limit), limit


@pytest.mark.parametrize("width", [40, 80, 120, 200])
def test_main_help_lists_commands_as_click_would(width):
    """The lazy listing prints what click prints from the loaded commands themselves."""
    ctx = click.Context(cli.main, info_name="cli.py")
    lazy, real = click.HelpFormatter(width=width), click.HelpFormatter(width=width)
    cli.main.format_commands(ctx, lazy)
    click.Group.format_commands(cli.main, ctx, real)
    assert lazy.getvalue() == real.getvalue()
    assert all(name in lazy.getvalue() for name in cli.COMMANDS)


def every_command() -> list[click.Command]:
    """Every command and subcommand, loaded."""
    todo = [cli.main.commands[name] for name in cli.COMMANDS]
    found = []
    while todo:
        command = todo.pop()
        found.append(command)
        if isinstance(command, click.Group):
            todo += list(command.commands.values())
    return found


def test_loaded_commands_have_verbose_and_quiet_once():
    for name in cli.COMMANDS:  # loading a command again adds nothing
        cli.load_command(name)
    for command in every_command():
        opts = [opt for param in command.params for opt in param.opts]
        assert opts.count("--verbose") == 1 and opts.count("--quiet") == 1, command.name


def test_unknown_command_is_not_loaded():
    assert "nosuch" not in cli.main.commands
    assert cli.main.commands.get("nosuch") is None


# Pages for the declared-charset helper: an XML declaration, <meta charset>, http-equiv
# content, quotes or none, upper case, the declaration past the bytes looked at, none at all.
DECLARED = [
    b'<?xml version="1.0" encoding="GBK"?><html><head><meta charset="utf-8">',
    b"<html><head><meta charset=gb2312><title>x</title>",
    b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=GB2312" />',
    b"<HTML><HEAD><META CHARSET='Big5'>",
    b"<html><head><meta charset=>",
    b"<html>" + b" " * 3000 + b'<meta charset="gbk">',
    b"   <?xml version=\"1.0\" encoding='utf-8' ?>",
    b"<html><body>no declaration</body></html>",
    b"",
]


@pytest.mark.parametrize(
    "data",
    DECLARED + [p.read_bytes()[: 4096 * 4] for p in sorted(FIXTURES.glob("*/*/source.htm*"))],
)
def test_declared_encoding_agrees_with_beautifulsoup(data):
    """decode.declared_encoding is BeautifulSoup's find_declared_encoding without its ~0.2 s import."""
    dammit = pytest.importorskip("bs4.dammit")
    expected = dammit.EncodingDetector.find_declared_encoding(data, is_html=True)
    assert decode.declared_encoding(data) == expected


HIDING_PROBE = """
import sys, threading
from newsclean.db.writable import hidden_from_imports
seen = {}
with hidden_from_imports("colorsys"):
    try:
        import colorsys
        seen["here"] = "imported"
    except ModuleNotFoundError:
        seen["here"] = "hidden"
    def other():
        import colorsys
        seen["other thread"] = "imported"
    worker = threading.Thread(target=other)
    worker.start()
    worker.join()
import colorsys
seen["after"] = "imported"
print(seen["here"], seen["other thread"], seen["after"])
"""


def test_a_hidden_module_is_hidden_from_this_thread_and_only_within_the_block():
    """How sqlite-utils is imported without numpy: another thread (a Dask worker's, say)
    importing the module meanwhile gets it."""
    done = subprocess.run(
        [sys.executable, "-c", HIDING_PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["hidden", "imported", "imported"]
