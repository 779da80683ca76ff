"""Derived indexes built aside: each by a process of its own while a writer fills a fresh
database (the cluster merge), then copied in.

Into a database with no article yet, the merge inserts rows as fast as SQLite takes them;
the derived indexes (db/stages.py) cost more per article than the insert. While the merge
goes on, each index is built by a process of its own in a side database:

- the search index (`SearchBuild`): FTS5 makes the same segments only from the same inserts
  and deletes in the same transactions, so its process replays what `search.sync` would do
  after each batch, in a transaction per batch;
- any other index, the stories (`MirrorBuild`): its process keeps a copy of the fresh
  database whose `articles` mirror the columns it reads, and runs the index's own `sync`
  there after each batch, with the values the workers derived.

Each build takes the article changes from TEMP triggers of the writer's connection (a queue
of its own; the database's own triggers keep filling its pending tables). When the writer is
done, the index's tables are copied in and its pending table emptied, in one transaction. A
writer killed before leaves its articles in the pending tables, for the next sync to index.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from newsclean.db import search, store
from newsclean.db.locking import BUSY_TIMEOUT_S

if TYPE_CHECKING:
    from newsclean.db.writable import CorpusDatabase

# The tables FTS5 keeps a contentless index in (its "shadow tables").
FTS_SHADOWS = ("data", "idx", "docsize", "config")
# The article columns a mirror holds (what the story index reads, and the NOT NULL ones).
MIRROR_COLUMNS = ("id", "key", "title", "body", "site", "published_at")
# A change queue's columns (search.queue_schema): the id, the old values, whether indexed.
CHANGE_COLUMNS = "id, title, body, site, published_at, indexed"


class AsideBuild:
    """What both builds share: a side database, a process that reads what each sync sends
    through a pipe, and the copy into the database at the end."""

    def __init__(
        self,
        index: store.DerivedIndex,
        queue: str,
        tables: list[str],
        folder: str,
        target: Callable[[str, Any, Any], None],
        prepare: Callable[[str], None],
    ) -> None:
        import multiprocessing
        import tempfile

        self.index = index
        self.derivations = index.derivations
        self.queue = queue
        self.tables = tables  # copied in by finish
        handle, self.path = tempfile.mkstemp(prefix=".newsclean-index-", suffix=".db", dir=folder)
        os.close(handle)
        prepare(self.path)
        context: Any = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        self.pipe, theirs = context.Pipe()
        self.process = context.Process(target=target, args=(self.path, index, theirs), daemon=True)
        self.process.start()
        theirs.close()

    def create(self, db: store.Queryable) -> None:
        """Nothing to create: the database's own index is there (aside checks it)."""

    def exists(self, db: store.Queryable) -> bool:
        """The database's own index exists."""
        return self.index.exists(db)

    def pending(self, db: store.Queryable) -> int:
        """The database's own pending changes (all of the writer's until the copy)."""
        return self.index.pending(db)

    def rebuild(self, db: store.Queryable) -> int:
        """Rebuild the database's own index."""
        return self.index.rebuild(db)

    def sync(self, db: store.Queryable) -> int:
        """Send the changes since the last sync to the process; how many (the builds')."""
        raise NotImplementedError

    def changes(self, db: store.Queryable) -> list[tuple[Any, ...]]:
        """The changes queued since the last sync (removed from the queue)."""
        rows = db.execute(f"select {CHANGE_COLUMNS} from temp.{self.queue} order by id").fetchall()
        if rows:
            db.execute(f"delete from temp.{self.queue}")
        return rows

    def finish(self, db_path: str, emptied: str) -> None:
        """Wait for the process, then replace the index's tables in the database with those
        built and empty the `emptied` table, in one transaction."""
        self.pipe.send(None)
        error = self.pipe.recv()
        self.process.join()
        if error:
            raise sqlite3.OperationalError(f"building {type(self.index).__name__} aside: {error}")
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
        try:
            conn.execute("ATTACH DATABASE ? AS target", [db_path])
            conn.execute("BEGIN IMMEDIATE")
            for name in self.tables:
                conn.execute(f"delete from target.{name}")
                conn.execute(f"insert into target.{name} select * from main.{name}")
            conn.execute(f"delete from target.{emptied}")
            conn.execute("COMMIT")
        finally:
            conn.close()

    def close(self) -> None:
        """Stop the process (when finish did not) and remove the side database."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.pipe.close()
        for suffix in ("", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path + suffix)


def scratch(path: str) -> sqlite3.Connection:
    """A connection to a side database, which nothing needs to recover."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    return conn


