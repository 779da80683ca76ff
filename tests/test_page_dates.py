"""Dates with their time (extract/page_meta.py, extract/dates.py) on small pages of our own,
each written after the real layout named in its test: the post's own date line wins over a
recommended item's date and an edit stamp, the time is kept whenever the page shows one, and
metadata in UTC is moved to China time.
"""

from __future__ import annotations

from newsclean.extract.dates import parse_date
from newsclean.ingest.pipeline import extract_page

PARA = "今日,某市召开新闻发布会,介绍了今年以来的经济运行情况,各项指标稳中向好,发展质量持续提升。"
ARTICLE = f"<div class='article'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"


def page(body: str, head: str = "") -> bytes:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def test_a_recommended_articles_date_loses_to_the_posts_own_line():
    # CSDN: `最新推荐文章于 …` (the newest recommended article) stands above `于 … 发布`
    html = page(
        "<h1 class='title-article'>为什么 ChatGPT 不火了？</h1>"
        "<div class='bar'><span class='time'>最新推荐文章于 2024-05-07 22:12:13 发布</span></div>"
        "<div class='bar'><a>A-肖老师</a> <span>于 2024-05-06 15:47:53 发布</span></div>" + ARTICLE,
        "<title>为什么 ChatGPT 不火了？-CSDN博客</title>",
    )
    assert extract_page(html).published_at == "2024-05-06T15:47:53+08:00"


def test_the_post_time_in_a_data_time_attribute_beats_a_recommended_date():
    # CSDN: the only visible line is the recommendation's; the span's data-time is the post's
    html = page(
        "<h1 class='title-article'>微积分入门（真的很入门）</h1><div class='bar'>"
        "<span class='time' data-time='2024-09-29 17:00:56'>最新推荐文章于 2025-04-29 18:28:01 发布</span>"
        "</div>" + ARTICLE,
        "<title>微积分入门（真的很入门）-CSDN博客</title>",
    )
    assert extract_page(html).published_at == "2024-09-29T17:00:56+08:00"


def test_a_blog_footer_post_stamp_gives_date_and_time():
    # cnblogs: the only date is the `posted @` line under the post, far below the title
    html = page(
        "<h1>对于Docker和Podman的一点使用经验</h1>" + ARTICLE * 3 + "<div class='postDesc'>posted @ "
        "<span id='post-date'>2024-05-09 14:45</span> 好看的hk 阅读(430) 评论(2)</div>",
        "<title>对于Docker和Podman的一点使用经验 - 好看的hk - 博客园</title>",
    )
    assert extract_page(html).published_at == "2024-05-09T14:45:00+08:00"


def test_an_answers_publish_stamp_beats_an_edit_stamp_used_when_alone():
    # Zhihu: `发布于` under an answer, `编辑于` when the post was edited (then it is all there is)
    edited = "<div class='ContentItem-time'>编辑于 2025-04-22 18:07・北京</div>"
    posted = "<div class='ContentItem-time'>发布于 2024-04-03 09:55・IP 属地重庆</div>"
    head = "<title>强化学习（RL）（从入门到PPO） - 知乎</title>"
    html = page("<h1>强化学习（RL）（从入门到PPO）</h1>" + ARTICLE * 3 + edited, head)
    assert extract_page(html).published_at == "2025-04-22T18:07:00+08:00"
    html = page("<h1>强化学习（RL）（从入门到PPO）</h1>" + ARTICLE * 3 + edited + posted, head)
    assert extract_page(html).published_at == "2024-04-03T09:55:00+08:00"


def test_a_two_digit_year_above_a_weibo_post():
    # Weibo: the post time `24-5-13 17:07` stands above the post whose 【…】 lead is the headline
    html = page(
        "<div class='head'>头条新闻</div><div class='time'>24-5-13 17:07</div>"
        f"<div class='detail'>【安徽阜阳一动物园20只东北虎死亡？官方：成立调查组进行全面调查】{PARA}{PARA}</div>",
        "<title>【安徽阜阳一动物园2... - @头条新闻的微博 - 微博</title>",
    )
    assert extract_page(html).published_at == "2024-05-13T17:07:00+08:00"


