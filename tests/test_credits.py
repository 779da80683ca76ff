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


def test_an_opening_credit_in_brackets_names_the_writer():
    # 163 stories (2006) open their first paragraph with the credit in brackets, no 讯 before
    # it: `(文/张悦）以戏谑奥斯卡为乐…`, `（记者唐峥）记者日前…`, `（记者/易东方)由吴宇森…`.
    for opening, name in (("(文/张悦）", "张悦"), ("（记者唐峥）", "唐峥"), ("（记者/易东方)", "易东方")):
        art = extract_page(portal_page(opening + PARA, PARA, PARA))
        assert art.authors == [name]
        assert art.body[0] == opening + PARA  # the portal's gold keeps the credit in the text
    # a bracket naming no writer is no credit
    art = extract_page(portal_page("（记者手记）" + PARA, PARA, PARA))
    assert art.authors == []


def test_a_pen_name_after_a_writers_slash():
    # `网易娱乐9月13日报道 （文/少言 摄像/毛杰）9月12日…` (163, 2010), and `文/大星` closing the
    # text: after `文/` the writer's pen name stands, surname or not; `文/青综` (an outlet's
    # 综合, compiled) names nobody.
    art = extract_page(portal_page("网易娱乐9月13日报道 （文/少言 摄像/毛杰）" + PARA, PARA))
    assert art.authors == ["少言", "毛杰"]
    art = extract_page(portal_page(PARA, PARA + "文/大星"))
    assert art.authors == ["大星"]
    art = extract_page(portal_page("网易娱乐1月19日报道（图文/东星）", PARA, PARA))
    assert art.authors == ["东星"]
    art = extract_page(portal_page(PARA, PARA + "文/青综"))
    assert art.authors == []


def test_a_dateline_after_a_caption_or_a_subhead():
    # ifeng (2010) and 163 (2008) pages put a photo caption, a caption with its picture's
    # source, or a subhead before the paragraph opening with `本报讯（记者X）`.
    for first in (
        "郭在容（左）、刘智泰",
        "《将爱》发布主题曲《等你爱我》(图片来源：北京日报)",
        "劝歌迷勿伤买红妹",
    ):
        art = extract_page(portal_page(first, "本报讯 （记者 聂晶 实习生 张慎凯）" + PARA, PARA))
        assert art.authors == ["聂晶"]
    # a paragraph of running text before it: a dateline further down is not the article's
    art = extract_page(portal_page(PARA, "本报讯（记者 聂晶）" + PARA, PARA))
    assert art.authors == []
    # a portal's picture set: four captions above the credited paragraph
    captions = ["视频：《山楂树》全球首映，张艺谋被逼问初恋。", "新“谋女郎”周冬雨。>>>更多图片见现场图集"] * 2
    art = extract_page(portal_page(*captions, "网易娱乐9月13日报道 （文/少言摄像/毛杰）" + PARA, PARA))
    assert art.authors == ["少言", "毛杰"]


def test_writer_on_the_closing_credit_line():
    # ifeng (2010) closes the text with `| 作者：曾家新 编辑：曹恒娜 |`; 163 (2009-2010) with
    # `(本文来源：东方早报 作者：李懿)`, the writer's Latin handle kept (`作者：Shari`).
    art = extract_page(
        portal_page(PARA, PARA, after="<div class='editor'>| 作者：曾家新 编辑：曹恒娜 |</div>")
    )
    assert (art.authors, art.editor) == (["曾家新"], "曹恒娜")
    for note, name in (
        ("(本文来源：东方早报 作者：李懿)", "李懿"),
        ("(本文来源：头条网 作者：Shari)", "Shari"),
    ):
        art = extract_page(portal_page(PARA, PARA, note))
        assert art.authors == [name]
    # 163 (2012-2013) prints the note and the editor in two spans, glued in the text
    spans = "<div class='ep-source'><span>本文来源：新京报 作者：张三</span><span>责任编辑：王晓易_NE0011</span></div>"
    art = extract_page(portal_page(PARA, PARA, after=spans))
    assert (art.authors, art.editor) == (["张三"], "王晓易")
    # an empty field names nobody: `来源: 华商网 作者: 网友评论 0 条`
    art = extract_page(portal_page(PARA, PARA, info="2005-08-05 09:44:40 来源: 华商网 作者: 网友评论 0 条"))
    assert art.authors == []


