"""The generic adapter on small pages built after real layouts of sites it has no adapter for.

Each page below is our own, written after a layout seen on real pages: a title in a
`div.title-text` with the `<title>` adding a column name (股市 portals), a WeChat-style post
whose date is only a script time stamp, a Baidu-style page whose full date is in
`<meta itemprop=dateUpdate>`, an article followed by a longer disclaimer, and a page hiding
elements with `display:none`.
"""

from __future__ import annotations

import pytest

from newsclean.ingest.pipeline import extract_page

PARA = "今日,某市召开新闻发布会,介绍了今年以来的经济运行情况,各项指标稳中向好,发展质量持续提升。"


def page(body: str, head: str = "<title>栏目--标题</title>") -> bytes:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def test_title_is_the_element_the_page_title_contains():
    html = page(
        f"<div class='page_art_title'><div class='title-text'>最新出炉的经济运行报告发布</div>"
        f"<div class='title-meta-time'>发布时间:2019-09-26 10:09:11</div></div>"
        f"<div class='page_art_content'>{PARA * 4}</div>",
        head="<title>明日股市预测--最新出炉的经济运行报告发布</title>",
    )
    art = extract_page(html, url="https://example.com/a/1.html")
    assert art.title == "最新出炉的经济运行报告发布"
    assert art.published_at == "2019-09-26T10:09:11+08:00"


def test_date_from_a_script_time_stamp_and_from_itemprop_meta():
    wechat = page(
        f"<h1>三星发布新一代旗舰手机</h1><div id='js_content'><section><p>{PARA}</p>"
        f'<p>{PARA}</p></section></div><script>var ct = "1581517074";</script>',
        head="<title>三星发布新一代旗舰手机</title>",
    )
    assert extract_page(wechat).published_at == "2020-02-12T22:17:54+08:00"
    baidu = page(
        f"<h2>英国美女转行当美人鱼</h2><div class='article-content'><p>{PARA}</p><p>{PARA}</p></div>",
        head="<title>英国美女转行当美人鱼</title><meta itemprop='dateUpdate' content='2019-10-08 12:00:57'>",
    )
    assert extract_page(baidu).published_at == "2019-10-08T12:00:57+08:00"


def test_the_text_next_to_the_headline_beats_a_longer_block_far_below():
    filler = "".join(f"<div><a href='/x/{i}'>栏目链接{i}</a></div>" for i in range(300))
    disclaimer = (
        "【免责声明】本文仅代表作者本人观点,与本网无关。本网对文中陈述、观点判断保持中立,请读者仅作参考。" * 3
    )
    html = page(
        f"<h1>交通运输部着力打造区域交通网络</h1><div class='box'><p>{PARA * 2}</p></div>"
        f"{filler}<div class='footer'><p>{disclaimer}</p></div>",
        head="<title>交通运输部着力打造区域交通网络_新闻</title>",
    )
    art = extract_page(html)
    assert art.body == [PARA * 2]


def test_hidden_elements_are_not_body():
    html = page(
        f"<h1>标题在这里的一篇新闻</h1><div class='content'><p style='display: none'>原标题:隐藏的旧标题,"
        f"不应出现在正文里面。</p><p>{PARA}</p><p>{PARA}</p></div>",
        head="<title>标题在这里的一篇新闻</title>",
    )
    art = extract_page(html)
    assert art.body == [PARA, PARA]


def story(n: int) -> str:
    return "".join(
        f"<p>第{n}篇报道的第{i}段,记者在现场看到,群众积极参与活动,场面十分热烈,各项工作有序推进。</p>"
        for i in range(4)
    )


def test_multi_story_page_gives_the_story_under_the_matching_heading():
    # an e-paper page view: several stories, each an h2 and its paragraphs, in one column
    stories = "".join(f"<h2 class='art'>版面第{n}条新闻标题在此</h2>{story(n)}" for n in (1, 2, 3))
    html = page(f"<div class='paper'>{stories}</div>", head="<title>版面第2条新闻标题在此-数字报</title>")
    art = extract_page(html)
    assert art.title == "版面第2条新闻标题在此"
    assert art.body and all(p.startswith("第2篇") for p in art.body)


def test_forum_thread_gives_the_first_post():
    posts = "".join(
        f"<div class='post'><div class='author'>用户{n}</div><div class='message'>{story(n)}</div></div>"
        for n in (1, 2, 3)
    )
    html = page(
        f"<h1>论坛帖子的标题在这里</h1><div class='thread'>{posts}</div>",
        head="<title>论坛帖子的标题在这里 - 某某论坛</title>",
    )
    art = extract_page(html)
    assert art.body and all(p.startswith("第1篇") for p in art.body)


