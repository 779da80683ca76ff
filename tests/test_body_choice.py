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


ANSWER = "我来回答这个问题。首先要看当地的政策,其次要准备好材料,包括身份证、户口本和相关证明,到窗口办理即可。"
REPLY = "楼主说得对,我们村里也是这样,现在年轻人都出去打工了,留下的都是老人和孩子。"


def test_a_blog_post_beats_the_longer_comment_list_under_it():
    # Layout: a personal blog post (h2, date and 作者 line, two paragraphs) followed by eight
    # comments, each a `Re: title` header, a user and 发表于 time, the text and a 回复 | 举报 bar.
    comments = "".join(
        f"<div class='c'><div>Re: 我的春节回乡见闻</div><div>网友{i} 发表于 2024-02-1{i} 2{i}:00</div>"
        f"<p>{COMMENT * 3}</p><div>回复 | 举报</div></div>"
        for i in range(8)
    )
    html = page(
        f"<div>2024-02-10 10:20 作者：山野</div><div class='post'><p>{PARA}</p><p>{SIDE}</p></div>"
        f"<div class='comments'>{comments}</div>",
        title="我的春节回乡见闻",
    )
    art = extract_page(html, url="https://blog.example.com/2024/02/10/a.html")
    assert art.body == [PARA, SIDE]
    assert "first post" in art.extractor


def forum_thread(head: str = "") -> bytes:
    """A Discuz-style thread: every post a `user 发表于 time | N楼` bar over its text; the
    replies together hold more text than the first post; `head` stands above the first post."""
    replies = "".join(
        f"<div class='post'><div><a href='/u/{i}'>用户{i}</a> 发表于 2023-05-0{i} 1{i}:00 | {i + 1}楼</div>"
        f"<div class='msg'>{REPLY * 2}</div></div>"
        for i in range(1, 9)
    )
    return page(
        f"{head}<div class='post'><div><a href='/u/0'>老王头</a> 发表于 2023-05-01 08:21 | 楼主</div>"
        f"<div class='msg'><p>{PARA}</p><p>{SIDE}</p></div></div>{replies}",
        title="农村留守问题怎么解决",
    )


def test_a_forum_thread_gives_its_first_post():
    # Layout: a Discuz-style thread (see forum_thread).
    assert extract_page(forum_thread(), url="https://bbs.example.com/thread-1-1-1.html").body == [PARA, SIDE]


def other_answers() -> str:
    """Five answers below the best one, each closed by its reaction bar."""
    return "".join(
        f"<div class='ans'><div>知友{i} 回答于 2021-06-0{i}</div><p>{ANSWER}{ANSWER}</p>"
        f"<div>你对这个回答的评价是？ 采纳数：0</div></div>"
        for i in range(1, 6)
    )


def test_a_q_and_a_page_gives_the_accepted_answer_without_its_reaction_bar():
    # Layout: a Zhidao-style page: the best answer, then five other answers, each closed by
    # `你对这个回答的评价是？ 采纳数：N`.
    html = page(
        f"<div class='best'><div>最佳答案 热心网友 2021-06-01</div><p>{PARA}</p><p>{SIDE}</p>"
        f"<div>你对这个回答的评价是？ 采纳数：12</div></div>{other_answers()}",
        title="社保转移怎么办理",
    )
    assert extract_page(html, url="https://zhidao.example.com/question/1.html").body == [PARA, SIDE]


NOTICE = (
    "为做好今年防汛工作,县防汛抗旱指挥部决定于6月1日起进入主汛期,实行二十四小时值班制度,请各单位做好准备。"
)
SITE_FOOTER = (
    "<div class='footer'><p>本网站由某县人民政府主办,某县大数据发展中心承办。为了获得更好的浏览效果,建议使用1280×800"
    "以上分辨率,使用谷歌浏览器或者火狐浏览器访问本网站。本网站所载文字、图片等内容,未经许可,任何单位和个人不得转载或者用于"
    "商业用途。</p><p>地址：某县人民路1号 邮编：450000 联系电话：0371-12345678</p></div>"
)


