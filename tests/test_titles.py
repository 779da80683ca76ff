"""The headline by agreement (extract/titles.py) on small pages of our own, each written after a
real layout named in its test: the heading the `<title>` agrees with wins; a `<title>` naming
only the site, blog or channel loses to the heading by the body; quotation marks stay; a
teaser cut with `...` is completed from the post text; the page's own script is kept.
"""

from __future__ import annotations

import pytest

from newsclean.extract.html import parse_html
from newsclean.extract.titles import read_page_head, title_parts
from newsclean.ingest.pipeline import extract_page

PARA = "今日,某市召开新闻发布会,介绍了今年以来的经济运行情况,各项指标稳中向好,发展质量持续提升。"


def page(body: str, head: str) -> bytes:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def test_a_forum_title_naming_only_the_site_loses_to_the_h1():
    # a single-page forum post (Vue app): `<title>` is the forum's name, h1 the post title
    html = page(
        f"<div class='header'><a href='/'>首页</a></div><div class='post'><h1>南生运营的理念（商用）</h1>"
        f"<div class='article'><p>{PARA}</p><p>{PARA}</p></div></div>",
        head="<title>南生论坛</title>",
    )
    assert extract_page(html).title == "南生运营的理念（商用）"


def test_a_site_and_column_title_loses_to_the_title_div_above_the_body():
    # a rumour-debunk page: `<title>` is `站名-栏目`, the headline a div.rumor-title (no h1),
    # related items below with title-classed divs of their own
    related = "".join(f"<div class='tj-item-title'>相关的另一篇辟谣文章{i}</div>" for i in range(3))
    html = page(
        f"<div class='rumor-title'>徒手抓子弹真的存在吗？</div><div class='rumor-info'>来源：科普中国</div>"
        f"<div class='rumor-content'><p>{PARA}</p><p>{PARA}</p></div><div class='tj'>{related}</div>",
        head="<title>科普中国-辟谣文章</title>",
    )
    assert extract_page(html).title == "徒手抓子弹真的存在吗？"


def test_an_og_title_cut_at_an_unescaped_quote_loses_to_the_title():
    # NetEase 2019: `content="…写"救命啊"…"` ends the attribute at the first quote
    headline = '男孩因不想上补习班 写"救命啊"纸团抛出引来警察'
    html = page(
        f"<h1>{headline}</h1><div id='endText'><p>{PARA}</p><p>{PARA}</p></div>",
        head=f'<title>{headline}_网易新闻</title><meta property="og:title" content="{headline}">',
    )
    assert extract_page(html).title == headline


def test_a_teaser_cut_with_dots_is_completed_from_the_post_text():
    # a Weibo post page: no headline element, the `<title>` holds a cut teaser, the headline
    # stands only as the post's 【…】 lead
    html = page(
        f"<div class='head'>头条新闻</div><div class='time'>24-5-13 17:07</div>"
        f"<div class='detail'>【安徽阜阳一动物园20只东北虎死亡？官方：成立调查组进行全面调查】{PARA}{PARA}</div>",
        head="<title>【安徽阜阳一动物园2... - @头条新闻的微博 - 微博</title>",
    )
    assert extract_page(html).title == "安徽阜阳一动物园20只东北虎死亡？官方：成立调查组进行全面调查"


def test_the_headline_shown_in_traditional_script_is_kept():
    # a content farm: the text converted to traditional script, the `<title>` left simplified,
    # the shown headline a plain div; a logo h1 links to the home page
    html = page(
        f"<h1><a href='http://example.com/'>某某国际网址</a></h1><div class='news_x'>H型鋼的利用率是什么</div>"
        f"<div class='news'><p>{PARA}</p><p>{PARA}</p></div>",
        head="<title>H型钢的利用率是什么_公司新闻_H型钢_H型钢价格-天津某某金属制品有限公司</title>",
    )
    assert extract_page(html).title == "H型鋼的利用率是什么"


