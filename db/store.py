"""The SQLite store: the `articles` and `inputs` tables and how rows are written."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any, Callable

import sqlite_utils

ARTICLE_COLUMNS: dict[str, type] = {
    "id": int,
    "key": str,
    "url": str,
    "site": str,
    "site_name": str,
    "title": str,
    "published_at": str,
    "source": str,
    "authors": str,
    "correspondents": str,
    "editor": str,
    "keywords": str,
    "section": str,
    "byline": str,
    "dateline": str,
    "summary": str,
    "body": str,
    "input_path": str,
    "extractor": str,
    "warnings": str,
    "extracted_at": str,
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

# Called with the ids of article rows just inserted or updated; the search index
# (db/search.py) registers itself here so that every writer keeps it in sync.
ARTICLE_HOOKS: list[Callable[[sqlite_utils.Database, list[int]], None]] = []


class StoreError(RuntimeError):
    """The database cannot be opened or written."""


def now_iso() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database in WAL mode with every table in place."""
    try:
        conn = sqlite3.connect(str(path), timeout=30)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        ensure_schema(db)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the tables and indexes that are missing."""
    if "articles" not in db.table_names():
        db.table("articles").create(ARTICLE_COLUMNS, pk="id", not_null={"key", "title", "body"})
        db.table("articles").create_index(["key"], unique=True)
        db.table("articles").create_index(["site", "published_at"])
        db.table("articles").create_index(["published_at"])
    db.table("articles").create_index(["title"], if_not_exists=True)  # finds the same article under another key
    if "inputs" not in db.table_names():
        db.table("inputs").create(INPUT_COLUMNS, pk="path")
        db.table("inputs").create_index(["sha256"])


def upsert_article(db: sqlite_utils.Database, row: dict[str, Any]) -> tuple[int, str]:
    """Insert or update the article with row["key"]; return (id, status).

    status: "new", "updated", "unchanged", or "merged" when the row is another copy of an
    article stored under another key.

    The row keeps its id when it is updated, so links to it stay valid. The same article
    stored under another key (a text rendering without URL, then its HTML page with one) is
    one row: the URL-keyed copy takes the row over, a URL-less copy of it changes nothing.
    Call inside `with db.atomic():` to make the article and its input record one write.
    """
    row = {**row, "extracted_at": row.get("extracted_at") or now_iso()}
    old = stored_row(db, "key = ?", [row["key"]]) or same_article(db, row)
    if old is None:
        article_id = int(db.table("articles").insert(row).last_pk or 0)
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
            db.table("articles").update(article_id, row)
    if status != "unchanged":
        for hook in ARTICLE_HOOKS:
            hook(db, [article_id])
    return article_id, status


def stored_row(db: sqlite_utils.Database, where: str, params: list[Any]) -> dict[str, Any] | None:
    """The first article row matching the condition, as a dict."""
    cursor = db.execute(f"select * from articles where {where} limit 1", params)
    found = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], found)) if found else None


def same_article(db: sqlite_utils.Database, row: dict[str, Any]) -> dict[str, Any] | None:
    """A stored row with the same title, date and body under another key, if any."""
    return stored_row(db, "title = ? and published_at is ? and body = ?",
                      [row["title"], row.get("published_at"), row["body"]])


def record_input(db: sqlite_utils.Database, path: str, sha256: str, status: str,
                 error: str | None = None, article_key: str | None = None,
                 site: str | None = None) -> None:
    """Remember what happened to one input so re-runs can skip it."""
    db.table("inputs").upsert(
        {"path": path, "sha256": sha256, "status": status, "error": error,
         "article_key": article_key, "site": site, "seen_at": now_iso()},
        pk="path",
    )


def known_input(db: sqlite_utils.Database, path: str, sha256: str) -> bool:
    """True when this path was cleaned before with exactly these bytes."""
    row = db.execute(
        "select 1 from inputs where path = ? and sha256 = ? and status in ('cleaned', 'unchanged')",
        [path, sha256],
    ).fetchone()
    return row is not None
