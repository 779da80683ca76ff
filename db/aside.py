"""Derived indexes built aside: each by processes of its own while a writer fills a fresh
database (the cluster merge), then written in.

Into a database with no article yet, the merge inserts rows as fast as SQLite takes them;
the derived indexes (db/stages.py) cost more per article than the insert. While the merge
goes on, each index is built aside, in one pass:

- the search index (`SearchBuild`): a process per FTS table inserts each sync's rows (and
  removes the old values of changed articles) in a side database, all in one transaction;
  the bigram table, ten times the other's cost, in FTS_PARTS parts on machines with cores
  to spare, each merged into one segment and stitched with the others (db/segments.py).
  The index holds the same tokens, documents and sizes as syncs in place, in other
  segments (FTS5 lays out segments by transaction);
- the stories (`StoryBuild`): its process keeps each article's signature (derived by the
  workers), date and site, and at the end makes the story tables as `stories.rebuild` would
  (`stories.Bulk`), without storing or reading a band per article on the way.

Each build takes the article changes from TEMP triggers of the writer's connection (a queue
of its own; the database's own triggers keep filling its pending tables). When the writer is
done, the processes finish their index (all at once); each index is then written in and its
pending table emptied, in one transaction, as soon as it is finished (one after the other).
A writer killed before leaves its articles in the pending tables, for the next sync to index.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from newsclean.db import search, segments, store
from newsclean.db.locking import BUSY_TIMEOUT_S

if TYPE_CHECKING:
    from newsclean.db.writable import CorpusDatabase

# The tables FTS5 keeps a contentless index in (its "shadow tables").
FTS_SHADOWS = ("data", "idx", "docsize", "config")
# A change queue's columns (search.queue_schema): the id, the old values, whether indexed.
CHANGE_COLUMNS = "id, title, body, site, published_at, indexed"
# The parts the search index's bigram table is built in, each by a process (the table costs
# ~0.6 ms of CPU an article, ten times the others): a core each, two being left to the merge
# and the other sides; one where segments cannot be stitched.
FTS_PARTS = max(1, min(6, (os.cpu_count() or 1) - 2)) if segments.STITCHES else 1
PART_IDS = 256  # a part indexes blocks of this many article ids (the next part the next)
# What a build's process is told: finish the index, then write it into the database.
FINISH, WRITE = None, "write"


class Side:
    """A process of a build: it takes what each sync sends through a pipe, finishes its part
    of the index when told FINISH and, the build's first, writes the index into the
    database when told WRITE."""

    def __init__(self, target: Callable[..., None], *args: Any) -> None:
        import multiprocessing

        context: Any = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        self.pipe, theirs = context.Pipe()
        self.process = context.Process(target=target, args=(*args, theirs), daemon=True)
        self.process.start()
        theirs.close()

    def close(self) -> None:
        """Stop the process (when it did not end) and wait for it."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.pipe.close()


class AsideBuild:
    """What both builds share: the sides (processes) building the index, and the queue of
    article changes their syncs read."""

    def __init__(self, index: store.DerivedIndex, queue: str, sides: list[Side]) -> None:
        self.index = index
        self.derivations = index.derivations
        self.queue = queue
        self.sides = sides

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
        """Send the changes since the last sync to the sides; how many."""
        raise NotImplementedError

    def changes(self, db: store.Queryable) -> list[tuple[Any, ...]]:
        """The changes queued since the last sync (removed from the queue)."""
        rows = db.execute(f"select {CHANGE_COLUMNS} from temp.{self.queue} order by id").fetchall()
        if rows:
            db.execute(f"delete from temp.{self.queue}")
        return rows

    def check(self, sides: list[Side]) -> None:
        """Wait until each of these sides has done what it was told (FINISH, WRITE); raise
        the first error met."""
        errors = [side.pipe.recv() for side in sides]
        for error in errors:
            if error:
                raise sqlite3.OperationalError(f"building {type(self.index).__name__} aside: {error}")

    def close(self) -> None:
        """Stop the sides' processes (when they did not end)."""
        for side in self.sides:
            side.close()


def scratch(path: str) -> sqlite3.Connection:
    """A connection to a side database, which nothing needs to recover."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    return conn


def serve(
    pipe: Any, apply: Callable[[Any], None], finish: Callable[[], None], write: Callable[[], None] | None
) -> None:
    """Apply every item received until FINISH, then `finish`, and `write` when told WRITE,
    each time sending back the first error met (None when there was none). Past an error,
    items are still taken (the writer never waits), and nothing is written. Ctrl-C is the writer's to
    handle; when the writer is gone (the pipe closed), stop quietly."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    error = None
    try:
        while (item := pipe.recv()) is not FINISH:
            error = error or attempt(lambda: apply(item))
        error = error or attempt(finish)
        pipe.send(error)
        if write is not None and pipe.recv() == WRITE:
            pipe.send(error or attempt(write))
    except (EOFError, BrokenPipeError):
        return