def test_a_cms_author_field_yields_to_the_byline():
    # chinanews-style meta: the CMS 作者 field holds the editor; the dateline names the reporter
    meta = "<div>2020-07-04 12:10:24 来源:中国新闻网 作者:李骏 责任编辑:李骏</div>"
    html = page(
        f"<h1>这是一条新闻的标题</h1>{meta}<div class='left_zw'><p>中新网北京7月4日电 (记者 王梦瑶){PARA}</p>"
        f"<p>{PARA}</p></div>",
        head="<title>这是一条新闻的标题-中新网</title>",
    )
    assert extract_page(html).authors == ["王梦瑶"]
    alone = page(
        f"<h1>这是一条新闻的标题</h1><div>2020-11-23 10:22:14 出处:快科技 作者:宪瑞 编辑:宪瑞</div>"
        f"<div class='news'><p>{PARA}</p><p>{PARA}</p></div>",
        head="<title>这是一条新闻的标题</title>",
    )
    assert extract_page(alone).authors == ["宪瑞"]


def test_story_in_a_slideshow_list_is_read_from_the_line_blocks():
    # iFeng's 2011 photo-story template: the story is a `<dd>` of a `<dl class=slideBigShow>`
    # beside a caption and a list of linked photo sets that make every `div` around it a
    # link list
    caption = "<div class='pic'><img src='1.jpg'><p>图注：从左至右 导演与演员(图片来源：本网)</p></div>"
    thumbs = "".join(
        f"<li><a href='/s/{i}'><img src='{i}.jpg'>高清组图：明星出席电影首映礼{i}</a></li>" for i in range(30)
    )
    html = page(
        f"<div class='slidemain'><div class='slidePic'><div class='left'>{caption}"
        f"<dl class='slideBigShow'><dt>组图：演员来华</dt><dd>{PARA}{PARA}<br>{PARA}</dd></dl>"
        f"<ul>{thumbs}</ul></div></div></div>",
        head="<title>演员来华_娱乐频道</title>",
    )
    art = extract_page(html)
    assert PARA * 2 in art.body and PARA in art.body


def test_paragraphs_wrapped_in_divs_of_their_own_are_one_story():
    # NetEase's 2020 template: inside `div#endText` every paragraph is a `<div><p>` of its own
    paras = [f"第{n}段。{PARA}{PARA}" for n in range(6)]
    wrapped = "".join(f"<div><p>{p}</p></div>" for p in paras)
    html = page(
        f"<h1>国务院联防联控机制印发通知</h1><div id='endText'><p>（原标题：通知）</p>{wrapped}</div>",
        head="<title>国务院联防联控机制印发通知_网易新闻</title>",
    )
    assert extract_page(html).body[-6:] == paras


def test_q_and_a_frame_gives_the_answer_not_the_replies_around_it():
    # Baidu Zhidao's template: one frame div holds the question, share widgets, and answer
    # units (user, time, 采纳数/获赞数, text as `<li><p>`, 你对这个回答的评价是？, 评论);
    # the question and similar questions stand in the frame as text, so that only the
    # frame is a text container
    def unit(user: str, day: str, text: str) -> str:
        return (
            f"<div class='answer'><div>{user}</div><div>{day}</div><div>采纳数：12 获赞数：30</div>"
            f"<ul>{text}</ul><div>你对这个回答的评价是？</div><div>评论</div><div>收起</div>"
            "<div>举报</div><div>点赞 30</div></div>"
        )

    answer = [f"第{n}点，{PARA}" for n in range(4)]
    chrome = "".join(
        f"<div>{w}</div>" for w in ("分享", "复制链接", "新浪微博", "举报", "3个回答", "关注问题")
    )
    others = "".join(unit(f"网友{n}", f"2021-10-{n + 10}", "<li>同意楼上。</li>") for n in range(3))
    ask = "我身边有些朋友已经很有钱了，为什么还要每天那么努力地工作呢？"
    similar = "".join(
        f"<div>有钱人为什么还要每天上班工作{n}？</div><div>2023-0{n + 1}-01</div>" for n in range(6)
    )
    html = page(
        f"<div class='layout-wrap'><h1>为什么有些人还努力工作？</h1>{chrome}<div>{ask}</div>"
        + unit("回答者", "2021-10-19", "".join(f"<li><p>{p}</p></li>" for p in answer))
        + f"{others}{similar}</div>",
        head="<title>为什么有些人还努力工作？_百度知道</title>",
    )
    assert extract_page(html).body[-4:] == answer


