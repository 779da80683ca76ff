"""The `site_profiles` table: each host's learned profile (extract/profiles.py), one row per host
and kind of page (`template`: html or text), replaced whenever a run learns it again; and the
`profile_samples` table: the samples it is learned from (one row per input), so that a later run
learns from the earlier runs' pages and its own together (ingest/profiling.py).

Both are made by the first run that learns (a database where nothing was learned has neither).
A profile stored before schema 3 (`sampled` 0) was learned from one run's pages whose samples
were not kept: it stays until the host's kept samples hold as many distinct articles."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from newsclean.db.store import Queryable, now_iso
from newsclean.extract.profiles import Location, Profile

TABLE = "site_profiles"
_SCHEMA = (
    f"create table if not exists {TABLE} (host text not null, template text not null, "
    "pages integer not null, template_lines text not null, locations text not null, "
    "confidence real not null, updated text not null, url_shapes text not null default '[]', "
    "sampled integer not null default 0, primary key (host, template))"
)
_COLUMNS = "host, template, pages, template_lines, locations, confidence, updated, url_shapes"
# Columns added after the table was first made, with their definition.
_ADDED = {"url_shapes": "text not null default '[]'", "sampled": "integer not null default 0"}
SAMPLES_TABLE = "profile_samples"
_SAMPLES_SCHEMA = (
    f"create table if not exists {SAMPLES_TABLE} (name text primary key, host text not null, "
    "kind text not null, fingerprint text not null, rank text not null, url text, site text, "
    "sample text not null)"
)
_SAMPLES_INDEX = f"create index if not exists {SAMPLES_TABLE}_host on {SAMPLES_TABLE} (host, kind, rank)"


def has_table(db: Queryable, table: str = TABLE) -> bool:
    """True when the database holds the profiles table (or `table`)."""
    sql = "select 1 from sqlite_master where type = 'table' and name = ?"
    return db.execute(sql, [table]).fetchone() is not None


def has_column(db: Queryable, column: str) -> bool:
    """True when the profiles table has the column (a table made before it has not)."""
    return any(row[1] == column for row in db.execute(f"pragma table_info({TABLE})"))


def add_missing_columns(db: Queryable) -> None:
    """Add to a profiles table made before them the columns added since (_ADDED)."""
    for column, definition in _ADDED.items():
        if not has_column(db, column):
            db.execute(f"alter table {TABLE} add column {column} {definition}")


def save_profile(db: Queryable, profile: Profile) -> None:
    """Store (or replace) a host's profile for one kind of page, learned from the kept samples
    (adding the columns added since to a table made before them)."""
    db.execute(_SCHEMA)
    add_missing_columns(db)
    locations = [[loc.signature, loc.pages, loc.confidence] for loc in profile.locations]
    db.execute(
        f"insert or replace into {TABLE} ({_COLUMNS}, sampled) values (?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [
            profile.host,
            profile.template,
            profile.pages,
            json.dumps(sorted(profile.lines), ensure_ascii=False),
            json.dumps(locations, ensure_ascii=False),
            profile.confidence,
            now_iso(),
            json.dumps(sorted(profile.shapes)),
        ],
    )


def load_profiles(db: Queryable, host: str | None = None) -> list[tuple[Profile, str]]:
    """The stored profiles (of one host when given), by host and template, each with the time
    it was updated."""
    if not has_table(db):
        return []
    where, params = ("where host = ?", [host]) if host else ("", [])
    columns = _COLUMNS if has_column(db, "url_shapes") else _COLUMNS.replace("url_shapes", "'[]'")
    rows = db.execute(f"select {columns} from {TABLE} {where} order by host, template", params).fetchall()
    return [(profile_of(row), row[6]) for row in rows]


def profile_of(row: Any) -> Profile:
    """A stored row as a Profile."""
    host, template, pages, lines, locations, confidence, _updated, shapes = row
    return Profile(
        host,
        template,
        pages,
        frozenset(json.loads(lines)),
        tuple(Location(sig, n, conf) for sig, n, conf in json.loads(locations)),
        confidence,
        frozenset(json.loads(shapes)),
    )


def unsampled_pages(db: Queryable, host: str, kind: str) -> int:
    """The distinct articles of the host's stored profile of that kind when it was learned
    before its samples were kept (schema < 3); 0 otherwise."""
    if not has_table(db) or not has_column(db, "sampled"):
        return 0
    sql = f"select pages from {TABLE} where host = ? and template = ? and sampled = 0"
    row = db.execute(sql, [host, kind]).fetchone()
    return int(row[0]) if row else 0


def keep_samples(
    db: Queryable, rows: Iterable[tuple[str, str, str, str, str | None, str | None, str]]
) -> None:
    """Store (or replace, by input name) samples: (name, host, kind, fingerprint, url, site,
    sample JSON); `rank` (the fingerprint's SHA-1) chooses the ones kept (prune_samples)."""
    db.execute(_SAMPLES_SCHEMA)
    db.execute(_SAMPLES_INDEX)
    db.conn.executemany(
        f"insert or replace into {SAMPLES_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (name, host, kind, fp, sample_rank(fp), url, site, data)
            for name, host, kind, fp, url, site, data in rows
        ],
    )


def sample_rank(fingerprint: str) -> str:
    """What orders the samples kept of a host: the SHA-1 of the body fingerprint."""
    return hashlib.sha1(fingerprint.encode()).hexdigest()


def prune_samples(db: Queryable, host: str, kind: str, most: int) -> None:
    """Keep the samples of the host's `most` distinct body fingerprints ranked lowest: the same
    ones whatever the order and split of the runs that brought them."""
    sql = (
        f"delete from {SAMPLES_TABLE} where host = ? and kind = ? and rank > (select rank from "
        f"(select distinct rank from {SAMPLES_TABLE} where host = ? and kind = ? order by rank "
        "limit 1 offset ?))"
    )
    db.execute(sql, [host, kind, host, kind, most - 1])


def stored_samples(db: Queryable, host: str, kind: str) -> list[tuple[str, str, str | None, str | None, str]]:
    """The kept samples of one host's pages of one kind, in name order: (name, fingerprint,
    url, site, sample JSON)."""
    if not has_table(db, SAMPLES_TABLE):
        return []
    sql = (
        f"select name, fingerprint, url, site, sample from {SAMPLES_TABLE} "
        "where host = ? and kind = ? order by name"
    )
    return db.execute(sql, [host, kind]).fetchall()