def test_a_short_notice_beats_the_longer_site_footer_under_it():
    # Layout: a county government notice of two sentences in one text block, under the
    # headline and its 发布时间 line, above the site's footer paragraph (主办, 承办, the
    # browser advice and a no-reprint notice), which holds more running text.
    html = page(
        f"<div class='main'><div class='info'>发布时间：2024-05-30 来源：县应急局</div>"
        f"<div class='con'>{NOTICE}{NOTICE}</div></div>{SITE_FOOTER}",
        title="关于进入主汛期的通知",
    )
    assert extract_page(html, url="https://www.example.gov.cn/a/1.html").body == [NOTICE * 2]


def test_a_notice_too_short_for_a_container_keeps_the_footer_out():
    # Layout: the same notice, one sentence and 特此通知, with a leaders' column first in the
    # markup: the line reader starts after the headline and its date line.
    leader = "县长张三,男,汉族,1970年生,大学学历,中共党员。主持县政府全面工作,负责审计、财政、人事方面工作。"
    html = (
        "<html><head><meta charset='utf-8'><title>关于进入主汛期的通知_某县人民政府</title></head><body>"
        f"<div class='side'><h3>领导之窗</h3><p>{leader}</p><p>{leader}</p></div><div class='main'>"
        "<h1>关于进入主汛期的通知</h1><div class='info'>发布时间：2024-05-30 来源：县应急局</div>"
        f"<div class='con'><p>{NOTICE}</p><p>特此通知。</p></div></div>{SITE_FOOTER}</body></html>"
    ).encode()
    body = extract_page(html, url="https://www.example.gov.cn/a/2.html").body
    assert body[:2] == [NOTICE, "特此通知。"]
    assert not any("本网站" in line or "邮编" in line for line in body)


def test_a_short_sponsored_answer_above_the_best_answer_is_no_first_post():
    # Layout: a Zhidao-style page with a sponsored answer (a short ad that reads like an
    # answer) printed above the best answer, other answers below.
    ad = (
        "<div class='ad'><div>广告 某某科技 2021-06-01</div><p>我们公司专业提供社保代办服务,办理快捷,收费透明,"
        "全国各地均可办理。欢迎来电咨询,工作人员将在第一时间为您解答社保转移的各类问题。另有养老保险续缴服务。</p></div>"
    )
    best = "".join(f"<p>{text}</p>" for text in (PARA, SIDE, NOTICE, REPLY))
    html = page(
        f"<div class='list'>{ad}<div class='best'><div>最佳答案 热心网友 2021-06-01</div>{best}"
        f"<div>你对这个回答的评价是？ 采纳数：12</div></div>{other_answers()}</div>",
        title="社保转移怎么办理",
    )
    assert extract_page(html, url="https://zhidao.example.com/question/2.html").body == [
        PARA,
        SIDE,
        NOTICE,
        REPLY,
    ]


QUESTION = "我去年从外地调回老家工作,原来单位交了八年社保,现在新单位也开始交了,请问以前交的社保怎么转过来?"


def test_a_q_and_a_page_gives_the_question_description_and_the_best_answer():
    # Layout: a Baidu Zhidao question page: the question's description and its asker line
    # under the title, the best answer (最佳答案, its answerer and date, its reaction bar),
    # then five other answers.
    html = page(
        f"<div class='q-content'><span class='con'>{QUESTION}</span></div>"
        "<div class='ask-info'>提问者：<a class='user-name' href='/u/2'>小李</a> 2021-05-30 3个回答</div>"
        "<div class='best'><div>最佳答案</div><div class='answer-info'>"
        "<a class='user-name' href='/u/9'>热心网友</a> 2021-06-01</div>"
        f"<p>{PARA}</p><p>{SIDE}</p><div>你对这个回答的评价是？ 采纳数：12</div></div>{other_answers()}",
        title="社保转移怎么办理",
    )
    art = extract_page(html, url="https://zhidao.example.com/question/3.html")
    assert art.body == [QUESTION, PARA, SIDE]
    assert art.authors == ["热心网友"]  # the answerer, not the asker