def test_the_time_of_a_twelve_hour_clock_and_of_utc_metadata_is_kept():
    # WordPress: `<time datetime>` showing `下午10:37`; a plain visible day completed by the
    # UTC `article:published_time` of the same China day
    shown = page(
        "<h1>广智救我</h1><div class='meta'><time class='entry-date' datetime='2024-08-25'>"
        "2024年 8月 25日 下午10:37</time></div>" + ARTICLE,
        "<title>广智救我 - 某某博客</title>",
    )
    assert extract_page(shown).published_at == "2024-08-25T22:37:00+08:00"
    completed = page(
        "<h1>广智救我</h1><div class='meta'>2024-08-25</div>" + ARTICLE,
        "<title>广智救我 - 某某博客</title>"
        "<meta property='article:published_time' content='2024-08-25T14:37:18Z'>",
    )
    assert extract_page(completed).published_at == "2024-08-25T22:37:18+08:00"
    utc_only = page(
        "<h1>广智救我</h1>" + ARTICLE,
        "<title>广智救我 - 某某博客</title>"
        "<meta property='article:published_time' content='2024-08-25T18:37:18+00:00'>",
    )
    assert extract_page(utc_only).published_at == "2024-08-26T02:37:18+08:00"


def test_parse_date_reads_half_days_and_two_digit_years_only_with_a_time():
    assert parse_date("2024年 8月 25日 下午10:37") == "2024-08-25T22:37:00+08:00"
    assert parse_date("2024年8月25日 上午10:37") == "2024-08-25T10:37:00+08:00"
    assert parse_date("24-5-13 17:07") == "2024-05-13T17:07:00+08:00"
    assert parse_date("24-5-13") is None
    assert parse_date("比分 98-5-13 17:07") is None  # no year of this century's first decades
    assert parse_date("电话 0371-12-13 12:30") is None


def test_parse_date_reads_a_weekday_glued_spans_and_chinese_numerals():
    # `2024年03月05日 星期二 08:21` (portal date bars), a date and a time in two spans with no
    # space between them, and the Chinese numerals government documents sign off with.
    assert parse_date("2024年03月05日 星期二 08:21") == "2024-03-05T08:21:00+08:00"
    assert parse_date("2024年3月5日 周二") == "2024-03-05"
    assert parse_date("2024-03-0508:21") == "2024-03-05T08:21:00+08:00"
    assert parse_date("2024-3-508:21") is None  # a one-digit day glued to a time is ambiguous
    assert parse_date("二〇二四年三月五日") == "2024-03-05"
    assert parse_date("二〇二三年十二月三十一日") == "2023-12-31"
    assert parse_date("10-0812:00", year=2019) == "2019-10-08T12:00:00+08:00"  # no year, glued


def test_parse_date_reads_a_time_after_a_bar_or_a_hong_kong_zone():
    # Info bars that put a bar between the date and the time (`2024.03.05 | 08:21`), and RTHK's
    # `2024-03-05 HKT 08:21` (Hong Kong time is China time).
    assert parse_date("2024.03.05 | 08:21") == "2024-03-05T08:21:00+08:00"
    assert parse_date("2024-03-05 HKT 08:21") == "2024-03-05T08:21:00+08:00"
    assert parse_date("2024-03-05 | 1234次阅读") == "2024-03-05"


def test_a_line_with_publish_and_update_labels_dates_the_post():
    # a government page: `发布时间:… 更新时间:…` on one line, a photo date line below it
    html = page(
        "<h1>某市召开经济运行新闻发布会</h1><div class='info'>发布时间:2020-01-02 10:00 更新时间:2020-01-05 09:00</div>"
        "<div class='pic'>2019年12月30日 摄</div>" + ARTICLE,
        "<title>某市召开经济运行新闻发布会_某某市政府网</title>",
    )
    assert extract_page(html).published_at == "2020-01-02T10:00:00+08:00"