def test_a_bulletin_keeps_its_section_heads_and_one_line_per_table_row():
    # a city statistics bulletin (统计公报) in a TRS_Editor div: numbered section heads as bold
    # paragraphs and a data table between paragraphs; a layout table around it is not data
    rows = "".join(f"<tr><td>指标{i}</td><td>{i * 100}</td><td>{i}.5%</td></tr>" for i in range(1, 4))
    html = page(
        "<table><tr><td><div class='nav'><a href='/'>首页</a></div></td><td>"
        "<h1>2023年某市国民经济和社会发展统计公报</h1><p>发布时间：2024-03-05 08:21 来源：市统计局</p>"
        f"<div class='TRS_Editor'><p>{PARA}</p><p><strong>一、综合</strong></p><p>{PARA}</p>"
        f"<table><tr><th>指标</th><th>绝对数</th><th>增长</th></tr>{rows}</table>"
        f"<p><strong>二、农业</strong></p><p>{PARA}</p></div></td></tr></table>",
        head="<title>2023年某市国民经济和社会发展统计公报_某市人民政府</title>",
    )
    assert extract_page(html).body == [
        PARA,
        "一、综合",
        PARA,
        "指标 | 绝对数 | 增长",
        "指标1 | 100 | 1.5%",
        "指标2 | 200 | 2.5%",
        "指标3 | 300 | 3.5%",
        "二、农业",
        PARA,
    ]


def test_a_doubtful_container_gets_a_second_opinion():
    # a county portal: the story sits in a `<dd>` among link lists that make every element
    # around it a link list, so the only text container left is the footer's notice
    links = "".join(f"<li><a href='/n/{i}'>本地新闻标题第{i}条链接文字</a></li>" for i in range(40))
    notice = (
        "本网站所刊登的各种新闻、信息和各种专题专栏资料，均为本站版权所有，未经协议授权禁止下载使用。" * 2
    )
    story = [f"第{n}部分，{PARA}" for n in range(4)]
    html = page(
        f"<h1>某县召开经济工作会议</h1><ul>{links}</ul><dl><dd>{'<br>'.join(story)}</dd></dl>"
        f"<ul>{links}</ul><div class='bottom'>{notice}</div>",
        head="<title>某县召开经济工作会议_某县人民政府</title>",
    )
    art = extract_page(html)
    assert art.body == story
    assert art.extractor == "generic/1 (line blocks)"
    assert "body: second opinion among container, line blocks, trafilatura" in art.warnings


def test_copies_of_the_text_count_once():
    # an SPA forum post (mavon-editor layout): the markdown source in a `pre`, its rendered
    # preview and a read-mode copy, all in one app section with the menu and the comments;
    # counted three times, the text made the whole app the article
    paras = [f"第{n}点，{PARA}" for n in range(4)]
    source = "".join(f"> **{p}**\n" for p in paras)
    rendered = "".join(f"<blockquote><p>{p}</p></blockquote>" for p in paras)
    menu = "".join(f"<li><a href='/{w}'>{w}</a></li>" for w in ("首页", "话题", "标签", "关于"))
    comments = "".join(
        f"<li><div>用户{n}</div><div>2023-02-28 17:31:30</div><p>我喜欢这个设计理念！</p></li>"
        for n in range(3)
    )
    html = page(
        f"<div id='app'><section class='layout'><ul class='menu'>{menu}</ul><section class='detail'>"
        f"<div class='title'>南生运营的理念</div><div class='article-content'><div class='panel'>"
        f"<div class='edit'><div class='input'><pre>{source}</pre></div></div>"
        f"<div class='show'><div class='show-content'>{rendered}</div></div></div>"
        f"<div class='read-model'><div class='read-content'>{rendered}</div></div></div>"
        f"<div class='comment'><ul>{comments}</ul></div></section></section></div>",
        head="<title>南生运营的理念 - 南生论坛</title>",
    )
    assert extract_page(html).body == paras


GOV_FOOTER = (
    "<div class='footer'><p><a href='/map'>网站地图</a> | <a href='/about'>联系我们</a></p>"
    "<p>主办单位：某市人民政府办公室　承办单位：某市大数据发展管理局</p>"
    "<p>地址：某市某区人民路1号　邮编：100000　联系电话：0000-12345678</p>"
    "<p>网站标识码：1100000001　某ICP备05012345号　某公网安备 11000002000001号</p>"
    "<p>为确保最佳浏览效果，建议您使用1366×768分辨率，使用IE9以上版本浏览器浏览本网站。</p></div>"
)


