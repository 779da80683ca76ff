"""Datasette plugin: the journalist's pages of a database, beside Datasette's own.

    /DB/-/search        search box, facets with counts (outlet, year, author), paging,
                        highlighted snippets; the SQL behind the list one link away
    /DB/-/stories       stories with copies (?min=1: every story)
    /DB/-/stories/ID    a story's copies and how each differs from the first
    /DB/-/chart         articles per year, month or week, stacked by the top outlets

The data comes from newsclean.db.browse_pages on Datasette's read-only connection; the
pages are templates/newsclean_*.html, which extend Datasette's base.html (autoescaped).
Links are built with datasette.urls, so a database name with markup or spaces is encoded.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response

from newsclean.db import browse_pages as pages
from newsclean.db import stories
from newsclean.db.browse import CHART_PAGE, LISTING_VIEW, SEARCH_PAGE, STORIES_PAGE
from newsclean.db.store import ReadOnlyDatabase

MOST_COPIES = 1_000_000  # a larger ?min= is read as this (SQLite integers end at 2**63)


def page_url(datasette: Any, database: str, page: str, args: dict[str, str] | None = None) -> str:
    """The URL of one of these pages of `database`, with its query string."""
    url = f"{datasette.urls.database(database)}/{page}"
    return url + ("?" + urllib.parse.urlencode(args) if args else "")


async def served_database(datasette: Any, request: Any) -> Any:
    """The database the URL names, once the actor may view it (404 for an unknown one)."""
    try:
        db = datasette.get_database(route=tilde_decode(request.url_vars["database"]))
    except KeyError:
        raise NotFound("no such database") from None
    await datasette.ensure_permissions(request.actor, [("view-database", db.name), "view-instance"])
    return db


async def read(db: Any, fn: Any, *args: Any) -> Any:
    """fn(database, *args) on a read-only connection of Datasette's."""
    return await db.execute_fn(lambda conn: fn(ReadOnlyDatabase(conn), *args))


async def render(datasette: Any, request: Any, template: str, context: dict[str, Any]) -> Response:
    """The page as HTML."""
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html)


def facet_args(name: str, value: str) -> dict[str, str]:
    """The form changes a facet value makes: a year sets the date range to that year."""
    return {"date_from": value, "date_to": value} if name == "year" else {name: value}


async def search_view(datasette: Any, request: Any) -> Response:
    """The search page: with no query, every article newest first (still faceted)."""
    db = await served_database(datasette, request)
    form = pages.SearchForm.from_args(request.args)
    result = await read(db, pages.run_search, form)
    sql, params = pages.search_sql(form)

    def link(**changes: Any) -> str:
        return page_url(datasette, db.name, SEARCH_PAGE, form.args(**{"page": 1, **changes}))

    return await render(
        datasette,
        request,
        "newsclean_search.html",
        {
            "database": db.name,
            "active": "search",
            "form": form,
            "result": result,
            "facet_link": lambda name, value: link(**facet_args(name, value)),
            "remove_link": lambda name: link(**facet_args(name, "")),
            "per_page": pages.PER_PAGE,
            "sql_url": datasette.urls.database(db.name)
            + "?"
            + urllib.parse.urlencode({"sql": sql, **params}),
            "chart_url": page_url(datasette, db.name, CHART_PAGE, form.args(page=1)),
            "next_url": link(page=form.page + 1) if result.has_next(form) else None,
            "previous_url": link(page=form.page - 1) if form.page > 1 else None,
            **nav(datasette, db.name),
        },
    )