def test_a_long_question_description_does_not_replace_the_accepted_answer():
    # Layout: a 360 问答 page: a question description long enough to be a text block of its
    # own (two paragraphs), then the answer the asker accepted (提问者采纳) and other answers.
    html = page(
        f"<div class='q-cnt'><p>{QUESTION}</p><p>{QUESTION}</p></div>"
        "<div class='resolved'><div>提问者采纳</div><div><a href='/u/7'>网友甲</a> 2021-06-01</div>"
        f"<div class='resolved-bd'><p>{PARA}</p><p>{SIDE}</p></div><div>你对这个回答的评价是？ 采纳数：3</div></div>"
        f"{other_answers()}",
        title="社保转移怎么办理",
    )
    body = extract_page(html, url="https://wenda.example.com/q/4.html").body
    assert body == [QUESTION, QUESTION, PARA, SIDE]


def test_a_q_and_a_page_without_description_gives_the_best_answer_alone():
    # Layout: a Sogou Wenwen question page with no description: the asker line and answer
    # count under the title, the best answer (最佳回答), then five other answers.
    html = page(
        "<div class='q-info'>提问者：小李 2021-05-30 6个回答</div>"
        "<div class='best'><div>最佳回答</div><div>网友乙 2021-06-01</div>"
        f"<p>{PARA}</p><p>{SIDE}</p><div>你对这个回答的评价是？ 采纳数：5</div></div>{other_answers()}",
        title="社保转移怎么办理",
    )
    assert extract_page(html, url="https://wenwen.example.com/z/5.html").body == [PARA, SIDE]


def test_a_forum_thread_with_a_notice_above_its_first_post_gives_the_first_post_only():
    # Layout: a Discuz thread: a `查看: N | 回复: N` counter line and the board's notice
    # sentence between the title and the first post (no answer mark: no question to keep).
    head = "<div>查看: 1234 | 回复: 8</div><div>发帖请遵守本版规定,文明发言,禁止发布广告,违者删帖处理。</div>"
    url = "https://bbs.example.com/thread-2-1-1.html"
    assert extract_page(forum_thread(head), url=url).body == [PARA, SIDE]


def test_a_question_page_keeps_its_description_above_the_first_full_answer():
    # Layout: a Zhihu question page: the question's description (QuestionRichText), the
    # `查看全部 N 个回答` bar, then a list of answers, each an AnswerItem with the answerer's
    # card, the answer, its `发布于` date and its `赞同 N  N 条评论` bar.
    def answer(name: str, paragraphs: str, day: int) -> str:
        return (
            f"<div class='AnswerItem'><div class='AuthorInfo'><a class='UserLink-link'>{name}</a></div>"
            f"<div class='RichContent'>{paragraphs}</div><div>发布于 2024-04-0{day} 10:00</div>"
            f"<div>赞同 16{day}  {day} 条评论  分享  收藏</div></div>"
        )

    others = "".join(answer(f"答主{day}", f"<p>{ANSWER}</p><p>{ANSWER}</p>", day) for day in range(2, 7))
    html = page(
        f"<div class='QuestionRichText'><span>{QUESTION}</span></div><div>查看全部 6 个回答</div>"
        f"<div class='List'>{answer('等风', f'<p>{PARA}</p><p>{SIDE}</p><p>{NOTICE}</p>', 1)}{others}</div>",
        title="社保转移怎么办理",
    )
    art = extract_page(html, url="https://qa.example.com/question/6")
    assert art.body == [QUESTION, PARA, SIDE, NOTICE]
    assert art.authors == ["等风"]


def test_running_text_is_read_up_to_the_weight_asked_for() -> None:
    from newsclean.extract.body import holds_running_text
    from newsclean.extract.layout import sentence_weight

    lines = [
        "今天上午，市政府召开新闻发布会，介绍全市经济运行情况。",
        "图片新闻",
        "会议指出，要坚持稳中求进。",
    ]
    weight = sum(sentence_weight(line) for line in lines)
    assert weight > 0
    assert holds_running_text(lines, weight)
    assert not holds_running_text(lines, weight + 1)
    assert holds_running_text([], 0)
    assert not holds_running_text(["图片新闻"], 1)


HOST_ASKS = "王县长,近年来我县在优化营商环境方面采取了哪些举措?"
HEAD_ANSWERS = (
    "我们坚持把优化营商环境作为一号工程,全县政务服务事项全部实现网上可办,企业开办时间压缩至一个工作日以内。"
)
HEAD_GREETS = "各位网友大家好,很高兴和大家交流。"