def test_an_h1_wins_over_a_title_it_does_not_agree_with():
    # a CSDN post renamed after publication: `<title>` keeps the old name, h1 shows the new one
    html = page(
        f"<div class='article-header'><h1 class='title-article'>数据库第三章课后题（2020.3.23作业）</h1></div>"
        f"<div id='content_views'><p>{PARA}</p><p>{PARA}</p></div>",
        head="<title>SQL查询与操作实战-CSDN博客</title>",
    )
    assert extract_page(html).title == "数据库第三章课后题（2020.3.23作业）"


def test_title_parts_keep_a_hyphen_inside_a_name():
    # iFeng 2010: the site suffix is `_`-separated, a translated name carries a bare hyphen
    assert title_parts("《富贵浮云》明妮-德里弗 客串ABC《当代家庭》_娱乐_凤凰网") == [
        "《富贵浮云》明妮-德里弗 客串ABC《当代家庭》",
        "娱乐",
        "凤凰网",
    ]
    head = read_page_head(
        parse_html("<html><head><title>-铜雀历史网</title></head><body></body></html>"), None
    )
    assert head.names_site


# Text renderings (extract/layout.py find_title): the same evidence, read from lines.

TEXT_PARA = (
    "记者近日在河南采访几个县市之后所得的感受和印象,远远超出自己过去所知、或者所能想象的程度,发展变化很大。"
)


def text_page(*lines: str) -> bytes:
    return "\n".join(lines).encode()


def test_a_headline_glued_to_the_first_paragraph_of_an_epaper_text():
    # an e-paper's text rendering: the headline runs into the paragraph after three spaces
    art = extract_page(
        text_page(
            "01版:日报一版",
            "02版:日报二版",
            "前一版 2023年07月27日",
            f"冯文戈等市领导开展“八一”走访慰问活动   本报讯【天水日报记者马哲】7月26日,{TEXT_PARA}",
            TEXT_PARA * 2,
            TEXT_PARA,
        )
    )
    assert art.title == "冯文戈等市领导开展“八一”走访慰问活动"


def test_qr_widget_words_glued_around_a_title_line_are_dropped():
    # CRNTT (中评网): the QR-code widget's captions render on the title's line
    art = extract_page(
        text_page(
            "CNML格式】 【 】 【打 印】",
            "掃描二維碼訪問中評網移動版 採訪手記:大陸在拚韓國在拚 台灣在幹嘛 掃描二維碼訪問中評社微信",
            "http://www.CRNTT.com   2015-09-08 00:56:24",
            TEXT_PARA * 2,
            TEXT_PARA,
        )
    )
    assert art.title == "採訪手記:大陸在拚韓國在拚 台灣在幹嘛"


def test_a_labelled_file_name_is_the_title_of_a_document_page():
    # a document-sharing page: an info table (文件名称, 文件大小, …) above the text
    art = extract_page(
        text_page(
            "基本信息",
            "文件名称:消防安全进校园报道稿.docx",
            "文件大小:39.41 KB",
            "更新时间:2025-09-08",
            "文档摘要",
            TEXT_PARA * 2,
            TEXT_PARA,
        )
    )
    assert art.title == "消防安全进校园报道稿"
    assert art.authors == []


def test_a_reports_inner_title_and_date_lose_to_the_headline_over_the_source_line():
    # a city bureau's page: headline, 来源/time line, a hit-counter bar, then the report's
    # own title and its date in brackets
    headline = "立足更高定位 彰显更大作为 推动城市管理和综合执法事业高质量发展"
    art = extract_page(
        text_page(
            headline,
            "来源:市城管局   2022-03-10 11:51",
            "浏览量:1 | | | |",
            "2022年城市管理和综合执法工作报告市城管局党组书记、局长 杜 宇",
            "(2022年2月28日)",
            "同志们:",
            TEXT_PARA * 2,
            TEXT_PARA,
        )
    )
    assert art.title == headline
    assert art.published_at == "2022-03-10T11:51:00+08:00"