async def stories_view(datasette: Any, request: Any) -> Response:
    """Stories with at least ?min= copies (2 by default), most copies first."""
    db = await served_database(datasette, request)
    wanted = (request.args.get("min") or "2").strip()
    min_copies = min(max(int(wanted), 1), MOST_COPIES) if wanted.isdigit() else 2
    form = pages.SearchForm.from_args(request.args)  # for its page number
    rows, total = await read(db, pages.story_list, min_copies, form.page)
    indexed = await read(db, stories.index_exists)
    args = {"min": str(min_copies)} if min_copies != 2 else {}
    more = form.page * pages.STORIES_PER_PAGE < total
    return await render(
        datasette,
        request,
        "newsclean_stories.html",
        {
            "database": db.name,
            "active": "stories",
            "stories": rows,
            "total": total,
            "indexed": indexed,
            "no_index": pages.NO_STORY_INDEX,
            "min_copies": min_copies,
            "every_story_url": page_url(datasette, db.name, STORIES_PAGE, {"min": "1"}),
            "copies_only_url": page_url(datasette, db.name, STORIES_PAGE),
            "next_url": page_url(datasette, db.name, STORIES_PAGE, {**args, "page": str(form.page + 1)})
            if more
            else None,
            "previous_url": page_url(datasette, db.name, STORIES_PAGE, {**args, "page": str(form.page - 1)})
            if form.page > 1
            else None,
            **nav(datasette, db.name),
        },
    )


async def story_view(datasette: Any, request: Any) -> Response:
    """One story's copies: outlet, date, title, and what each adds to or drops from the first."""
    db = await served_database(datasette, request)
    found = await read(db, pages.story_page, int(request.url_vars["story"]))
    if found is None:
        indexed = await read(db, stories.index_exists)
        raise NotFound("no such story" if indexed else pages.NO_STORY_INDEX)
    info, copies = found
    return await render(
        datasette,
        request,
        "newsclean_story.html",
        {
            "database": db.name,
            "active": "stories",
            "story": info,
            "copies": copies,
            **nav(datasette, db.name),
        },
    )


async def chart_view(datasette: Any, request: Any) -> Response:
    """Articles per time bin; a click on a bar opens the search page filtered to it."""
    db = await served_database(datasette, request)
    form = pages.SearchForm.from_args(request.args)
    chart = await read(db, pages.chart_data, form)
    for value in chart.values:
        value["href"] = page_url(datasette, db.name, SEARCH_PAGE, value.pop("args"))
    return await render(
        datasette,
        request,
        "newsclean_chart.html",
        {
            "database": db.name,
            "active": "chart",
            "form": form,
            "chart": chart,
            "spec": pages.chart_spec(chart),
            "search_url": page_url(datasette, db.name, SEARCH_PAGE, form.args(page=1)),
            **nav(datasette, db.name),
        },
    )


def nav(datasette: Any, database: str) -> dict[str, str]:
    """The links every page shows: search, stories, chart and the article list."""
    return {
        "search_page": page_url(datasette, database, SEARCH_PAGE),
        "stories_page": page_url(datasette, database, STORIES_PAGE),
        "chart_page": page_url(datasette, database, CHART_PAGE),
        "list_page": datasette.urls.table(database, LISTING_VIEW),
    }


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    """The four pages, under each database's /-/ (no table can take those names)."""
    db = r"^/(?P<database>[^/]+)/"
    return [
        (db + r"-/search$", search_view),
        (db + r"-/stories$", stories_view),
        (db + r"-/stories/(?P<story>[0-9]{1,18})$", story_view),
        (db + r"-/chart$", chart_view),
    ]


@hookimpl
def extra_template_vars(template: str, database: str | None, request: Any, datasette: Any) -> Any:
    """The article page's story (`newsclean_story`: id, copies, url) and the page links."""
    if template != "row.html" or not database or request is None:
        return {}

    async def story() -> dict[str, Any]:
        found = None
        pks = request.url_vars.get("pks", "")
        if request.url_vars.get("table") == "articles" and pks.isdigit():
            found = await read(datasette.get_database(database), pages.story_of_article, int(pks))
        if found:
            found["url"] = page_url(datasette, database, f"{STORIES_PAGE}/{found['id']}")
        return {"newsclean_story": found, **nav(datasette, database)}

    return story
