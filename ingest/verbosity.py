"""-v/--verbose and -q/--quiet, shared by every command (added to each one in cli.py)."""

from __future__ import annotations

import click

QUIET, NORMAL, VERBOSE = -1, 0, 1
_level = NORMAL


def level() -> int:
    """QUIET, NORMAL or VERBOSE, as chosen on the command line."""
    return _level


def verbose() -> bool:
    """True with -v/--verbose."""
    return _level == VERBOSE


def quiet() -> bool:
    """True with -q/--quiet."""
    return _level == QUIET


def _set(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """Option callback: remember the level and set up logging for it."""
    global _level
    if not value:
        return
    _level = VERBOSE if param.name == "verbose" else QUIET
    import logging  # only with -v or -q: ~10 ms of start-up

    logging.basicConfig(
        format="%(levelname)s: %(name)s: %(message)s",
        level=logging.DEBUG if _level == VERBOSE else logging.ERROR,
        force=True,
    )


def cause_of(exc: BaseException) -> str:
    """The root cause under an exception, "ConnectionRefusedError: ...", or "" when none."""
    current = exc.__cause__ or exc.__context__
    if current is None:
        return ""
    for _ in range(20):
        deeper = current.__cause__ or current.__context__
        if deeper is None:
            break
        current = deeper
    return f"{type(current).__name__}: {current}"


def add_options(command: click.Command) -> None:
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
            is_flag=True,
            expose_value=False,
            callback=_set,
            help="Say more: the cause of each failure.",
        )
    )
    command.params.append(
        click.Option(
            ["-q", "--quiet"] if "-q" not in taken else ["--quiet"],
            is_flag=True,
            expose_value=False,
            callback=_set,
            help="Say less: results and errors only.",
        )
    )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_options(sub)


def describe(exc: BaseException, message: str) -> str:
    """The message of a failure, with its causes appended under --verbose."""
    cause = cause_of(exc) if verbose() else ""
    return f"{message} (cause: {cause})" if cause else message
