"""Stories a page carries only in its scripts' data (extract/script_data.py), on pages of our
own written after real layouts: an app share page (`window.__INITIAL_STATE__`), a Next.js
page (`__NEXT_DATA__`), a CMS assigning the text to a variable; and pages that must stay
refused: a list page's data of teasers, and hostile data.
"""

from __future__ import annotations

import json

import pytest

from newsclean.extract.record import NotAnArticle
from newsclean.ingest.pipeline import extract_page

PARAS = [
    "3月5日上午，某县举行2024年重点项目集中开工仪式，共有32个项目集中开工，总投资86.5亿元。",
    "此次集中开工的项目涵盖先进制造业、现代服务业、基础设施和民生保障等领域，将为全县经济高质量发展注入强劲动力。",
]
RECORD = {
    "title": "某县重点项目集中开工",
    "content": "".join(f"<p>{p}</p>" for p in PARAS),
    "publishTime": 1709602200000,
    "source": {"name": "某县融媒体中心"},
    "author": "李华",
}


def app_page(script: str, title: str = "某县融媒体") -> bytes:
    """A share page of a county media centre's app: an empty mount point and the data."""
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><div id='app'></div>{script}</body></html>"
    ).encode()


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def test_a_share_page_state_gives_body_title_date_source_and_author():
    html = app_page(f"<script>window.__INITIAL_STATE__ = {dumps({'detail': RECORD})};</script>")
    art = extract_page(html)
    assert art.body == PARAS
    assert (art.title, art.published_at, art.source, art.authors) == (
        "某县重点项目集中开工",
        "2024-03-05T09:30:00+08:00",
        "某县融媒体中心",
        ["李华"],
    )
    assert art.extractor.endswith("(script data)")


def test_next_data_and_a_variable_holding_the_text():
    next_data = {"props": {"pageProps": {"article": RECORD}}}
    html = app_page(f"<script id='__NEXT_DATA__' type='application/json'>{dumps(next_data)}</script>")
    assert extract_page(html).body == PARAS
    html = app_page(f"<script>var contentHtml = {dumps(RECORD['content'])};</script>", "某县重点项目集中开工")
    art = extract_page(html)
    assert (art.body, art.title) == (PARAS, "某县重点项目集中开工")


def test_a_list_pages_data_of_teasers_gives_no_story():
    # An index page's data: twenty teasers of a size, none dominating.
    teasers = [{"title": f"某县新闻{i}", "summary": PARAS[1] + f"第{i}条"} for i in range(20)]
    html = app_page(f"<script>window.__INITIAL_STATE__ = {dumps({'list': teasers})};</script>")
    with pytest.raises(NotAnArticle):
        extract_page(html)


@pytest.mark.parametrize(
    "script",
    [
        "<script>var a = " + "[" * 100_000 + "]" * 100_000 + ";</script>",  # too deep for json
        "<script>var a = {" + '"k": "' + "某" * 60 + '", ' * 2 + "</script>",  # broken JSON
        "<script>var s = JSON.parse(" + dumps("{" * 50_000) + ");</script>",
        "<script>window.x = " + dumps([[i, "某县"] for i in range(300_000)]) + ";</script>",
    ],
    ids=["too deep", "broken JSON", "JSON.parse of braces", "300,000 values"],
)
def test_hostile_script_data_is_skipped(script):
    with pytest.raises(NotAnArticle):
        extract_page(app_page(script))