def attempt(step: Callable[[], None]) -> str | None:
    """Run the step; the SQLite error it met, if any."""
    try:
        step()
    except sqlite3.Error as exc:
        return str(exc)
    return None


def write_in(target: str, emptied: str, fill: Callable[[sqlite3.Connection], None]) -> None:
    """Replace an index's tables in the database at `target` (`fill` deletes and inserts,
    the database attached as `target`) and empty its pending table, in one transaction."""
    conn = scratch(":memory:")
    try:
        conn.execute("ATTACH DATABASE ? AS target", [target])
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("BEGIN IMMEDIATE")
        fill(conn)
        conn.execute(f"delete from target.{emptied}")
        conn.execute("COMMIT")
    finally:
        conn.close()


# ---------------------------------------------------------------- the search index


class SearchBuild(AsideBuild):
    """The search index built aside, by sides each applying the syncs' removals and inserts
    to one FTS table in a side database of its own: the bigram table in FTS_PARTS parts (the
    articles dealt in blocks of PART_IDS ids), stitched at the end (db/segments.py), and the
    character table."""

    def __init__(self, queue: str, target: str) -> None:
        import tempfile

        self.tables = [search.FTS_TABLE] * FTS_PARTS + [search.CHARS_TABLE]
        self.paths = []
        for _ in self.tables:
            handle, path = tempfile.mkstemp(
                prefix=".newsclean-index-", suffix=".db", dir=os.path.dirname(target)
            )
            os.close(handle)
            self.paths.append(path)
        sides = [
            Side(build_search, self.paths, self.tables, number, target) for number in range(len(self.paths))
        ]
        super().__init__(search.SEARCH, queue, sides)

    def sync(self, db: store.Queryable) -> int:
        """Send the changes since the last sync to the sides; how many. (A send waits while
        the side is busy with the sync before last: at most two are in flight.)"""
        changes = self.changes(db)
        if changes:
            removed = search.prepared_rows([row[:5] for row in changes if row[5]])
            added = search.prepared_rows(list(search.current_rows(db, [row[0] for row in changes])))
            for number, side in enumerate(self.sides[:-1]):
                side.pipe.send(
                    tuple([r for r in rows[0] if part_of(r[0]) == number] for rows in (removed, added))
                )
            self.sides[-1].pipe.send((removed[1], added[1]))
        return len(changes)

    def close(self) -> None:
        """Stop the sides and remove their databases."""
        super().close()
        for path in self.paths:
            for suffix in ("", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path + suffix)


def part_of(article_id: int) -> int:
    """The part of the bigram table that indexes an article."""
    return (article_id // PART_IDS) % FTS_PARTS


def build_search(paths: list[str], tables: list[str], number: int, target: str, pipe: Any) -> None:
    """A SearchBuild side: the syncs' removals and inserts into an empty FTS table
    (tables[number]) in the side database paths[number], in one transaction (then merged
    into one segment when the table has parts); then (the first side) the tables of every
    side written into `target`."""
    table = tables[number]
    conn = scratch(paths[number])
    conn.execute(search.FTS_SCHEMA[(search.FTS_TABLE, search.CHARS_TABLE).index(table)])
    conn.execute("BEGIN")

    def apply(item: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]) -> None:
        search.insert_into(conn, table, item[0], "delete")
        search.insert_into(conn, table, item[1])

    def finish() -> None:
        conn.execute("COMMIT")
        if tables.count(table) > 1:
            conn.execute(f"insert into {table}({table}) values ('optimize')")

    def copy(into: sqlite3.Connection) -> None:
        for side, path in enumerate(paths):
            into.execute(f"ATTACH DATABASE ? AS side{side}", [path])
        for name in dict.fromkeys(tables):
            sides = [f"side{side}" for side, other in enumerate(tables) if other == name]
            if len(sides) > 1:
                segments.stitch(into, name, sides)
                continue
            for shadow in FTS_SHADOWS:
                into.execute(f"delete from target.{name}_{shadow}")
                into.execute(f"insert into target.{name}_{shadow} select * from {sides[0]}.{name}_{shadow}")

    write = (lambda: write_in(target, search.PENDING_TABLE, copy)) if number == 0 else None
    serve(pipe, apply, finish, write)
    conn.close()


