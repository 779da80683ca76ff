"""-v/--verbose and -q/--quiet, shared by every command (added to each one in cli.py)."""

from __future__ import annotations

import re

import click

QUIET, NORMAL, VERBOSE = -1, 0, 1
_level = NORMAL
# Control characters (newline and tab too), DEL, C1 controls and the bidirectional formatting
# marks: printed raw in a file name or URL they clear the screen, reverse the line, or start a
# new line that forges a message ("failed: ...").
_NOT_ON_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def one_line(text: object) -> str:
    """Text for one terminal line: those characters shown as escapes (\\n, \\x1b, \\u202e)."""
    return _NOT_ON_ONE_LINE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
        str(text),
    )


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
