"""Choosing and reading the article's block on small pages of our own, each written after a
real layout named in its test (issue 20: pages of sites the extractor was not developed on)."""

from __future__ import annotations

from newsclean.ingest.pipeline import extract_page

PARA = "今日,某市召开新闻发布会,介绍了今年以来的经济运行情况,各项指标稳中向好,发展质量持续提升。"
SIDE = "该项目总投资约十二亿元,建成后将新增就业岗位三千个,带动周边产业协同发展。"


def page(body: str, title: str = "某市经济运行情况发布") -> bytes:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}_新闻中心</title></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    ).encode()


def test_a_related_heading_over_background_paragraphs_does_not_end_the_story():
    # Layout: a 2008 portal entertainment story whose container ends with the editor's
    # 延伸阅读 box: a question, then a name and a sentence of background per celebrity.
    box = "".join(f"<p>{name}</p><p>{SIDE}</p>" for name in ("郑伊健", "黎明", "梁朝伟"))
    html = page(
        f"<div id='endText'><p>{PARA}</p><p>{PARA}</p><p>延伸阅读</p><p>哪些艺人有这款车？</p>{box}</div>"
    )
    body = extract_page(html, url="https://ent.example.com/08/0101/a.html").body
    assert body[:2] == [PARA, PARA]
    assert body.count(SIDE) == 3


def test_a_related_heading_over_headlines_still_ends_the_story():
    # Layout: the same portal's 2020 template: 延伸阅读 over three linked headlines inside
    # the text container, before the source and editor line.
    links = "".join(
        f"<p><a href='/{i}.html'>{t}</a></p>"
        for i, t in enumerate(
            ("某地出台稳就业十条措施", "专家解读今年经济形势走向", "多地推进老旧小区改造工程")
        )
    )
    html = page(
        f"<div id='endText'><p>{PARA}</p><p>{PARA}</p><p>延伸阅读</p>{links}<p>本文来源：新华社</p></div>"
    )
    assert extract_page(html, url="https://news.example.com/20/0101/a.html").body == [PARA, PARA]


def test_a_comment_counter_line_is_not_body():
    # Layout: the 2006 portal template's `【已有0位网友发表了看法，点击查看。】` under the text.
    html = page(
        f"<div id='endText'><p>{PARA}</p><p>{PARA}</p><p>【已有0位网友发表了看法，点击查看。】</p></div>"
    )
    assert extract_page(html, url="https://ent.example.com/06/0101/a.html").body == [PARA, PARA]


def test_a_click_prompt_line_is_not_body():
    # Layout: a 2006 portal story opening with links to its topic page and a results list
    # (`点击进入〉〉〉…专题`, `点击查看：…（图）`) inside the text container.
    html = page(
        f"<div id='endText'><p><a href='/special/'>点击进入〉〉〉第63届金球奖专题</a></p>"
        f"<p>{PARA}</p><p><a href='/list.html'>点击查看：获奖全名单（图）</a></p><p>{PARA}</p></div>"
    )
    assert extract_page(html, url="https://ent.example.com/06/0117/a.html").body == [PARA, PARA]


COMMENT = "我觉得这个说法有道理,但是具体执行起来还要看各地的实际情况,不能一刀切。"


def comment_item(i: int, text: str) -> str:
    return (
        f"<div class='c{i % 2}'><div><a href='/u/{i}'><img src='/a/{i}.png'></a><a href='/u/{i}'>网友{i}</a> "
        f"<span>2019-09-0{1 + i % 9} 10:{10 + i}</span></div><div>{text}</div>"
        f"<div><a href='#'>回复</a><a href='#'>点赞</a><a href='#'>举报</a><span>{i}</span></div></div>"
    )


def test_a_story_after_a_comment_list_beats_a_long_comment_nearer_the_headline():
    # Layout: a news page whose comment list stands in document order between the headline and
    # the story (a side column first in the markup); one long comment holds more text than any
    # other block near the headline, the story far more below the list.
    comments = comment_item(0, COMMENT * 4) + "".join(comment_item(i, COMMENT) for i in range(1, 40))
    html = page(
        f"<div>{comments}</div><div><div class='x'><p>{PARA * 2}</p><p>{PARA * 2}</p><p>{PARA}</p></div></div>"
    )
    art = extract_page(html, url="https://news.example.com/2019/0909/a.html")
    assert art.body == [PARA * 2, PARA * 2, PARA]
    assert "rival container" in art.extractor
