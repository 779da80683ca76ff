"""Waiting for another process's write lock: the busy timeout and a retry for what it misses."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

# Every connection waits this long for another process's write lock before giving up.
BUSY_TIMEOUT_S = 30.0

T = TypeVar("T")


def when_unlocked(step: Callable[[], T], seconds: float = BUSY_TIMEOUT_S) -> T:
    """step(), retried for up to `seconds` while SQLite answers "database is locked".

    SQLite's busy timeout does not cover every case: a connection that must upgrade a lock
    it already holds (e.g. switching a new file to WAL while another process creates the
    schema) gets the error at once, to avoid a deadlock. Only use it for steps that leave
    nothing half-done when they fail (a rolled-back transaction, a pragma).
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
