"""Command-line conventions: the console command, exit codes, validated filters, output paths,
search syntax (each test drives `python cli.py ...` or the installed `newsclean`)."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_cli

pytestmark = pytest.mark.slow  # each test runs CLI processes; one waits out fetch retries


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database of the bundled fixtures."""
    db = tmp_path_factory.mktemp("corpus") / "news.db"
    assert run_cli("clean", str(FIXTURES), "--db", str(db), "--jobs", "1").returncode == 0
    return str(db)


def test_console_command_is_declared_and_runs_from_another_folder(tmp_path: Path) -> None:
    assert 'newsclean = "newsclean.cli:main"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    exe = shutil.which("newsclean", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("newsclean is not installed in this environment (pip install -e .)")
    done = subprocess.run([exe, "--help"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Usage: newsclean" in done.stdout


def test_shell_completion_script() -> None:
    exe = shutil.which("newsclean", path=str(Path(sys.executable).parent))
    if exe is not None:
        done = subprocess.run(
            [exe],
            capture_output=True,
            text=True,
            env={"_NEWSCLEAN_COMPLETE": "bash_source", "PATH": "/usr/bin:/bin"},
            check=False,
        )
        assert done.returncode == 0 and "_newsclean_completion" in done.stdout
    assert "_NEWSCLEAN_COMPLETE=bash_source newsclean" in (ROOT / "docs" / "cli.md").read_text("utf-8")


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--bogus"],
        ["nosuchcommand"],
        ["search"],
        ["search", "x", "--bogus"],
        ["show", "--format", "xml", "1"],
    ],
)
def test_every_usage_error_exits_2(args: list[str]) -> None:
    done = run_cli(*args)
    assert done.returncode == 2, (args, done.stderr)
    assert "Traceback" not in done.stderr
    if not args:
        assert "Commands:" in done.stderr


def test_site_matches_any_case_and_an_unknown_site_lists_the_known_ones(corpus: str) -> None:
    assert (
        run_cli("search", "疫情", "--site", "hnr", "--db", corpus).stdout
        == run_cli("search", "疫情", "--site", "HNR", "--db", corpus).stdout
    )
    done = run_cli("search", "疫情", "--site", "nosuchsite", "--db", corpus)
    assert done.returncode == 2
    assert "known sites: chinanews, ddsb, generic, hnr" in done.stderr
    assert run_cli("export", "--site", "nosuchsite", "--db", corpus).returncode == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2020-13"], "--from 2020-13: no such date"),
        (["--from", "2020-02-30"], "--from 2020-02-30: no such date"),
        (["--to", "2021-02-29"], "--to 2021-02-29: no such date"),
        (["--from", "2021", "--to", "2020"], "--from 2021 is after --to 2020"),
    ],
)
def test_impossible_dates_and_reversed_ranges_are_errors(corpus: str, args: list[str], message: str) -> None:
    for command in (["search", "疫情"], ["export"]):
        done = run_cli(*command, *args, "--db", corpus)
        assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr


def test_a_month_range_within_one_year_is_fine(corpus: str) -> None:
    done = run_cli("search", "疫情", "--from", "2020-03", "--to", "2020", "--db", corpus)
    assert done.returncode == 0 and "荥阳" in done.stdout


@pytest.mark.parametrize(
    "args, option",
    [
        (
            ["export", "-o", "/no/such/dir/x.jsonl"],
            "'-o' / '--output': /no/such/dir/x.jsonl: folder /no/such/dir does not exist",
        ),
        (
            ["eval", str(FIXTURES), "--json", "/no/dir/x.json"],
            "'--json': /no/dir/x.json: folder /no/dir does not exist",
        ),
    ],
)
def test_a_bad_output_path_is_named_before_any_work(corpus: str, args: list[str], option: str) -> None:
    done = run_cli(*args, *(["--db", corpus] if args[0] == "export" else []))
    assert done.returncode == 2 and option in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def hit_ids(done: subprocess.CompletedProcess) -> list[str]:
    """The ids of a `search --format csv` output."""
    assert done.returncode == 0, done.stderr
    return [line.split(",", 1)[0] for line in done.stdout.splitlines()[1:] if line[:1].isdigit()]


def test_search_syntax_not_and_leading_minus_word(corpus: str) -> None:
    everything = hit_ids(run_cli("search", "疫情", "--db", corpus, "--format", "csv"))
    quoted = hit_ids(run_cli("search", "疫情 -锦旗", "--db", corpus, "--format", "csv"))
    conn = sqlite3.connect(corpus)
    [(banner,)] = conn.execute("select id from articles where title like '%锦旗%'")  # fixture 000
    conn.close()
    assert str(banner) in everything and str(banner) not in quoted and quoted
    assert hit_ids(run_cli("search", "疫情", "-锦旗", "--db", corpus, "--format", "csv")) == quoted
    assert hit_ids(run_cli("search", "疫情 NOT 锦旗", "--db", corpus, "--format", "csv")) == quoted
    assert hit_ids(run_cli("search", "--db", corpus, "--format", "csv", "--", "疫情", "-锦旗")) == quoted


