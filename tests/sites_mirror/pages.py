"""Listing, feed and article pages in the real templates of hnr.cn, chinanews and cjddsb.com."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import format_datetime

# Sentences the article bodies are made of (each article gets its own number in them).
SENTENCES = (
    "近日，{place}第{n}号社区组织志愿者开展环境整治行动，清理楼道杂物，修剪绿化带，居民纷纷点赞。",
    "据介绍，此次活动共有两百余名党员干部参与，累计清运垃圾三十余吨，整治背街小巷四十多条。",
    "社区负责人表示，下一步将建立长效管理机制，让干净整洁的环境成为居民生活的常态。",
)


# A closing quote for Henan pages: 喆 is in GBK but not in GB2312, which the pages declare.
HENAN_QUOTE = "市民王喆说，环境变好了，心情也舒畅了，感谢社区工作人员的辛勤付出。"


@dataclass(frozen=True)
class Story:
    """One fake article: its site path, title, publication time and body paragraphs."""

    path: str
    title: str
    published: dt.datetime
    paragraphs: tuple[str, ...]

    @property
    def day(self) -> str:
        """Publication day, YYYY-MM-DD."""
        return self.published.date().isoformat()


def story(n: int, path: str, published: dt.datetime, place: str) -> Story:
    """The n-th fake article of a site."""
    paragraphs = tuple(s.format(place=place, n=n) for s in SENTENCES)
    return Story(path, f"{place}第{n}号社区开展环境整治 共建美丽家园", published, paragraphs)


def body_html(s: Story) -> str:
    """The article paragraphs as <p> elements."""
    return "".join(f"<p>　　{p}</p>" for p in s.paragraphs)


# --- hnr.cn 映象网: column pages and the 2019–2020 article template ---------------------------


def hnr_story(n: int, published: dt.datetime) -> Story:
    """An hnr article at /YYYYMM/DD/<id>.html."""
    return story(n, f"/{published:%Y%m}/{published:%d}/{730000 + n}.html", published, "郑州")


def hnr_article(s: Story) -> bytes:
    """An hnr.cn 2019–2020 article page (UTF-8)."""
    return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{s.title}-映象网</title><meta name="keywords" content="社区,环境整治"></head><body>
<div class="nav"><a href="https://news.hnr.cn/xwrd/">新闻热点</a></div>
<div class="crumbs clearfix"><div class="left mrg_l_40 pad_t_10"><a href="https://news.hnr.cn/">新闻中心</a>&nbsp;&gt;&nbsp;郑州&nbsp;&gt;&nbsp;正文</div></div>
<h2 class="f32 lh48 mrg_t_30">{s.title}</h2>
<p class="left"><span>{s.published:%Y-%m-%d %H:%M:%S}</span><span class="mrg_l_20">来源：映象网</span></p>
<div id="text_content">{body_html(s)}</div>
<div class="clearfix"><span class="right">责编：杨文丽</span></div>
<div class="footer">Copyright © 2012 hnr.cn Corporation, All Rights Reserved 映象网络 版权所有</div>
</body></html>""".encode()


def hnr_column(stories: list[Story], next_path: str | None) -> bytes:
    """An hnr.cn column page: absolute, //-relative and root-relative article links."""
    forms = ("https://news.hnr.cn{p}", "//news.hnr.cn{p}", "{p}")
    items = "".join(
        f'<li><a href="{forms[i % 3].format(p=s.path)}" target="_blank">{s.title}</a>'
        f'<span class="right">{s.day}</span></li>'
        for i, s in enumerate(stories)
    )
    pager = f'<div class="page"><a href="{next_path}">下一页</a></div>' if next_path else ""
    return f"""<!DOCTYPE html><html><head><meta charset="UTF-8"><title>新闻热点-映象网</title></head><body>
<div class="nav"><a href="https://news.hnr.cn/">首页</a><a href="https://news.hnr.cn/djn/">大家拍</a></div>
<div class="list_left"><ul class="news_list">{items}</ul>{pager}</div>
<div class="footer">Copyright © 2012 hnr.cn Corporation</div></body></html>""".encode()


# --- 中国新闻网: RSS, 滚动新闻, Henan channel list and article templates ------------------------


def chinanews_story(n: int, published: dt.datetime) -> Story:
    """A main-site article at /<col>/YYYY/MM-DD/<id>.shtml."""
    return story(n, f"/sh/{published:%Y}/{published:%m-%d}/{9229000 + n}.shtml", published, "北京")


def henan_story(n: int, published: dt.datetime) -> Story:
    """A Henan channel article at /news/hnxw/YYYY/MMDD/<id>.shtml."""
    return story(n, f"/news/hnxw/{published:%Y}/{published:%m%d}/{31000 + n}.shtml", published, "洛阳")


def chinanews_article(s: Story) -> bytes:
    """A main-site 2018–2020 article page (UTF-8, declared in a meta tag only)."""
    return f"""<!DOCTYPE html><html><head><meta charset="UTF-8"><title>{s.title}-中新网</title></head><body>
<div id="nav"><a href="//www.chinanews.com/">首页</a> → <a href="//www.chinanews.com/society/">社会新闻</a></div>
<div id="cont_1_1_2"><h1>{s.title}</h1>
<div class="left-time"><div class="left-t">{s.published:%Y年%m月%d日 %H:%M}　来源：中国新闻网</div></div>
<div id="BaiduSpider" style="display:none"><span id="pubtime_baidu">{s.published:%Y-%m-%d %H:%M:%S}</span>
<span id="source_baidu">来源：中国新闻网</span><span id="editor_baidu">责任编辑:李骏</span></div>
<div class="left_zw">{body_html(s)}<div class="adEditor"><div class="left_name">【编辑:李骏】</div></div></div>
</div><div class="pagebottom">中新社和中新网所有</div></body></html>""".encode()


