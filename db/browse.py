"""Datasette setup for `browse`: readable views, metadata, the home page and the command.

The search, stories and chart pages are datasette_plugins/pages.py's (data: browse_pages.py)."""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import newsclean
from newsclean.db import search, store, stories

# The folders that hold an installed `newsclean` folder (site-packages); none for an editable
# install, whose package folder is the repository root and whose import hook Datasette's
# Python (this one) runs too.
PACKAGE_PARENTS = [str(Path(p).parent) for p in newsclean.__path__ if Path(p).name == "newsclean"]
PLUGINS_DIR = Path(__file__).resolve().parent / "datasette_plugins"
TEMPLATES_DIR = PLUGINS_DIR / "templates"
STATIC_DIR = PLUGINS_DIR / "static"
STATIC_MOUNT = "newsclean-static"  # served at /newsclean-static/ by `datasette --static`
LISTING_VIEW = "articles_list"
STORIES_VIEW = "stories_list"
# The journalist's pages (datasette_plugins/pages.py), under each database's path.
SEARCH_PAGE, STORIES_PAGE, CHART_PAGE = "-/search", "-/stories", "-/chart"
SQLITE_READONLY, SQLITE_CANTOPEN = 8, 14  # sqlite3's constants, which Python 3.10 lacks
# Cells longer than this are cut with an ellipsis in tables (the article page shows all).
TRUNCATE_CELLS = 60

# One readable line per article; `month` is there to facet on. The plugin links the title
# to the article page and shows the authors as names.
_VIEW_SQL = f"""create view {LISTING_VIEW} as
select id, title, outlet, substr(published_at, 1, 10) as date, source, authors,
       substr(published_at, 1, 7) as month
from articles"""

# One line per story: its first copy's title and link, copies, sites, first and last date.
_STORIES_VIEW_SQL = f"""create view {STORIES_VIEW} as
select s.id as story, s.copies, s.sites, substr(s.first_seen, 1, 10) as first_seen,
       substr(s.last_seen, 1, 10) as last_seen, a.title, a.url, s.first_article_id
from {stories.STORIES_TABLE} s join articles a on a.id = s.first_article_id"""


def datasette_installed() -> bool:
    """True when the optional `browse` extra (datasette) is importable."""
    return importlib.util.find_spec("datasette") is not None


def _replace_view(db: store.Queryable, name: str, create_sql: str) -> None:
    """Create view `name`, replacing an older definition (databases made by earlier versions)."""
    row = db.execute("select sql from sqlite_master where type = 'view' and name = ?", [name]).fetchone()
    if row and row[0] == create_sql:
        return
    with db.conn:
        db.execute(f"drop view if exists {name}")
        db.execute(create_sql)


def prepare_database(db: store.Queryable) -> None:
    """Make sure the search index, the story index and the views exist."""
    search.sync(db)
    stories.sync(db)
    _replace_view(db, LISTING_VIEW, _VIEW_SQL)
    _replace_view(db, STORIES_VIEW, _STORIES_VIEW_SQL)


def prepare_file(db_path: str | Path) -> list[str]:
    """Prepare the database file for serving; for a file that cannot be written, nothing is
    changed and the notes say what the browser will lack (it is then served immutable).

    Raises store.StoreError for a missing file, one that is no corpus, or that SQLite cannot
    open for another reason than being read-only.
    """
    try:
        db = store.open_existing_db(db_path)
    except store.StoreError as exc:
        if not is_read_only(exc):
            raise
        return read_only_notes(store.open_readonly(db_path))
    try:
        prepare_database(db)
    finally:
        db.conn.close()
    return []


