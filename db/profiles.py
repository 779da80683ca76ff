"""The `site_profiles` table: each host's learned profile (extract/profiles.py), one row per host
and kind of page (`template`: html or text), replaced whenever a run learns it again."""

from __future__ import annotations

import json
from typing import Any

from newsclean.db.store import Queryable, now_iso
from newsclean.extract.profiles import Location, Profile

TABLE = "site_profiles"
_SCHEMA = (
    f"create table if not exists {TABLE} (host text not null, template text not null, "
    "pages integer not null, template_lines text not null, locations text not null, "
    "confidence real not null, updated text not null, url_shapes text not null default '[]', "
    "primary key (host, template))"
)
_COLUMNS = "host, template, pages, template_lines, locations, confidence, updated, url_shapes"


def has_table(db: Queryable) -> bool:
    """True when the database holds the profiles table."""
    sql = "select 1 from sqlite_master where type = 'table' and name = ?"
    return db.execute(sql, [TABLE]).fetchone() is not None


def has_shapes(db: Queryable) -> bool:
    """True when the table has the `url_shapes` column (a table made before it has not)."""
    return any(row[1] == "url_shapes" for row in db.execute(f"pragma table_info({TABLE})"))


def save_profile(db: Queryable, profile: Profile) -> None:
    """Store (or replace) a host's profile for one kind of page (adding the `url_shapes`
    column to a table made before it)."""
    db.execute(_SCHEMA)
    if not has_shapes(db):
        db.execute(f"alter table {TABLE} add column url_shapes text not null default '[]'")
    locations = [[loc.signature, loc.pages, loc.confidence] for loc in profile.locations]
    db.execute(
        f"insert or replace into {TABLE} ({_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?)",
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
    columns = _COLUMNS if has_shapes(db) else _COLUMNS.replace("url_shapes", "'[]'")
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
