"""The fetch state, in the database `clean` uses: raw pages, runs, and listing validators."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from newsclean.db.store import now_iso, open_db
from newsclean.extract.outlet import on_host

if TYPE_CHECKING:
    import sqlite_utils

    from newsclean.db.writable import CorpusDatabase

RAW_PAGE_COLUMNS: dict[str, type] = {
    "url": str,  # the URL requested (pk)
    "final_url": str,  # after redirects: the article's canonical URL
    # the site's URL of a page fetched from a --base-url mirror (url and final_url are the
    # mirror's): the article's URL; NULL for a page fetched from the site itself
    "site_url": str,
    "site": str,  # adapter name, or '' when detected at extraction
    "status": int,  # HTTP status of the stored answer (0: no answer)
    "fetched_at": str,
    "headers": str,  # JSON: content-type, etag, last-modified
    "encoding": str,  # charset named by the HTTP header, NULL when it names none
    "body": bytes,  # zlib-compressed raw bytes, NULL for a failed fetch
    "article_key": str,  # the article extracted from it, NULL when none
    "error": str,  # why no article came from it, NULL when one did
}
RUN_COLUMNS: dict[str, type] = {
    "id": int,
    "started_at": str,
    "ended_at": str,
    "options": str,  # JSON: the run's sites and limits
    "counts": str,  # JSON: pages, not_modified, new, updated, unchanged, failed
    "errors": str,  # JSON: {reason: count}
}
# Failed fetches after which a URL is not tried again (unless --refresh): the page is gone.
# Any other failure (timeout, 5xx, robots.txt…) is retried by the next run.
FINAL_STATUSES = frozenset({404, 410})
FETCH_STATE_COLUMNS: dict[str, type] = {
    "url": str,  # listing page or feed URL (pk)
    "etag": str,
    "last_modified": str,
    "checked_at": str,
}


@dataclass
class RawPage:
    """A stored response, decompressed."""

    url: str
    final_url: str
    site: str
    status: int
    body: bytes
    encoding: str | None
    site_url: str | None = None  # set for a page fetched from a mirror

    @property
    def article_url(self) -> str:
        """The URL the page's article has: the site's, also for a page fetched from a mirror."""
        return self.site_url or self.final_url


def open_fetch_db(path: str | Path) -> CorpusDatabase:
    """Open the database with the article tables and the fetch tables in place."""
    db = open_db(path)
    ensure_fetch_schema(db)
    return db


def ensure_fetch_schema(db: sqlite_utils.Database) -> None:
    """Create the fetch tables that are missing."""
    tables = set(db.table_names())
    if "raw_pages" not in tables:
        db.table("raw_pages").create(RAW_PAGE_COLUMNS, pk="url")
        db.table("raw_pages").create_index(["site"])
        db.table("raw_pages").create_index(["article_key"])
    if "runs" not in tables:
        db.table("runs").create(RUN_COLUMNS, pk="id")
    if "fetch_state" not in tables:
        db.table("fetch_state").create(FETCH_STATE_COLUMNS, pk="url")
    if "site_url" not in db.table("raw_pages").columns_dict:  # a database of an earlier version
        db.table("raw_pages").add_column("site_url", str)


def is_stored(db: sqlite_utils.Database, url: str) -> bool:
    """True when the URL was fetched before (or is gone), or an article has it as its key."""
    finals = ", ".join(str(s) for s in sorted(FINAL_STATUSES))
    found = db.execute(
        f"select 1 from raw_pages where url = ? and (body is not null or status in ({finals})) "
        "union all select 1 from articles where key = ? limit 1",
        [url, url],
    ).fetchone()
    return found is not None


def save_raw_page(
    db: sqlite_utils.Database,
    *,
    url: str,
    final_url: str,
    site_url: str | None = None,
    site: str,
    status: int,
    headers: dict[str, str],
    encoding: str | None,
    body: bytes,
    article_key: str | None,
    error: str | None,
) -> None:
    """Store one response (call inside the article's `db.atomic()` block)."""
    db.table("raw_pages").upsert(
        {
            "url": url,
            "final_url": final_url,
            "site_url": site_url,
            "site": site,
            "status": status,
            "fetched_at": now_iso(),
            "headers": json.dumps(headers, ensure_ascii=False),
            "encoding": encoding,
            "body": zlib.compress(body, 6),
            "article_key": article_key,
            "error": error,
        },
        pk="url",
    )


def save_failure(db: sqlite_utils.Database, *, url: str, site: str, status: int, error: str) -> None:
    """Record a failed fetch, unless a good copy of the page is already stored."""
    with db.atomic():
        db.execute(
            "insert into raw_pages (url, final_url, site, status, fetched_at, error) "
            "values (?, ?, ?, ?, ?, ?) on conflict(url) do update set "
            "status = excluded.status, fetched_at = excluded.fetched_at, error = excluded.error "
            "where raw_pages.body is null",
            [url, url, site, status, now_iso(), error],
        )


def set_extraction(db: sqlite_utils.Database, url: str, article_key: str | None, error: str | None) -> None:
    """Record which article a stored page gave on re-extraction (call inside `db.atomic()`)."""
    db.execute("update raw_pages set article_key = ?, error = ? where url = ?", [article_key, error, url])


def iter_raw_pages(db: sqlite_utils.Database, site: str | None = None) -> Iterator[RawPage]:
    """Every stored page with a body, oldest first, optionally of one site: fetched for the
    adapter of that name, or from that host or a host of that domain (`ent.163.com`, `163.com`).

    The URLs are listed first and each page read on its own, so callers may write
    to the table while they iterate.
    """
    for url in raw_page_urls(db, site):
        page = read_raw_page(db, url)
        if page is not None:
            yield page


def read_raw_page(db: sqlite_utils.Database, url: str) -> RawPage | None:
    """The stored page fetched from `url` (raw_pages' key), decompressed; None without a body."""
    row = db.execute(
        "select final_url, site, status, body, encoding, site_url from raw_pages where url = ? "
        "and body is not null",
        [url],
    ).fetchone()
    if row is None:
        return None
    final_url, page_site, status, body, encoding, site_url = row
    return RawPage(url, final_url or url, page_site or "", status, zlib.decompress(body), encoding, site_url)


def raw_page_of_article(db: sqlite_utils.Database, article_url: str) -> RawPage | None:
    """The stored page whose article has `article_url` (RawPage.article_url), the latest
    fetched when there are several; None when there is none."""
    row = db.execute(
        "select url from raw_pages where body is not null and coalesce(site_url, final_url, url) = ? "
        "order by rowid desc limit 1",
        [article_url],
    ).fetchone()
    return read_raw_page(db, row[0]) if row else None


def raw_page_urls(db: sqlite_utils.Database, site: str | None = None) -> list[str]:
    """The URLs of the pages `iter_raw_pages` yields, in its order."""
    sql = "select url, final_url, site, site_url from raw_pages where body is not null order by rowid"
    return [
        url
        for url, final_url, page_site, site_url in db.execute(sql).fetchall()
        if not site or page_site == site or on_host(site_url or final_url or url, site)
    ]


def count_raw_pages(db: sqlite_utils.Database, site: str | None = None) -> int:
    """How many stored pages `iter_raw_pages` yields."""
    return len(raw_page_urls(db, site))


def validators(db: sqlite_utils.Database, url: str) -> tuple[str | None, str | None]:
    """The (ETag, Last-Modified) stored for a listing URL."""
    row = db.execute("select etag, last_modified from fetch_state where url = ?", [url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def was_walked(db: sqlite_utils.Database, url: str) -> bool:
    """True when a walk from this listing URL once ended with everything it found handled."""
    return db.execute("select 1 from fetch_state where url = ?", [url]).fetchone() is not None


def save_validators(db: sqlite_utils.Database, url: str, headers: dict[str, str]) -> None:
    """Remember a listing's validators once every article it listed has been handled."""
    with db.atomic():
        db.table("fetch_state").upsert(
            {
                "url": url,
                "etag": headers.get("etag"),
                "last_modified": headers.get("last-modified"),
                "checked_at": now_iso(),
            },
            pk="url",
        )


def start_run(db: sqlite_utils.Database, options: dict[str, Any]) -> int:
    """Insert the run's row; an interrupted run keeps ended_at NULL."""
    with db.atomic():
        table = db.table("runs").insert(
            {"started_at": now_iso(), "options": json.dumps(options, ensure_ascii=False)}
        )
        return cast(int, table.last_pk)  # an integer primary key: never None after an insert


def finish_run(
    db: sqlite_utils.Database, run_id: int, counts: dict[str, int], errors: dict[str, int]
) -> None:
    """Close the run's row with its counts and error summary."""
    with db.atomic():
        db.table("runs").update(
            run_id,
            {
                "ended_at": now_iso(),
                "counts": json.dumps(counts),
                "errors": json.dumps(errors, ensure_ascii=False),
            },
        )