def gov_page(title: str, paras: list[str], wrapper: tuple[str, str] = ("", "")) -> bytes:
    """A city government portal's page: a link bar, the article (headline, date line,
    paragraphs, inside the `wrapper`'s opening and closing tags) and the footer notice."""
    article = "".join(f"<p>{p}</p>" for p in paras).join(wrapper)
    return page(
        "<div class='header'><a href='/'>首页</a> <a href='/zwgk'>政务公开</a></div>"
        f"<div class='article'><h1>{title}</h1><p class='time'>2024-03-05</p>{article}</div>{GOV_FOOTER}",
        head=f"<title>{title}_某市人民政府</title>",
    )


def test_an_article_beside_a_footer_notice_is_not_a_column_of_wrapped_paragraphs():
    # a city government portal: the article div and the footer's notice paragraphs (主办单位,
    # 地址, 网站标识码) both stand under `<body>`; the body is not one story made of the two
    paras = [f"第{n}部分，{PARA}" for n in range(5)]
    assert extract_page(gov_page("某市召开全市经济工作会议", paras)).body == paras


def test_numbered_section_heads_like_the_headline_do_not_split_the_document():
    # a statistics bulletin whose headline and section heads (一、综合, 二、农业 …) are all
    # `<h2>` siblings of the paragraphs: one document, not an e-paper page of stories
    heads = ["一、综合", "二、农业", "三、工业和建筑业"]
    body = [PARA, *(line for head in heads for line in (head, f"{head[2:]}方面，{PARA}"))]
    html = page(
        "<div class='detail'><h2>2023年某市国民经济和社会发展统计公报</h2><p class='time'>2024-03-05</p>"
        + "".join(f"<h2>{line}</h2>" if line in heads else f"<p>{line}</p>" for line in body)
        + "</div>",
        head="<title>2023年某市国民经济和社会发展统计公报_某市人民政府</title>",
    )
    assert extract_page(html).body == body


def test_a_word_table_row_is_one_line_though_each_cell_holds_a_paragraph():
    # a statistics bulletin's table pasted from a word processor: every cell's text is
    # wrapped in `<p class=MsoNormal><span>…</span></p>`; a cell of two paragraphs is layout
    from newsclean.extract.html import parse_html, render_lines
    from newsclean.extract.text import ROW_MARK

    rows = [("指标", "单位", "绝对数"), ("地区生产总值", "亿元", "12345.6"), ("第一产业", "亿元", "567.8")]
    table = "<table class='MsoNormalTable'>" + "".join(
        "<tr>" + "".join(f"<td><p class='MsoNormal'><span>{cell}</span></p></td>" for cell in row) + "</tr>"
        for row in rows
    )
    notes = "<tr><td><p>注：</p><p>数据为初步核算数。</p></td><td><p>单位</p></td></tr></table>"
    html = page(
        f"<h1>2023年某市统计公报</h1><div class='TRS_Editor'><p>{PARA}</p><p>{PARA}</p>{table}{notes}"
        f"<p>{PARA}</p></div>",
        head="<title>2023年某市统计公报_某市统计局</title>",
    )
    lines = ["指标 | 单位 | 绝对数", "地区生产总值 | 亿元 | 12345.6", "第一产业 | 亿元 | 567.8"]
    assert extract_page(html).body == [PARA, PARA, *lines, "注：", "数据为初步核算数。", "单位", PARA]
    rendered = [line.lstrip(ROW_MARK) for line in render_lines(parse_html(html).find(".//table"))]
    assert rendered == [*lines, "注：", "数据为初步核算数。", "单位"]


def test_a_cms_element_of_its_own_holds_the_article():
    # a UCAP-built government site: the paragraphs stand in a `<ucapcontent>` element, which
    # no list of HTML tags names; only the footer notice was left as a text container
    paras = [f"第{n}条，{PARA}" for n in range(4)]
    html = gov_page(
        "关于印发某市2024年重点工作任务的通知", paras, ("<div><ucapcontent>", "</ucapcontent></div>")
    )
    assert extract_page(html).body == paras


