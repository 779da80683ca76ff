"""The SQLite store: the `articles` and `inputs` tables and how rows are written."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from newsclean.db import damage
from newsclean.db.locking import BUSY_TIMEOUT_S, when_unlocked
from newsclean.extract.outlet import host_of, outlet_of
from newsclean.extract.record import ARTICLE_FIELDS, Article

if TYPE_CHECKING:
    import sqlite_utils

    from newsclean.db.writable import CorpusDatabase

# The article fields (extract/record.py) between the row id and key and the bookkeeping.
ARTICLE_COLUMNS: dict[str, type] = {
    "id": int,
    "key": str,
    **{spec.name: str for spec in ARTICLE_FIELDS},
    "extracted_at": str,
    "fingerprint": str,
}

INPUT_COLUMNS: dict[str, type] = {
    "path": str,
    "sha256": str,
    "status": str,  # cleaned | unchanged | failed
    "error": str,
    "article_key": str,
    "site": str,
    "seen_at": str,
}


class TextDerivation:
    """A pure function of an article field's text that a derived index needs (search bigrams, a
    story signature), so that `clean --jobs` can compute it in the worker that extracted the
    row: the worker calls `derive`, the writing process `offer`s the values, and the index's
    sync then takes the offered value instead of computing it (the same value either way)."""

    def __init__(self, func: Callable[[str | None], Any], fields: tuple[str, ...]) -> None:
        self.func = func
        self.fields = fields
        self.memo: dict[str | None, Any] = {}

    def __call__(self, text: str | None) -> Any:
        try:
            return self.memo[text]  # kept until forget_derived: copies in a batch share a text
        except KeyError:
            return self.func(text)


class DerivedIndex(Protocol):
    """What is derived from the stored articles and kept in step with every write: a stage
    after the write (the search index, stories). The store receives an ordered tuple of them
    (db/stages.py: INDEXES) and calls them in that order; none registers itself anywhere."""

    # The per-row text work, done where the row was extracted (in clean's workers).
    derivations: tuple[TextDerivation, ...]

    def create(self, db: Queryable) -> None:
        """Inside the schema transaction: create what is missing, built from stored articles."""
        ...

    def exists(self, db: Queryable) -> bool:
        """True when the index's tables are there in the current layout."""
        ...

    def sync(self, db: Queryable) -> int:
        """After a write: take in the article changes queued by its triggers; how many."""
        ...

    def pending(self, db: Queryable) -> int:
        """How many article changes wait for `sync`."""
        ...

    def rebuild(self, db: Queryable) -> int:
        """Rebuild the whole index from the articles table; the number of articles."""
        ...


def derive(row: dict[str, Any], indexes: Iterable[DerivedIndex]) -> list[list[Any]]:
    """Every derivation the indexes need of the row's fields (run where the row was extracted)."""
    return [[d.func(row.get(f)) for f in d.fields] for d in derivations_of(indexes)]


def offer_derived(row: dict[str, Any], derived: list[list[Any]], indexes: Iterable[DerivedIndex]) -> None:
    """Hand values from `derive` (with the same indexes) to the derivations, for the next sync."""
    for d, values in zip(derivations_of(indexes), derived):
        for f, value in zip(d.fields, values):
            d.memo[row.get(f)] = value


def pack_derived(derived: list[list[Any]]) -> list[bytes | None]:
    """The values of `derive`, flattened, as bytes for a binary column (a cluster shard's):
    a text as b"s" + its UTF-8, bytes (a story signature: little-endian uint32 values) as
    b"a" + them, None as None."""
    packed: list[bytes | None] = []
    for value in (v for values in derived for v in values):
        if value is None:
            packed.append(None)
        elif isinstance(value, str):
            packed.append(b"s" + value.encode("utf-8"))
        else:
            packed.append(b"a" + value)
    return packed


def unpack_derived(packed: list[bytes | None], indexes: Iterable[DerivedIndex]) -> list[list[Any]]:
    """`pack_derived`'s bytes back as `derive` gave them (for the same indexes)."""
    values = iter(packed)
    derived = []
    for d in derivations_of(indexes):
        out: list[Any] = []
        for _ in d.fields:
            raw = next(values)
            if raw is None:
                out.append(None)
            elif raw[:1] == b"s":
                out.append(raw[1:].decode("utf-8"))
            else:
                out.append(raw[1:])
        derived.append(out)
    return derived


