"""Numbers on the command line that are no usable numbers (issue 24, item 20): nan and inf in
any numeric option are usage errors (exit 2, click's code), never a traceback or an endless
wait; a scheduler file that is no JSON is named in the error."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from conftest import invoke
from newsclean.cli import main


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "NaN"])
@pytest.mark.parametrize(
    "args",
    [
        ["fetch", "--urls", "-", "--delay", "{}"],
        ["fetch", "--urls", "-", "--timeout", "{}"],
        ["reindex", "--story-threshold", "{}"],
    ],
)
def test_non_finite_numbers_are_usage_errors(tmp_path, args, value):
    argv = [a.format(value) for a in args] + ["--db", str(tmp_path / "news.db")]
    result = invoke(*argv, input="")
    assert result.exit_code == 2, result.output  # click's usage-error status
    option = next(a for a in args if a.startswith("--") and a != "--urls")
    assert f"Invalid value for '{option}'" in result.output
    assert not (tmp_path / "news.db").exists()


def numeric_options() -> Iterator[tuple[str, click.Command, click.Option]]:
    """(command line, command, option) for every option of every command that takes a number."""
    for name in sorted(main.commands):
        command = main.commands[name]
        subcommands = command.commands.items() if isinstance(command, click.Group) else []
        for line, cmd in [(name, command), *((f"{name} {sub}", c) for sub, c in subcommands)]:
            for param in cmd.params:
                numeric = isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType))
                if isinstance(param, click.Option) and numeric and not param.count:
                    yield line, cmd, param


def test_every_numeric_option_refuses_nan_and_inf_before_the_command_runs():
    options = list(numeric_options())
    assert len(options) >= 12  # --limit, --offset, --jobs, --workers, --delay, --timeout, ...
    for line, cmd, option in options:
        for value in ("nan", "inf", "-inf"):
            with pytest.raises(click.BadParameter) as refused:
                cmd.make_context(line, [option.opts[0], value, "x"])
            assert refused.value.param is option, (line, option.opts, value)


@pytest.mark.parametrize(
    "content, reason",
    [("not json at all", "Expecting value"), ('{"address": 5}', 'no "address" string'), ("[1]", "no")],
)
def test_a_scheduler_file_that_is_not_one_is_named(tmp_path, content, reason):
    pytest.importorskip("dask.distributed")
    scheduler = tmp_path / "scheduler.json"
    scheduler.write_text(content)
    page = tmp_path / "a.html"
    page.write_text("<html><body><p>正文</p></body></html>")
    result = CliRunner().invoke(
        main, ["clean", str(page), "--db", str(tmp_path / "news.db"), "--cluster", str(scheduler)]
    )
    assert result.exit_code == 1
    assert f"{scheduler}: not a Dask scheduler file" in result.output and reason in result.output
    assert not isinstance(result.exception, (AssertionError, TypeError))
