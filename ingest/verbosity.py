"""The verbosity chosen with -v/--verbose or -q/--quiet (options declared in commands/options.py)."""

from __future__ import annotations

QUIET, NORMAL, VERBOSE, VERY_VERBOSE = -1, 0, 1, 2
_level = NORMAL


def level() -> int:
    """QUIET, NORMAL or VERBOSE, as chosen on the command line."""
    return _level


def verbose() -> bool:
    """True with -v/--verbose (or -vv)."""
    return _level >= VERBOSE


def quiet() -> bool:
    """True with -q/--quiet."""
    return _level == QUIET


def set_level(new_level: int) -> None:
    """Choose QUIET, VERBOSE or VERY_VERBOSE (commands/options.py's -q, -v and -vv) and set up
    logging for it, or NORMAL again: -v logs newsclean's own debug messages and the others'
    warnings, -vv every library's debug messages too."""
    global _level  # noqa: PLW0603 - the one process-wide setting, which this module holds
    _level = new_level
    if new_level == NORMAL:  # the default: logging left as it is
        return
    import logging  # only with -v or -q: ~10 ms of start-up

    levels = {QUIET: logging.ERROR, VERBOSE: logging.WARNING, VERY_VERBOSE: logging.DEBUG}
    logging.basicConfig(
        format="%(levelname)s: %(name)s: %(message)s", level=levels[min(_level, VERY_VERBOSE)], force=True
    )
    logging.getLogger("newsclean").setLevel(logging.DEBUG if _level >= VERBOSE else logging.NOTSET)


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


def describe(exc: BaseException, message: str) -> str:
    """The message of a failure, with its causes appended under --verbose."""
    cause = cause_of(exc) if verbose() else ""
    return f"{message} (cause: {cause})" if cause else message