def forget_derived(indexes: Iterable[DerivedIndex]) -> None:
    """Drop the offered values (after each batch: only its sync needs them)."""
    for d in derivations_of(indexes):
        d.memo.clear()


def derivations_of(indexes: Iterable[DerivedIndex]) -> list[TextDerivation]:
    """The derivations of the indexes, in their order."""
    return [d for index in indexes for d in index.derivations]


class StoreError(RuntimeError):
    """The database cannot be opened or written."""


def now_iso() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


# The article columns the query commands read: a file without them is no newsclean corpus.
CORPUS_COLUMNS = (
    "id",
    "key",
    "url",
    "site",
    "site_name",
    "title",
    "published_at",
    "source",
    "authors",
    "body",
    "warnings",
)


SQLITE_CANTOPEN = 14  # sqlite3.SQLITE_CANTOPEN, which Python 3.10 lacks


class DatabaseMissing(StoreError):
    """The database file named by --db does not exist."""


class NotACorpus(StoreError):
    """The file is an SQLite database, but not one that newsclean wrote."""


class NewerSchema(StoreError):
    """The database was written by a newer newsclean (its schema version is past SCHEMA_VERSION)."""


# The schema version (PRAGMA user_version) stamped on every database this code creates or
# migrates. 0 is a database from before versions: open_db migrates it (the fingerprint
# column, the query indexes, the search and story tables). A change to the schema raises
# this number with a migration in ensure_schema; a database of a higher version is refused.
SCHEMA_VERSION = 3  # 2: the search index folds traditional script to simplified; 3: site
# profiles learn from kept samples (site_profiles.sampled: 0 for a profile learned before)
# Article columns a migration adds, so that a writer may find them missing.
MIGRATED_COLUMNS = ("fingerprint", "outlet", "host")


class Queryable(Protocol):
    """What the query commands need of a database: its connection and `execute`.

    Both sqlite-utils' Database (the writing commands) and ReadOnlyDatabase have it.
    """

    conn: sqlite3.Connection

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        """Run one statement."""
        ...


class ReadOnlyDatabase:
    """A read-only connection with sqlite-utils' `execute`, without importing sqlite-utils."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        """Run one statement, as sqlite_utils.Database.execute does."""
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)


def open_db(path: str | Path, indexes: Iterable[DerivedIndex] | None = None) -> CorpusDatabase:
    """Open (creating if needed) the database in WAL mode with every table in place.

    `indexes` are the derived indexes kept in step with every write through it, in order;
    None means all of them (db/stages.py: INDEXES), so that no writer goes without one.
    Raises StoreError when the file cannot be opened, is no SQLite database, or is read-only,
    NewerSchema or NotACorpus (before anything in it is changed) when it is not ours to write.
    """
    from newsclean.db.writable import CorpusDatabase

    damage.remember(path)
    if damaged := damage.damage_if_unclean(Path(path)):
        raise StoreError(damaged)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        db = CorpusDatabase(conn, indexes)
        when_unlocked(lambda: prepare_db(db, path))
    except sqlite3.Error as exc:
        if isinstance(exc, sqlite3.DatabaseError) and (damaged := damage.damage_message(Path(path))):
            raise StoreError(damaged) from exc
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    except StoreError:
        conn.close()
        raise
    return db


def prepare_db(db: CorpusDatabase, path: str | Path) -> None:
    """A check that the schema is ours, WAL mode, every table in place, and a check that the
    file can be written."""
    check_schema(db.conn, path, writing=True)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    ensure_schema(db)
    probe_writable(db)


def open_readonly(path: str | Path) -> ReadOnlyDatabase:
    """Open an existing newsclean database for reading only (SQLite `mode=ro`).

    Never creates, changes or adds schema to the file; works on a read-only file or folder.
    Raises DatabaseMissing, NotACorpus, NewerSchema, or StoreError when SQLite cannot read it.
    """
    conn = connect_checked(path)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    if "outlet" not in table_columns(conn, "articles"):
        conn = with_outlets(conn, path)
    return ReadOnlyDatabase(conn)


def connect_checked(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to an existing database whose schema this code can read.
    Raises DatabaseMissing, NotACorpus, NewerSchema, or StoreError when SQLite cannot read it."""
    if not Path(path).is_file():
        raise DatabaseMissing(
            f"database {path} not found (create it with `newsclean clean PAGES --db {path}`)"
        )
    damage.remember(path)
    try:
        conn = connect_readonly(Path(path))
        check_schema(conn, path, writing=False)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read database {path}: {exc}") from exc
    return conn


