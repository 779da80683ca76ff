"""Datasette plugin: SQL functions cjk_match, cjk_error, cjk_snippet; a Chinese-aware escape_fts."""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

from newsclean.db.search import QueryError, snippet_for, to_fts_query

# An FTS5 expression that matches no article: used for an empty or malformed query, so the
# page shows no rows (and cjk_error's message) instead of an opaque SQL error.
MATCH_NOTHING = '"zzcjkmatchesnothingzz"'


def cjk_match(query: str | None) -> str:
    """The FTS5 expression for a user query (matching nothing when it is empty or bad)."""
    try:
        return to_fts_query(query or "")
    except QueryError:
        return MATCH_NOTHING


def cjk_error(query: str | None) -> str | None:
    """Why the query is malformed, or None (an empty query is not an error: the form is new)."""
    if not query or not query.strip():
        return None
    try:
        to_fts_query(query)
    except QueryError as exc:
        return str(exc)
    return None


def cjk_snippet(body: str | None, query: str | None) -> str:
    """The first matching stretch of the body, matches in [brackets]."""
    return snippet_for(body, query or "")


# trylast: runs after Datasette's own prepare_connection, so our escape_fts replaces its.
@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Register the functions on every connection Datasette opens.

    The table pages' search box (?_search=) calls escape_fts(:search) on the query; the only
    full-text index here stores bigrams, so escape_fts becomes the CLI's transformation.
    """
    conn.create_function("escape_fts", 1, cjk_match, deterministic=True)
    conn.create_function("cjk_match", 1, cjk_match, deterministic=True)
    conn.create_function("cjk_error", 1, cjk_error, deterministic=True)
    conn.create_function("cjk_snippet", 2, cjk_snippet, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    """The `cjk_error` filter: templates/table.html explains a bad table search."""
    env.filters["cjk_error"] = cjk_error
