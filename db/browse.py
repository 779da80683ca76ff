"""Datasette setup for `browse`: a listing view with a month column, metadata and the command."""
from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

import sqlite_utils

from db import search, stories

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLUGINS_DIR = Path(__file__).resolve().parent / "datasette_plugins"
LISTING_VIEW = "articles_list"
STORIES_VIEW = "stories_list"

_VIEW_SQL = f"""create view if not exists {LISTING_VIEW} as
select id, title, published_at, substr(published_at, 1, 7) as month, site, source,
       authors, correspondents, editor, keywords, section, site_name, url, warnings
from articles"""

# One line per story: its first copy's title and link, copies, sites, first and last date.
_STORIES_VIEW_SQL = f"""create view if not exists {STORIES_VIEW} as
select s.id as story, s.copies, s.sites, substr(s.first_seen, 1, 10) as first_seen,
       substr(s.last_seen, 1, 10) as last_seen, a.title, a.url, s.first_article_id
from {stories.STORIES_TABLE} s join articles a on a.id = s.first_article_id"""

# The canned query: cjk_match(), cjk_error() and cjk_snippet() come from
# datasette_plugins/cjk_search.py,
# so the browser search parses and bigram-transforms the query exactly like the CLI; a
# malformed query shows as one row carrying the message (SQLite hides exception texts).
SEARCH_SQL = f"""select null as id, 'Bad query: ' || cjk_error(:q) as title, null as site,
  null as published_at, null as source, null as authors, null as snippet
where cjk_error(:q) is not null
union all
select * from (
  select a.id, a.title, a.site, a.published_at, a.source, a.authors,
    cjk_snippet(a.body, :q) as snippet
  from (
    -- bm25 over the {search.RANK_WINDOW} most recently stored matches, as the CLI does
    select rowid as id, {search.RANK_SQL} as rank from {search.FTS_TABLE}
    where {search.FTS_TABLE} match cjk_match(:q)
    order by rowid desc limit {search.RANK_WINDOW}
  ) best join articles a on a.id = best.id
  order by best.rank
  limit 200
)"""


def datasette_installed() -> bool:
    """True when the optional `browse` extra (datasette) is importable."""
    return importlib.util.find_spec("datasette") is not None


def prepare_database(db: sqlite_utils.Database) -> None:
    """Make sure the search index and the listing view exist."""
    search.sync(db)
    stories.sync(db)
    db.execute(_VIEW_SQL)
    db.execute(_STORIES_VIEW_SQL)


def metadata(db_name: str) -> dict[str, Any]:
    """Datasette metadata: facets, date-descending sort, hidden index tables, the search query."""
    facets = ["site", "source", {"array": "authors"}]
    return {
        "title": "newsclean corpus",
        "description": "Cleaned Chinese regional news. Use the 'search' query for Chinese "
                       "full-text search (词 词 = both, OR, \"phrase\", -exclude).",
        "databases": {db_name: {
            "tables": {
                "articles": {"sort_desc": "published_at", "facets": facets,
                             "label_column": "title"},
                LISTING_VIEW: {"sort_desc": "published_at",
                               "facets": ["site", "source", "month", {"array": "authors"}],
                               "description": "One line per article, with a month column "
                                              "to facet on."},
                STORIES_VIEW: {"sort_desc": "copies", "facets": ["sites"],
                               "description": "Stories: copies of one article (转载, "
                                              "editions), largest first; the title is the "
                                              "earliest copy's."},
                **{t: {"hidden": True} for t in (stories.BANDS_TABLE, stories.PENDING_TABLE,
                                                 stories.META_TABLE)},
                search.FTS_TABLE: {"hidden": True},
                search.PENDING_TABLE: {"hidden": True},
                "inputs": {"sort_desc": "seen_at", "facets": ["status", "site"]},
            },
            "queries": {"search": {
                "title": "Search articles (Chinese-aware)",
                "description": "Words in the title or body, best first. Two words = both; "
                               "a OR b; \"a phrase\"; -word excludes.",
                "sql": SEARCH_SQL,
            }},
        }},
    }


def datasette_command(db_path: str | Path, metadata_path: str | Path, host: str, port: int,
                      open_browser: bool) -> list[str]:
    """The `datasette serve` command line."""
    cmd = [sys.executable, "-m", "datasette", "serve", str(db_path),
           "--metadata", str(metadata_path), "--plugins-dir", str(PLUGINS_DIR),
           "--host", host, "--port", str(port),
           "--setting", "default_page_size", "50"]
    return cmd + (["--open"] if open_browser else [])


def write_metadata(db_path: str | Path, out: Path) -> Path:
    """Write the metadata JSON for this database file to `out`."""
    out.write_text(json.dumps(metadata(Path(db_path).stem), ensure_ascii=False, indent=2),
                   encoding="utf-8")
    return out


def datasette_env() -> dict[str, str]:
    """The environment for Datasette: the project root importable, so the plugin finds db/."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env