def test_a_visible_labelled_date_beats_page_data_which_beats_an_edit_stamp():
    # a regional portal: the 发布时间 line stands in an info block under the text, far from
    # the title; the page's meta tag says another day; a site footer carries 更新时间
    footer = "<div class='footer'>网站更新时间:2024-06-01 10:00</div>"
    meta = "<meta name='pubdate' content='2024-03-06 09:00'>"
    html = page(
        "<h1>某县开展春季植树活动</h1>"
        + ARTICLE * 3
        + "<div class='info'>发布时间:2024-03-05 08:21</div>"
        + footer,
        "<title>某县开展春季植树活动_某某网</title>" + meta,
    )
    assert extract_page(html).published_at == "2024-03-05T08:21:00+08:00"
    html = page(
        "<h1>某县开展春季植树活动</h1>" + ARTICLE * 3 + footer,
        "<title>某县开展春季植树活动_某某网</title>" + meta,
    )
    assert extract_page(html).published_at == "2024-03-06T09:00:00+08:00"


def test_a_publish_date_in_its_own_table_cell_beats_the_written_date():
    # a 政府信息公开 page: a table of labels and values above the title, each in its own
    # cell; 成文日期 (when the document was written) comes before 发布日期
    cells = (
        "<tr><td>索引号：</td><td>001-2020-0001</td><td>发布机构：</td><td>某县人民政府办公室</td></tr>"
        "<tr><td>成文日期：</td><td>2019-12-30</td><td>发布日期：</td><td>2020-01-02</td></tr>"
    )
    html = page(
        f"<table class='xxgk'>{cells}</table><h1>某县关于做好春节期间安全生产工作的通知</h1>" + ARTICLE,
        "<title>某县关于做好春节期间安全生产工作的通知_某县人民政府</title>",
    )
    assert extract_page(html).published_at == "2020-01-02"


def test_a_date_label_and_its_value_in_separate_blocks_are_read_together():
    # a county portal's info list: `<dt>更新时间：</dt><dd>…</dd><dt>发布时间：</dt><dd>…</dd>`
    info = "<dl><dt>更新时间：</dt><dd>2020-01-05 09:00</dd><dt>发布时间：</dt><dd>2020-01-02 10:00</dd></dl>"
    html = page(
        f"<h1>某县召开春季农业生产工作会议</h1>{info}" + ARTICLE,
        "<title>某县召开春季农业生产工作会议_某县人民政府</title>",
    )
    assert extract_page(html).published_at == "2020-01-02T10:00:00+08:00"


def undated_story(top: str = "", related: str = "", footer: str = "") -> bytes:
    """A county portal's short story whose info line gives only the source (the date is in
    the URL or nowhere), with a today widget, a related list and a footer around it."""
    return page(
        f"<div class='topbar'>{top}</div><h1>某县召开全县经济工作会议</h1>"
        f"<div class='info'>来源：某县网</div>{ARTICLE}"
        f"<div class='rel'><h3>相关新闻</h3><ul>{related}</ul></div><div class='footer'>{footer}</div>",
        "<title>某县召开全县经济工作会议_某县网</title>",
    )


def test_no_date_from_a_related_list_a_today_widget_or_a_site_footer():
    # Dates that do not date the story: the related items' under a short text, the portal's
    # `今天是2024年6月1日 星期六` bar, the footer's `更新时间：` of the site. The URL's date wins.
    related = "".join(
        f"<li><a href='/n{i}'>某县召开第{i}次会议</a><span>2023-12-0{i}</span></li>" for i in range(1, 6)
    )
    for html in (
        undated_story(related=related),
        undated_story(top="今天是2024年6月1日 星期六"),
        undated_story(footer="更新时间：2024-06-01 版权所有 某县网"),
    ):
        assert extract_page(html).published_at is None
        dated_url = "http://www.mx.cn/news/2024-03/05/content_1.html"
        assert extract_page(html, url=dated_url).published_at == "2024-03-05"


