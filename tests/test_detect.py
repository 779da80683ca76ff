"""Each URL and each page is claimed by exactly the expected adapter; saved-page URLs are found."""

from __future__ import annotations

import pytest

from conftest import fixture
from newsclean.ingest.inputs import saved_url
from newsclean.ingest.pipeline import extract_page
from newsclean.sites import SITE_ADAPTERS, Page, detect


@pytest.mark.parametrize(
    "url,name",
    [
        ("https://news.hnr.cn/202003/19/731862.html", "hnr"),
        ("http://www.hnr.cn/news/201808/t20180817_3130286.html", "hnr"),
        ("https://www.chinanews.com/gn/2020/07-04/9229287.shtml", "chinanews"),
        ("https://www.chinanews.com.cn/sh/2025/11-22/10520000.shtml", "chinanews"),
        ("http://www.ha.chinanews.com.cn/news/hnxw/2018/0912/31264.shtml", "chinanews"),
        ("http://www.cjddsb.com/news/sd/561247.html", "ddsb"),
        ("http://news.cjn.cn/sywh/202010/t3714581.htm", "generic"),
        ("https://fakehnr.cn.example.com/1.html", "generic"),
    ],
)
def test_url_claimed_by_exactly_one_adapter(url, name):
    claimants = [a.name for a in SITE_ADAPTERS if a.claims_url(url)]
    assert claimants == ([] if name == "generic" else [name])
    assert detect(Page(text="", is_html=True, url=url)).name == name


@pytest.mark.parametrize(
    "case,name",
    [
        ("hnr/seed_000", "hnr"),
        ("ddsb/seed_001", "ddsb"),
        ("generic/seed_002", "generic"),
        ("hnr/seed_003", "hnr"),
        ("chinanews/seed_004", "chinanews"),
    ],
)
def test_text_renderings_detected_by_fingerprints(case, name):
    text = fixture(case).read_text(encoding="utf-8")
    assert detect(Page(text=text, is_html=False)).name == name


@pytest.mark.parametrize(
    "html,url",
    [
        (
            b"<!DOCTYPE html>\n<!-- saved from url=(0041)https://news.hnr.cn/202003/19/731862.html -->\n<html>",
            "https://news.hnr.cn/202003/19/731862.html",
        ),
        (
            b"<!--\n Page saved with SingleFile \n url: https://www.chinanews.com/gn/2020/07-04/1.shtml \n"
            b" saved date: Sat Jul 04 2020 -->\n<html>",
            "https://www.chinanews.com/gn/2020/07-04/1.shtml",
        ),
        (
            b"<!--http://news.cjn.cn/sywh/202010/t3714581.htm-->\n<html>",
            "http://news.cjn.cn/sywh/202010/t3714581.htm",
        ),
        (
            b'<html><head><link rel="canonical" href="https://news.hnr.cn/202002/21/1.html"></head>',
            "https://news.hnr.cn/202002/21/1.html",
        ),
        (
            b'<html><head><meta property="og:url" content="http://www.cjddsb.com/news/sd/561247.html" />',
            "http://www.cjddsb.com/news/sd/561247.html",
        ),
        (b'<html><head><link rel="canonical" href="/relative/only.html"></head>', None),
    ],
)
def test_saved_page_urls(html, url):
    assert saved_url(html) == url


@pytest.mark.parametrize(
    "case,name",
    [
        ("hnr/2020_000", "hnr"),
        ("chinanews/main_2020", "chinanews"),
        ("chinanews/ha_2022_004", "chinanews"),
    ],
)
def test_html_without_url_detected_by_template_markers(case, name):
    text = fixture(case).read_text(encoding="utf-8")
    # Cut the masthead and footer off, so only the template's containers can tell.
    middle = text[len(text) // 4 : -len(text) // 4]
    assert detect(Page(text="<html>" + middle, is_html=True)).name == name


# Another site's page citing a known site as its source, saved without a URL. Written after a
# 2006 portal entertainment page (info bar `时间 来源: <a href=…chinanews.com.cn>中新网</a>
# 网友评论 0 条 进入论坛` under the headline, the story in a div of its own) and a county
# portal's reprint (`来源：当代商报` / `来源：映象网` on the date line).
_REPRINT = """<html><head><title>{title}_某某娱乐_某某网</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/ent/">娱乐</a> <a href="/bbs/">论坛</a></div>
<div class="main"><h1>{title}</h1>
<div class="info">2006-10-18 17:20:34　来源: {source}　 网友评论 0 条 进入论坛</div>
<div class="story"><p>{first}</p><p>{second}</p></div></div>
<div class="footer">关于我们 | 广告服务 | 联系方式 | 版权所有 某某网</div></body></html>"""


@pytest.mark.parametrize(
    "source",
    [
        '<a href="http://www.chinanews.com.cn" target="_blank">中新网</a>',
        "当代商报",
        '<a href="http://www.hnr.cn/">映象网</a> 来源：映象网',
    ],
)
def test_reprint_naming_a_known_site_is_read_as_generic(source):
    page = _REPRINT.format(
        title="演员为女儿推掉反派角色 首次客串时尚造型师",
        source=source,
        first="台湾演员因妻子生产一事半年多没接戏，昨天加入一部偶像剧，客串演出五集时尚造型师。",
        second="他说起女儿，开心地说她现在已经会自己发出声音表达情绪，喂她吃东西还会直接喷在脸上。",
    )
    assert detect(Page(text=page, is_html=True)).name == "generic"
    art = extract_page(page.encode("utf-8"))
    assert art.site == "generic"
    assert art.title == "演员为女儿推掉反派角色 首次客串时尚造型师"
    assert art.body[0].startswith("台湾演员因妻子生产")
    assert not art.authors