def serve(pipe: Any, apply: Callable[[Any], None]) -> None:
    """Apply every item received until None, then send back the first error met (None when
    there was none). Past an error, items are still taken (the writer never waits). Ctrl-C
    is the writer's to handle; when the writer is gone (the pipe closed), stop quietly."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    error = None
    try:
        while (item := pipe.recv()) is not None:
            if error is None:
                try:
                    apply(item)
                except sqlite3.Error as exc:
                    error = str(exc)
        pipe.send(error)
    except (EOFError, BrokenPipeError):
        return


# ---------------------------------------------------------------- the search index


class SearchBuild(AsideBuild):
    """The search index built aside: its process replays each sync's deletes and inserts."""

    def __init__(self, queue: str, folder: str) -> None:
        tables = [f"{t}_{s}" for t in (search.FTS_TABLE, search.CHARS_TABLE) for s in FTS_SHADOWS]
        super().__init__(search.SEARCH, queue, tables, folder, build_search, new_search_index)

    def sync(self, db: store.Queryable) -> int:
        """Send the changes since the last sync to the process; how many. (A send waits while
        the process is busy with the sync before last: at most two are in flight.)"""
        changes = self.changes(db)
        if changes:
            removed = search.prepared_rows([row[:5] for row in changes if row[5]])
            added = search.prepared_rows(list(search.current_rows(db, [row[0] for row in changes])))
            self.pipe.send((removed, added))
        return len(changes)


def new_search_index(path: str) -> None:
    """An empty search index (only the FTS5 tables) in a side database."""
    conn = scratch(path)
    for sql in search.FTS_SCHEMA:
        conn.execute(sql)
    conn.close()


def build_search(path: str, index: store.DerivedIndex, pipe: Any) -> None:
    """SearchBuild's process: each sync's deletes and inserts, in a transaction."""
    conn = scratch(path)
    side = store.ReadOnlyDatabase(conn)

    def apply(item: tuple[search.Prepared, search.Prepared]) -> None:
        conn.execute("BEGIN")
        search.insert_prepared(side, item[0], "delete")
        search.insert_prepared(side, item[1])
        conn.execute("COMMIT")

    serve(pipe, apply)
    conn.close()


# ---------------------------------------------------------------- other indexes


class MirrorBuild(AsideBuild):
    """An index built aside by its own `sync`, on a copy of the fresh database whose
    articles mirror MIRROR_COLUMNS: each sync sends the articles changed since the last one
    as they are now (the ids of the deleted ones), and the values offered for their texts."""

    def __init__(
        self, index: store.DerivedIndex, queue: str, tables: list[str], db: store.Queryable, folder: str
    ) -> None:
        def copy_database(path: str) -> None:
            """The fresh database (its schema, the index's settings), whose articles only
            keep their key and the index's own triggers (the mirror is read by id)."""
            side = sqlite3.connect(path)
            db.conn.backup(side)
            found = (
                "select type, name, sql from sqlite_master where tbl_name = 'articles' and sql is not null"
            )
            for kind, name, sql in side.execute(found).fetchall():
                if kind == "index" or (kind == "trigger" and queue.removesuffix("_aside") not in sql):
                    side.execute(f"drop {kind} {name}")
            side.close()

        super().__init__(index, queue, tables, folder, build_mirrored, copy_database)

    def sync(self, db: store.Queryable) -> int:
        """Send the changes since the last sync to the process; how many."""
        ids = [row[0] for row in self.changes(db)]
        if ids:
            sql = f"select {', '.join(MIRROR_COLUMNS)} from articles where id in ({{}})"
            rows = []
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows += db.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall()
            gone = sorted(set(ids) - {row[0] for row in rows})
            self.pipe.send((rows, gone, offered(self.derivations, rows)))
        return len(ids)


