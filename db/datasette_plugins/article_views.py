"""Datasette plugin: readable article cells, the article page's filters and the stylesheet."""

from __future__ import annotations

import json
from typing import Any

from datasette import hookimpl
from markupsafe import Markup

LISTING_VIEW = "articles_list"  # db.browse.LISTING_VIEW (not imported: keep plugin load cheap)
ARTICLE_COLUMNS = {"id", "title", "site"}  # a row with these columns is an article


def names(value: Any) -> str:
    """A JSON list of names as 王文凯、李四 (other values unchanged, None as '')."""
    if value in (None, ""):
        return ""
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return str(value)
    return "、".join(map(str, parsed)) if isinstance(parsed, list) else str(value)


def paragraphs(body: str | None) -> list[str]:
    """The body's non-empty lines: one paragraph each."""
    return [line.strip() for line in (body or "").splitlines() if line.strip()]


def is_http_url(value: Any) -> bool:
    """True for an http(s) URL (any case, leading spaces): the only URLs made into links."""
    return isinstance(value, str) and value.lstrip().lower().startswith(("http://", "https://"))


def _is_article_row(row: Any, table: str | None) -> bool:
    """True for the article list and for canned-query rows shaped like articles."""
    keys = set(row.keys()) if hasattr(row, "keys") else set()
    return table == LISTING_VIEW or (table is None and keys >= ARTICLE_COLUMNS)


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Titles link to the article page; authors show as names; snippets are never cut."""
    if not _is_article_row(row, table):
        return None
    if column == "title" and row["id"] is not None and value:
        url = datasette.urls.row(database, "articles", str(row["id"]))
        return Markup('<a class="article-link" href="{}">{}</a>').format(url, value)
    if column in ("authors", "correspondents"):
        return names(value) or Markup("&nbsp;")  # '' would show the raw value
    if column == "snippet":
        return value or ""
    return None


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    """Filters for templates/row.html: `names` and `paragraphs`; the test `http_url`."""
    env.filters["names"] = names
    env.filters["paragraphs"] = paragraphs
    env.tests["http_url"] = is_http_url


@hookimpl
def extra_css_urls() -> list[str]:
    """The stylesheet served from static/ (mounted by `browse` with --static)."""
    return ["/newsclean-static/newsclean.css"]  # db.browse.STATIC_MOUNT