def henan_article(s: Story) -> bytes:
    """A Henan channel 2016–2019 article page, GBK bytes (the caller sends no charset header)."""
    return f"""<!DOCTYPE html><html><head><meta charset="gb2312"><title>{s.title}-中国新闻网河南新闻</title></head>
<body><div class="top_dh"><a href="http://www.chinanews.com.cn/">中新网首页</a></div>
<div class="neiron_weizhi">当前位置：<a href="/">首页</a> &gt; <a href="/news/hnxw/">河南新闻</a></div>
<div class="neiron_title">{s.title}</div>
<div class="neiron_hh"><ul><li>{s.published:%Y-%m-%d %H:%M}</li><li>来源：中国新闻网</li></ul></div>
<div class="neiron_kong">{body_html(s)}<p>　　{HENAN_QUOTE}</p><p>（责任编辑：张莹）</p></div>
<div class="bottom">中国新闻网河南新闻 版权所有</div></body></html>""".encode("gbk")


def chinanews_rss(stories: list[Story]) -> bytes:
    """rss/scroll-news.xml: RSS 2.0 items linking to the main site."""
    items = "".join(
        f"<item><title>{s.title}</title><link>https://www.chinanews.com.cn{s.path}</link>"
        f"<description>{s.paragraphs[0]}</description>"
        f"<pubDate>{format_datetime(s.published)}</pubDate></item>"
        for s in stories
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>中新网滚动新闻</title>'
        f"<link>https://www.chinanews.com.cn/</link>{items}</channel></rss>"
    ).encode()


def chinanews_scroll(stories: list[Story], next_path: str | None) -> bytes:
    """scroll-news/newsN.html: div.content_list items, no year in div.dd_time, div.pagebox pager."""
    items = "".join(
        f'<li><div class="dd_lm">[<a href="//www.chinanews.com.cn/society/">社会</a>]</div>'
        f'<div class="dd_bt"><a href="{s.path}">{s.title}</a></div>'
        f'<div class="dd_time">{s.published.month}-{s.published.day} {s.published:%H:%M}</div></li>'
        for s in stories
    )
    pager = f'<div class="pagebox"><a href="{next_path}">下一页</a></div>' if next_path else ""
    return f"""<!DOCTYPE html><html><head><meta charset="UTF-8"><title>滚动新闻-中国新闻网</title></head><body>
<div id="nav"><a href="//www.chinanews.com.cn/">首页</a></div>
<div class="content_list"><ul>{items}</ul></div>{pager}</body></html>""".encode()


def henan_list(stories: list[Story]) -> bytes:
    """news/hnxw/: the 2016–19 div.neiron_liebiao list, GB2312 bytes."""
    items = "".join(
        f'<li><a href="{s.path}" target="_blank">{s.title}</a><span>{s.day}</span></li>' for s in stories
    )
    return f"""<html><head><meta charset="gb2312"><title>河南新闻-中国新闻网河南新闻</title></head><body>
<div class="neiron_liebiao"><ul>{items}</ul></div></body></html>""".encode("gbk")


# --- 当代商报 cjddsb.com: EmpireCMS column list and the 2019 article template ------------------


def ddsb_story(n: int, published: dt.datetime) -> Story:
    """A cjddsb article at /news/sd/<id>.html (no date in the URL)."""
    return story(n, f"/news/sd/{561000 + n}.html", published, "衡阳")


def ddsb_article(s: Story) -> bytes:
    """A cjddsb.com 2019 article page (UTF-8)."""
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="UTF-8"><title>{s.title}--当代商报</title>
</head><body><nav class="breadcrumb"><a href="/">首页</a> » <a href="/news/">资讯</a> » 深度</nav>
<header class="entry-header"><h1 class="entry-h1">{s.title}</h1></header>
<ul class="spostinfo"><li>来源：当代商报</li><li>时间：{s.published:%Y-%m-%d %H:%M:%S}</li></ul>
<div class="entry-content"><div class="single-content">{body_html(s)}</div></div>
<footer id="colophon">当代商报 版权所有</footer></body></html>""".encode()


def ddsb_list(stories: list[Story], next_path: str | None) -> bytes:
    """An EmpireCMS column page with dates beside the links and an index_N.html pager."""
    items = "".join(
        f'<li><span class="date">{s.day}</span><a href="http://www.cjddsb.com{s.path}">{s.title}</a></li>'
        for s in stories
    )
    pager = f'<div class="pagelist"><a href="{next_path}">下一页</a></div>' if next_path else ""
    return f"""<!DOCTYPE html><html><head><meta charset="UTF-8"><title>资讯--当代商报</title></head><body>
<nav class="breadcrumb"><a href="/">首页</a> » 资讯</nav>
<ul class="list">{items}</ul>{pager}</body></html>""".encode()
