"""中国新闻网: the main site (2018–2020 and 2023– templates) and provincial channels."""

from __future__ import annotations

from newsclean.extract.html import HtmlTemplate
from newsclean.sites.base import Adapter

_TAIL = (
    "div.adEditor",
    "div.left_name",
    "#function_code_page",
    ".left_ph",
    "#left_ph",
    "div[class*=share]",
    ".content_left_ad",
    "table[class*=ad]",
)


class Chinanews(Adapter):
    """中国新闻网 article pages, main site and provincial channels (ha.chinanews.com.cn …)."""

    name = "chinanews"
    site_name = "中国新闻网"
    hosts = ("chinanews.com", "chinanews.com.cn")
    fingerprints = (r"中新社和中新网", r"中国新闻网\S{0,4}新闻", r"chinanews\.com", r"中新网首页")
    markers = ('class="neiron_kong"', 'class="left_zw"', 'id="source_baidu"')
    templates = (
        # www.chinanews.com.cn (2023–2025)
        HtmlTemplate(
            name="main 2023-2025",
            body="div.left_zw",
            title=".content_left_title",
            meta=("#pubtime_baidu", "#source_baidu", ".content_left_time", "#editor_baidu"),
            editor="div.left_name, #editor_baidu",
            drop=_TAIL,
        ),
        # www.chinanews.com/<col>/YYYY/MM-DD/<id>.shtml (2018–2020)
        HtmlTemplate(
            name="main 2018-2020",
            body="div.left_zw",
            title="#cont_1_1_2 h1, .content h1",
            meta=("#pubtime_baidu", "#source_baidu", "div.left-t", "#editor_baidu"),
            editor="div.left_name, #editor_baidu, #editorname",
            section="#nav, .nav_navcon, div.bread",
            drop=_TAIL,
        ),
        # ha.chinanews.com.cn/news/<col>/YYYY/MMDD/<id>.shtml (Henan channel)
        HtmlTemplate(
            name="Henan channel",
            body="div.neiron_kong",
            title="div.neiron_title",
            meta=("div.neiron_hh li", "div.neiron_hh"),
            section="div.weizhi, div.dangqian, div.position, div.neiron_weizhi",
            drop=_TAIL,
        ),
    )
    layouts = (
        "text rendering (province bar, breadcrumb, title, • date / 来源 / 责任编辑, body, trailing byline)",
        "HTML main site 2018-2020: #cont_1_1_2 h1, div.left-t, #pubtime_baidu, div.left_zw",
        "HTML main site 2023-2025: .content_left_title, .content_left_time, div.left_zw",
        "HTML Henan channel: div.neiron_title, div.neiron_hh li, div.neiron_kong (GB2312 pages)",
    )

    # Fetching: start points and listing pages
    start_points = (
        "https://www.chinanews.com.cn/rss/scroll-news.xml",  # about 30 latest items
        "https://www.chinanews.com.cn/scroll-news/news1.html",  # 滚动新闻, news2.html … via 下一页
        "http://www.ha.chinanews.com.cn/news/hnxw/",  # Henan channel, 河南新闻
    )
    article_paths = (
        r"/[a-z0-9]+/\d{4}/\d{2}-\d{2}/\d+\.shtml",  # main site: /sh/2020/07-04/9229311.shtml
        r"/news/[a-z0-9]+/\d{4}/\d{4}/\d+\.shtml",  # Henan: /news/hnxw/2018/0912/31264.shtml
    )
    # Scroll-news items, then the Henan channel's 2016–19 list; later markup: any matching link.
    listing_scope = "div.content_list li, div.neiron_liebiao li"