def with_outlets(conn: sqlite3.Connection, path: str | Path) -> sqlite3.Connection:
    """An in-memory copy of a small database from before outlets, with its outlets filled in
    (the file itself is upgraded by the next command that writes it: clean, fetch, reclean,
    reindex). A larger one is refused with the command that upgrades it: copying it into
    memory on every query would cost its size in RAM each time."""
    import sqlite_utils

    size = Path(path).stat().st_size
    if size > IN_MEMORY_UPGRADE_MAX:
        conn.close()
        raise StoreError(
            f"database {path} is from before outlets ({size / 1e6:.0f} MB): upgrade it once "
            f"with `newsclean reindex --db {path}`"
        )

    copy = sqlite3.connect(":memory:")
    conn.backup(copy)
    conn.close()
    copy.execute("alter table articles add column outlet text")
    copy.execute("alter table articles add column host text")
    backfill_outlets(sqlite_utils.Database(copy))
    return copy


# A database from before outlets up to this size is read through an upgraded copy in memory.
IN_MEMORY_UPGRADE_MAX = 64 * 1024 * 1024


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection; `immutable` for a WAL database in a folder nobody can write.

    SQLite needs a -shm file beside a WAL database, even to read it. When the folder is
    read-only and there is no -wal file, no process can be writing the database, so reading
    it as immutable is safe.
    """
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
        conn.execute("select count(*) from sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
        cannot_open = code == SQLITE_CANTOPEN if code is not None else "unable to open" in str(exc)
        if not cannot_open or Path(f"{path}-wal").exists():
            raise
    conn = sqlite3.connect(uri + "&immutable=1", uri=True)
    conn.execute("select count(*) from sqlite_master").fetchone()
    return conn


def check_schema(conn: sqlite3.Connection, path: str | Path, writing: bool) -> None:
    """Raise NewerSchema or NotACorpus unless this code can read (or write) the database.

    Refused: a schema version past SCHEMA_VERSION; an `articles` table lacking the columns
    read (CORPUS_COLUMNS) or, to write, every column written but those a migration adds; an
    `inputs` table lacking a column written; a NOT NULL column without default that newsclean
    does not know in either (every insert would fail); to write, a database that has tables
    but no `articles` table (another program's data). A writer may find no tables at all.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise NewerSchema(
            f"{path} has schema version {version}, newer than this newsclean's ({SCHEMA_VERSION}): "
            "open it with the newsclean that wrote it"
        )
    articles, inputs = table_columns(conn, "articles"), table_columns(conn, "inputs")
    needed = [c for c in ARTICLE_COLUMNS if c not in MIGRATED_COLUMNS] if writing else CORPUS_COLUMNS
    if articles or not writing:
        require_columns(path, "articles", articles, needed)
    else:
        refuse_foreign_tables(conn, path)
    if inputs and writing:
        require_columns(path, "inputs", inputs, INPUT_COLUMNS)
    for table, columns, known in (("articles", articles, ARTICLE_COLUMNS), ("inputs", inputs, INPUT_COLUMNS)):
        strange = [name for name, required in columns.items() if required and name not in known]
        if strange:
            raise NotACorpus(
                f"{path} is not a newsclean database (its {table} table has a NOT NULL column "
                f"newsclean does not write: {', '.join(strange)})"
            )


def refuse_foreign_tables(conn: sqlite3.Connection, path: str | Path) -> None:
    """Raise NotACorpus when a database without an `articles` table has tables of its own."""
    tables = [
        name
        for (name,) in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name"
        )
    ]
    if tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise NotACorpus(
            f"{path} is not a newsclean database (it has tables {shown} and no articles table): "
            "give --db a new file or an empty database"
        )


def table_columns(conn: sqlite3.Connection, table: str) -> dict[str, bool]:
    """{column: True when it is NOT NULL without a default} of a table; {} when there is none."""
    rows = conn.execute("select name, [notnull], dflt_value from pragma_table_info(?)", [table])
    return {name: bool(not_null) and default is None for name, not_null, default in rows}


def require_columns(path: str | Path, table: str, columns: Iterable[str], needed: Iterable[str]) -> None:
    """Raise NotACorpus when the table (its columns; none when it is missing) lacks one needed."""
    present = set(columns)
    missing = [c for c in needed if c not in present]
    if missing:
        what = f"its {table} table lacks {', '.join(missing)}" if present else f"it has no {table} table"
        raise NotACorpus(f"{path} is not a newsclean database ({what})")


