"""Deeply nested pages: an article inside hundreds of elements is read whole (issue 24, item 34).

libxml2 stops at 256 nested elements unless told otherwise, and silently drops the rest of
the page; a page built by nested layout tables or a broken template reaches that depth.
"""

from __future__ import annotations

import re

import pytest

from conftest import fixture
from newsclean.ingest.pipeline import extract_page

DEPTH = 400


def nest_body(html: bytes, depth: int) -> bytes:
    """The page with everything inside <body> wrapped in `depth` nested <div>s."""
    html = re.sub(rb"(<body[^>]*>)", lambda m: m.group(1) + b"<div>" * depth, html, count=1)
    return html.replace(b"</body>", b"</div>" * depth + b"</body>", 1)


@pytest.mark.parametrize(
    "case,url",
    [
        # hnr.cn's 2020 template (read by its CSS selectors)
        ("hnr/2020_000", "https://news.hnr.cn/202003/19/731862.html"),
        # a county media centre's page (read by the generic adapter's text-density rules)
        ("generic/county_2021", None),
    ],
)
def test_an_article_nested_400_deep_is_read_whole(case, url):
    page = fixture(case).read_bytes()
    flat = extract_page(page, url=url)
    deep = extract_page(nest_body(page, DEPTH), url=url)
    assert len("".join(flat.body)) > 200
    assert (deep.title, deep.body, deep.published_at) == (flat.title, flat.body, flat.published_at)
