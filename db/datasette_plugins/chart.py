"""Datasette plugin: the articles-per-month chart, a Vega-Lite spec drawn by vega-embed.

The Vega, Vega-Lite and vega-embed scripts come from vl-convert-python (the Vega project's
own bundle, no network needed) and are served at BUNDLE_URL; templates/query.html puts the
chart above the `articles_per_month` query's table.
"""
from __future__ import annotations

import asyncio
import functools
import json
from typing import Any, Iterable

from datasette import hookimpl
from datasette.utils.asgi import Response

BUNDLE_URL = "/-/newsclean/vega-embed.js"


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str:
    """vega-embed, Vega-Lite and Vega as one script that sets window.vegaEmbed (~1.8 s once)."""
    import vl_convert

    return str(vl_convert.javascript_bundle())


def monthly_spec(rows: Iterable[Any]) -> dict[str, Any]:
    """A stacked bar chart of (month, site, articles) rows: months on x, one colour a site."""
    values = [{"month": r["month"], "site": r["site"], "articles": r["articles"]} for r in rows]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": "Articles per month, by site",
        "width": "container", "height": 300,
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "month", "type": "temporal", "timeUnit": "utcyearmonth",
                  "title": "month", "axis": {"format": "%Y-%m", "labelAngle": -45}},
            "y": {"field": "articles", "type": "quantitative", "aggregate": "sum",
                  "title": "articles", "axis": {"tickMinStep": 1, "format": "d"}},
            "color": {"field": "site", "type": "nominal", "title": "site"},
        },
    }


def spec_json(rows: Iterable[Any]) -> str:
    """monthly_spec as JSON that is safe inside a <script> element."""
    return json.dumps(monthly_spec(rows), ensure_ascii=False).replace("</", "<\\/")


async def serve_bundle() -> Response:
    """The script bundle, built in a worker thread on first use (a note without vl-convert)."""
    try:
        js = await asyncio.get_running_loop().run_in_executor(None, vega_bundle)
    except ImportError:
        js = "/* the chart needs vl-convert-python: pip install 'newsclean[browse]' */"
    return Response(js, content_type="application/javascript; charset=utf-8",
                    headers={"cache-control": "max-age=86400"})


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    """Serve the script bundle."""
    return [(r"^/-/newsclean/vega-embed\.js$", serve_bundle)]


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    """The `vega_spec` filter and the bundle URL for templates/query.html."""
    env.filters["vega_spec"] = spec_json
    env.globals["vega_bundle_url"] = BUNDLE_URL
