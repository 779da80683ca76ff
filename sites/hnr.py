"""hnr.cn 映象网 (Henan): the 2019–2020 article template, the 2018 TRS template, other channels."""

from __future__ import annotations

from newsclean.extract.html import HtmlTemplate
from newsclean.sites.base import Adapter

_RELATED = (".xgyd", ".related", "[class*=xgyd]", "[class*=relate]")


class Hnr(Adapter):
    """映象网 news pages, saved as HTML or as text renderings."""

    name = "hnr"
    site_name = "映象网"
    hosts = ("hnr.cn",)
    fingerprints = (r"hnr\.cn Corporation", r"映象网络\s*版权所有", r"来源[:：]\s*映象网", r"映象网讯")
    markers = ('id="text_content"', "ZKHN_Editor")
    templates = (
        # news.hnr.cn/YYYYMM/DD/<id>.html (2019–2020)
        HtmlTemplate(
            name="2019-2020",
            body="#text_content, #text_fix, div.editor",
            title="h2.f32, h2.lh48, .f32",
            meta=("p.left", ".left.mrg_t_10", ".time_source"),
            section=".left.mrg_l_40.pad_t_10, .left.mrg_l_40",
            editor="span.right, .zebian, .editor_name",
            drop=_RELATED,
        ),
        # …/201808/t20180817_3130286.html (TRS CMS, 2018)
        HtmlTemplate(
            name="2018 TRS",
            body="div.TRS_Editor",
            title="h1, h2, .title",
            meta=(".time", ".source", ".info", ".laiyuan", "p.left"),
            section=".position, .crumbs, .location, .dqwz",
            editor=".zebian, .editor, span.right",
            drop=_RELATED,
        ),
        # other hnr channels
        HtmlTemplate(
            name="channel",
            body=".ZKHN_Editor",
            title="#txt_left h2",
            meta=(".time", ".source"),
            drop=_RELATED,
        ),
    )
    layouts = (
        "text rendering (breadcrumb, title, date/来源 line, counter, byline, body, 文章关键词/责编)",
        "HTML 2019-2020: h2.f32 title, p.left date/source, #text_content body",
        "HTML 2018 TRS: div.TRS_Editor body (…/t2018MMDD_N.html)",
        "HTML channel pages: #txt_left h2, .time, .source, .ZKHN_Editor",
    )

    # Fetching: start points and listing pages
    # Columns of 2019 (no feed is known); pagination is probably <col>/2.html, so the
    # next page is taken from the page's 下一页 link rather than guessed.
    start_points = tuple(f"https://news.hnr.cn/{col}/" for col in ("xwrd", "djn", "mxw", "rxw", "ixw"))
    article_paths = (
        r"/\d{6}/\d{2}/\d+\.html",  # 2019–2020: /202003/19/731862.html
        r"(?:/[a-z0-9_]+)*/\d{6}/t\d{8}_\d+\.html",  # 2018 TRS: /201808/t20180817_3130286.html
        r"/[a-z0-9_]+/article/1/\d{19}",  # 2023+: /<col>/article/1/<19-digit id>
    )
