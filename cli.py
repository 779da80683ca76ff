#!/usr/bin/env python3
"""Command-line entry point: `newsclean COMMAND ...` or `python cli.py COMMAND ...` (see --help)."""

from __future__ import annotations

from typing import Any

import click

from newsclean.db.cli_query import QUERY_COMMANDS
from newsclean.db.cli_stories import stories_cmd
from newsclean.ingest.cli_clean import clean, sites
from newsclean.ingest.cli_eval import eval_command
from newsclean.ingest.cli_fetch import fetch, reclean
from newsclean.ingest.verbosity import add_options, cause_of, verbose


class CouldNotRun(click.UsageError):
    """A usage error, reported with exit status 1."""

    exit_code = 1


class Cli(click.Group):
    """The command group. Usage errors exit 1, like every other "nothing could run", so that
    exit status 2 always means "some inputs failed, the others were stored"."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.NoArgsIsHelpError:
            click.echo(ctx.get_help(), err=True)
            ctx.exit(1)
        except click.UsageError as exc:
            raise CouldNotRun(exc.format_message(), exc.ctx) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise CouldNotRun(exc.format_message(), exc.ctx) from exc
        except click.ClickException as exc:
            if verbose() and cause_of(exc) and str(exc.__cause__) not in exc.format_message():
                click.echo(f"cause: {cause_of(exc)}", err=True)
            raise


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0.1.0", prog_name="newsclean")
def main() -> None:
    """Turn saved or fetched Chinese regional news pages into a clean SQLite corpus."""


for command in (clean, sites, eval_command, fetch, reclean, *QUERY_COMMANDS, stories_cmd):
    add_options(command)
    main.add_command(command)


if __name__ == "__main__":
    main()