def test_an_age_gate_notice_above_the_headline_is_not_the_body():
    # Liberty Times: a 限制級 age gate renders above the breadcrumb and the headline
    headline = "徐榛蔚縣府太脫線！記者忍不住電爆官員影片掀熱議 網直呼解氣！"
    art = extract_page(
        text_page(
            "自由電子報",
            "限制級",
            "您即將進入之新聞內容 需滿18歲 方可瀏覽。",
            "根據「電腦網路內容分級處理辦法」修正條文第六條第三款規定，已於網站首頁或各該限制級網頁，依規定作標示。",
            "首頁 > 政治",
            headline,
            "2025/09/29 06:21 即時新聞／綜合報導",
            TEXT_PARA * 2,
            TEXT_PARA,
        )
    )
    assert art.title == headline
    assert art.published_at == "2025-09-29T06:21:00+08:00"
    assert art.body[0] == TEXT_PARA * 2


def test_a_line_like_the_head_far_from_the_body_is_not_the_headline():
    # a portal page whose headline stands in no element the `<title>` agrees with: a
    # related item one city apart, in the sidebar below the text, is no other script's copy
    html = page(
        f"<h1>北京新增确诊病例情况通报（第二版）</h1><div class='news'><p>{PARA}</p><p>{PARA}</p></div>"
        + "".join(f"<div class='nav'><a href='/{i}'>栏目{i}</a></div>" for i in range(20))
        + "<div class='rel'>天津市新增确诊病例情况通报</div>",
        head="<title>北京市新增确诊病例情况通报_新闻中心_某某网</title>",
    )
    assert extract_page(html).title == "北京新增确诊病例情况通报（第二版）"


def test_a_page_without_a_title_element_takes_its_h1_wherever_it_stands():
    # a single-page app whose `<title>` is empty and whose header (with the h1) is rendered
    # after the post in the DOM, placed on top by CSS
    html = page(
        f"<div id='app'><div class='post'><p>{PARA}</p><p>{PARA}</p></div>"
        f"<div class='sticky'><h1>某县开展春季植树活动</h1></div></div>",
        head="<title></title>",
    )
    assert extract_page(html).title == "某县开展春季植树活动"


def test_a_recommended_articles_date_line_is_not_a_text_pages_date():
    # a CSDN post saved as text: the recommendation's date line stands right under the title
    art = extract_page(
        text_page(
            "为什么 ChatGPT 不火了？",
            "最新推荐文章于 2024-05-07 22:12:13 发布",
            "A-肖老师 于 2024-05-06 15:47:53 发布",
            TEXT_PARA * 2,
            TEXT_PARA,
        )
    )
    assert art.published_at == "2024-05-06T15:47:53+08:00"


def test_page_heads_of_forum_and_site_first_titles():
    # Discuz forums close the `<title>` with a long Latin credit; some portals open it with
    # their name
    def head(title: str) -> str:
        return read_page_head(
            parse_html(f"<html><head><title>{title}</title></head><body></body></html>"), None
        ).head

    assert head("南方暴雨多地告急 - 民生杂谈 - 某某论坛 - Powered by Discuz!") == "南方暴雨多地告急"
    assert head("新华网-全国春耕备耕工作有序推进") == "全国春耕备耕工作有序推进"
    assert head("科普中国-辟谣文章") == "科普中国-辟谣文章"


HEADLINE = "某县召开全县经济工作会议"


def portal_page(logo: str, headline: str, title: str) -> bytes:
    """A county government portal's article page: a logo band, navigation, the headline, the
    date line, the text, a copyright footer; every article shares the portal's `<title>`."""
    return page(
        f"<div class='top'>{logo}</div><div class='nav'><a href='/'>首页</a><a href='/zw'>政务</a></div>"
        f"{headline}<div class='info'>发布时间：2024-03-05 08:21</div>"
        f"<div class='content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
        "<div class='footer'>版权所有 某县人民政府</div>",
        head=f"<title>{title}</title>",
    )


