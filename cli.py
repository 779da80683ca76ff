#!/usr/bin/env python3
"""Command-line entry point: `newsclean COMMAND ...` or `python cli.py COMMAND ...` (see --help)."""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Iterator, MutableMapping
from typing import Any

import click


def use_this_checkout_as_newsclean() -> None:
    """Make `import newsclean` load the folder this file is in (the package's folder, as
    pyproject's package-dir says), so that `python cli.py` runs this checkout, installed or not."""
    spec = importlib.machinery.ModuleSpec("newsclean", None, is_package=True)
    spec.submodule_search_locations = [os.path.dirname(os.path.abspath(__file__))]
    sys.modules["newsclean"] = importlib.util.module_from_spec(spec)


if not __package__:  # run as a script (`python cli.py`), not imported as newsclean.cli
    use_this_checkout_as_newsclean()

from newsclean.commands.options import add_verbosity_options  # noqa: E402
from newsclean.commands.output import EXIT_INTERRUPTED  # noqa: E402
from newsclean.ingest.verbosity import cause_of, verbose  # noqa: E402

# numpy (which the story signatures import once a run has signed a few pages) loads OpenBLAS,
# which starts a thread per core that spins for ~0.1 s waiting for work: 50-90 ms of CPU in a
# short command (issue 23). newsclean's numpy work is element-wise (MinHash
# signatures) and calls no BLAS routine, so one thread changes no result; a user's own
# setting is kept. Set here, before any command's module can import numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Every command: name -> (module of newsclean.commands, attribute, short help). A command's
# module is imported only when the command runs (or its own --help is asked for): the modules
# pull in sqlite-utils, lxml, requests, numpy, ..., which take most of a second to import.
# The short help is the first sentence of the command's docstring, which the main --help
# lists; it is kept here so that the listing imports no command module.
# tests/test_startup.py checks that each equals the command's own short help.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "clean": (
        "clean",
        "clean",
        "Clean saved pages (files or folders of .html .htm .shtml .txt, optionally .gz) into SQLite.",
    ),
    "sites": (
        "clean",
        "sites",
        "List the site adapters, the sites they claim and the layouts each knows.",
    ),
    "eval": (
        "evaluation",
        "eval_command",
        "Measure extraction on pages with gold records (NAME.html|NAME.txt + NAME.json).",
    ),
    "fetch": (
        "fetch",
        "fetch",
        "Fetch new articles from the sites' listing pages and feeds, clean them and store them.",
    ),
    "reclean": (
        "fetch",
        "reclean",
        "Re-extract every stored raw page with the current adapters and update the articles.",
    ),
    "search": (
        "query",
        "search_cmd",
        "Full-text search in Chinese (and Latin) text, best matches first.",
    ),
    "show": (
        "query",
        "show",
        "Print one article as a reader reads it: title, meta lines, body.",
    ),
    "export": (
        "query",
        "export",
        "Stream the selected articles as JSON lines or CSV (constant memory).",
    ),
    "stats": (
        "query",
        "stats",
        "Articles per site and per month, top sources and authors, records with warnings.",
    ),
    "reindex": (
        "query",
        "reindex",
        "Rebuild the full-text index and the stories from the articles table.",
    ),
    "browse": (
        "browse",
        "browse",
        "Explore the database in Datasette (install it with: pip install 'newsclean[browse]').",
    ),
    "stories": (
        "stories",
        "stories_cmd",
        "The largest stories: articles reprinted (转载) across sites and editions.",
    ),
}


def load_command(name: str) -> click.Command:
    """The command registered under `name` in COMMANDS, imported now, with -v and -q added."""
    module, attribute, _ = COMMANDS[name]
    command = getattr(importlib.import_module(f"newsclean.commands.{module}"), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"newsclean.commands.{module}.{attribute} is no click command")
    add_verbosity_options(command)
    return command


class LazyCommands(MutableMapping[str, click.Command]):
    """The group's commands by name: every name of COMMANDS is listed, but a command's module
    is imported on first access to that command (click's "LazyGroup" pattern)."""

    def __init__(self) -> None:
        self.loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            if name not in COMMANDS:
                raise KeyError(name)
            self.loaded[name] = load_command(name)
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("commands cannot be removed")

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self.loaded

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self.loaded if name not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS) + sum(name not in COMMANDS for name in self.loaded)


class Cli(click.Group):
    """The command group, with click's exit statuses (2 for usage errors) and two more:
    commands/output.py lists them. Ctrl-C exits 130 with one line, no traceback.

    Commands load lazily (see COMMANDS): --help lists them from their short help alone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands()

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's list of commands, made from stand-ins that carry only the short help."""
        stand_ins = {
            name: click.Command(name, help=short_help) for name, (_, _, short_help) in COMMANDS.items()
        }
        click.Group(commands=stand_ins).format_commands(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except click.ClickException as exc:
            if verbose() and cause_of(exc) and str(exc.__cause__) not in exc.format_message():
                click.echo(f"cause: {cause_of(exc)}", err=True)
            raise
        except Exception as exc:
            sqlite3 = sys.modules.get("sqlite3")  # not imported at start-up: only if a command did
            if sqlite3 is None or not isinstance(exc, sqlite3.DatabaseError):
                raise
            from newsclean.db.damage import database_error_message

            raise click.ClickException(database_error_message(exc)) from exc


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0.1.0", prog_name="newsclean")
def main() -> None:
    """Turn saved or fetched Chinese regional news pages into a clean SQLite corpus."""


if __name__ == "__main__":
    main()