def test_a_metadata_table_above_the_title_is_not_body():
    # a 政府信息公开 page: the article div holds the metadata table (索引号, 发布机构, 发文日期 as
    # label and value cells) above the headline; a county site's date line stands in a row
    # of its own in a layout table
    title = "关于做好2024年春季农业生产工作的通知"
    fields = (
        ("索引号：", "113501000035/2024-00123", "发布机构：", "某市农业农村局"),
        ("发文日期：", "2024-03-05", "主题分类：", "农业"),
        ("内容概述：", title),
    )
    table = (
        "<table>"
        + "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in fields)
        + "</table>"
    )
    paras = [f"第{n}条，{PARA}" for n in range(4)]
    html = gov_page(title, paras, (f"<div class='con'>{table}<h2>{title}</h2>", "</div>"))
    assert extract_page(html).body == paras
    dated = page(
        f"<table><tr><td><b>{title}</b></td></tr><tr><td>时间：2024-03-20　来源：县农业农村局</td></tr>"
        f"<tr><td>{'<br>'.join(paras)}</td></tr></table>",
        head=f"<title>{title}</title>",
    )
    art = extract_page(dated)
    assert art.body == paras
    assert art.source == "县农业农村局"


def test_paragraphs_in_rows_of_a_layout_table_are_one_story():
    # a county site built with a layout table: the headline, the date line and every
    # paragraph stand in a row of their own (`<tr><td><p>…</p></td></tr>`); the body came
    # out as one paragraph, the last
    title = "某县2023年国民经济和社会发展统计公报"
    paras = [f"第{n}部分，{PARA}{PARA}" for n in range(5)]
    rows = "".join(f"<tr><td class='zw'><p>{p}</p></td></tr>" for p in paras)
    html = page(
        f"<table><tr><td><table><tr><td><b>{title}</b></td></tr><tr><td>发布时间：2024-03-20</td></tr>"
        f"{rows}</table></td></tr></table>",
        head=f"<title>{title}_某县人民政府</title>",
    )
    assert extract_page(html).body == paras


def test_a_container_with_no_running_text_yields_to_the_line_blocks():
    # the same layout with short paragraphs: no cell holds enough text to be a container, and
    # the only container left is the footer's notice (主办单位, 地址: no sentence in it)
    title = "某县召开2024年春季农业生产工作会议"
    paras = [f"第{n}项，{PARA}" for n in range(5)]
    rows = "".join(f"<tr><td><p>{p}</p></td></tr>" for p in paras)
    html = page(
        f"<table><tr><td><b>{title}</b></td></tr>{rows}</table>{GOV_FOOTER}",
        head=f"<title>{title}_某县人民政府</title>",
    )
    art = extract_page(html)
    assert art.body == paras
    assert art.extractor == "generic/1 (line blocks)"


def test_hidden_text_inside_the_article_is_not_read():
    # a hidden teaser paragraph and an anti-copy watermark span (display:none) inside the
    # article's paragraphs, as portals insert them; a GIF player's hidden overlay words
    html = page(
        f"<h1>标题在这里的一篇新闻</h1><div class='content'><p>{PARA}</p>"
        "<p style='display:none'>这是一段隐藏的摘要文字，页面并不显示它。</p>"
        f"<p>第二段，<span style='display: none'>本文来自某某网</span>{PARA}</p>"
        "<div class='gif'><span style='visibility:hidden'>GIF 重新加载 加载中</span></div></div>",
        head="<title>标题在这里的一篇新闻</title>",
    )
    assert extract_page(html).body == [PARA, f"第二段，{PARA}"]


def test_text_kept_for_screen_readers_is_not_read():
    # a CSDN markdown post: each KaTeX formula is an assistive copy (span.katex-mathml: the
    # MathML and its TeX source, clipped from view) beside the rendering readers see
    # (span.katex-html); a theme's skip link in span.screen-reader-text
    formula = (
        "<span class='katex'><span class='katex-mathml'>\n  x\n  +\n  1\n  x+1\n</span>"
        "<span class='katex-html' aria-hidden='true'><span class='mord'>x</span>"
        "<span class='mbin'>+</span><span class='mord'>1</span></span></span>"
    )
    html = page(
        "<a class='screen-reader-text' href='#content'>跳至内容</a><h1>微积分入门的一篇文章</h1>"
        f"<div class='markdown'><p>这不就是一个 {formula} 吗？{PARA}</p><p>{PARA}</p></div>",
        head="<title>微积分入门的一篇文章</title>",
    )
    assert extract_page(html).body == [f"这不就是一个 x+1吗？{PARA}", PARA]


def test_a_code_block_with_arrows_and_template_strings_is_body():
    # a Juejin post: a highlight.js code block whose comments draw arrows (`target --> Map`)
    # and whose code holds a template string (`${key}`); comment debris is told by its shape
    code = "// targetMap 储存了 target --> Map --> key --> dep\nconst name = `${key}`\ntrack(target, key)"
    html = page(
        f"<h1>vue3中effect与computed的关系</h1><div class='article'><p>{PARA}</p>"
        f"<pre><code class='hljs js'>{code}</code></pre><p>{PARA}</p></div>",
        head="<title>vue3中effect与computed的关系 - 掘金</title>",
    )
    assert extract_page(html).body == [PARA, code, PARA]