def test_a_logo_agreeing_with_a_portal_title_is_not_the_headline():
    # `<title>某县人民政府</title>` on every page, the same name as an image logo in an h1 or as
    # a text logo: both signals agree, but on the site's name; the h2 by the body is the headline.
    for logo in (
        "<h1><img alt='某县人民政府' src='logo.png'></h1>",
        "<h1><a href='/'><img alt='某县人民政府' src='logo.png'></a></h1>",
        "<h1 class='logo'>某县人民政府</h1>",
    ):
        html = portal_page(logo, f"<h2>{HEADLINE}</h2>", "某县人民政府")
        assert extract_page(html).title == HEADLINE


def test_a_headline_without_a_heading_element_above_the_date_line():
    # Older county and bureau sites set the headline in `<p align=center><strong><font>` or a
    # bold span, with a `<title>` that names the site or is blank.
    for title in ("某县人民政府网站", ""):
        for headline in (
            f"<p align='center'><strong><font size='5'>{HEADLINE}</font></strong></p>",
            f"<div><span style='font-size:22px;font-weight:bold'>{HEADLINE}</span></div>",
        ):
            assert extract_page(portal_page("", headline, title)).title == HEADLINE


def test_without_a_page_head_the_line_above_the_date_line_beats_an_ad_heading():
    # A 2010 portal story template saved without its head (no `<title>`, no meta): the
    # headline is a plain div with an id, the date and source line right under it; the
    # right-hand column below the text holds ads with h3 headings.
    ads = "".join(
        f"<div><h3>汉方养生天然本草茶{i}</h3><a href='/ad/{i}'>点此了解</a></div>" for i in range(3)
    )
    html = page(
        "<div id='crumb'><a href='/'>娱乐</a> &gt; 正文</div><div id='topic'>情侣十年后再战荧屏 两位主演同台</div>"
        "<div id='sth'><span>2010年11月25日 14:46</span> <span>国际在线</span></div>"
        f"<div id='real'><p>{PARA}</p><p>{PARA}</p></div>{ads}",
        head="",
    )
    art = extract_page(html)
    assert art.title == "情侣十年后再战荧屏 两位主演同台"
    assert art.published_at == "2010-11-25T14:46:00+08:00"


def side_column_first(headline: str, head: str) -> bytes:
    """A 2010 portal story template with its side column first in the markup: the column's
    h3 headings over lists of photo links stand before the story's plain-div headline and
    date line."""
    items = "".join(f"<li><a href='/p/{i}'>图片新闻{i}</a></li>" for i in range(8))
    side = "".join(f"<div><h3>最幸福的姿势{i}</h3><ul>{items}</ul></div>" for i in range(3))
    return page(
        f"<div id='side'>{side}</div><div id='main'><div id='topic'>{headline}</div>"
        "<div id='sth'><span>2010年11月25日 14:46</span> <span>国际在线</span></div>"
        f"<div id='real'><p>{PARA}</p><p>{PARA}</p></div></div>",
        head=head,
    )


def test_without_a_page_head_a_side_column_heading_loses_to_the_dated_headline_line():
    html = side_column_first("情侣十年后再战荧屏 两位主演同台", head="")
    assert extract_page(html).title == "情侣十年后再战荧屏 两位主演同台"


def test_a_title_classed_date_line_is_no_headline():
    # A government page without a page head: a title-classed div holds the 发布时间 line
    # between the headline div and the text.
    html = page(
        "<div class='doc-head'>德清县固定资产投资结构趋稳趋优</div><div class='title-meta-time'>发布时间：<br>"
        f"2019-09-26 10:09:11</div><div class='text'><p>{PARA}</p><p>{PARA}</p></div>",
        head="",
    )
    assert extract_page(html).title == "德清县固定资产投资结构趋稳趋优"


def test_a_date_set_inside_the_headline_element_is_not_part_of_it():
    # a county portal whose `<title>` is its own name and whose h1 carries the time in a span
    # of its own (`<h1>标题<span class="time">2024-03-05</span></h1>`); a comment in the h1 too
    html = page(
        "<div class='nav'><a href='/'>首页</a></div><h1>代表委员热议高质量发展<!-- t -->"
        f"<span class='time'>2024-03-05</span></h1><div class='content'><p>{PARA}</p><p>{PARA}</p></div>",
        head="<title>某县网</title>",
    )
    art = extract_page(html)
    assert (art.title, art.published_at) == ("代表委员热议高质量发展", "2024-03-05")