def offered(
    derivations: Iterable[store.TextDerivation], rows: list[tuple[Any, ...]]
) -> list[tuple[int, Any, Any]]:
    """(derivation number, text, value) of the values offered for the rows' texts."""
    out = []
    for number, d in enumerate(derivations):
        for name in d.fields:
            column = MIRROR_COLUMNS.index(name)
            out += [(number, row[column], d.memo[row[column]]) for row in rows if row[column] in d.memo]
    return out


def build_mirrored(path: str, index: store.DerivedIndex, pipe: Any) -> None:
    """MirrorBuild's process: update the mirror and sync the index, in a transaction."""
    conn = scratch(path)
    side = store.ReadOnlyDatabase(conn)
    update = ", ".join(f"{c} = excluded.{c}" for c in MIRROR_COLUMNS[1:])
    upsert = (
        f"insert into articles ({', '.join(MIRROR_COLUMNS)}) values ({', '.join('?' * len(MIRROR_COLUMNS))}) "
        f"on conflict (id) do update set {update}"
    )
    derivations = list(index.derivations)

    def apply(item: tuple[list[tuple[Any, ...]], list[int], list[tuple[int, Any, Any]]]) -> None:
        rows, gone, values = item
        conn.execute("BEGIN")
        conn.executemany("delete from articles where id = ?", [(i,) for i in gone])
        conn.executemany(upsert, rows)
        for number, text, value in values:
            derivations[number].memo[text] = value
        try:
            index.sync(side)
        finally:
            store.forget_derived([index])
        conn.execute("COMMIT")

    serve(pipe, apply)
    conn.close()


# ---------------------------------------------------------------- while a writer fills a database


def database_file(db: store.Queryable) -> str:
    """The file of a connection's main database ('' for one in memory)."""
    return str(next(row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main") or "")


@contextlib.contextmanager
def aside(
    db: CorpusDatabase, index: store.DerivedIndex, emptied: str, make: Callable[[str, str], AsideBuild]
) -> Iterator[None]:
    """While the block writes articles into `db`, build `index` aside with `make(queue,
    folder)`: when the database is a file with no article and nothing pending for the index.
    Once the block is done, the index is copied in and `emptied` (its pending table) emptied;
    when it raises, the articles stay queued there, for the next sync."""
    path = database_file(db)
    fresh = not db.execute("select exists (select 1 from articles)").fetchone()[0]
    if index not in db.indexes or not path or not fresh or not index.exists(db) or index.pending(db):
        yield
        return
    queue = f"{emptied}_aside"
    for sql in search.queue_schema(queue, queue, temp=True):
        db.execute(sql)
    build = make(queue, os.path.dirname(path))
    indexes = db.indexes
    db.indexes = tuple(build if i is index else i for i in indexes)
    try:
        yield
        build.finish(path, emptied)
    finally:
        db.indexes = indexes
        build.close()
        for suffix in ("ai", "au", "ad"):
            db.execute(f"drop trigger if exists temp.{queue}_{suffix}")
        db.execute(f"drop table if exists temp.{queue}")


@contextlib.contextmanager
def indexes_aside(db: CorpusDatabase) -> Iterator[None]:
    """Build the search index and the stories aside while the block fills a fresh database."""
    from newsclean.db import stories

    def mirror(queue: str, folder: str) -> AsideBuild:
        return MirrorBuild(stories.STORIES, queue, list(stories.TABLES), db, folder)

    with (
        aside(db, search.SEARCH, search.PENDING_TABLE, SearchBuild),
        aside(db, stories.STORIES, stories.PENDING_TABLE, mirror),
    ):
        yield