# ---------------------------------------------------------------- the stories


class StoryBuild(AsideBuild):
    """The stories built aside: each sync sends the signature, date and site of the articles
    changed since the last one (the ids of the deleted ones)."""

    def __init__(self, queue: str, target: str) -> None:
        from newsclean.db import stories

        super().__init__(stories.STORIES, queue, [Side(build_stories, target)])

    def sync(self, db: store.Queryable) -> int:
        """Send the changes since the last sync to the process; how many."""
        from newsclean.db import stories

        ids = [row[0] for row in self.changes(db)]
        if ids:
            sql = "select id, body, published_at, site from articles where id in ({values})"
            rows = [
                (aid, stories.body_blob(body), published, site)
                for aid, body, published, site in stories.rows_in(db, sql, ids)
            ]
            gone = sorted(set(ids) - {row[0] for row in rows})
            self.sides[0].pipe.send((rows, gone))
        return len(ids)


def build_stories(target: str, pipe: Any) -> None:
    """StoryBuild's process: each article's signature, date and site taken (stories.Bulk);
    at the end the story tables made in one pass and written into `target`."""
    from newsclean.db import stories

    bulk = stories.Bulk()
    made: list[Any] = []

    def apply(item: tuple[list[tuple[Any, ...]], list[int]]) -> None:
        rows, gone = item
        for aid in gone:
            bulk.remove(aid)
        for aid, sig, published, site in rows:
            bulk.add(aid, sig, published, site)

    def finish() -> None:
        conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S)
        try:
            limit = stories.threshold(store.ReadOnlyDatabase(conn))
        finally:
            conn.close()
        made.extend(bulk.tables(limit))

    def fill(into: sqlite3.Connection) -> None:
        for name, rows in zip((stories.MEMBERS_TABLE, stories.BANDS_TABLE, stories.STORIES_TABLE), made):
            into.execute(f"delete from target.{name}")
            if rows:
                into.executemany(f"insert into target.{name} values ({', '.join('?' * len(rows[0]))})", rows)

    serve(pipe, apply, finish, lambda: write_in(target, stories.PENDING_TABLE, fill))


# ---------------------------------------------------------------- while a writer fills a database


def database_file(db: store.Queryable) -> str:
    """The file of a connection's main database ('' for one in memory)."""
    return str(next(row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main") or "")


def start_builds(db: CorpusDatabase, path: str) -> list[AsideBuild]:
    """A build for each of the search index and the stories that `db` keeps, exists and has
    nothing pending for, with the TEMP triggers queuing its changes; in `db.indexes`."""
    from newsclean.db import stories

    builds: list[AsideBuild] = []
    for index, make in ((search.SEARCH, SearchBuild), (stories.STORIES, StoryBuild)):
        if index not in db.indexes or not index.exists(db) or index.pending(db):
            continue
        queue = f"{type(index).__name__.lower()}_aside"
        for sql in search.queue_schema(queue, queue, temp=True):
            db.execute(sql)
        builds.append(make(queue, path))
        db.indexes = tuple(builds[-1] if i is index else i for i in db.indexes)
    return builds


def drop_queues(db: CorpusDatabase, builds: list[AsideBuild]) -> None:
    """Stop the builds' processes and remove their TEMP queues and triggers."""
    for build in builds:
        build.close()
        for suffix in ("ai", "au", "ad"):
            db.execute(f"drop trigger if exists temp.{build.queue}_{suffix}")
        db.execute(f"drop table if exists temp.{build.queue}")


@contextlib.contextmanager
def indexes_aside(db: CorpusDatabase) -> Iterator[None]:
    """While the block writes articles into `db`, build the search index and the stories
    aside: when the database is a file with no article (and, for each, nothing pending).
    Once the block is done, the indexes are finished (at once), and each written in and its
    pending table emptied as soon as it is finished (one after the other); when it raises,
    the articles stay queued there, for the next sync."""
    path = database_file(db)
    if not path or db.execute("select exists (select 1 from articles)").fetchone()[0]:
        yield
        return
    indexes = db.indexes
    builds = start_builds(db, path)
    try:
        yield
        for side in (side for build in builds for side in build.sides):
            side.pipe.send(FINISH)  # all at once
        for build in builds:  # each written in once finished, while the next one finishes
            build.check(build.sides)
            build.sides[0].pipe.send(WRITE)
            build.check(build.sides[:1])
    finally:
        db.indexes = indexes
        drop_queues(db, builds)
