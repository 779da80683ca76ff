"""The options several commands share, declared once: --db, the article filters, --format and
--nl, --limit, output files, and -v/-q (which cli.py adds to every command).

Imported when cli.py starts: click and the standard library only at the top; the project's
modules are imported inside the callbacks that need them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from newsclean.ingest import verbosity

if TYPE_CHECKING:
    from newsclean.db import store
    from newsclean.db.filters import Filters

# The most results `search --limit`, `stats --top` and `stories` accept (larger numbers are mistakes).
MAX_COUNT = 1_000_000

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def db_option(help: str = "SQLite database to read.") -> Decorator:
    """--db PATH (default news.db), described by `help` (read, written, ...)."""
    return click.option(
        "--db",
        "db_path",
        default="news.db",
        show_default=True,
        type=click.Path(dir_okay=False),
        help=help,
    )


def format_option(choices: Sequence[str], default: str, help: str = "Output format.") -> Decorator:
    """--format, one of `choices`."""
    return click.option(
        "--format",
        "fmt",
        default=default,
        show_default=True,
        type=click.Choice(list(choices)),
        help=help,
    )


nl_option = click.option(
    "--nl", is_flag=True, help="JSON Lines: one JSON object per line (same as --format jsonl)."
)


def limit_option(help: str) -> Decorator:
    """--limit N (default 20)."""
    return click.option(
        "--limit",
        default=20,
        show_default=True,
        type=click.IntRange(1, MAX_COUNT),
        help=help,
    )


def filter_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The --site --from --to --author --source options shared by search and export."""
    options = [
        click.option(
            "--site",
            "--outlet",
            "site",
            callback=site_callback,
            help="Only this site: an adapter (hnr; any case), a host or the domain it ends with "
            "(cjn.cn), or an outlet name (长江网).",
        ),
        click.option(
            "--from",
            "date_from",
            metavar="DATE",
            help="Published on or after DATE (2020, 2020-03 or 2020-03-19).",
        ),
        click.option(
            "--to",
            "date_to",
            metavar="DATE",
            help="Published on or before DATE (a month or year includes all of it).",
        ),
        click.option("--author", help="Only articles with this name among the authors."),
        click.option("--source", help="Only articles whose source contains this text."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def site_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--site: a known adapter name, matched case-insensitively."""
    if value is None:  # click calls back for an absent option too: no need to load the adapters
        return None
    from newsclean.db.filters import FilterError, check_site
    from newsclean.sites import ADAPTERS

    try:
        return check_site(value, sorted(ADAPTERS))
    except FilterError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1], ctx, param) from exc


def make_filters(kwargs: dict[str, Any]) -> Filters:
    """Filters from the options of filter_options."""
    from newsclean.db.filters import Filters

    return Filters(
        site=kwargs.get("site"),
        date_from=kwargs.get("date_from"),
        date_to=kwargs.get("date_to"),
        author=kwargs.get("author"),
        source=kwargs.get("source"),
    )


def output_path_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An output file option: its folder must exist and be writable ("-" is standard output)."""
    if not value or value == "-":
        return value
    folder = os.path.dirname(os.path.abspath(value))
    if not os.path.isdir(folder):
        raise click.BadParameter(f"{value}: folder {folder} does not exist", ctx, param)
    if not os.access(folder, os.W_OK | os.X_OK) and not os.access(value, os.W_OK):
        raise click.BadParameter(f"{value}: cannot write in folder {folder}", ctx, param)
    return value


def open_db(db_path: str) -> store.Queryable:
    """The --db database opened read-only, or exit 1 with a message naming the file."""
    from newsclean.db import query
    from newsclean.db.store import StoreError

    try:
        return query.open_existing(db_path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def show_notes(notes: Callable[[], list[str]]) -> None:
    """Print each note on standard error; a StoreError exits 1 with its message."""
    from newsclean.db.store import StoreError

    try:
        found = notes()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    for note in found:
        click.echo(f"note: {note}", err=True)


def open_db_for_writing(db_path: str) -> store.Queryable:
    """The existing --db database opened to write to it, or exit 1 with a message."""
    from newsclean.db.store import StoreError, open_existing_db

    try:
        return open_existing_db(db_path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: int) -> None:
    """-v/-q callback: set the level that ingest.verbosity reports (-vv: VERY_VERBOSE)."""
    if value:
        verbose = verbosity.VERY_VERBOSE if value > 1 else verbosity.VERBOSE
        verbosity.set_level(verbose if param.name == "verbose" else verbosity.QUIET)


def add_verbosity_options(command: click.Command) -> None:
    """Give a command (and the subcommands of a group) -v/--verbose and -q/--quiet.

    A command that already uses -q for something else (export -q QUERY) gets --quiet only.
    A command that has them already (cli.py adds them when it loads a command) is left as it is.
    """
    taken = {opt for param in command.params for opt in param.opts}
    if "--verbose" in taken and "--quiet" in taken:
        return
    command.params.append(
        click.Option(
            ["-v", "--verbose"] if "-v" not in taken else ["--verbose"],
            count=True,
            expose_value=False,
            callback=_set_verbosity,
            help="Say more: the cause of each failure, newsclean's debug messages; -vv: every "
            "library's debug messages too.",
        )
    )
    command.params.append(
        click.Option(
            ["-q", "--quiet"] if "-q" not in taken else ["--quiet"],
            is_flag=True,
            expose_value=False,
            callback=_set_verbosity,
            help="Say less: results and errors only.",
        )
    )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_verbosity_options(sub)