def test_disclosure_fields_listed_above_the_title_are_not_body():
    # a newer 政府信息公开 template: the catalogue record is a list of labelled fields
    # (索引号：…, 发布机构：…, 文号：…) inside the article's container, above the headline
    title = "关于做好2024年春季农业生产工作的通知"
    fields = (
        "索引号：113501000035/2024-00123",
        "发布机构：某市农业农村局",
        "文号：某农〔2024〕5号",
        "有效性：有效",
    )
    listed = "".join(f"<li>{field}</li>" for field in fields)
    paras = [f"第{n}条，{PARA}" for n in range(4)]
    html = gov_page(title, paras, (f"<div class='con'><ul>{listed}</ul><h2>{title}</h2>", "</div>"))
    assert extract_page(html).body == paras


def test_a_bar_of_bracketed_widgets_after_a_short_text_is_not_body():
    # Government CMS pages (TRS, 政府网站集约化平台) close the text with `【打印本页】【关闭窗口】`
    # or `[收藏] [打印] [纠错]`; a one-paragraph photo story keeps only its paragraph.
    for bar in ("【打印本页】【关闭窗口】", "[收藏] [打印] [我要纠错] [关闭]", "【字体：大 中 小】【打印】"):
        html = page(
            "<div class='article'><div class='title'>某县召开全县经济工作会议</div>"
            "<div class='info'>发布时间：2024-01-20</div>"
            f"<div class='TRS_Editor'><p><img src='a.jpg'></p><p>{PARA}</p></div>"
            f"<div class='print'>{bar}</div></div>"
        )
        assert extract_page(html).body == [PARA]


def test_a_short_story_above_a_longer_thread_of_replies():
    # A county news portal's story with its readers' floors below it, each floor a table
    # (`2楼 | 作者：路人0 | 2024-03-05`, then the reply): the replies hold more text than the
    # story, but a list of replies is never the article.
    story = (
        "<h1>某县重点项目集中开工</h1><div class='info'>2024-03-05 09:30</div>"
        f"<div class='content'><p>{PARA}</p><p>{PARA}</p></div>"
    )
    reply = "这个项目开工真是太好了，希望早日建成投产，带动我们当地的就业和经济发展，为家乡点赞加油！"
    floors = "".join(
        f"<table><tr><td>{i + 2}楼</td><td>作者：路人{i}</td><td>2024-03-05</td></tr>"
        f"<tr><td colspan=3>{reply}第{i}条</td></tr></table>"
        for i in range(12)
    )
    html = page(f"<div class='left'>{story}<div class='replies'>{floors}</div></div>")
    assert extract_page(html).body == [PARA, PARA]


def test_a_text_too_short_for_any_container_is_read_under_its_headline():
    # A county portal's video page: navigation, the player, then a one-paragraph description
    # too short for a container, a sidebar of headlines, the footer. The description alone is
    # the body (trafilatura's fallback put the headline and the date line after it).
    text = "3月5日上午，某县举行2024年重点项目集中开工仪式，共有32个项目集中开工，总投资86.5亿元。"
    nav = "".join(f"<a href='/c{i}'>栏目{i}名称</a>" for i in range(12))
    side = "".join(
        f"<li><a href='/n{i}'>某县第{i}次召开专题会议研究部署重点工作任务</a></li>" for i in range(15)
    )
    html = page(
        f"<div class='nav'>{nav}</div><div class='main'><div class='left'><h1>某县重点项目集中开工</h1>"
        "<div class='info'>2024-03-05 来源：某县网</div><div class='content'>"
        f"<div class='video'><video src='a.mp4'></video></div><p>{text}</p></div></div>"
        f"<div class='side'><h3>热点新闻</h3><ul>{side}</ul></div></div>"
        "<div class='foot'>主办：某县人民政府办公室 地址：某县人民路1号 电话：0371-12345678</div>"
    )
    assert extract_page(html).body == [text]


def county_story(before: str = "", after: str = "", info: str = "2024-03-05 来源：某县网") -> bytes:
    """A county portal's story: headline, info line, three paragraphs with a line before and
    after them in the text's container."""
    lines = "".join(f"<p>{line}</p>" for line in (before, PARA, PARA, PARA, after) if line)
    return page(
        f"<h1>某县召开全县经济工作会议</h1><div class='info'>{info}</div><div class='content'>{lines}</div>"
    )