def test_a_notice_showing_only_its_signature_date_is_dated_by_it():
    # a county government's notice (通知) with no date line under the headline: the text
    # closes with the issuing office and the date it was signed, which stay in the body
    signature = (
        "<p style='text-align:right'>某县人民政府办公室</p><p style='text-align:right'>2024年3月5日</p>"
    )
    html = page(
        f"<h1>某县关于做好春季农业生产工作的通知</h1><div class='article'><p>{PARA}</p><p>{PARA}</p>{signature}</div>",
        "<title>某县关于做好春季农业生产工作的通知_某县人民政府</title>",
    )
    art = extract_page(html)
    assert art.published_at == "2024-03-05"
    assert art.body[-2:] == ["某县人民政府办公室", "2024年3月5日"]


def test_a_signature_date_loses_to_the_date_line_under_the_headline():
    # the same notice on a portal that shows when it was published: that date is the page's
    signature = "<p>某县人民政府办公室</p><p>2024年3月5日</p>"
    html = page(
        "<h1>某县关于做好春季农业生产工作的通知</h1><div class='info'>发布时间：2024-03-07 09:30</div>"
        f"<div class='article'><p>{PARA}</p><p>{PARA}</p>{signature}</div>",
        "<title>某县关于做好春季农业生产工作的通知_某县人民政府</title>",
    )
    assert extract_page(html).published_at == "2024-03-07T09:30:00+08:00"


def test_a_signature_date_in_a_short_notice_loses_to_the_published_date_above_the_title():
    # A city government's 政策文件 page: the disclosure table (成文日期, 发布日期) above the
    # headline, then a short covering notice whose signature date stands within the lines
    # read under the headline, then the document it issues.
    cells = "<tr><td>成文日期：</td><td>2024年03月01日</td></tr><tr><td>发布日期：</td><td>2024年03月05日</td></tr>"
    notice = (
        "<p>各县（市、区）人民政府，市人民政府各部门：</p><p>《某市城市更新行动实施方案》已经市政府同意，现印发给你们。</p>"
        "<p>某市人民政府办公室</p><p>2024年3月1日</p>"
    )
    html = page(
        f"<table class='xxgk'>{cells}</table><h1>某市人民政府办公室关于印发某市城市更新行动实施方案的通知</h1>"
        f"<div class='content'>{notice}<p>{PARA}</p><p>{PARA}</p></div>",
        "<title>某市人民政府办公室关于印发某市城市更新行动实施方案的通知_某市人民政府</title>",
    )
    assert extract_page(html).published_at == "2024-03-05"


def test_a_two_digit_year_glued_to_its_time_after_a_label():
    # Baijiahao's self-media post of an earlier year: `发布时间：18-03-08` and `23:16` in two
    # spans with no space between them; saved without its head (no dateUpdate meta).
    assert parse_date("发布时间：18-03-0823:16") == "2018-03-08T23:16:00+08:00"
    assert parse_date("发布时间：24-5-13 17:07") == "2024-05-13T17:07:00+08:00"
    assert parse_date("10:24-5-13 17:07") is None  # inside a time, no year
    html = page(
        "<h2>这款休闲裤太帅了，让你时尚潮流穿着舒适</h2><p class='author-name'>某某账号</p>"
        "<div class='source'><span class='date'>发布时间：18-03-08</span><span class='time'>23:16</span></div>"
        + ARTICLE,
        "",
    )
    assert extract_page(html).published_at == "2018-03-08T23:16:00+08:00"


