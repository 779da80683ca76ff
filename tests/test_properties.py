"""Property-based tests of the whole extraction path (`extract_page`), text renderings first.

Contract: `extract_page` raises only NotAnArticle, DecodeError or a plain ValueError (unparseable
HTML), whatever the bytes; when it returns, the Article has the documented types (title and
body non-empty, dates ISO 8601, list fields lists of strings) and is the same on every call.
The field parsers themselves have hypothesis tests in tests/test_parsers.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from newsclean.extract.dates import parse_date
from newsclean.extract.record import Article, NotAnArticle
from newsclean.ingest.decode import DecodeError
from newsclean.ingest.pipeline import extract_page

SITES = [None, "hnr", "chinanews", "ddsb", "generic"]
URLS = [
    None,
    "https://news.hnr.cn/202003/19/731862.html",
    "http://www.ha.chinanews.com.cn/news/hnxw/2018/0912/31264.shtml",
    "https://www.chinanews.com/sh/2020/07-04/9229311.shtml",
    "http://www.cjddsb.com/news/sd/561247.html",
    "http://www.example.gov.cn/2021/0615/1.html",
    "not a url",
    "http://[::1",
]
OPTIONAL_STR = (
    "site_name",
    "url",
    "published_at",
    "source",
    "editor",
    "section",
    "byline",
    "dateline",
    "summary",
    "extractor",
    "input_path",
)
LIST_FIELDS = ("authors", "correspondents", "keywords", "warnings")
# PROPERTY_EXAMPLES=5000 pytest tests/test_properties.py for a longer hunt
SETTINGS = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------- plausible news lines

HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
PUNCT = "，。、；：？！“”（）《》—…"
NAMES = ["张三", "李四", "王文凯", "欧阳修", "司马光", "赵乾宏", "杨文丽", "邓喜"]


def han_text(min_size: int, max_size: int):
    return st.text(alphabet=HAN + PUNCT + "0123456789 ", min_size=min_size, max_size=max_size)


DATES = st.one_of(
    st.builds(
        "{}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format,
        st.integers(1990, 2030),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 25),
        st.integers(0, 61),
        st.integers(0, 61),
    ),
    st.builds(
        "{}年{}月{}日 {}:{:02d}".format,
        st.integers(1990, 2030),
        st.integers(1, 12),
        st.integers(1, 31),
        st.integers(0, 23),
        st.integers(0, 59),
    ),
    st.builds(
        "{:02d}-{:02d} {:02d}:{:02d}".format,
        st.integers(1, 12),
        st.integers(1, 31),
        st.integers(0, 23),
        st.integers(0, 59),
    ),
    st.sampled_from(["3小时前", "刚刚", "15分钟前", "2天前", "2020/4/3", "2020.04.03"]),
)
NAME = st.sampled_from(NAMES)
LINES = st.one_of(
    st.builds("首页 > {} > {}".format, han_text(1, 4), han_text(1, 4)),
    st.builds("当前位置：首页 >> 新闻中心 >> {}".format, han_text(1, 6)),
    st.builds(
        "{} 来源：{}".format, DATES, st.sampled_from(["河南日报", "映象网", "中国新闻网", "当代商报社", ""])
    ),
    DATES,
    st.builds("记者 {} 通讯员 {}".format, NAME, NAME),
    st.builds("本报讯（记者 {}）{}".format, NAME, han_text(0, 80)),
    st.builds("（责任编辑：{}）".format, NAME),
    st.builds("责编:{} 编辑：{}".format, NAME, NAME),
    st.builds("文章关键词：{}，{}".format, han_text(1, 4), han_text(1, 4)),
    st.sampled_from(
        [
            "核心提示",
            "分享到：",
            "【打印】【关闭】",
            "相关阅读",
            "相关新闻 换一换",
            "Copyright © 2012 hnr.cn Corporation,All Rights Reserved",
            "豫ICP备09035986号-1",
            "5034",
            "（荥阳政务新闻热线：15890037786，投稿邮箱：472061029@qq.com）",
            "下面小编整理了相关内容，欢迎阅读。",
            "网站简介 | 版权声明 | 联系方式",
            "原标题：旧标题",
            "编辑 张三",
            "文/图",
            "　",
            "\u00a0\u3000",
            "<",
            ">",
            "&nbsp;",
        ]
    ),
    han_text(0, 30),  # short lines: titles, subheads, names
    han_text(30, 300),  # paragraphs
)
PAGES = st.lists(LINES, min_size=0, max_size=25).map("\n".join)
# Pages in a news page's order: breadcrumb, title, meta lines, paragraphs, tail; any part may
# be missing and stray lines of any kind may be mixed in.
ARTICLES = st.builds(
    lambda crumb, title, meta, paras, stray, tail: "\n".join(
        [*crumb, title, *meta, *paras[:1], *stray, *paras[1:], *tail]
    ),
    st.lists(LINES, max_size=1),
    han_text(4, 30),
    st.lists(LINES, max_size=3),
    st.lists(han_text(30, 300), min_size=1, max_size=6),
    st.lists(LINES, max_size=2),
    st.lists(LINES, max_size=3),
)
ENCODINGS = st.sampled_from(["utf-8", "gb18030", "utf-8-sig", "utf-16"])


def note(text: str) -> None:
    """A hypothesis event (shown by --hypothesis-show-statistics), outside tests a no-op."""
    with contextlib.suppress(Exception):  # outside a hypothesis test
        event(text)


def check_article(art: Article) -> None:
    """The documented types of a returned Article."""
    assert isinstance(art, Article)
    assert isinstance(art.title, str)
    assert art.title.strip() or "no title found" in art.warnings  # stored, with a note
    assert "\n" not in art.title
    assert isinstance(art.body, list) and art.body
    assert all(isinstance(p, str) and p.strip() for p in art.body)
    assert isinstance(art.site, str) and art.site
    for name in OPTIONAL_STR:
        assert getattr(art, name) is None or isinstance(getattr(art, name), str), name
    for name in LIST_FIELDS:
        value = getattr(art, name)
        assert isinstance(value, list) and all(isinstance(v, str) for v in value), name
    if art.published_at:
        if "T" in art.published_at:
            assert dt.datetime.fromisoformat(art.published_at).tzinfo is not None
        else:
            dt.date.fromisoformat(art.published_at)
    row = art.to_row()
    assert isinstance(row["key"], str) and row["key"]
    for name in LIST_FIELDS:
        assert json.loads(row[name]) == getattr(art, name)


def extract_or_refuse(data: bytes, **kwargs) -> Article | None:
    """extract_page, allowing only its documented refusals."""
    try:
        art = extract_page(data, **kwargs)
    except (NotAnArticle, DecodeError) as exc:
        note(f"refused: {str(exc)[:24]}")
        return None
    except ValueError as exc:
        # a plain ValueError (unparseable HTML) is documented; UnicodeError & co. are bugs
        assert type(exc) is ValueError, f"{type(exc).__name__}: {exc}"
        return None
    check_article(art)
    note(f"extracted by {art.site}")
    again = extract_page(data, **kwargs)
    assert again.to_row() == art.to_row()  # deterministic: --jobs N gives --jobs 1's rows
    return art


@pytest.mark.slow
@SETTINGS
@given(st.text(), st.sampled_from(SITES), st.sampled_from(URLS))
@example("\x00", None, None)
@example("<html><body>" + "<div>" * 300, None, None)
@example("\ufeff\ufeff", "generic", None)
def test_arbitrary_text_is_refused_or_extracted(text, site, url):
    extract_or_refuse(text.encode("utf-8", errors="surrogatepass"), site=site, url=url)


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(SITES))
def test_arbitrary_bytes_are_refused_or_extracted(data, site):
    extract_or_refuse(data, site=site)


@pytest.mark.slow
@SETTINGS
@given(
    st.one_of(PAGES, ARTICLES),
    st.sampled_from(SITES),
    st.sampled_from(URLS),
    ENCODINGS,
    st.one_of(
        st.none(),
        st.datetimes(
            min_value=dt.datetime(2000, 1, 1),
            max_value=dt.datetime(2030, 1, 1),
            timezones=st.just(dt.timezone(dt.timedelta(hours=8))),
        ),
    ),
)
def test_plausible_text_pages_are_refused_or_extracted(page, site, url, encoding, fetched_at):
    data = page.encode(encoding, errors="replace")
    extract_or_refuse(data, site=site, url=url, fetched_at=fetched_at)


@pytest.mark.slow
@SETTINGS
@given(
    st.one_of(st.lists(LINES, min_size=1, max_size=20), ARTICLES.map(str.splitlines)),
    st.sampled_from(SITES),
    st.sampled_from(URLS),
    st.sampled_from(
        [
            "div#text_content",
            "div.TRS_Editor",
            "div.left_zw",
            "div.neiron_kong",
            "div.single-content",
            "article",
            "div.content",
        ]
    ),
    st.sampled_from(["p", "div", "br", "span"]),
)
def test_plausible_html_pages_are_refused_or_extracted(lines, site, url, container, wrap):
    tag, _, cls = container.replace("#", ".").partition(".")
    attr = f' id="{cls}"' if "#" in container else (f' class="{cls}"' if cls else "")
    inner = "<br>".join(lines) if wrap == "br" else "".join(f"<{wrap}>{line}</{wrap}>" for line in lines)
    html = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{lines[0]}_新闻_网站</title></head>"
        f"<body><h1>{lines[0]}</h1><{tag}{attr}>{inner}</{tag}></body></html>"
    )
    extract_or_refuse(html.encode("utf-8"), site=site, url=url)


def test_a_plausible_page_is_extracted():
    """The line strategies make real articles too (the properties are not vacuous)."""
    page = "\n".join(
        [
            "首页 > 新闻 > 本地",
            "郑州金水区开展暑期课堂进社区活动",
            "2018-08-17 09:32:00 来源：映象网",
            "记者 张三 通讯员 李四",
            "本报讯（记者 张三）" + "暑期课堂走进社区，孩子们在老师带领下学习安全知识。" * 3,
            "（责任编辑：王五）",
        ]
    )
    art = extract_or_refuse(page.encode("utf-8"), site="hnr")
    assert art is not None and art.published_at == "2018-08-17T09:32:00+08:00"


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 99), st.integers(0, 99), st.sampled_from(["+", "-"]), st.sampled_from(["", ":"]))
def test_parse_date_never_raises_on_zone_offsets(hours, minutes, sign, colon):
    result = parse_date(f"2020-03-19T17:00:00{sign}{hours:02d}{colon}{minutes:02d}")
    assert result is None or result.startswith("2020-03-19T17:00:00")