def is_read_only(exc: BaseException) -> bool:
    """True when SQLite could not write the file (read-only), or open it for writing (a WAL
    database in a read-only folder: no -shm file can be made beside it)."""
    cause = exc.__cause__
    if not isinstance(cause, sqlite3.OperationalError):
        return False
    code = getattr(cause, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return code & 0xFF in (SQLITE_READONLY, SQLITE_CANTOPEN)
    return "readonly database" in str(cause) or "unable to open" in str(cause)


def read_only_notes(db: store.ReadOnlyDatabase) -> list[str]:
    """What a read-only database lacks for the browser (nothing can be added to it)."""
    try:
        names = {
            row[0] for row in db.execute("select name from sqlite_master where type in ('table', 'view')")
        }
        pending = search.pending_count(db) if search.index_exists(db) else None
    finally:
        db.conn.close()
    notes = ["the database is read-only: served as it is, nothing added to it"]
    missing = [name for name in (LISTING_VIEW, STORIES_VIEW) if name not in names]
    if missing:
        notes.append(
            f"its {' and '.join(missing)} views are missing (browse a writable copy once to add them)"
        )
    if pending is None:
        notes.append("it has no search index: search finds nothing (run reindex on a writable copy)")
    elif pending:
        notes.append(
            f"{pending} changed articles are not in its search index yet (run reindex on a writable copy)"
        )
    return notes


def database_path(db_name: str) -> str:
    """The database's page, as Datasette routes it: the name tilde-encoded (`my news#1` gives
    /my+news~231). Datasette is imported here only: `browse` runs with the extra installed."""
    from datasette.utils import tilde_encode

    encoded: str = tilde_encode(db_name)  # Datasette has no type hints
    return "/" + encoded


def home_html(db_name: str) -> str:
    """The home page's links: search, stories, the chart, the article list (escaped: the
    database name comes from the file name, which may hold quotes and markup)."""
    from markupsafe import escape

    base = database_path(db_name)
    links = [
        (
            f"{base}/{SEARCH_PAGE}",
            "Search articles",
            "words, outlets, years and authors, with highlighted snippets",
        ),
        (
            f"{base}/{STORIES_PAGE}",
            "Stories",
            "articles with copies on other outlets, and how the copies differ",
        ),
        (f"{base}/{CHART_PAGE}", "Chart", "articles per year, month or week, by outlet"),
        (
            f"{base}/{LISTING_VIEW}",
            "All articles (table)",
            "title, outlet, date, source and authors, newest first",
        ),
    ]
    items = "".join(
        f'<li><a href="{escape(href)}">{escape(label)}</a> — {escape(what)}</li>'
        for href, label, what in links
    )
    return f'<ul class="newsclean-home">{items}</ul>'


def metadata(db_name: str) -> dict[str, Any]:
    """Datasette metadata: home links, facets, sorts, search on the tables."""
    facets = ["outlet", "source", {"array": "authors"}]
    # The table search box: `escape_fts` is replaced by the plugin with the CLI's query
    # transformation, so ?_search=锦旗 finds the same articles as `search 锦旗`.
    fts = {"fts_table": search.FTS_TABLE}
    search_help = 'Two words = both; a OR b; "a phrase"; -word excludes.'
    return {
        "title": "newsclean corpus",
        "description_html": home_html(db_name),
        "databases": {
            db_name: {
                "description_html": home_html(db_name),
                "tables": {
                    "articles": {
                        "sort_desc": "published_at",
                        "facets": facets,
                        "label_column": "title",
                        "fts_pk": "id",
                        **fts,
                        "description": "Every stored field, cells cut at "
                        f"{TRUNCATE_CELLS} characters; {LISTING_VIEW} "
                        "is the readable list.",
                    },
                    LISTING_VIEW: {
                        "sort_desc": "date",
                        "facets": ["outlet", "source", "month", {"array": "authors"}],
                        "description": "One line per article; click a title to read "
                        "it. The search box is Chinese-aware. " + search_help,
                        "fts_pk": "id",
                        **fts,
                    },
                    STORIES_VIEW: {
                        "sort_desc": "copies",
                        "facets": ["sites"],
                        "description": "Stories: copies of one article (转载, "
                        "editions), largest first; the title is the "
                        "earliest copy's.",
                    },
                    **{
                        t: {"hidden": True}
                        for t in (stories.BANDS_TABLE, stories.PENDING_TABLE, stories.META_TABLE)
                    },
                    search.FTS_TABLE: {"hidden": True},
                    search.PENDING_TABLE: {"hidden": True},
                    "inputs": {"sort_desc": "seen_at", "facets": ["status", "site"]},
                },
            }
        },
    }


def datasette_command(
    db_path: str | Path,
    metadata_path: str | Path,
    host: str,
    port: int,
    open_browser: bool,
    immutable: bool = False,
) -> list[str]:
    """The `datasette serve` command line (`immutable`: a read-only file, opened as one)."""
    cmd = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        *(["-i", str(db_path)] if immutable else [str(db_path)]),
        "--metadata",
        str(metadata_path),
        "--plugins-dir",
        str(PLUGINS_DIR),
        "--template-dir",
        str(TEMPLATES_DIR),
        "--static",
        f"{STATIC_MOUNT}:{STATIC_DIR}",
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "default_page_size",
        "50",
        "--setting",
        "default_facet_size",
        "10",
        "--setting",
        "truncate_cells_html",
        str(TRUNCATE_CELLS),
    ]
    return cmd + (["--open"] if open_browser else [])


def write_metadata(db_path: str | Path, out: Path) -> Path:
    """Write the metadata JSON for this database file to `out`."""
    out.write_text(json.dumps(metadata(Path(db_path).stem), ensure_ascii=False, indent=2), encoding="utf-8")
    return out


def datasette_env() -> dict[str, str]:
    """The environment for Datasette: `newsclean` importable, so the plugins find its search."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [*PACKAGE_PARENTS, env.get("PYTHONPATH")]))
    return env