# Pages saved without their head (no `<title>`, no meta), each with its headline over the date
# line by the text, and the date that line gives.
HEADLINES_OVER_DATE_LINES = {
    # A tech portal's story: the headline is a plain div, its date line carries the outlet,
    # the writer and the editor; tag and counter lines stand between it and the text; a
    # "hottest articles" h3 follows the text.
    "date line with credits": (
        "<div class='crumb'>当前位置：首页 &gt; 资讯中心 &gt; 文章详情</div>"
        "<div id='subject'>首次采样带回 探测器为什么是航天史上最复杂任务</div>"
        "<div class='info'>2020-11-23 10:22:14 出处：某科技 作者：李华 编辑：李华 人气： 5380 次</div>"
        "<div class='tags'>#天文航天#</div><div>18</div>"
        f"<div class='news'><p>{PARA}</p><p>{PARA}</p></div>"
        "<div class='hot'><h3>最热文章 最热最新</h3><a href='/1'>某手机正式发布</a></div>",
        "首次采样带回 探测器为什么是航天史上最复杂任务",
        "2020-11-23T10:22:14+08:00",
    ),
    # A WordPress blog's post header: the headline, a link to the post itself, holds a date;
    # the date line under it; the blog's name stands in a sidebar h6 above.
    "headline holding a date": (
        "<aside><h6>知识是一种生活方式</h6><div>571 文章 13 分类</div>"
        + "".join(f"<div><a href='/c/{i}'>分类{i}</a></div>" for i in range(12))
        + "</aside><article><header><a href='/1580/'>美国营运库存月率月度八月-2020年10月16日全球经济日历</a>"
        "<div>2020-10-17 22:15</div><div>|</div><div>270</div></header>"
        f"<div class='post'><p>{PARA}</p><p>{PARA}</p></div></article>",
        "美国营运库存月率月度八月-2020年10月16日全球经济日历",
        "2020-10-17T22:15:00+08:00",
    ),
    # A WordPress blog post of four characters: the h1 over the author and date line;
    # related-post h3 headings inside the content block.
    "short h1": (
        "<div class='nav'><a href='/'>首页</a></div><h1>广智救我</h1>"
        "<div>某作者 • 2024年 8月 25日 下午10:37 • 游戏梗</div>"
        f"<div class='entry'><p>{PARA}</p><p>{PARA}</p><h3>8月20日请假</h3><p>{PARA}</p></div>",
        "广智救我",
        "2024-08-25T22:37:00+08:00",
    ),
}


@pytest.mark.parametrize("layout", HEADLINES_OVER_DATE_LINES)
def test_without_a_page_head_the_headline_stands_over_the_date_line(layout):
    body, title, date = HEADLINES_OVER_DATE_LINES[layout]
    art = extract_page(page(body, head=""))
    assert (art.title, art.published_at) == (title, date)


def test_without_a_page_head_the_main_title_wins_over_its_subtitle():
    # A provincial government portal: an (empty) kicker h3, the headline h2 and a subtitle
    # h3 in one title block over the date line.
    html = page(
        "<div class='crumb'>首页 &gt; 要闻</div><div class='detail-title'><h3></h3>"
        "<h2>某省品牌丝路行正式启动</h2><h3>成功举办双向经贸投资推介会</h3></div>"
        "<ul><li>时间：2019-09-18 06:23</li><li>来源：某省日报</li></ul>"
        f"<div class='text'><p>{PARA}</p><p>{PARA}</p></div>",
        head="",
    )
    assert extract_page(html).title == "某省品牌丝路行正式启动"


