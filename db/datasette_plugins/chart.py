"""Datasette plugin: the chart page's Vega-Lite spec, drawn by vega-embed.

The Vega, Vega-Lite and vega-embed scripts come from vl-convert-python (the Vega project's
own bundle, no network needed) and are served at BUNDLE_URL; templates/newsclean_chart.html
draws the spec that pages.py's chart view gives it.
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

BUNDLE_URL = "/-/newsclean/vega-embed.js"


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str:
    """vega-embed, Vega-Lite and Vega as one script that sets window.vegaEmbed (~1.8 s once)."""
    import vl_convert

    return str(vl_convert.javascript_bundle("window.vegaEmbed = vegaEmbed;"))


def spec_json(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec as JSON that is safe inside a <script> element (no <, > or & left)."""
    text = json.dumps(spec, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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
    """The `vega_spec` filter and the bundle URL for templates/newsclean_chart.html."""
    env.filters["vega_spec"] = spec_json
    env.globals["vega_bundle_url"] = BUNDLE_URL
