"""The database the writing commands use: sqlite-utils' Database, taking the write lock up front.

Kept apart from db/store.py because sqlite-utils costs tens of milliseconds of start-up that
the read-only commands do not need.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from newsclean.db.locking import when_unlocked
from newsclean.db.stages import INDEXES
from newsclean.db.store import DerivedIndex


@contextlib.contextmanager
def hidden_from_imports(*names: str) -> Iterator[None]:
    """Within the block, importing one of these (not yet imported) modules fails with
    ModuleNotFoundError in this thread; other threads import them as usual."""
    owner = threading.get_ident()

    class Hider:
        @staticmethod
        def find_spec(name: str, path: Any = None, target: Any = None) -> None:
            if name in names and threading.get_ident() == owner:
                raise ModuleNotFoundError(f"{name} is not imported here", name=name)

    sys.meta_path.insert(0, Hider)
    try:
        yield
    finally:
        sys.meta_path.remove(Hider)


# sqlite-utils imports numpy and pandas when they are installed, only to type their scalars
# in the columns it creates (~60 ms of start-up for numpy, issue 23). The corpus hands it
# none (a story signature is bytes), so it is imported without them, unless they are
# imported already.
with hidden_from_imports("numpy", "pandas"):
    import sqlite_utils


class CorpusDatabase(sqlite_utils.Database):
    """A Database whose outermost `atomic()` takes the write lock up front (BEGIN IMMEDIATE).

    sqlite-utils begins a deferred transaction: its first read takes a snapshot, and when
    another process commits before the first write, SQLite cannot upgrade the snapshot and
    fails at once with "database is locked", without waiting. BEGIN IMMEDIATE waits for the
    lock (up to BUSY_TIMEOUT_S) instead, so concurrent writers take turns.

    It carries the derived indexes that the store keeps in step with every write through it,
    in order: every one of db/stages.py's INDEXES unless the writer names others.

    sqlite-utils' plugins are not run on the connection (`execute_plugins=False`): the corpus
    uses none, a plugin installed for other work has no business changing its connection, and
    finding them scans every installed distribution's entry points (10-25 ms; issue 23).
    """

    def __init__(self, conn: sqlite3.Connection, indexes: Iterable[DerivedIndex] | None = None) -> None:
        super().__init__(conn, execute_plugins=False)
        self.indexes: tuple[DerivedIndex, ...] = INDEXES if indexes is None else tuple(indexes)

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