def test_an_interview_transcript_is_one_body_of_short_turns():
    # Layout: a county government's 在线访谈 page: a record of turns, each a div holding the
    # speaker's tag, the time and a paragraph; most turns are a sentence, one answer is long.
    turns = [
        ("主持人", HOST_ASKS),
        ("王建国", HEAD_GREETS),
        ("主持人", HOST_ASKS),
        ("王建国", HEAD_ANSWERS * 2),
    ]
    record = "".join(
        f"<div class='item'><span class='role'>[{who}]</span> <span class='time'>10:0{n}:12</span><p>{said}</p></div>"
        for n, (who, said) in enumerate(turns)
    )
    html = page(f"<div class='ft-info'>访谈时间:2024年5月16日</div><div id='record'>{record}</div>")
    body = extract_page(html, url="https://www.example.gov.cn/zxft/1.html").body
    assert [line for line in body if "[" not in line] == [said for _, said in turns]


SHORT_NEWS = "5月9日,我县老旧小区改造工程正式启动。今年计划改造小区十二个,涉及居民一千八百余户。"
READER_SAYS = "这个政策真好,支持一下,希望早日落实到位,让老百姓得到实惠。"


def comment_page(item: str) -> bytes:
    comments = "".join(item.format(n=n, when=f"2024-05-1{n} 1{n}:20", said=READER_SAYS) for n in range(8))
    return page(
        f"<div class='info'>2024-05-10 09:00 来源:某县融媒体中心</div><div class='content'><p>{SHORT_NEWS}</p></div>"
        f"<div class='comments'><h3>网友评论</h3>{comments}</div>"
    )


def test_a_short_story_above_a_longer_comment_list_is_the_body():
    # Layout: a county portal's 简讯, too short for a container, over readers' comments, each
    # a user, a time and a sentence: in item divs, or in a list's items.
    for item in (
        "<div class='cmt-item'><span>网友{n}号</span> <span>{when}</span><p>{said}</p></div>",
        "<li><span>网友{n}号</span> <span>{when}</span><p>{said}</p></li>",
    ):
        assert extract_page(comment_page(item), url="https://www.example.cn/n/1.html").body == [SHORT_NEWS]


def test_paragraphs_each_wrapped_twice_are_one_story():
    # Layout: a portal template that wraps each paragraph twice (`<div><div class="para"><p>`),
    # as an editor's paste from another CMS leaves it; a side list beside the story.
    # (each paragraph long enough to pass for a story of its own)
    words = "春夏秋冬东南西北山川河湖城乡村镇"
    paras = [
        "".join(f"{words[(n + i) % 16]}{words[(n * 3 + i) % 16]}地区{i}号项目进展顺利。" for i in range(25))
        for n in range(5)
    ]
    story = "".join(f"<div><div class='para'><p>{p}</p></div></div>" for p in paras)
    side = "<div class='side'><ul><li><a href='/1.html'>全省经济运行稳中向好</a></li></ul></div>"
    html = page(f"<div id='endText'>{story}</div>{side}")
    assert extract_page(html, url="https://news.example.com/20/0229/a.html").body == paras


def long_comments(said: str) -> str:
    """Ten readers' comments, each a linked user, a time, what they `said` and 回复/赞 links."""
    return "".join(
        f"<div class='c-item'><div><a href='/u/{n}'>网友{n}号</a> <span>2024-05-0{n % 9 + 1} 10:2{n}</span></div>"
        f"<div>{said}</div><div><a href='#'>回复</a> <a href='#'>赞({n})</a></div></div>"
        for n in range(10)
    )


def test_a_story_over_a_longer_list_of_long_comments_is_the_body():
    # Layout: a finance portal's one-paragraph story (a 财联社 flash) with readers' comments
    # under it in the story's own box, each a linked user, a time, two sentences and 回复/赞
    # links: every comment is long enough for a container, the list far longer than the story.
    said = "这个问题确实值得关注,希望有关部门能够尽快拿出解决办法,让老百姓少跑腿。我们小区去年也遇到过类似的情况,后来物业出面协调才解决。"
    items = long_comments(said)
    story = f"{PARA}{SIDE}"
    html = page(
        f"<div class='info'>2019-09-26 10:56:28 证券时报网</div><div class='box'><p>{story}</p>"
        f"<div class='comments'><h3>网友评论</h3>{items}</div></div>"
    )
    assert extract_page(html, url="https://stock.example.com/2019-09-26/1.html").body == [story]


