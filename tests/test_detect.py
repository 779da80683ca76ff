"""Each URL and each page is claimed by exactly the expected adapter; saved-page URLs are found."""

from __future__ import annotations

import pytest

from conftest import fixture
from newsclean.ingest.inputs import saved_url
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