def test_the_headline_line_the_page_head_holds_without_its_column_or_site_name():
    # Pages whose `<title>` adds a column or site name without a separator the title parser
    # knows, and whose headline stands in a plain div over the date line: a stock-news
    # site's story (`栏目--标题`) and a hospital's news page (`标题 医院名`).
    for title, headline in (
        (
            "明日股市预测--最新出炉贸发报告：全球经济增长率降至2.3%",
            "最新出炉贸发报告：全球经济增长率降至2.3%",
        ),
        (
            "【不忘初心 牢记使命】我院药剂党支部举办专业技能大赛 某省中医药研究院附属医院",
            "【不忘初心 牢记使命】我院药剂党支部举办专业技能大赛",
        ),
    ):
        html = page(
            "<div class='crumb'>当前位置：主页 &gt; 新闻动态 &gt;</div>"
            f"<div>{headline}</div><div>发布时间：2019-09-26 10:09:11</div>"
            f"<div class='text'><p>{PARA}</p><p>{PARA}</p></div>",
            head=f"<title>{title}</title>",
        )
        assert extract_page(html).title == headline


def test_without_a_page_head_a_law_pages_centered_title_opens_its_text():
    # A government portal's law page saved without its head: no heading element, the law's
    # title a centered bold paragraph at the top of the text container.
    html = page(
        "<div class='top'><a href='/'>设为首页</a> | <a href='/about'>关于我们</a></div>"
        "<form><div id='content'><p style='text-align:center'><strong><span>中华人民共和国某某法</span></strong></p>"
        f"<p>{PARA}</p><p>第一章 总则</p><p>{PARA}</p></div></form>",
        head="",
    )
    art = extract_page(html)
    assert art.title == "中华人民共和国某某法"
    assert art.body[0] != art.title
    # A story opening with a photo and its centered caption: the caption is no title and
    # stays in the body.
    photo = page(
        "<div class='top'><a href='/'>设为首页</a></div><div id='content'><p align='center'><img src='a.jpg'></p>"
        f"<p align='center'>某某演员近照</p><p>{PARA}</p><p>{PARA}</p></div>",
        head="",
    )
    art = extract_page(photo)
    assert art.title != "某某演员近照"
    assert art.body[0] == "某某演员近照"


def test_without_a_page_head_a_posts_bracketed_lead_is_its_headline():
    # A Weibo post saved without its head: the headline is only the post's 【…】 lead; the
    # page's one title-classed element is a footer block's heading after the post. An
    # outlet's tag in brackets (`【某某日报驻某地记者综合报道】`) is no headline.
    post = "【某地动物园20只东北虎死亡？官方：成立调查组进行全面调查】#官方回应# 某市通报，" + PARA
    footer = "<div class='copyright'><div class='copyright-title'>合作&amp;服务</div><a href='/ad'>营销合作</a></div>"
    nav = "".join(f"<div><a href='/hot/{i}'>热门{i}</a></div>" for i in range(6))
    html = page(
        f"<div class='nav'>{nav}</div><div class='feed'><header><div>头条新闻</div>"
        "<div>24-5-13 17:07</div><div>来自 微博发布平台</div></header>"
        f"<div class='detail'><div class='text'>{post}<br><br>{PARA}<br><br>{PARA}</div></div></div>{footer}",
        head="",
    )
    art = extract_page(html)
    assert art.title == "某地动物园20只东北虎死亡？官方：成立调查组进行全面调查"
    assert art.published_at == "2024-05-13T17:07:00+08:00"
    tagged = page(
        f"<div class='nav'>{nav}</div><div class='text'>【某某日报驻某地记者综合报道】{PARA}<br><br>{PARA}<br><br>{PARA}</div>{footer}",
        head="",
    )
    assert extract_page(tagged).title != "某某日报驻某地记者综合报道"


def test_a_short_headline_the_page_head_names_beats_a_side_column_heading():
    # The same template: the headline `不容易！` is too short to stand out in
    # `<title>不容易！_娱乐频道_某某网</title>` (read as a site's name).
    html = side_column_first("不容易！", head="<title>不容易！_娱乐频道_某某网</title>")
    assert extract_page(html).title == "不容易！"


def test_a_related_lists_dated_items_above_the_headline_are_not_its_date_line():
    # A WordPress blog post whose related-post cards (title, author, date) stand before the
    # headline in the markup; the headline h1 is four characters, the og:title says the same,
    # the `<title>` is longer; the h1 stands over the post's own date line.
    cards = "".join(
        f"<div><h3>相关梗文章{i}</h3><div>【相关梗文章{i}】该梗出自某游戏……</div><div>某作者</div>"
        f"<div>2024年 8月 2{i}日</div></div>"
        for i in range(3)
    )
    html = page(
        f"<div class='nav'><a href='/'>首页</a></div><div class='related'>{cards}</div><h1>广智救我</h1>"
        "<div>某作者 • 2024年 8月 25日 下午10:37 • 游戏梗</div>"
        f"<div class='entry'><p>{PARA}</p><p>{PARA}</p></div>",
        head="<meta property='og:title' content='广智救我'><title>【广智救我】是什么梗？某游戏最有安全感的男人 | 某梗站</title>",
    )
    art = extract_page(html)
    assert (art.title, art.published_at) == ("广智救我", "2024-08-25T22:37:00+08:00")


def test_a_category_field_over_the_date_line_is_no_headline():
    # A science-rumour portal's article: the title-classed headline, its source line, a
    # 相关推荐 list of dated items, then the category field and the 时间 line over the text;
    # the `<title>` names the site's column. The related list's dates date no story.
    related = "".join(
        f"<div><a href='/r/{i}'><div>相关谣言{i}？</div><div>2020-09-2{i}</div></a></div>" for i in range(3)
    )
    html = page(
        "<div class='rumor-title'>徒手抓子弹真的存在吗？</div><div>来源： 某某科普</div>"
        f"<div><div>相关推荐</div>{related}</div><div>所属分类：数理化</div><div>时间：2019-09-24 17:08</div>"
        f"<div class='text'><p>{PARA}</p><p>{PARA}</p></div>",
        head="<title>某某科普-辟谣文章</title>",
    )
    art = extract_page(html)
    assert (art.title, art.published_at) == ("徒手抓子弹真的存在吗？", "2019-09-24T17:08:00+08:00")


def test_a_label_set_in_the_headline_element_is_no_part_of_the_title():
    # Layout: a city news site's headline with a `原创` label in a span of its own inside the
    # h1, the `<title>` giving the headline without it; a label typed into the headline
    # itself stays (`【聚焦】` in both).
    article = (
        f"<div class='info'>2024-10-10 10:00 来源:某某网</div><div class='c'><p>{PARA}</p><p>{PARA}</p></div>"
    )
    labelled = page(
        f"<h1><span class='tag'>原创</span>全县召开秋季森林防火工作会议</h1>{article}",
        "<title>全县召开秋季森林防火工作会议_某某网</title>",
    )
    assert extract_page(labelled).title == "全县召开秋季森林防火工作会议"
    typed = page(
        f"<h1>【聚焦】全县召开秋季森林防火工作会议</h1>{article}",
        "<title>全县召开秋季森林防火工作会议_某某网</title>",
    )
    assert extract_page(typed).title == "【聚焦】全县召开秋季森林防火工作会议"


def test_an_e_paper_subtitle_opening_with_a_dash_is_not_the_title():
    # Layout: an e-paper's article page: 引题, 主题 and 副题 each in a table cell of its own
    # class, the `<title>` naming only the paper, the byline and the text under them.
    rows = "".join(
        f"<tr><td class='font0{n}'>{text}</td></tr>"
        for n, text in enumerate(
            (
                "一季度重点项目开工率达92%",
                "县域经济跑出加速度",
                "——我市推进县域经济高质量发展综述",
                "本报记者 张伟",
            ),
            1,
        )
    )
    html = page(
        f"<table>{rows}<tr><td id='ozoom'><p>{PARA}</p><p>{PARA}</p></td></tr></table>",
        "<title>某某日报</title>",
    )
    assert extract_page(html).title == "县域经济跑出加速度"
