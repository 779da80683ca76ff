"""Credits on portal article pages (163 and ifeng entertainment channels, 2005-2011): the info
bar under the headline, an opening credit in brackets, datelines after a caption, closing
`作者：X 编辑：Y` and `(本文来源：X 作者：Y)` lines, trailing credits, photo credits.

Each page below is our own, written after the real portal layout named in its test.
"""

from __future__ import annotations

from newsclean.ingest.pipeline import extract_page

PARA = "今日,某市召开新闻发布会,介绍了今年以来的经济运行情况,各项指标稳中向好,发展质量持续提升。"
TITLE = "金马奖揭晓 郭富城称帝"


def portal_page(
    *paragraphs: str, info: str = "2005-11-14 13:14:43 来源: 东方早报(上海) 网友评论 0 条", after: str = ""
) -> bytes:
    """A 2005-2010 portal article: channel bar, crumbs, headline, info bar, the text in `<p>`s,
    a line after the text (`after`), the comment count and related links."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (
        f"<html><head><meta charset='utf-8'><title>{TITLE}_网易娱乐</title></head><body>"
        "<div class='nav'>新闻 | 体育 | 娱乐 | 商业</div><div class='crumb'>网易 &gt; 娱乐 &gt; 电影 &gt; 正文</div>"
        f"<h1>{TITLE}</h1><div class='info'>{info}</div>"
        f"<div id='endText'>{body}{after}</div>"
        "<div class='cmt'>网友评论 0 条</div><div class='related'><h3>相关文章</h3>"
        "<ul><li>金马奖星光闪闪 ( 2005-11-13 18:50:15 )</li></ul></div></body></html>"
    )
    return html.encode()


def test_a_prize_list_naming_a_worker_credits_nobody():
    # A prize list closing a 163 story (ent.163.com 2005): `年度最佳台湾电影工作者侯孝贤`;
    # the 作者 inside 工作者 (创作者, 合作者) is no writer's label.
    art = extract_page(
        portal_page(PARA, PARA, "最佳影片《功夫》", "年度最佳台湾电影工作者侯孝贤", "最佳女演员舒淇")
    )
    assert art.authors == []

