"""The database the writing commands use: sqlite-utils' Database, taking the write lock up front.

Kept apart from db/store.py because sqlite-utils (and numpy, which it imports when
installed) costs a quarter of a second of start-up that the read-only commands do not need.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlite_utils

from newsclean.db.locking import when_unlocked


class CorpusDatabase(sqlite_utils.Database):
    """A Database whose outermost `atomic()` takes the write lock up front (BEGIN IMMEDIATE).

    sqlite-utils begins a deferred transaction: its first read takes a snapshot, and when
    another process commits before the first write, SQLite cannot upgrade the snapshot and
    fails at once with "database is locked", without waiting. BEGIN IMMEDIATE waits for the
    lock (up to BUSY_TIMEOUT_S) instead, so concurrent writers take turns.
    """

    @contextlib.contextmanager
    def atomic(self) -> Iterator[CorpusDatabase]:
        """One transaction (a savepoint when nested) holding the write lock from its start."""
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        when_unlocked(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.rollback()
            raise