@pytest.mark.parametrize(
    "query, message",
    [
        ("title:锦旗", "column filters (title:) are not supported"),
        ("疫情 NOT", "NOT needs a term after it"),
    ],
)
def test_unsupported_search_syntax_gets_a_clear_message(corpus: str, query: str, message: str) -> None:
    done = run_cli("search", query, "--db", corpus)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr


def test_search_help_documents_the_syntax_and_option_typos_still_fail() -> None:
    help_text = run_cli("search", "--help").stdout
    for piece in ("OR", "NOT 锦旗", "-锦旗", '"战斗 堡垒"', "title:"):
        assert piece in help_text
    done = run_cli("search", "疫情", "--limt", "3")
    assert done.returncode == 2 and "No such option '--limt'" in done.stderr


def test_browse_on_a_port_in_use_says_so_before_serving(corpus: str) -> None:
    pytest.importorskip("datasette")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        done = run_cli("browse", "--db", corpus, "--port", port, "--no-open")
    assert done.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}: already in use" in done.stderr
    assert "serving" not in done.stderr


@pytest.mark.parametrize("args", [["search", "疫情"], ["show", "1"], ["export"]])
def test_json_lines_output(corpus: str, args: list[str]) -> None:
    outputs = []
    for flag in (["--nl"], ["--format", "jsonl"]):
        done = run_cli(*args, *flag, "--db", corpus)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines and all(isinstance(json.loads(line), dict) for line in lines)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    if args[0] == "show":
        assert json.loads(outputs[0]) == json.loads(
            run_cli("show", "1", "--format", "json", "--db", corpus).stdout
        )


def test_fetch_reads_urls_from_stdin(tmp_path: Path) -> None:
    from sites_mirror.server import MirrorServer
    from sites_mirror.sites import HnrSite

    with MirrorServer() as server:
        site = HnrSite(server, 3)
        first, second = site.article_paths()[:2]
        done = run_cli(
            "fetch",
            "--urls",
            "-",
            "--base-url",
            site.base_url,
            "--delay",
            "0.01",
            "--db",
            str(tmp_path / "news.db"),
            input=f"https://news.hnr.cn{first}\n{server.url(second)}\nftp://x/a.html\n",
        )
    assert done.returncode == 2, done.stderr
    assert "articles: 2 fetched, 2 new" in done.stdout
    assert "<stdin>:3: not an http(s) URL" in done.stderr


def test_changelog_keeps_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog") and "Keep a Changelog" in text
    unreleased = text.split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    for heading in ("### Added", "### Changed", "### Fixed"):
        assert heading in unreleased
    assert "`newsclean` console command" in unreleased


def test_every_command_has_verbose_and_quiet() -> None:
    from newsclean.cli import main

    todo = list(main.commands.values())
    while todo:
        command = todo.pop()
        names = {opt for p in command.params for opt in p.opts}
        assert "--verbose" in names and "--quiet" in names, command.name
        todo += list(getattr(command, "commands", {}).values())
    assert "-q" in {o for p in main.commands["search"].params for o in p.opts}


def test_verbose_shows_the_cause_of_a_fetch_failure_and_quiet_only_failures(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = [
        "fetch",
        "--urls",
        "-",
        "--base-url",
        f"hnr=http://127.0.0.1:{port}",
        "--delay",
        "0.01",
        "--db",
        str(tmp_path / "news.db"),
    ]
    url = f"http://127.0.0.1:{port}/202003/20/730002.html\n"
    plain = run_cli(*args, input=url)
    assert plain.returncode == 1 and "robots.txt unreachable (connection error)" in plain.stderr
    assert not (tmp_path / "news.db").exists()  # nothing stored: no empty database left
    assert "Connection refused" not in plain.stderr
    loud = run_cli(*args, "-v", input=url)
    assert "(cause: ConnectionRefusedError: [Errno 111] Connection refused)" in loud.stderr
    hushed = run_cli(*args, "--quiet", input=url)
    assert hushed.returncode == 1 and hushed.stdout == "" and "failed: " in hushed.stderr


def test_lint_and_type_checks_are_configured_and_ruff_passes() -> None:
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "[tool.ruff.lint]" in config and "[tool.mypy]" in config
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "ruff check ." in ci and "ruff format --check" in ci and "\npython .ci/typecheck.py" in ci
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[lint]')")
    done = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout
