"""People and source on pages of kinds the news readers miss: blog, Q&A and self-media pages,
Taiwanese bylines, staff codes after editors, widget words after a source.

Each page below is our own, written after a real layout named in its test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsclean.ingest.pipeline import extract_page

PARA = "今日,某市召开新闻发布会,介绍了今年以来的经济运行情况,各项指标稳中向好,发展质量持续提升。"


def page(body: str, title: str = "如何用Python写一个延迟调用") -> bytes:
    head = f"<meta charset='utf-8'><title>{title}</title>"
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_blog_author_card_beside_the_headline_is_the_author():
    # A CSDN/juejin-style post: the logged-in reader's bar above the headline, the author's
    # nickname in the info bar under it, commenters' names below the article.
    html = page(
        "<div class='toolbar-user'><a class='user-name'>月落长安</a></div>"
        "<h1 class='title-article'>如何用Python写一个延迟调用</h1>"
        "<div class='article-info'><a class='follow-nickName'>A-肖老师-树谷学院</a>"
        "<span class='time'>2024-05-06 15:47:53</span></div>"
        f"<div id='content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
        "<div class='comment-list'><a class='user-name'>许意墨:</a><p>写得好</p></div>"
    )
    art = extract_page(html)
    assert art.authors == ["A-肖老师-树谷学院"]


def test_self_media_account_beside_the_source_line_is_the_source():
    # A Baijiahao-style header: the account's name in `author-name`, beside the
    # `article-source` line with the post time; the account is the outlet, not a writer.
    html = page(
        "<div class='article-title'><h2>如何用Python写一个延迟调用</h2></div>"
        "<div class='author-txt'><p class='author-name'>加拿大必读</p>"
        "<div class='article-source'><span class='date'>发布时间：10-08</span>"
        "<span class='time'>12:00</span></div></div>"
        f"<div class='article-content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert art.authors == []
    assert art.source == "加拿大必读"


def test_wechat_writer_and_account_name():
    # A WeChat post: the writer in `js_author_name`, the account in `js_name`.
    html = page(
        "<h2 class='rich_media_title'>如何用Python写一个延迟调用</h2>"
        "<div class='rich_media_meta_list'><span class='rich_media_meta'>原创</span>"
        "<span class='rich_media_meta'><span id='js_author_name'>kingname</span></span>"
        "<span class='rich_media_meta rich_media_meta_nickname'><a id='js_name'>未闻Code</a></span>"
        "<em class='publish_time'>前天</em></div>"
        f"<div id='js_content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert art.authors == ["kingname"]
    assert art.source == "未闻Code"


def test_author_card_after_related_posts_is_not_the_author():
    # A stock portal: a column's card (`article-author`) after the related posts names a
    # column, not the writer.
    html = page(
        "<div class='title-text'>如何用Python写一个延迟调用</div>"
        f"<div class='page-article'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
        "<div class='related-posts'><a>另一篇文章的标题在这里</a></div>"
        "<div class='article-author'><a class='author-meta-name'>股市行情</a></div>"
    )
    assert extract_page(html).authors == []


def test_json_ld_person_and_script_nickname_and_posted_at_footer():
    # A douban note's JSON-LD author; a CSDN page naming the writer only in a script
    # variable; a cnblogs footer `posted @ DATE NAME`.
    body = f"<h1>如何用Python写一个延迟调用</h1><div><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    ld = '<script type="application/ld+json">{"author": {"@type": "Person", "name": "私~川流"}}</script>'
    assert extract_page(page(body + ld)).authors == ["私~川流"]
    script = '<script>var nickName = "我有一些感想……";</script>'
    assert extract_page(page(body + script)).authors == ["我有一些感想……"]
    footer = "<div class='postDesc'>posted @ 2024-05-09 14:45 好看的hk 阅读(12) 评论(0)</div>"
    assert extract_page(page(body + footer)).authors == ["好看的hk"]


def test_editor_without_staff_code_or_bracket():
    # NetEase's `ep-source` line glues the CMS staff code to the editor's name; other pages
    # bracket the editor credit.
    body = f"<h1>如何用Python写一个延迟调用</h1><div><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p>"
    coded = body + "<p class='ep-source'>责任编辑：杨倩_NF4425</p></div>"
    assert extract_page(page(coded)).editor == "杨倩"
    bracketed = body + "<p>[责任编辑:罗崇纬]</p></div>"
    assert extract_page(page(bracketed)).editor == "罗崇纬"


def text_page(*header: str, tail: tuple[str, ...] = ()) -> bytes:
    body = [PARA + "第一段。", PARA + "第二段。", PARA + "第三段。"]
    return "\n".join([*header, *body, *tail]).encode()


def test_source_is_the_outlet_name_without_widgets_or_dates():
    # Date/source lines of regional portals: the date, counters and widgets follow the outlet.
    cases = {
        "2015-03-02 08:42    来源:中国新闻网     打印本页 关闭": "中国新闻网",
        "来源:新华社 2024-09-20 20:38:30 浏览量:": "新华社",
        "稿源: 宁波晚报   2011-09-17 07:43:44报料热线:81850000": "宁波晚报",
        "来源:羊城晚报     2021年03月28日        版次:A08    栏目:": "羊城晚报",
        "来源: 河北青年报(河北) 网友评论 0 条 进入论坛": "河北青年报(河北)",
        "来源：河南日报（2024年03月05日 第05版）": "河南日报",  # an e-paper's issue and page
        "来源：[某县网]": "某县网",
        "2024-03-05 08:21:33　来源: 大河报 举报": "大河报",  # NetEase's info line: its report link
    }
    for line, outlet in cases.items():
        assert extract_page(text_page("县委书记的一天", line)).source == outlet, line


def test_source_label_variants_on_text_renderings():
    # A breadcrumb above the labelled date line (开封网); a byline line ending with the
    # source (人民网); the outlet then the writer (台海网); `新聞來源:` closing a Taiwanese
    # page; a bare `来源:` label with its value on the next line (浙江在线, its editor too).
    crumb = text_page(
        "菊香十月 相约开封", "首页 > 开封 > 正文", "日期:2019-10-18 09:08:41    来源:开封网-开封日报"
    )
    assert extract_page(crumb).source == "开封网-开封日报"
    byline = text_page("县委书记的一天", "记者  汪晓东  曲昌荣        来源:人民网")
    assert extract_page(byline).source == "人民网"
    writer = extract_page(
        text_page("记者体验 自家家门被撬", "www.taihainet.com 来源: 台海网 刘强 用手持设备访问")
    )
    assert (writer.source, writer.authors) == ("台海网", ["刘强"])
    closing = text_page("颱風緊張 防災會議謝絕採訪", "2014-09-20", tail=("新聞來源:華視新聞",))
    assert extract_page(closing).source == "華視新聞"
    bare = text_page(
        "夏夜随民警值守街头", "2005年07月11日 09:53:25", tail=("来源:", "钱江晚报", "编辑:", "施袭森")
    )
    assert (extract_page(bare).source, extract_page(bare).editor) == ("钱江晚报", "施袭森")


def test_taiwanese_bylines():
    # Liberty Times opens the text with `〔記者X／台北報導〕` under a `（資料照）` photo caption;
    # CNA opens with `(中央社記者X台北N日電)`; TV news closes with `(記者A、B、C報導)`.
    ltn = page(
        "<h1>如何用Python写一个延迟调用</h1><div class='text'><p>財政部大樓外觀。（資料照）</p>"
        f"<p>〔記者巫其倫／高雄報導〕{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    assert extract_page(ltn).authors == ["巫其倫"]
    cna = page(
        f"<h1>如何用Python写一个延迟调用</h1><div><p>(中央社記者張欣紜台北24日電){PARA}</p><p>{PARA}</p></div>"
    )
    assert extract_page(cna).authors == ["張欣紜"]
    tv = page(
        f"<h1>如何用Python写一个延迟调用</h1><div><p>{PARA}</p><p>{PARA}(記者潘潔瑩、陳君毅、榮昊北報導)</p></div>"
    )
    assert extract_page(tv).authors == ["潘潔瑩", "陳君毅", "榮昊北"]


@pytest.mark.parametrize(
    ("info", "authors"),
    [
        # Taiwanese info bars under the headline (UDN, SETN, NOWnews, TVBS): the time and the
        # reporter's `記者X／台北報導` on one line, in either order, spaced or not.
        ("2024/03/05 08:21 記者巫其倫／台北報導", ["巫其倫"]),
        ("記者巫其倫／台北報導 2024年03月05日 08:21", ["巫其倫"]),
        ("2024-03-05 08:21 聯合報 / 記者巫其倫／台北即時報導", ["巫其倫"]),
        ("2024年03月05日 08:21 記者巫其倫、林大明／台北報導", ["巫其倫", "林大明"]),
        ("記者 巫其倫 / 台北報導 | 2024/03/05 08:21", ["巫其倫"]),  # the place is no name
    ],
)
def test_taiwanese_reporter_on_the_date_line(info, authors):
    html = page(
        f"<h1>如何用Python写一个延迟调用</h1><div class='info'>{info}</div>"
        f"<div class='content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert (art.authors, art.published_at) == (authors, "2024-03-05T08:21:00+08:00")


def test_info_bar_labels_without_colons():
    # A CSDN news page (2014): `发表于DATE | N次阅读 | 来源CSDN | 0 条评论 | 作者魏星`.
    html = page(
        "<h1>如何用Python写一个延迟调用</h1><div class='tit_bar'>发表于2014-08-24 21:30|\n"
        "<span>1164次阅读</span>|\n来源<a>CSDN</a>|\n<a>0 条评论</a>|\n作者<a>魏星</a></div>"
        f"<div class='con'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert (art.source, art.authors) == ("CSDN", ["魏星"])


def test_related_heading_in_an_author_block_ends_the_search():
    # A finance portal: `<div class="author"><a>相关文章</a></div>` heads the related list,
    # and a comment widget's `user-name-gw` follows it.
    html = page(
        "<h1>如何用Python写一个延迟调用</h1>"
        f"<div class='article'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
        "<div class='author-news'><div class='author'><a>相关文章</a></div><ul><li>另一篇</li></ul></div>"
        "<div id='SOHUCS'><span class='user-name-gw'>畅言云评</span></div>"
    )
    assert extract_page(html).authors == []


def test_caixie_credit_with_an_outlet_glued_to_the_reporter_word():
    # Southern Metropolis Daily closes with `采写：南都记者 X Y` (南都: the paper, not a name).
    html = page(
        f"<h1>如何用Python写一个延迟调用</h1><div><p>{PARA}</p><p>{PARA}</p>"
        "<p>采写：南都记者 余毅菁 向雪妮</p></div>"
    )
    assert extract_page(html).authors == ["余毅菁", "向雪妮"]


def test_outlet_beside_the_date_under_the_headline():
    # Hexun: `2019-09-26 10:56:28` then `证券时报网` in the info line; Gamersky: `2019-09-05
    # 11:10 游民星空[整理]`, the site the `<title>` names; 51CTO: the blog account (an
    # organisation) before the date; iFeng: a channel of the site the `<title>` names, and
    # an outlet ending in 在线.
    body = f"<div class='content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    hexun = page(
        "<h1>如何用Python写一个延迟调用</h1><div class='tip'><span>2019-09-26 10:56:28</span>"
        f"<a>证券时报网</a></div>{body}"
    )
    assert extract_page(hexun).source == "证券时报网"
    gamersky = page(
        f"<h1>如何用Python写一个延迟调用</h1><div class='detail'>2019-09-05 11:10 游民星空[整理]</div>{body}",
        title="如何用Python写一个延迟调用|游民星空",
    )
    assert extract_page(gamersky).source == "游民星空"
    channel = page(
        f"<h1>如何用Python写一个延迟调用</h1><div>2010年01月27日 15:53 凤凰网娱乐 【大 中 小】</div>{body}",
        title="如何用Python写一个延迟调用_娱乐_凤凰网",
    )
    assert extract_page(channel).source == "凤凰网娱乐"
    radio = page(
        f"<h1>如何用Python写一个延迟调用</h1><div>2010年11月24日 10:15 国际在线 【打印】</div>{body}"
    )
    assert extract_page(radio).source == "国际在线"
    column = page(f"<h1>如何用Python写一个延迟调用</h1><div>2019-09-05 11:10 星期四</div>{body}")
    assert extract_page(column).source is None


def test_forum_poster_under_the_headline():
    # A Discuz-style thread: the first post's header `X 发表于 DATE | 只看该作者`; a bulletin
    # board's `楼主：X`.
    body = f"<div class='t_f'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    discuz = page(
        f"<h1>如何用Python写一个延迟调用</h1><div>公交迷小王 发表于 2009-6-19 19:39 | 只看该作者</div>{body}"
    )
    assert extract_page(discuz).authors == ["公交迷小王"]
    board = page(f"<h1>如何用Python写一个延迟调用</h1><div>楼主：好看的hk</div>{body}")
    assert extract_page(board).authors == ["好看的hk"]


def test_a_reply_opening_with_louzhu_names_no_poster():
    # A thread whose first reply, right under the first post, opens `楼主说得对,…`: a sentence
    # addressing the poster, not a `楼主：X` label.
    reply = "楼主说得对,我们村里也是这样,现在年轻人都出去打工了,留下的都是老人和孩子。"
    html = page(f"<h1>如何用Python写一个延迟调用</h1><div class='t_f'><p>{PARA}</p></div><div>{reply}</div>")
    assert extract_page(html).authors == []


def test_cms_author_field_yields_to_the_byline_on_text_renderings():
    # A Zhumadian Daily page: the CMS header names the uploader (`作者:何小千`), the byline
    # under it the reporter and the correspondent.
    lines = ("时间:2017-04-10 23:22:26  来源:驻马店日报  作者:何小千", "记者丁振通讯员胡军华文/图")
    art = extract_page(text_page("我市举行春季植树活动", *lines))
    assert (art.authors, art.correspondents) == (["丁振"], ["胡军华"])
    alone = extract_page(text_page("我市举行春季植树活动", lines[0]))
    assert alone.authors == ["何小千"]


def news_page(info: str, before: str = "", after: str = "") -> bytes:
    """A county-portal article page: navigation, headline, an info line, the text, a footer."""
    return page(
        "<div class='nav'><a href='/'>首页</a><a href='/xw'>新闻</a></div>"
        "<h1>如何用Python写一个延迟调用</h1>"
        f"<div class='info'>{info}</div>"
        f"<div class='content'>{before}<p>{PARA}</p><p>{PARA}</p><p>{PARA}</p>{after}</div>"
        "<div class='footer'>版权所有 某某网</div>"
    )


def test_reporters_on_the_info_line_after_the_outlet():
    # Henan city and county portals print the credits on the date line, after the outlet
    # (`2024-03-05 08:21 来源：某某日报 记者 李华 通讯员 王强`, or without a label:
    # `… 某某日报 融媒体记者 李华 张伟`); the source is the outlet alone.
    art = extract_page(news_page("2024-03-05 08:21 来源：洛阳日报 记者 李华 通讯员 王强"))
    assert (art.source, art.authors, art.correspondents) == ("洛阳日报", ["李华"], ["王强"])
    art = extract_page(news_page("2024-03-05 08:21 洛阳日报 融媒体记者 李华 张伟"))
    assert art.authors == ["李华", "张伟"]


def test_writer_credit_lines_with_a_slash_or_a_bar():
    # Self-media and paper supplements credit the writer as `文/李华`, `文 | 李华` or
    # `（文/李华 图/王强）`, above or below the text; the line is a byline, not body.
    for before, after in (("<p>文 | 李华</p>", ""), ("", "<p>文/李华</p>"), ("", "<p>（文/李华）</p>")):
        art = extract_page(news_page("2024-03-05 08:21", before, after))
        assert art.authors == ["李华"]
        assert all("李华" not in line for line in art.body)


def test_interns_are_credited_but_are_not_authors():
    # `记者 李华 张伟 实习生 王强`: the dev set's gold convention lists reporters only.
    art = extract_page(news_page("2024-03-05 08:21", "<p>记者 李华 张伟 实习生 王强</p>"))
    assert art.authors == ["李华", "张伟"]


def test_source_line_closing_a_government_article_is_not_body():
    # Government and county pages sign off with `来源：某县人民政府办公室` after the text,
    # sometimes with the credits on the same line.
    art = extract_page(news_page("2024-03-05 08:21", after="<p>来源：某县人民政府办公室</p>"))
    assert art.source == "某县人民政府办公室"
    assert art.body[-1] == PARA
    art = extract_page(news_page("2024-03-05", after="<p>来源：洛阳日报 记者：李华 通讯员：王强</p>"))
    assert (art.source, art.authors, art.correspondents) == ("洛阳日报", ["李华"], ["王强"])
    assert art.body[-1] == PARA


def test_author_field_followed_by_another_label():
    # `作者：李华 单位：某县融媒体中心`: the next label's word (单位) is no second name.
    art = extract_page(news_page("发布时间：2024-03-05 作者：李华 单位：某县融媒体中心"))
    assert art.authors == ["李华"]


def test_source_ends_at_a_date_label():
    # Government info bars: `信息来源：县发改委 发布日期：2024-03-05 【字体：大 中 小】`.
    art = extract_page(news_page("信息来源：县发改委 发布日期：2024-03-05 【字体：大 中 小】"))
    assert art.source == "县发改委"


def test_editor_lines_without_a_colon():
    # Text renderings and e-paper pages write `编辑 李华`, `责编 李华` or `（编辑 李华 张伟）`
    # under the text: the editor, not body and not authors. `编辑 刘晓阳 校对 李铭` is no
    # list of editors.
    for line, editor in (("编辑 李华", "李华"), ("责编 李华", "李华"), ("（编辑 李华 张伟）", "李华 张伟")):
        art = extract_page(news_page("2024-03-05 08:21", after=f"<p>{line}</p>"))
        assert (art.editor, art.authors, art.body[-1]) == (editor, [], PARA)
    art = extract_page(news_page("2024-03-05 08:21", after="<p>编辑 刘晓阳 校对 李铭</p>"))
    assert art.editor is None


def test_author_with_a_bracketed_unit_and_an_organisation_as_author():
    # County portals: `作者：李华（某县融媒体中心）` names the writer and the unit;
    # `作者：某县融媒体中心` names no person, and is no outlet beside the date either.
    art = extract_page(news_page("2024-03-05 08:21 作者：李华（某县融媒体中心）"))
    assert art.authors == ["李华"]
    art = extract_page(news_page("2024-03-05 08:21 作者：某县融媒体中心"))
    assert (art.authors, art.source) == ([], None)


HNR_PAGE = Path(__file__).parent / "fixtures" / "hnr" / "2020_000" / "source.html"
HNR_BYLINE = (
    '<p style="text-indent: 2em; text-align: left;">映象网记者 王文凯 通讯员 王春亮 荣高洁 文/图</p>\n'
)


@pytest.mark.parametrize(
    "move, credits",
    [
        # the byline as a labelled field beside the date and source of the template's info bar
        (
            ("<span>来源：映象网</span></p>", "<span>来源：映象网</span> <span>作者：王文凯</span></p>"),
            (["王文凯"], []),
        ),
        (
            (
                "<span>来源：映象网</span></p>",
                "<span>来源：映象网</span> <span>记者 王文凯 通讯员 王春亮</span></p>",
            ),
            (["王文凯"], ["王春亮"]),
        ),
        # the byline in an element of its own between the title and the template's body
        (
            ('<div class="line_gray mrg_t_20"></div>', f'<div class="author">{HNR_BYLINE}</div>'),
            (["王文凯"], ["王春亮", "荣高洁"]),
        ),
    ],
)
def test_a_site_template_reads_credits_outside_its_body(move, credits):
    # The hnr.cn 2019–2020 template (golden fixture hnr/2020_000) with its byline moved out of
    # `#text_content`, as other eras and channels of one site print it.
    html = HNR_PAGE.read_text(encoding="utf-8").replace(HNR_BYLINE, "").replace(*move)
    art = extract_page(html.encode(), url="https://news.hnr.cn/202003/19/731862.html")
    assert art.extractor == "hnr/1 (2019-2020)"
    assert (art.authors, art.correspondents) == credits


@pytest.mark.parametrize(
    "opening,credits",
    [
        ("本报讯 记者李华 通讯员王强 ", (["李华"], ["王强"])),
        ("本报讯 记者 李华 通讯员 王强 刘洋 ", (["李华"], ["王强", "刘洋"])),
        ("某县网讯 记者李华 ", (["李华"], [])),
        ("本报讯【新天水·天水日报记者马哲 王晓馨】", (["马哲", "王晓馨"], [])),
        ("本报讯【记者 李华 通讯员 王强】", (["李华"], ["王强"])),
    ],
)
def test_credits_in_a_bare_or_square_bracketed_dateline(opening, credits):
    # City papers open the text with `本报讯` and the credits without brackets, the text after
    # a space, or in 【】 with the outlets' names before 记者 (天水日报's e-paper).
    art = extract_page(news_page("2024-03-05 08:21", before=f"<p>{opening}3月5日，{PARA}</p>"))
    assert (art.authors, art.correspondents) == credits
    assert art.body[0] == f"3月5日，{PARA}"


def test_an_e_paper_rendering_with_the_headline_glued_to_the_text():
    # A text rendering of an e-paper page prints the headline and the text's first
    # paragraph on one line, spaces between: the headline is not body, the dateline is read.
    title = "市领导开展“八一”走访慰问活动"
    lines = [
        "01版:日报一版",
        "前一版 2023年07月27日",
        title,
        f"{title}   本报讯【天水日报记者马哲 王晓馨】{PARA}",
    ]
    text = "\n".join([*lines, PARA + "第二段。", PARA + "第三段。"])
    art = extract_page(text.encode())
    assert (art.title, art.authors, art.body[0]) == (title, ["马哲", "王晓馨"], PARA)


@pytest.mark.parametrize(
    "credit",
    ["新华每日电讯记者 徐海涛 摄", "南瑞集团 宋宁 摄", "摄影/张艳", "图/本报记者 胡杰"],
)
def test_a_pictures_credit_in_a_text_story_names_no_author(credit):
    # City papers credit a lead photo above the text or under a caption inside it; the
    # photographer did not write the story (the dev set's gold convention, devset/README.md).
    caption = f"<p>图为项目建设现场。{credit}</p>"
    story = "".join(f"<p>{PARA}第{n}段。</p>" for n in "一二三四五")
    art = extract_page(
        news_page("2024-03-05 08:21 来源：某某日报", before=f"<p>{credit}</p>" + story + caption)
    )
    assert art.authors == []


def test_the_photographer_of_a_photo_piece_is_its_author():
    # A 图说 piece: one caption under the picture, credited `中新社发 张浪 摄`.
    caption = "3月1日，参加全国两会采访的记者排队依次领取采访证件，中外记者总数突破3000人。中新社发 张浪 摄"
    html = page(
        "<h1>记者排队领取采访证件</h1><div class='info'>2024-03-01 10:21</div>"
        f"<div class='content'><p><img src='1.jpg'></p><p>{caption}</p></div>",
        title="记者排队领取采访证件",
    )
    art = extract_page(html)
    assert (art.authors, art.byline) == (["张浪"], "中新社发 张浪 摄")


@pytest.mark.parametrize("byline", ["记者 李华 摄影 王强", "信报记者 李华／文 王强／摄"])
def test_a_byline_shared_by_writer_and_photographer_names_both(byline):
    # the second after a 2006 portal reprint of a Beijing paper, closing the text
    art = extract_page(news_page("2024-03-05 08:21", after=f"<p>{byline}</p>"))
    assert art.authors == ["李华", "王强"]


@pytest.mark.parametrize(
    "speaker,name",
    [
        ("2024年城市管理工作报告市城管局党组书记、局长  杜  宇", "杜宇"),
        ("在全县经济工作会议上的讲话 县长 李华明", "李华明"),
    ],
)
def test_the_speaker_of_a_speech_under_its_headline_is_the_author(speaker, name):
    # A city bureau's work report or a county leader's speech on a government site: the
    # report's name and the speaker's office and name (spaced to three characters) on one
    # line under the headline, the date of the meeting below it.
    text = text_page(
        "某市城管局召开2024年工作会议", "来源:市城管局 2024-03-10 11:51", speaker, "(2024年2月28日)"
    )
    assert extract_page(text).authors == [name]
    html = news_page("2024-03-10 11:51 来源：市城管局", before=f"<p>{speaker}</p><p>(2024年2月28日)</p>")
    assert extract_page(html).authors == [name]


def test_an_office_and_name_inside_a_sentence_is_no_speaker():
    art = extract_page(news_page("2024-03-10 11:51", before="<p>会议由市委书记张三主持</p>"))
    assert art.authors == []


@pytest.mark.parametrize(
    "info",
    [
        "时间:2024-03-05 08:21 来源:未知 作者:admin 点击:123 次",  # DedeCMS defaults
        "来源：本站 | 作者：管理员 | 时间：2024-03-05",
        "来源：转载 作者：不详 2024-03-05",
        "日期：2024-03-05 来源：原创 编辑：小编",
    ],
)
def test_cms_placeholders_name_no_author_or_editor(info):
    # County and school sites built on DedeCMS, PHPCMS or 帝国CMS print the fields' defaults
    # when nobody filled them in; the source stays as printed (the dev set's gold keeps
    # `本站原创` and `网络`).
    art = extract_page(news_page(info))
    assert (art.authors, art.editor) == ([], None)


def test_editors_on_a_credit_line_are_not_reporters():
    # A county portal's info bar lists every role with bars between (`记者 X | 通讯员 Y |
    # 编辑 Z`); the editor is no correspondent.
    art = extract_page(news_page("2024-03-05 08:21 | 记者 李华 | 通讯员 王强 | 编辑 赵敏"))
    assert (art.authors, art.correspondents) == (["李华"], ["王强"])


def test_a_contributed_by_line_and_an_editor_reviewer_close_the_text():
    # County media centres close the text with `供稿：<unit> 记者：<names>` and `编审：<name>`.
    art = extract_page(
        news_page("2024-03-05 08:21", after="<p>供稿：某县融媒体中心 记者：李华 王强</p><p>编审：赵敏</p>")
    )
    assert (art.source, art.authors, art.editor) == ("某县融媒体中心", ["李华", "王强"], "赵敏")
    assert art.body == [PARA, PARA, PARA]


@pytest.mark.parametrize(
    "closing,credits,editor",
    [
        ("撰稿：李华 摄影：王强 编辑：赵敏 审核：钱进", ["李华", "王强"], "赵敏"),
        ("初审：李华 复审：王强 终审：赵敏", [], None),
        ("一审：李华 二审：王强 三审：赵敏", [], None),
        ("监制：孙丽", [], None),
        ("文字：李华 图片：王强", ["李华", "王强"], None),
        ("李华 报道", ["李华"], None),
        ("作者：李华 作者单位：某县人民医院", ["李华"], None),
    ],
)
def test_closing_credit_and_sign_off_lines_of_county_and_government_texts(closing, credits, editor):
    # County media centres and government sites close a text with its credits (`撰稿/摄影/
    # 编辑/审核`, `文字/图片`, `X 报道`, a writer and their unit) and the review rounds every
    # text passes (`一审/二审/三审`, `初审/复审/终审`, `监制`): none of them is body.
    art = extract_page(news_page("2024-03-05 08:21", after=f"<p>{closing}</p>"))
    assert (art.authors, art.editor, art.body) == (credits, editor, [PARA, PARA, PARA])


@pytest.mark.parametrize(
    "card",
    [
        # A Tieba thread: the poster's card (`p_author`) lists the avatar, the name link
        # (`p_author_name`) and the level badge.
        "<ul class='p_author'><li class='icon'><img></li><li class='d_name'>"
        "<a class='p_author_name' href='/home/main?un=x'>城南老张</a></li><li>Lv.5</li></ul>",
        # A Zhihu answer: the card (`AuthorInfo`) holds the name (`AuthorInfo-name`) and a badge.
        "<div class='AuthorInfo'><div class='AuthorInfo-head'><span class='AuthorInfo-name'>"
        "<a class='UserLink-link' href='/people/x'>城南老张</a></span></div>"
        "<div class='AuthorInfo-badgeText'>城市规划话题下的优秀答主</div></div>",
    ],
)
def test_author_card_gives_the_name_element_it_holds(card):
    html = page(
        f"<h1>老城区停车难问题什么时候能解决？</h1>{card}"
        "<div class='time'>2024-03-05 08:21</div>"
        f"<div class='post'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>",
        title="老城区停车难问题什么时候能解决？",
    )
    assert extract_page(html).authors == ["城南老张"]


@pytest.mark.parametrize(
    "header",
    [
        # A Jianshu post: hashed class names; the name links to the user's page beside a
        # follow button, the time under it.
        "<div class='rEsl9f'><div class='_2mYfmT'><a class='_1OhGeD' href='/u/3a1b2c3d4e'>码农小王</a>"
        "<button>关注</button></div><div class='s-dsoj'><time>2024.03.05 08:21:00</time>"
        "<span>字数 1,234</span></div></div>",
        # A SegmentFault post: only utility classes; an avatar link, then the name link.
        "<div class='d-flex align-items-center'><a href='/u/xiaowang'><img></a>"
        "<a class='fw-bold text-body' href='/u/xiaowang'>码农小王</a><span><time>2024-03-05</time></span>"
        "<button class='btn btn-sm'>关注作者</button></div>",
        # A 51CTO post: the name links to `/u_<id>` beside the time.
        "<p class='mess-line1'><a href='https://blog.51cto.com/u_12345678' class='fl'>码农小王</a>"
        "<time class='fl'>2024-03-05 08:21:00</time><span class='fl'>©著作权</span></p>",
        # A Discuz! thread: the poster's link (`home.php?mod=space&uid=…`) in the post's side cell.
        "<table><tr><td class='pls'><div class='authi'><a href='home.php?mod=space&amp;uid=123' "
        "class='xw1'>码农小王</a></div></td><td><em>发表于 2024-3-5 08:21</em></td></tr></table>",
    ],
)
def test_name_linking_to_a_user_page_under_the_headline_is_the_author(header):
    html = page(
        f"<div class='nav'><a href='/u/reader1'>月落长安</a></div><h1>如何用Python写一个延迟调用</h1>{header}"
        f"<article><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></article>"
        "<div class='list'><a href='/u/someone'>许意墨</a><p>写得好，学习了</p></div>"
    )
    assert extract_page(html).authors == ["码农小王"]


def test_user_page_link_after_the_text_is_not_the_author():
    # A news page with a reader's comment under the text: its poster links to a user page.
    html = page(
        f"<h1>如何用Python写一个延迟调用</h1><div class='info'>2024-03-05 08:21</div>"
        f"<div class='content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
        "<div><a href='/u/someone'>许意墨</a><p>写得好，学习了</p></div>"
    )
    assert extract_page(html).authors == []


def test_hong_kong_writer_label_under_the_headline():
    # HK01 and Ming Pao credit the writer as `撰文：X` above the publish and update times.
    html = page(
        "<h1>如何用Python写一个延迟调用</h1><div class='author'><span>撰文：陳大文</span></div>"
        "<div><time>發佈日期：2024-03-05 08:21</time> <time>更新日期：2024-03-05 10:00</time></div>"
        f"<div class='content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert (art.authors, art.published_at) == (["陳大文"], "2024-03-05T08:21:00+08:00")


def test_meta_author_shown_under_the_headline_is_the_author():
    # A WeChat post: `<meta name="author">` holds the writer, shown again in the meta list
    # under the headline beside the account's name; the date is only a script stamp.
    meta = "<meta name='author' content='张三'>"
    shown = "<div id='meta_content'><span class='rich_media_meta_text'>原创</span> <span class='rich_media_meta_text'>张三</span> <a id='js_name'>某市发布</a></div>"
    body = f"<div id='js_content'><section><p>{PARA}</p><p>{PARA}</p></section></div><script>var ct = \"1709598060\";</script>"
    html = f"<html><head><meta charset='utf-8'>{meta}<title>某县召开推进会</title></head><body><h1>某县召开推进会</h1>{{}}{body}</body></html>"
    assert extract_page(html.format(shown).encode()).authors == ["张三"]
    # the tag alone (a CMS filling it with an uploader's name) names nobody
    assert extract_page(html.format("<div>某市发布</div>").encode()).authors == []


@pytest.mark.parametrize(
    "info",
    [
        # Tencent's old template: the outlet in `a_source` without a 来源 label.
        "<div class='a_Info'><span class='a_catalog'><a>国内新闻</a></span><span class='a_source'>"
        "<a href='http://www.dahe.cn'>大河报</a></span><span class='a_time'>2024-03-05 08:21</span></div>",
        # China Times: the time, the reporter, then the outlet in `div.source`, each on its own.
        "<div class='meta-info'><time><span class='hour'>08:21</span> <span class='date'>2024/03/05</span></time>"
        "<div class='author'>巫其倫</div><div class='source'>大河报</div></div>",
    ],
)
def test_unlabelled_outlet_in_a_source_element_under_the_headline(info):
    html = page(
        f"<h1>如何用Python写一个延迟调用</h1>{info}<div class='content'><p>{PARA}</p><p>{PARA}</p></div>"
        "<div class='hot'><span class='source'>新华网</span></div>"
    )
    assert extract_page(html).source == "大河报"


def test_source_element_past_the_text_is_not_the_outlet():
    # A county portal: a news list after the text gives each item's outlet in `span.source`.
    html = page(
        f"<h1>如何用Python写一个延迟调用</h1><div>2024-03-05 08:21</div><div class='content'><p>{PARA}</p>"
        f"<p>{PARA}</p></div><ul class='list'><li><a>另一条新闻</a><span class='source'>新华网</span></li></ul>"
    )
    assert extract_page(html).source is None


def weibo_post(name: str) -> bytes:
    """A Weibo post page (weibo.com's hashed classes): no headline element, the `<title>` a
    cut teaser of the post's `【…】` lead, the poster's card (avatar link, then name link to
    `/u/ID`) above the post text, commenters' links below it."""
    lead = "【某市出台优化营商环境若干措施】"
    return (
        "<html><head><meta charset='utf-8'><title>【某市出台优化营商... - 微博</title></head><body>"
        "<div class='Frame_top_2ybWw'><a href='/u/5555'>月落长安</a></div><article class='Main_wrap_2GRrG'>"
        "<header><a href='/u/1618051664'><img></a><div class='head_main_3DRDm'>"
        f"<a class='head_name_24eEB' href='/u/1618051664'><span title='{name}'>{name}</span></a>"
        "<a class='head-info_time_6sFQg' href='/1618051664/Oe6wIynDn'> 24-3-5 08:21 </a></div></header>"
        f"<div class='detail_wbtext_4CRf9'>{lead}{PARA}<br><br>{PARA}</div></article>"
        f"<div class='wbpro-list'><a href='/u/777'>路人甲</a>:<span>说得对</span></div></body></html>"
    ).encode()


def test_weibo_poster_card_above_a_headline_less_post():
    news = extract_page(weibo_post("头条新闻"))  # a news account is the source
    assert (news.title, news.source, news.authors) == ("某市出台优化营商环境若干措施", "头条新闻", [])
    assert extract_page(weibo_post("城南老张")).authors == ["城南老张"]  # a person is the author


@pytest.mark.parametrize("account", ["某县发布", "码农小王"])
def test_account_link_in_a_media_card_is_not_the_author(account):
    # Tencent News (new template): the account's name links to its author page (`/omn/author/…`)
    # in the `media-name` element beside the time; the account is the source, not a writer.
    html = page(
        "<h1>如何用Python写一个延迟调用</h1><div class='media-info'>"
        f"<a class='media-name' href='/omn/author/5124'>{account}</a><span class='media-time'>2024-03-05 08:21</span></div>"
        f"<div class='content-article'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert (art.authors, art.source) == ([], account)


@pytest.mark.parametrize(
    "card",
    [
        "<span class='author-name'>某县发布</span>",  # Toutiao's card, its class named
        "<span class='x1a2'><a href='/c/user/token/MS4wLjAB/'>某县融媒</a></span>",  # hashed classes
    ],
)
def test_government_release_account_is_the_source_not_the_author(card):
    # Toutiao: a county's release account beside the post time, as many government posts show.
    html = page(
        f"<h1>如何用Python写一个延迟调用</h1><div class='meta'><span>2024-03-05 08:21</span>{card}</div>"
        f"<div class='content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    assert extract_page(html).authors == []


@pytest.mark.parametrize(
    ("opening", "outlet"),
    [
        ("（中央社記者巫其倫台北5日電）", "中央社"),  # CNA
        ("新华社北京3月5日电（记者 李华）", "新华社"),
        ("央广网北京3月5日消息（记者 李华）", "央广网"),
        ("大河报讯（记者 李华）", "大河报"),
        ("本报讯（记者 李华）", None),  # `本报` names no outlet
    ],
)
def test_the_outlet_opening_a_dateline_is_the_source(opening, outlet):
    # A page with no 来源 label whose text opens with the wire's or paper's dateline.
    html = page(
        f"<h1>如何用Python写一个延迟调用</h1><div class='time'>2024-03-05 08:21</div>"
        f"<div class='content'><p>{opening}{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    assert extract_page(html).source == outlet


def test_a_source_label_beats_the_datelines_outlet():
    # A portal reprinting a wire story: its own `来源：` label names the paper it took it from.
    html = page(
        f"<h1>如何用Python写一个延迟调用</h1><div class='info'>2024-03-05 08:21 来源：大河报</div>"
        f"<div class='content'><p>新华社北京3月5日电（记者 李华）{PARA}</p><p>{PARA}</p></div>"
    )
    assert extract_page(html).source == "大河报"


def test_column_credit_in_lenticular_brackets_names_the_author_without_class_names():
    # A guancha-style column with hashed class names: the author card above the date line
    # says nothing by its classes; the body opens with `【文/观察者网专栏作者 王文】`.
    html = page(
        "<h3>如何用Python写一个延迟调用</h3>"
        "<ul class='x7kq2'><li><a href='../WangWen'><img alt='王文'></a>"
        "<p><a href='../WangWen'>王文</a><span>中国人民大学重阳金融研究院执行院长</span></p></li></ul>"
        "<div class='x9f3a'><span>2019-09-07 09:25:09</span><span>来源：观察者网</span></div>"
        f"<div class='xq81m'><p>【文/观察者网专栏作者 王文】</p><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert art.authors == ["王文"]


def test_personal_name_over_the_date_line_is_the_author_without_class_names():
    # A forum post of an SPA forum (nanshengbbs) with hashed class names: avatar, the poster's
    # name in a link without href, then the post time and the read count.
    html = page(
        "<h1 class='xp1'>如何用Python写一个延迟调用</h1>"
        "<div class='xq2'><span><img src='/a.png'></span><div class='xr3'><div><a target='_blank'>"
        "<span>马亮南生 </span><img src='/Lv6.svg'></a></div>"
        "<div><span> 2023-02-28 17:31:30 </span><span> 阅读 5605 </span></div></div></div>"
        f"<div class='xs4'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert art.authors == ["马亮南生"]


@pytest.mark.parametrize(("account", "source"), [("IT之家", "IT之家"), ("加拿大必读", None)])
def test_account_over_the_date_line_is_the_source_when_outlet_shaped(account, source):
    # A Baijiahao-style header with hashed class names: the account's name over the
    # `发布时间` line. An outlet's name is the source; a name that may be a person's or an
    # account's (`加拿大必读`) is neither author nor source.
    html = page(
        "<div class='xa1'><h2>如何用Python写一个延迟调用</h2></div>"
        f"<div class='xb2'><div class='xc3'><img src='/a.jpeg'></div><div class='xd4'><p class='xe5'>{account}</p>"
        "<div class='xf6'><span>发布时间：09-30</span><span>22:46</span><span>青岛软媒网络科技有限公司</span>"
        "</div></div></div>"
        f"<div class='xg7'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert art.authors == []
    assert art.source == source


def test_a_script_between_question_and_answer_card_does_not_end_the_header():
    # A Baidu Zhidao answer with hashed class names: an inline script (its comments in
    # Chinese) stands between the question and the answerer's card; it is no text a reader
    # sees, so the answerer's link to `usercenter?uid=…` is still read.
    script = (
        "// 导航可用时间，记录页面首屏加载完成的时刻，用于统计性能数据，请勿删除这一段代码。\n"
        "window.iPerformance && window.iPerformance.mark('c_nav', +new Date);"
    )
    html = page(
        "<h1>如何用Python写一个延迟调用</h1>"
        f"<script>{script}</script>"
        "<div class='xm1'><a href='https://zhidao.example.com/usercenter?uid=f702&amp;role=pgc'>"
        "<span>青灯教育笔记</span></a><br><span><span>2021-10-19</span><span>·</span>"
        "<span>娱乐领域创作者</span></span></div>"
        f"<div class='xn2'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert art.authors == ["青灯教育笔记"]


def test_author_classes_are_looked_for_after_the_headline_only() -> None:
    from newsclean.extract.html import parse_html
    from newsclean.extract.page_people import card_names, names_classed_after

    def heading(body: str):
        return parse_html(f"<html><body>{body}</body></html>").find(".//h1")

    before = heading('<div class="author-name">李华</div><h1>标题</h1><div class="text">正文</div>')
    inside = heading('<h1>标题<span id="Writer">李华</span></h1><p class="text">正文</p>')
    after = heading('<div><h1>标题</h1></div><div class="info"><span class="Author-Name">李华</span></div>')
    account = heading('<h1>标题</h1><p id="js_name">某某科技</p>')
    assert not names_classed_after(before) and card_names(before) == (None, None)
    assert not names_classed_after(inside) and card_names(inside) == (None, None)
    assert names_classed_after(after) and card_names(after) == ("李华", None)
    assert names_classed_after(account) and card_names(account) == (None, "某某科技")


def test_opening_credits_in_a_bracket_and_after_the_outlet_s_name():
    # Layouts: city and county portals' text opening with its credits: `【某某日报记者 张三】`,
    # `某某网讯 记者张三报道：` (the name glued to 报道), and a broadcaster's
    # `央视网消息（新闻联播）：` with its colon; `【记者手记】` is a column's label, no credit.
    for lead, authors in (
        ("【某某日报记者 张三】", ["张三"]),
        ("某某网讯 记者张三报道：", ["张三"]),
        ("央视网消息（新闻联播）：", []),
        ("【记者手记】", []),
    ):
        html = page(
            f"<h1>某县召开经济运行分析会</h1><div class='content'><p>{lead}{PARA}</p><p>{PARA}</p></div>"
        )
        art = extract_page(html)
        assert art.authors == authors, lead
        assert art.body[0] in (PARA, lead + PARA), lead
        assert not art.body[0].startswith("："), lead
