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
    "confidence real not null, updated text not null, primary key (host, template))"
)


def has_table(db: Queryable) -> bool:
    """True when the database holds the profiles table."""
    sql = "select 1 from sqlite_master where type = 'table' and name = ?"
    return db.execute(sql, [TABLE]).fetchone() is not None


def save_profile(db: Queryable, profile: Profile) -> None:
    """Store (or replace) a host's profile for one kind of page."""
    db.execute(_SCHEMA)
    locations = [[loc.signature, loc.pages, loc.confidence] for loc in profile.locations]
    db.execute(
        f"insert or replace into {TABLE} values (?, ?, ?, ?, ?, ?, ?)",
        [
            profile.host,
            profile.template,
            profile.pages,
            json.dumps(sorted(profile.lines), ensure_ascii=False),
            json.dumps(locations, ensure_ascii=False),
            profile.confidence,
            now_iso(),
        ],
    )


def load_profiles(db: Queryable, host: str | None = None) -> list[tuple[Profile, str]]:
    """The stored profiles (of one host when given), by host and template, each with the time
    it was updated."""
    if not has_table(db):
        return []
    where, params = ("where host = ?", [host]) if host else ("", [])
    rows = db.execute(f"select * from {TABLE} {where} order by host, template", params).fetchall()
    return [(profile_of(row), row[6]) for row in rows]


def profile_of(row: Any) -> Profile:
    """A stored row as a Profile."""
    host, template, pages, lines, locations, confidence = row[:6]
    return Profile(
        host,
        template,
        pages,
        frozenset(json.loads(lines)),
        tuple(Location(sig, n, conf) for sig, n, conf in json.loads(locations)),
        confidence,
    )