def test_a_trailing_credit_before_the_closing_source_note():
    # 163 (2008-2010) closes the text with `(本文来源：新华网 )`; the writer's credit ends the
    # paragraph before it: `…事业。”（王晓静）`, `…正在形成。文/大星`. ifeng (2010) repeats the
    # bracketed name on a line of its own: `…逸华撑日华！” (苗菲)` then `苗菲`.
    for last, note, name in (
        (PARA + "（王晓静）", "(本文来源：新华网 )", "王晓静"),
        (PARA + "文/大星", "(本文来源：网易娱乐 )", "大星"),
        (PARA + "阮兆祥见状笑说：“厉害呀！逸华撑日华！” (苗菲)", "苗菲", "苗菲"),
    ):
        art = extract_page(portal_page(PARA, last, note))
        assert art.authors == [name]
    # a caption naming a star before the note is no credit
    art = extract_page(portal_page(PARA, PARA, "梁朝伟", "(本文来源：金黔在线 )"))
    assert art.authors == []


def test_a_name_before_a_writers_slash_or_alone_in_brackets_closes_the_text():
    # ifeng (2010-2011): `…桑义洲。（金曦/文）` closing the last paragraph, and `（吴昊）` as
    # the text's last paragraph.
    art = extract_page(portal_page(PARA, PARA + "（金曦/文）"))
    assert art.authors == ["金曦"]
    art = extract_page(portal_page(PARA, PARA, "（吴昊）"))
    assert art.authors == ["吴昊"]


CAPTION = "10月7日,航拍某县李家山村的梯田,金黄的稻谷与农舍相映成趣。"


def test_the_photographer_of_a_photo_piece_named_in_the_info_bar_is_its_author():
    # Layout: a city news site's 组图 page: `日期 来源：X 摄影：Y` in spans of one info bar,
    # then a list of pictures, each with a caption.
    info = "<span>2024-10-08 09:12</span> <span>来源：某某日报</span> <span>摄影：周明</span>"
    pictures = "".join(f"<div class='pic'><img src='/{n}.jpg'><p>{CAPTION}</p></div>" for n in range(3))
    art = extract_page(portal_page(info=info).replace(b"<div id='endText'></div>", pictures.encode()))
    assert (art.source, art.authors) == ("某某日报", ["周明"])
    story = extract_page(portal_page(PARA * 3, PARA * 3, PARA * 3, info=info))
    assert (story.source, story.authors) == ("某某日报", [])  # a story's picture is not its text


def test_an_office_s_mailbox_in_the_crumbs_names_no_speaker():
    # Layout: a city government's 市长信箱 letter page: the crumbs end with the service's name
    # (`互动交流 > 市长信箱`), the letter and its reply stand in a table, no headline element.
    rows = (
        "<tr><th>信件标题</th><td>关于小区门口道路破损的反映</td></tr>"
        "<tr><th>来信人</th><td>张**</td><th>来信时间</th><td>2024-06-03 09:15:22</td></tr>"
        f"<tr><th>信件内容</th><td>{PARA}</td></tr><tr><th>回复内容</th><td>{PARA}{PARA}</td></tr>"
    )
    html = (
        "<html><head><meta charset='utf-8'><title>关于小区门口道路破损的反映_某市人民政府</title></head><body>"
        "<div class='crumb'>您现在的位置：首页 &gt; 互动交流 &gt; 市长信箱</div>"
        f"<table class='letter'>{rows}</table></body></html>"
    )
    assert extract_page(html.encode()).authors == []