def require_corpus(path: str | Path) -> None:
    """Raise DatabaseMissing or NotACorpus unless `path` is an existing newsclean database."""
    connect_checked(path).close()


def open_existing_db(path: str | Path, indexes: Iterable[DerivedIndex] | None = None) -> CorpusDatabase:
    """open_db for a database that must already exist and be a newsclean corpus."""
    require_corpus(path)
    return open_db(path, indexes)


def delete_if_no_article(db: sqlite_utils.Database, path: str | Path) -> None:
    """Close and delete the database (and its WAL files) when it holds no article: for a
    database a run created and stored nothing in."""
    if db.execute("select exists (select 1 from articles)").fetchone()[0]:
        return
    db.conn.close()
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{path}{suffix}")


def probe_writable(db: sqlite_utils.Database) -> None:
    """Raise sqlite3.Error now, not mid-run, when the database cannot be written."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        db.conn.execute(f"PRAGMA user_version = {int(version)}")
    finally:
        db.conn.execute("ROLLBACK")


@contextlib.contextmanager
def immediate_transaction(db: Queryable) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT (rolled back on error): takes the write lock up front."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.execute("COMMIT")


def ensure_schema(db: CorpusDatabase) -> None:
    """Create the tables, indexes and derived indexes that are missing and stamp the schema
    version, in one transaction: a run killed at any moment never leaves a database with
    only some of its tables."""
    with immediate_transaction(db):
        create_tables(db)
        for index in db.indexes:
            index.create(db)
        if db.execute("PRAGMA user_version").fetchone()[0] < 3:
            mark_unsampled_profiles(db)
        if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def mark_unsampled_profiles(db: sqlite_utils.Database) -> None:
    """Schema 3: a `site_profiles` table made before it gets the `sampled` column, 0 on its
    rows (learned from one run's pages whose samples were not kept: db/profiles.py)."""
    columns = table_columns(db.conn, "site_profiles")
    if columns and "sampled" not in columns:
        db.execute("alter table site_profiles add column sampled integer not null default 0")


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the `articles` and `inputs` tables and their indexes where missing."""
    if "articles" not in db.table_names():
        db.table("articles").create(ARTICLE_COLUMNS, pk="id", not_null={"key", "title", "body"})
        db.table("articles").create_index(["key"], unique=True)
        db.table("articles").create_index(["site", "published_at"])
        db.table("articles").create_index(["published_at"])
    if "fingerprint" not in db.table("articles").columns_dict:  # a database from before it
        db.execute("alter table articles add column fingerprint text")
        backfill_fingerprints(db)
    if "outlet" not in db.table("articles").columns_dict:  # a database from before outlets
        db.execute("alter table articles add column outlet text")
        db.execute("alter table articles add column host text")
        backfill_outlets(db)
    # finds the same article under another key
    db.table("articles").create_index(["fingerprint"], if_not_exists=True)
    db.table("articles").create_index(["outlet"], if_not_exists=True)
    if "inputs" not in db.table_names():
        db.table("inputs").create(INPUT_COLUMNS, pk="path")
        db.table("inputs").create_index(["sha256"])


def upsert_article(db: CorpusDatabase, row: dict[str, Any], update_indexes: bool = True) -> tuple[int, str]:
    """Insert or update the article with row["key"]; return (id, status).

    status: "new", "updated", "unchanged", or "merged" when the row is another copy of an
    article stored under another key. The row keeps its id when it is updated, so links to it
    stay valid. The same article stored under another key (a text rendering without URL, then
    its HTML page with one) is one row: the URL-keyed copy takes the row over, a URL-less copy
    of it changes nothing. Call inside `with db.atomic():` to make the article and its input
    record one write; a caller writing many rows may pass update_indexes=False and call
    `sync_indexes` once after them.
    """
    row = {**row, "extracted_at": row.get("extracted_at") or now_iso()}
    row["fingerprint"] = row.get("fingerprint") or fingerprint_of(row)
    old = stored_row(db, "key = ?", [row["key"]]) or same_article(db, row)
    if old is None:
        article_id = insert_row(db, row)
        status = "new"
    elif old["key"] != row["key"] and not (row.get("url") and not old["url"]):
        return old["id"], "merged"  # a URL-less copy of a stored article: nothing to write
    else:
        article_id = old["id"]
        changed = any(old.get(k) != v for k, v in row.items() if k not in ("extracted_at", "id"))
        status = "updated" if changed else "unchanged"
        if old["key"] != row["key"]:
            status = "merged"  # the URL-keyed copy takes the row over
        if changed:
            update_row(db, article_id, row)
    if status != "unchanged" and update_indexes:
        sync_indexes(db)
    return article_id, status


def sync_indexes(db: CorpusDatabase) -> None:
    """Bring the database's derived indexes, in their order, up to date with the article rows
    written (their triggers queued the changes)."""
    for index in db.indexes:
        index.sync(db)


def insert_row(db: sqlite_utils.Database, row: dict[str, Any]) -> int:
    """Insert an article row with plain SQL (sqlite-utils' insert costs ~1 ms a row); its id."""
    cols = [c for c in row if c in ARTICLE_COLUMNS and c != "id"]
    cursor = db.execute(
        f"insert into articles ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )
    return int(cursor.lastrowid or 0)


def update_row(db: sqlite_utils.Database, article_id: int, row: dict[str, Any]) -> None:
    """Update an article row in place with plain SQL."""
    cols = [c for c in row if c in ARTICLE_COLUMNS and c != "id"]
    db.execute(
        f"update articles set {', '.join(f'{c} = ?' for c in cols)} where id = ?",
        [*(row[c] for c in cols), article_id],
    )


def stored_row(db: sqlite_utils.Database, where: str, params: list[Any]) -> dict[str, Any] | None:
    """The first article row matching the condition, as a dict."""
    cursor = db.execute(f"select * from articles where {where} limit 1", params)
    found = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], found)) if found else None