def qa_page(between: str = "", head: str = "") -> bytes:
    """A Q&A page (Zhidao) saved without its head: the question h1 and its share buttons, then
    the answer card (the answerer's name, the date and a motto in one block) more than a
    header's lines under the question, then the answer; similar questions with their dates
    follow. `between`: what stands between the share buttons and the card."""
    share = "".join(
        f"<div><a href='#'>{word}</a></div>"
        for word in ("分享", "复制链接", "新浪微博", "微信扫一扫", "举报")
    )
    return page(
        f"<h1>为什么有些有钱人还努力工作？</h1><div>我来答</div>{share}<div>1个回答</div><div>#热议#</div>{between}"
        "<div class='card'><a>某答主</a><br><span>2023-06-14<br>·<br>分享身边故事、身边知识。</span></div>"
        "<div>某答主</div><div>采纳数：152 获赞数：112</div><div>关注</div><div>展开全部</div>"
        f"{ARTICLE}<div>你对这个回答的评价是？</div><div>其他类似问题</div><ul>{SIMILAR}</ul>",
        head,
    )


SIMILAR = "".join(
    f"<li><span>2023-06-{day}</span><a href='/q/{day}'>相似问题{day}</a></li>" for day in (12, 13, 16)
)


def test_a_qa_answer_cards_date_between_the_question_and_the_answer():
    assert extract_page(qa_page()).published_at == "2023-06-14"


def test_a_related_lists_dates_between_question_and_answer_date_no_answer():
    # The similar-question list (each item dated) set between the question and the answer
    # card: several dates there are a list's, none dates the answer; the page's `dateUpdate`
    # meta does.
    html = qa_page(f"<ul>{SIMILAR}</ul>", "<meta itemprop='dateUpdate' content='2023-06-14 17:11:57'>")
    assert extract_page(html).published_at == "2023-06-14T17:11:57+08:00"


def test_a_stamp_naming_its_edit_after_the_date_loses_to_the_first_publication():
    # CSDN, an edited post: the bar shows `已于 DATE 修改`, its hover card `于 DATE 首次发布`.
    csdn = page(
        "<h1 class='title-article'>为什么 ChatGPT 不火了？</h1>"
        "<div class='bar'><a>A-肖老师</a> <span class='time'>已于 2024-05-07 22:12:13 修改</span></div>"
        "<div class='up-time'><span>于 2024-05-06 15:47:53 首次发布</span></div>" + ARTICLE,
        "<title>为什么 ChatGPT 不火了？-CSDN博客</title>",
    )
    assert extract_page(csdn).published_at == "2024-05-06T15:47:53+08:00"
    # A Discuz! thread: the first post opens with `本帖最后由 X 于 DATE 编辑` above the post
    # stamp `发表于 DATE` of the post's own header.
    discuz = page(
        "<h1>为什么 ChatGPT 不火了？</h1><div class='pstatus'>本帖最后由 城南老张 于 2024-5-7 22:12 编辑</div>"
        "<div class='authi'><em>发表于 2024-5-6 15:47</em></div>" + ARTICLE
    )
    assert extract_page(discuz).published_at == "2024-05-06T15:47:00+08:00"


def test_a_hong_kong_government_release_is_dated_by_its_closing_lines():
    # Layout: a Hong Kong government press release (政府新聞公報): headline in a span, the
    # text in <br>-separated paragraphs, closed by `完`, the date with its weekday in brackets
    # and `香港時間16時30分` on lines of their own.
    text = "<br><br>".join(
        [f"　　{PARA}", f"　　{PARA}", "完", "2024年4月17日（星期三）", "香港時間16時30分"]
    )
    html = page(
        f"<div id='pressrelease'><span id='PRHeadline'>政府公布臨時失業率</span><br><br><span>{text}</span></div>",
        "<title>政府公布臨時失業率</title>",
    )
    art = extract_page(html)
    assert art.published_at == "2024-04-17T16:30:00+08:00"
    assert art.body == [PARA, PARA, "2024年4月17日（星期三）", "香港時間16時30分"]