@pytest.mark.parametrize(
    "notice",
    [
        "声明：本文来源于网络，仅供学习交流，如涉及版权问题请联系删除。",
        "本文为澎湃号作者或机构在澎湃新闻上传并发布，仅代表该作者或机构观点，不代表澎湃新闻的观点或立场。",
        "特别声明：以上内容为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。",
        "欢迎投稿，投稿邮箱：mxnews@163.com",
        "长按识别二维码关注我们",
        "扫码下载某县新闻客户端",
        "点赞(12) 收藏 评论(3)",
        "上一篇：某县召开会议 下一篇：某县举行活动",
        "关注该公众号",
        "欢迎关注我们！",
        "长按关注某县发布微信号",
        "不用抽 不用搶 現在用APP看新聞 保證天天中獎 點我下載APP",
    ],
)
def test_reprint_statements_app_prompts_and_neighbour_links_closing_the_text(notice):
    # Self-media and county pages close the text with a platform's statement, a prompt to
    # follow the account or get the app, reaction counters, or links to the previous and the
    # next story: none is body.
    assert extract_page(county_story(after=notice)).body == [PARA, PARA, PARA]


@pytest.mark.parametrize(
    "opening",
    [
        "点击上方蓝字关注我们",
        "↑点击上方“某县发布”关注我们",
        "阅读提示：本文约2000字，阅读需要5分钟",
        "收听本文",
        "视频加载中...",
        "00:00 / 03:12",
        "图片来源：视觉中国",
        "（图片来源于网络）",
        "自动播放 某县召开全县经济工作会议",
        "新品第一时间免费试玩，快来体验吧~！下载客户端还能获得专享福利哦！",
    ],
)
def test_follow_prompts_players_and_photo_credits_opening_the_text(opening):
    # WeChat-style posts open with a prompt to follow the account; media pages with a
    # player's labels; picture stories with a photo credit: none is body.
    assert extract_page(county_story(before=opening)).body == [PARA, PARA, PARA]


def test_a_reposted_from_label_names_the_source():
    # `本文转自：某县发布` opening a self-media repost names where the text comes from.
    art = extract_page(county_story(before="本文转自：某县发布", info="2024-03-05"))
    assert (art.source, art.body) == ("某县发布", [PARA, PARA, PARA])


def test_a_wechat_post_closing_with_its_source_and_a_follow_prompt():
    # After a WeChat official-account article saved from the browser: the story in
    # `#js_content` (hidden by style until the page's script shows it), a closing `来源：` and
    # `编辑：… 审核：…` line in it, the QR block's `微信扫一扫` / `关注该公众号` after it, the
    # date only in the script's `var ct`.
    texts = [
        PARA,
        "会议强调，要聚焦企业和群众办事的堵点难点，推动各项改革举措落地见效。",
        "县直有关单位主要负责同志参加会议。",
    ]
    paragraphs = "".join(f"<section><p><span>{text}</span></p></section>" for text in texts)
    html = (
        "<html><head><meta charset='utf-8'><title>某县召开全县经济工作会议</title></head><body>"
        "<div id='page-content'><h1 class='rich_media_title' id='activity-name'>某县召开全县经济工作会议</h1>"
        "<div id='meta_content'><span>张三</span> <a id='js_name'>某县发布</a> <em id='publish_time'></em></div>"
        f"<div class='rich_media_content' id='js_content' style='visibility: hidden;'>{paragraphs}"
        "<p style='text-align:center'><span>来源：某县融媒体中心</span></p><p>编辑：李四 审核：王五</p></div>"
        "<div class='rich_media_tool'>阅读 1024 在看 12</div></div>"
        "<div class='qr_code_pc'><p>微信扫一扫<br>关注该公众号</p></div>"
        '<script>var ct = "1709604060";</script></body></html>'
    ).encode()
    art = extract_page(html)
    assert art.body == texts
    assert (art.source, art.editor) == ("某县融媒体中心", "李四")
    assert art.published_at == "2024-03-05T10:01:00+08:00"


def test_a_sentence_about_an_app_closing_the_text_is_kept():
    # A story about a service app may end by telling readers to get it: a sentence, body.
    closing = "市民可下载“某县健康”APP预约挂号。"
    assert extract_page(county_story(after=closing)).body == [PARA, PARA, PARA, closing]