def test_a_related_list_with_summaries_is_not_the_story_of_a_slide_page():
    # Layout: a portal's slide (图集) page: the story under the big picture in a <dd>, no
    # container of its own; then a list of related stories, each a linked headline, a summary
    # sentence and a date, holding more text than the story.
    items = "".join(
        f"<div class='t-item'><h3><a href='/n/{n}.html'>全市第{n}批重点项目集中开工</a></h3>"
        f"<p>项目涉及街巷四十余条,将对管网、路面和立面进行全面提升,预计明年年底完工。</p><span>2024-04-{n + 1:02d}</span></div>"
        for n in range(12)
    )
    story = f"{PARA}{SIDE}"
    slide = f"<div class='slidePic'><div class='left'><dl><dt><img src='/1.jpg'></dt><dd>{story}</dd></dl></div></div>"
    html = page(f"{slide}<div class='related'>{items}</div>")
    assert extract_page(html, url="https://ent.example.com/slide/1.shtml").body == [story]


def test_a_related_list_with_summaries_inside_the_story_box_ends_the_story():
    # Layout: a finance portal's story box holding, after the text, `相关新闻` over related
    # stories, each a headline, a summary sentence longer than the story's and a date.
    items = "".join(
        f"<h4>全市第{n}批重点项目集中开工</h4><p>项目涉及街巷四十余条,将对管网、路面和立面进行全面提升,"
        f"预计明年年底完工,届时将惠及沿线居民一万余户。</p><p>2024-04-{n + 1:02d}</p>"
        for n in range(10)
    )
    html = page(f"<div class='art_contextBox'><p>{PARA}</p><p>{SIDE}</p><h3>相关新闻</h3>{items}</div>")
    assert extract_page(html, url="https://stock.example.com/2019-09-26/1.html").body == [PARA, SIDE]


def test_a_story_with_no_headline_element_over_long_comments_is_the_body():
    # Layout: a portal's slide page saved without its headline block: the story under the
    # picture in a <dd> beside the strip of the other pictures' linked captions (no container:
    # mostly links), then readers' comments, each long enough for a container.
    said = "这个问题确实值得关注,希望有关部门能够尽快拿出解决办法,让老百姓少跑腿。我们小区去年也遇到过类似的情况,后来物业出面协调才把问题彻底解决了。"
    items = long_comments(said)
    story = f"{PARA}{SIDE}"
    thumbs = "".join(f"<a href='/slide/2_{n}.shtml'>第{n}张 发布会现场图片</a>" for n in range(12))
    html = (
        "<html><head><meta charset='utf-8'><title>某市经济运行情况发布_娱乐频道</title></head><body>"
        f"<div class='slidePic'><div class='left'><dl><dt><img src='/1.jpg'></dt><dd>{story}</dd></dl>{thumbs}</div></div>"
        f"<div class='comments'><h3>网友评论</h3>{items}</div></body></html>"
    ).encode()
    assert extract_page(html, url="https://ent.example.com/slide/2.shtml").body == [story]


def test_a_story_split_around_an_ad_is_read_whole():
    # Layout: a portal CMS that cuts the text around an inserted ad: two blocks of one tag and
    # class, the ad's block between them, a related list after the second.
    first = f"<p>第一段。{PARA}</p><p>第二段。{SIDE}{PARA}</p>"
    second = f"<p>第三段。{SIDE}</p><p>第四段。{PARA}{SIDE}</p>"
    html = page(
        f"<div class='article-content'>{first}</div><div class='ad-box'><a href='/ad'>广告</a></div>"
        f"<div class='article-content'>{second}</div><div class='related'><h3>相关阅读</h3>"
        "<ul><li><a href='/1.html'>全省经济运行稳中向好</a></li><li><a href='/2.html'>新一批重点项目签约</a></li></ul></div>"
    )
    body = extract_page(html, url="https://news.example.com/2024/0305/a.html").body
    assert [line[:3] for line in body] == ["第一段", "第二段", "第三段", "第四段"]