def same_article(db: sqlite_utils.Database, row: dict[str, Any]) -> dict[str, Any] | None:
    """A stored row with the same title, date and body (full-width ASCII folded) under
    another key, if any."""
    return stored_row(db, "fingerprint = ?", [row["fingerprint"]])


def fingerprint_of(row: dict[str, Any]) -> str:
    """The fingerprint (see Article.fingerprint) of a stored row."""
    body = row["body"].split("\n") if row.get("body") else []
    return Article(title=row.get("title") or "", published_at=row.get("published_at"), body=body).fingerprint


def backfill_fingerprints(db: sqlite_utils.Database) -> None:
    """Give every row of a database written before fingerprints existed its fingerprint."""
    cursor = db.execute("select id, title, published_at, body from articles")
    names = [d[0] for d in cursor.description]
    updates = [(fingerprint_of(dict(zip(names, found))), found[0]) for found in cursor.fetchall()]
    db.conn.executemany("update articles set fingerprint = ? where id = ?", updates)


def backfill_outlets(db: sqlite_utils.Database) -> None:
    """Give every row of a database written before outlets existed its host and outlet (from
    its URL and site name; `reclean` re-reads the fetched pages' copyright lines too)."""
    rows = db.execute("select id, url, site_name from articles").fetchall()
    updates = []
    for article_id, url, site_name in rows:
        host = host_of(url)
        updates.append((outlet_of(site_name, "", host), host, article_id))
    db.conn.executemany("update articles set outlet = ?, host = ? where id = ?", updates)


def record_input(
    db: sqlite_utils.Database,
    path: str,
    sha256: str,
    status: str,
    error: str | None = None,
    article_key: str | None = None,
    site: str | None = None,
) -> None:
    """Remember what happened to one input so re-runs can skip it."""
    db.execute(
        "insert into inputs (path, sha256, status, error, article_key, site, seen_at) "
        "values (?, ?, ?, ?, ?, ?, ?) on conflict (path) do update set sha256 = excluded.sha256, "
        "status = excluded.status, error = excluded.error, article_key = excluded.article_key, "
        "site = excluded.site, seen_at = excluded.seen_at",
        [path, sha256, status, error, article_key, site, now_iso()],
    )


def stored_digest(db: sqlite_utils.Database, path: str) -> str | None:
    """The digest of the bytes this path was last cleaned with; None when it never was."""
    row = db.execute(
        "select sha256 from inputs where path = ? and status in ('cleaned', 'unchanged')", [path]
    ).fetchone()
    return row[0] if row else None


def known_input(db: sqlite_utils.Database, path: str, sha256: str) -> bool:
    """True when this path was cleaned before with exactly these bytes."""
    return stored_digest(db, path) == sha256