def test_a_related_reading_box_inside_the_text_does_not_end_it():
    # Portals insert a `相关阅读` box of headline links, or an ad labelled `广告`, between two
    # paragraphs of the story (sina, sohu, city portals): the story goes on after it.
    texts = [
        f"第{n}段：某市召开优化营商环境工作推进会，总结去年工作，安排部署今年重点任务。" for n in range(1, 7)
    ]
    box = "<div class='related'><h4>相关阅读</h4><ul>" + "".join(
        f"<li><a href='/n{i}.html'>某市第{i}次召开营商环境专题会议研究部署</a></li>" for i in range(4)
    )
    ad = "<div class='ad'><a href='/ad'><img src='ad.jpg'></a>广告</div>"
    paragraphs = [f"<p>{text}</p>" for text in texts]
    html = page(
        "<h1>某市召开优化营商环境工作推进会</h1><div class='info'>2024-03-05 08:21</div><div class='content'>"
        + "".join([*paragraphs[:3], box + "</ul></div>", *paragraphs[3:5], ad, *paragraphs[5:]])
        + "</div>"
    )
    assert extract_page(html).body == texts


def test_a_related_list_closing_the_text_still_ends_it():
    # the same box after the story, followed by the summaries of the stories it lists
    items = "".join(
        f"<li><a href='/n{i}.html'>某市第{i}次召开营商环境专题会议研究部署</a><p>{PARA}</p></li>"
        for i in range(3)
    )
    html = page(
        f"<h1>某市召开优化营商环境工作推进会</h1><div class='content'><p>{PARA}</p><p>{PARA}第二段。</p>"
        f"<div class='related'><h4>相关阅读</h4><ul>{items}</ul></div></div>"
    )
    assert extract_page(html).body == [PARA, PARA + "第二段。"]


def test_a_short_notice_keeps_its_signature():
    # A county government's 公示 too short for any container: one paragraph, an attachment
    # link, then the issuer and the date it was signed on lines of their own.
    text = "经笔试、面试、体检和考察，现将拟聘用人员名单予以公示，公示期为2024年3月5日至3月11日。"
    side = "".join(
        f"<li><a href='/n{i}'>某县第{i}次召开专题会议研究部署重点工作任务</a></li>" for i in range(15)
    )
    html = page(
        f"<div class='main'><h1>某县拟聘用人员公示</h1><div class='info'>发布时间：2024-03-05</div>"
        f"<div id='zoom'><p>{text}</p><p>附件：<a href='/f/1.docx'>名单.docx</a></p>"
        "<p style='text-align:right'>某县人力资源和社会保障局</p><p style='text-align:right'>2024年3月5日</p></div>"
        f"</div><div class='side'><h3>热点新闻</h3><ul>{side}</ul></div>"
    )
    assert extract_page(html).body == [text, "某县人力资源和社会保障局", "2024年3月5日"]


@pytest.mark.parametrize(
    "link",
    [
        "►延伸閱讀 北市停車費4月起調漲",  # ETtoday: a bulleted link line inside the story
        "延伸阅读：某市出台优化营商环境若干措施",  # portals: the lead-in and one headline
        "【延伸阅读】某市出台优化营商环境若干措施",
        "推荐阅读：某市出台优化营商环境若干措施",
    ],
)
def test_a_further_reading_link_line_inside_the_text_is_not_body(link):
    html = page(
        f"<h1>某市召开新闻发布会</h1><div class='story'><p>{PARA}</p><p>{PARA}</p>"
        f"<p>{link}</p><p>{PARA[:-1]}，会议还通报了下一步工作安排。</p></div>",
        head="<title>某市召开新闻发布会</title>",
    )
    body = extract_page(html).body
    assert body == [PARA, PARA, PARA[:-1] + "，会议还通报了下一步工作安排。"]


def test_answer_and_post_widgets_inside_the_text_are_not_body():
    # Baidu Zhidao: the best answer's fold button `展开全部` inside its text block; a Discuz!
    # post: an attached photo's card (`2024-3-5 08:20 上传`, `下载附件 (123.45 KB)`).
    zhidao = page(
        "<h1>老城区停车难怎么办？</h1><div class='best-text'><div class='wgt-best-mask'>展开全部</div>"
        f"{PARA}<br>{PARA}<br>{PARA}</div>",
        head="<title>老城区停车难怎么办？_百度知道</title>",
    )
    assert extract_page(zhidao).body == [PARA, PARA, PARA]
    discuz = page(
        f"<h1>老城区停车难怎么办？</h1><div class='t_f'>{PARA}<br />{PARA}<br />"
        "<ignore_js_op><img src='a.jpg'><div class='tip'><p>2024-3-5 08:20 上传</p>"
        f"<p><a>下载附件</a> <em>(123.45 KB)</em></p></div></ignore_js_op>{PARA}</div>",
        head="<title>老城区停车难怎么办？ - 某某论坛</title>",
    )
    assert extract_page(discuz).body == [PARA, PARA, PARA]
