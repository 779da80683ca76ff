"""Datasette plugin: the articles-per-month chart, a Vega-Lite spec drawn by vega-embed.

The Vega, Vega-Lite and vega-embed scripts come from vl-convert-python (the Vega project's
own bundle, no network needed) and are served at BUNDLE_URL; templates/query.html puts the
chart above the `articles_per_month` query's table.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Iterable
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

BUNDLE_URL = "/-/newsclean/vega-embed.js"


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str:
    """vega-embed, Vega-Lite and Vega as one script that sets window.vegaEmbed (~1.8 s once)."""
    import vl_convert

    return str(vl_convert.javascript_bundle("window.vegaEmbed = vegaEmbed;"))


def count_ticks(highest: int, most: int = 8) -> list[int]:
    """Whole-number axis ticks from 0 to at least `highest`, at most about `most` of them."""
    step = 1
    while highest / step > most:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2  # 1, 2, 5, 10, 20, ...
    return list(range(0, highest + step, step)) if highest else [0, 1]


def monthly_spec(rows: Iterable[Any]) -> dict[str, Any]:
    """A stacked bar chart of (month, site, articles) rows: months on x, one colour a site."""
    values = [{"month": r["month"], "site": r["site"], "articles": r["articles"]} for r in rows]
    totals: dict[str, int] = {}
    for v in values:
        totals[v["month"]] = totals.get(v["month"], 0) + int(v["articles"] or 0)
    ticks = count_ticks(max(totals.values(), default=0))
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": "Articles per month, by site",
        "width": "container",
        "height": 300,
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {
                "field": "month",
                "type": "temporal",
                "timeUnit": "utcyearmonth",
                "title": "month",
                "axis": {"format": "%Y-%m", "labelAngle": -45},
            },
            "y": {
                "field": "articles",
                "type": "quantitative",
                "aggregate": "sum",
                "title": "articles",
                "axis": {"values": ticks, "format": "d"},
                "scale": {"domain": [0, ticks[-1]]},
            },
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
    return Response(
        js, content_type="application/javascript; charset=utf-8", headers={"cache-control": "max-age=86400"}
    )


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    """Serve the script bundle."""
    return [(r"^/-/newsclean/vega-embed\.js$", serve_bundle)]


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    """The `vega_spec` filter and the bundle URL for templates/query.html."""
    env.filters["vega_spec"] = spec_json
    env.globals["vega_bundle_url"] = BUNDLE_URL
