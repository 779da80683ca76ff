"""A damaged database file, told in one line: SQLite's errors name no file, and "database disk
image is malformed" says nothing of what to do. The commands that open a database record it
here; an SQLite error that reaches the command line is then checked against each one
(`PRAGMA quick_check`, run on that error path) and reported with the file's name.

A writer also checks a database left as a killed writer leaves it (see damage_if_unclean)
before it writes: a damaged page that its own work never reads would not stop it otherwise."""

from __future__ import annotations

import sqlite3
from pathlib import Path

SQLITE_CORRUPT, SQLITE_FULL = 11, 13  # sqlite3's constants, which Python 3.10 lacks
# The database files this process opened, in order (first the one named by --db).
OPENED: list[Path] = []


def remember(path: str | Path) -> None:
    """Record a database file this process opened."""
    if Path(path) not in OPENED:
        OPENED.append(Path(path))


def damage_of(path: Path) -> str | None:
    """SQLite's first complaint about the file's structure; None when it reads as sound."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            found = [row[0] for row in conn.execute("PRAGMA quick_check(2)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:  # only damage counts: not a file that cannot be opened
        return str(exc) if is_damage(exc) else None
    # the first line may only name the schema ("*** in database main ***")
    lines = [line for line in "\n".join(map(str, found)).splitlines() if not line.startswith("***")]
    return None if found == ["ok"] else (lines or found)[0]


def damage_if_unclean(path: Path) -> str | None:
    """damage_message for a database whose write-ahead log still holds changes (a writer was
    killed, or one is writing now), else None without reading it.

    A writer closed normally leaves no log (or an empty one, after a reader): the check, a
    read of the whole file (about 2 s for 250 MB), is run only when the file may have been
    left half-written. A page damaged in a file closed normally (a bad sector) is found only
    when a command reads it.
    """
    try:
        if Path(f"{path}-wal").stat().st_size == 0:
            return None
    except OSError:  # no log
        return None
    return damage_message(path)


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """True for SQLite's "database disk image is malformed" (a file that is no database at
    all is not damaged: it is refused as such where it is opened)."""
    code: int | None = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return code & 0xFF == SQLITE_CORRUPT
    return "malformed" in str(exc)


def is_full(exc: sqlite3.Error) -> bool:
    """True for SQLite's SQLITE_FULL: no room left on the disk (or past max_page_count)."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    return code & 0xFF == SQLITE_FULL if code is not None else "is full" in str(exc)


def damage_message(path: Path) -> str | None:
    """One line on a damaged database file and what to do; None when it reads as sound."""
    damage = damage_of(path)
    if damage is None:
        return None
    return (
        f"{path}: the database file is damaged ({damage}); "
        f"restore a copy, or save what is readable with: sqlite3 {path} .recover"
    )


def database_error_message(exc: sqlite3.Error) -> str:
    """One line for an SQLite error that stopped a command: the damaged file (the latest
    opened first) and what to do, else the error with the database's name."""
    where = f"{OPENED[-1]}: " if OPENED else ""
    if is_full(exc):
        return (
            f"{where}disk full ({exc}): the command stopped; what was stored before it is intact. "
            "Free some space and run it again"
        )
    for path in reversed(OPENED):
        message = damage_message(path)
        if message:
            return message
    return f"{where}database error: {exc}"
