"""Unit tests of the shared field parsers: dates, bylines, boilerplate lines, meta labels."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclean.extract.boilerplate import Kind, classify_line, drop_farm_sentence
from newsclean.extract.bylines import looks_like_byline, parse_byline, split_dateline, split_trailing_byline
from newsclean.extract.dates import date_from_url, parse_date
from newsclean.extract.meta import is_breadcrumb, parse_breadcrumb, parse_editor, parse_keywords, parse_source
from newsclean.extract.text import clean_paragraph, fold_width


@pytest.mark.parametrize(
    "text,iso",
    [
        ("2020-03-19 17:00:58   来源:映象网", "2020-03-19T17:00:58+08:00"),
        ("2022年04月20日 14:06", "2022-04-20T14:06:00+08:00"),
        ("2020年07月04日 12:10　来源：求是网", "2020-07-04T12:10:00+08:00"),
        ("发布时间：2020-07-04T12:29:22+08:00", "2020-07-04T12:29:22+08:00"),
        ("2020-07-04T04:29:22Z", "2020-07-04T04:29:22+00:00"),
        ("2020年4月3日", "2020-04-03"),
        ("2020/04/03", "2020-04-03"),
        ("2020.4.3 9:05", "2020-04-03T09:05:00+08:00"),
        ("发布日期：2019-09-23 14:34:05  所属分类：头条", "2019-09-23T14:34:05+08:00"),
        ("2023 03/15 10:42:17", "2023-03-15T10:42:17+08:00"),
        # Taiwanese and Hong Kong pages: a weekday in the traditional script, a 12-hour clock
        ("2024年3月5日 週二 上午8:21", "2024-03-05T08:21:00+08:00"),
        ("2024/03/05 PM 03:21", "2024-03-05T15:21:00+08:00"),
        ("2024年3月5日 晚上8点21分", "2024-03-05T20:21:00+08:00"),
        # Taiwanese government and news pages count years of the Republic of China
        ("民國113年3月5日", "2024-03-05"),
        ("發布日期：113年03月05日 下午3:21", "2024-03-05T15:21:00+08:00"),
        ("98年3月5日", None),  # a two-digit year is 1998 in mainland writing: not read
        ("2020年1月中旬", None),
        ("2020-13-45", None),
        ("", None),
        ("没有日期的一行", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_parse_date_without_year_needs_context():
    assert parse_date("04-03 10:20") is None
    assert parse_date("04-03 10:20", year=2021) == "2021-04-03T10:20:00+08:00"


def test_relative_dates_resolve_against_fetch_time_only():
    fetched = dt.datetime(2022, 4, 20, 6, 0, tzinfo=dt.timezone.utc)  # 14:00 China time
    assert parse_date("3小时前") is None
    assert parse_date("3小时前", now=fetched) == "2022-04-20T11:00:00+08:00"
    assert parse_date("15分钟前", now=fetched) == "2022-04-20T13:45:00+08:00"


@pytest.mark.parametrize(
    "url,day",
    [
        ("https://news.hnr.cn/202003/19/123456.html", "2020-03-19"),
        ("http://news.hnr.cn/201808/t20180817_3130286.html", "2018-08-17"),
        ("https://www.chinanews.com/gn/2020/07-04/9229287.shtml", "2020-07-04"),
        ("http://www.ha.chinanews.com.cn/news/hnxw/2018/0912/12345.shtml", "2018-09-12"),
        ("http://www.cjddsb.com/news/sd/532601.html", None),
        (None, None),
    ],
)
def test_date_from_url(url, day):
    assert date_from_url(url) == day


@pytest.mark.parametrize(
    "text,authors,correspondents",
    [
        ("映象网记者 王文凯 通讯员 王春亮 荣高洁 文/图", ["王文凯"], ["王春亮", "荣高洁"]),
        ("(河南日报客户端记者 卢松 通讯员 赵君明 陆梦娇)", ["卢松"], ["赵君明", "陆梦娇"]),
        ("记者 王振西 通讯员 闫彩彦 文/图", ["王振西"], ["闫彩彦"]),
        ("通讯员 邓喜", [], ["邓喜"]),
        ("本报记者 张三 实习生 王五", ["张三"], []),  # interns are not authors (devset gold)
        ("全媒体记者/朱嘉林 通讯员/邹艳 唐亚华", ["朱嘉林"], ["邹艳", "唐亚华"]),
        ("(文/图 李四)", ["李四"], []),
        ("王宇飞 摄", ["王宇飞"], []),
        ("作者：刘洋", ["刘洋"], []),
        ("(常书香 马丹阳)", ["常书香", "马丹阳"], []),
        ("记者 王文凯", ["王文凯"], []),
        ("顶端新闻·河南商报记者马俊峰/文受访者供图", ["马俊峰"], []),
        ("大众网·海报新闻记者 孙晓东 通讯员 刘倩 临沂报道", ["孙晓东"], ["刘倩"]),
        ("文/图 南方日报记者 林少华 通讯员 陈嘉怡", ["林少华"], ["陈嘉怡"]),
        ("(作者:方敏北京大学经济学院教授)", ["方敏"], []),
        ("记者陈智 整合", ["陈智"], []),
        ("在线荐稿记者博客联系记者", [], []),
        ("", [], []),
    ],
)
def test_parse_byline(text, authors, correspondents):
    credits = parse_byline(text)
    assert credits.authors == authors
    assert credits.correspondents == correspondents


@pytest.mark.parametrize(
    "line,expected",
    [
        ("映象网记者 王文凯 通讯员 王春亮 荣高洁 文/图", True),
        ("王宇飞 摄", True),
        ("记者采访时,他双眼充满因疲劳所致的血丝。", False),
        ("王文凯是一名记者", False),
        ("社区疫情防控志愿者与党员干部一起挺身“疫”线", False),
    ],
)
def test_looks_like_byline(line, expected):
    assert looks_like_byline(line) is expected


@pytest.mark.parametrize(
    "paragraph,dateline,rest",
    [
        (
            "映象网讯(记者 王振西 通讯员 闫彩彦 文/图)疫情防控是一场战争。",
            "映象网讯(记者 王振西 通讯员 闫彩彦 文/图)",
            "疫情防控是一场战争。",
        ),
        ("当代商报消息(通讯员 邓喜)一座不垮的大厦。", "当代商报消息(通讯员 邓喜)", "一座不垮的大厦。"),
        (
            "中新网郑州4月20日电(记者 刘鹏)河南省今天发布。",
            "中新网郑州4月20日电(记者 刘鹏)",
            "河南省今天发布。",
        ),
        ("本报讯 日前,全市召开会议。", "本报讯", "日前,全市召开会议。"),
        (
            "荆楚网(湖北日报网)讯(记者 余芳 通讯员 胡建新、程雪)2月16日,茶园里。",
            "荆楚网(湖北日报网)讯(记者 余芳 通讯员 胡建新、程雪)",
            "2月16日,茶园里。",
        ),
        ("据了解,某是该镇老党员(党龄57年)。", None, "据了解,某是该镇老党员(党龄57年)。"),
    ],
)
def test_split_dateline(paragraph, dateline, rest):
    assert split_dateline(paragraph) == (dateline, rest)


@pytest.mark.parametrize(
    "paragraph,rest,byline",
    [
        (
            "党旗高高飘扬。(河南日报客户端记者 卢松 通讯员 赵君明 陆梦娇)",
            "党旗高高飘扬。",
            "(河南日报客户端记者 卢松 通讯员 赵君明 陆梦娇)",
        ),
        ("活动圆满结束。(常书香 马丹阳)", "活动圆满结束。", "(常书香 马丹阳)"),
        ("今年81岁(党龄57年)", "今年81岁(党龄57年)", None),
        ("值班室的灯彻夜常亮(楼院)", "值班室的灯彻夜常亮(楼院)", None),
    ],
)
def test_split_trailing_byline(paragraph, rest, byline):
    assert split_trailing_byline(paragraph) == (rest, byline)


@pytest.mark.parametrize(
    "line,kind",
    [
        ("5034", Kind.COUNTER),
        ("相关阅读 换一换", Kind.RELATED),
        ("相关内容", Kind.RELATED),
        ("热门资讯", Kind.RELATED),
        ("Copyright © 2012 hnr.cn Corporation,All Rights Reserved", Kind.FOOTER),
        ("映象网络 版权所有", Kind.FOOTER),
        ("网站简介 | 版权声明 | 广告服务 | 联系方式 | 网站地图", Kind.FOOTER),
        ("[京ICP证040655号] [京公网安备:110102003042]", Kind.FOOTER),
        ("(荥阳政务新闻热线:15890037786,投稿邮箱:472061029@qq.com)", Kind.HOTLINE),
        ("(高新区政务新闻热线13140103919 投稿邮箱659446579@qq.com)", Kind.HOTLINE),
        ("新闻热线:0371-65700861", Kind.HOTLINE),
        ("文章关键词:锦旗,战疫 责编:杨文丽", Kind.EDITOR),
        ("责任编辑:李新贺", Kind.EDITOR),
        ("【编辑:陈海峰】", Kind.EDITOR),
        ("文章关键词:基层,疫情", Kind.KEYWORDS),
        ("来源:河南日报客户端", Kind.SOURCE),
        ("2020-03-19 17:00:58   来源:映象网", Kind.DATE),
        ("核心提示", Kind.LEAD),
        ("映象网记者 王文凯 通讯员 王春亮 荣高洁 文/图", Kind.BYLINE),
        ("中新网首页 安徽 北京 重庆 福建 甘肃 贵州 广东 广西 海南 河北 河南", Kind.NAV),
        ("分享到:", Kind.SHARE),
        ("社区疫情防控志愿者与党员干部一起挺身“疫”线", Kind.TEXT),
        ("“疫情就是命令,防控就是责任”。新冠肺炎疫情发生以来,社区党支部迅速传达。", Kind.TEXT),
    ],
)
def test_classify_line(line, kind):
    assert classify_line(line) == kind


def test_farm_sentence_is_dropped():
    text = "在这场战役中,扛起了“爱的桥梁”。下面小编整理社区基层疫情防控中感人事迹,欢迎阅读。"
    assert drop_farm_sentence(text) == "在这场战役中,扛起了“爱的桥梁”。"


def test_meta_labels_accept_full_width_and_ascii():
    assert parse_source("来源：河南日报客户端") == parse_source("来源:河南日报客户端") == "河南日报客户端"
    assert parse_source("2020年07月04日 12:10　来源：求是网") == "求是网"
    assert parse_source("来源：当代商报 时间：2019-09-23 14:34:05 作者：") == "当代商报"
    assert parse_source("来源：淅川县融媒体中心  浏览次数：--  【字体：大 中 小】") == "淅川县融媒体中心"
    assert parse_source("来源：郑州日报字号：大 中 小") == "郑州日报"
    assert parse_editor("文章关键词:锦旗,战疫 责编:杨文丽") == "杨文丽"
    assert parse_editor("【编辑:陈海峰】") == "陈海峰"
    assert parse_editor("（编辑 张三）") == "张三"
    assert parse_keywords("文章关键词：锦旗，战疫 责编：杨文丽") == ["锦旗", "战疫"]
    assert parse_keywords("责编:杨文丽") == []


def test_a_source_ends_at_the_credit_label_after_it():
    # Layout: county portals' and photo channels' info bars: the source, then a photographer's,
    # a writer's or a reporter's credit on the same line.
    assert parse_source("2024-10-08 09:12 来源：某某日报 摄影：周明") == "某某日报"
    assert parse_source("来源：新华社 图：李华") == "新华社"
    assert parse_source("来源：某某日报 文/张三") == "某某日报"
    assert parse_source("来源：县融媒体中心 通讯员：王强") == "县融媒体中心"
    assert parse_source("来源：市摄影家协会") == "市摄影家协会"  # a label word inside a name
    # the source's and the reporter's spans side by side, with no space between them
    assert parse_source("来源：人民网－河南频道记者 赵磊") == "人民网－河南频道"
    assert parse_source("来源：大河报通讯员：王五") == "大河报"
    assert parse_source("来源：某某日报记者站") == "某某日报记者站"
    # a county portal's bracketed info fields: the field's closing bracket is no part of it
    assert parse_source("【作者：李华】【来源：县林业局】【时间：2024-10-10】") == "县林业局"
    assert parse_source("[来源:新华社]") == "新华社"
    # a government portal's `供稿单位：` (the unit that supplied the text)
    assert parse_source("发布时间：2024-03-05 供稿单位：某县农业农村局") == "某县农业农村局"


def test_breadcrumbs():
    assert is_breadcrumb("新闻中心 > 荥阳 · 登封 · 上街  > 正文")
    assert parse_breadcrumb("新闻中心 > 荥阳 · 登封 · 上街  > 正文") == "荥阳 · 登封 · 上街"
    assert parse_breadcrumb("首页 > 同心中原 > 正文 >") == "同心中原"
    assert parse_breadcrumb("首页 → 社会新闻") == "社会新闻"
    assert not is_breadcrumb("他说 > 她说")


def test_text_normalisation():
    assert fold_width("来源：映象网（记者）") == "来源:映象网(记者)"
    assert (
        clean_paragraph("\u3000\u3000但 是,黄 敏 和同 事 并没有退缩,整 个 过程只 用了10 分 钟。")
        == "但是,黄敏和同事并没有退缩,整个过程只用了10分钟。"
    )
    assert clean_paragraph("  The COVID-19 vaccine 疫苗  ") == "The COVID-19 vaccine 疫苗"


# Property-based: the parsers never raise and return the documented types.
@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parsers_never_raise(text):
    assert parse_date(text) is None or isinstance(parse_date(text), str)
    assert isinstance(parse_date(text, year=2020, now=dt.datetime.now(dt.timezone.utc)) or "", str)
    credits = parse_byline(text)
    assert all(isinstance(n, str) for n in credits.authors + credits.correspondents)
    assert isinstance(classify_line(text), Kind)
    assert isinstance(looks_like_byline(text), bool)
    dateline, rest = split_dateline(text)
    assert isinstance(rest, str) and (dateline is None or isinstance(dateline, str))
    assert isinstance(split_trailing_byline(text)[0], str)
    assert isinstance(parse_keywords(text), list)
    assert parse_breadcrumb(text) is None or isinstance(parse_breadcrumb(text), str)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="0123456789年月日-/: T+时分秒前小钟天" + "记者通讯员文图摄()（）张三李四 ", max_size=40)
)
def test_parsers_never_raise_on_near_misses(text):
    parse_date(text, year=2020, now=dt.datetime.now(dt.timezone.utc))
    parse_byline(text)
    classify_line(text)


# ---------------------------------------------------------------- real-page layouts (issue 9)
# Each case follows a layout seen on real regional pages: editor lists (慈溪新闻网), padded
# names (e-paper bylines), bare trailing credits (宁波晚报, 中新社 photo credits), outlet
# datelines without 讯 (河南日报客户端), and big5 mirrors' traditional labels.


def test_editor_list_and_trailing_label():
    assert parse_editor("责任编辑:范田圆 胡兴家") == "范田圆 胡兴家"
    assert parse_editor("编辑: 刘夏妍纠错:171964650@qq.com") == "刘夏妍"
    assert parse_editor("責任編輯:李新賀") == "李新賀"
    assert parse_editor("(责编：萧潇、张妍)") == "萧潇 张妍"  # one space between names
    assert parse_editor("编辑:孙红亮    责任编辑:徐婷") == "孙红亮 徐婷"
    assert parse_editor("责编：Demi Xia") == "Demi Xia"


def test_padded_names_and_traditional_bylines():
    assert parse_byline("□《北大荒日报》记者 林 梅").authors == ["林梅"]
    assert parse_byline("(記者 韓章云)").authors == ["韓章云"]
    assert parse_byline("記者 潘潔瑩 陳君毅 榮昊北").authors == ["潘潔瑩", "陳君毅", "榮昊北"]


def test_day_first_dates_and_comma_separated_byline():
    assert parse_date("30.11.2017  22:27") == "2017-11-30T22:27:00+08:00"
    assert looks_like_byline("记者:马丽,石磊") and parse_byline("记者:马丽,石磊").authors == ["马丽", "石磊"]


def test_pen_names_lone_names_and_label_words():
    assert parse_byline("执笔/叨叨姐、胡一刀&李小飞刀").authors == ["叨叨姐", "胡一刀", "李小飞刀"]
    assert parse_byline("作者 宪瑞 编辑").authors == ["宪瑞"]  # a label word is no name
    assert parse_byline("作者：网络").authors == []
    assert split_trailing_byline("活动将在巴西举行。（张巨峰）") == ("活动将在巴西举行。", "（张巨峰）")
    assert split_trailing_byline("站在中间的是他（左一）")[1] is None
    assert parse_editor("药剂科供稿 摄影/张艳 编辑/苏芳") == "苏芳"


def test_datelines_of_outlets_and_unbracketed_credits():
    dateline, rest = split_dateline("河南日报客户端(记者王永乐通讯员夏宝莲)5月18日至19日,活动举行。")
    assert dateline == "河南日报客户端(记者王永乐通讯员夏宝莲)" and rest.startswith("5月18日")
    dateline, _ = split_dateline("今日房县网讯 记者 李硕 高书文 通讯员 王桂云 报道:3月29日,调研组来我县。")
    assert dateline == "今日房县网讯 记者 李硕 高书文 通讯员 王桂云 报道:"
    rest, byline = split_trailing_byline("港堤上站满了送行的人。 记者 胡龙召 通讯员 王晓杰")
    assert (rest, byline) == ("港堤上站满了送行的人。", "记者 胡龙召 通讯员 王晓杰")
    assert split_trailing_byline("他说:“我们会再来。”")[1] is None


def test_labels_match_full_width_but_values_stay_as_published():
    assert parse_source("來源：中國新聞網（河南）") == "中國新聞網（河南）"
    assert classify_line("發佈時間：2020年03月19日") == Kind.DATE


def _text_page(text: str):
    from newsclean.extract.layout import read_text_page
    from newsclean.extract.record import Article

    art = Article()
    read_text_page(text, art)
    return art


def test_text_page_title_is_chosen_from_the_whole_page():
    # e-paper reader chrome (版面 list, 上一版/下一版, date widget) around the article, as
    # 数字报 pages render: the headline is the line next to the date, not the first line
    art = _text_page(
        "\n".join(
            [
                "通版阅读请点击:",
                "当前版:03版",
                "第A3版:宁波新闻 上一版3  4下一版",
                "发布日期: 2021年09月27日",
                "高城镇组团学习产业发展经验",
                "随州日报讯(通讯员谢宏斌)近日,随县高城镇大桥、高黄两村干部组团前往三里岗镇常安店村学习产业发展经验。",
                "在常安店村,村党支部书记何明洪介绍了该村发展小型香稻加工厂及成立4个农业专业合作社的经验、教训。",
                "上一篇  下一篇",
                "宁波日报",
            ]
        )
    )
    assert art.title == "高城镇组团学习产业发展经验"
    assert art.published_at == "2021-09-27" and art.correspondents == ["谢宏斌"]
    assert art.body[0].startswith("近日") and len(art.body) == 2


def test_text_excerpt_starting_at_the_body_has_no_title_and_drops_its_cut_line():
    art = _text_page(
        "本报讯(融媒体中心记者 陈晶晶)连日来,市里组织开展了环境整治行动,取得明显成效。\n"
        "活动中,志愿者们清理垃圾、劝导不文明行为,群众纷纷点赞。\n"
        "下一步,该市将继续加大力度,推动"
    )
    assert art.title == "" and art.authors == ["陈晶晶"]
    assert art.body[-1].endswith("点赞。")  # the paragraph cut by the excerpt end is dropped


# Boilerplate told by the shape of a line, as it shows on many sites: image file names left by
# renderings, template placeholders, end markers and repost notices, related lead-ins, and
# separator-dense navigation rows.
@pytest.mark.parametrize(
    "line,kind",
    [
        ("20200923_e5a976e1cb725a99194293497df92720.jpg", Kind.SHARE),
        ("{{exchange.chiyouhuobi}} = {{exchange.duihuanhuobi}}", Kind.SHARE),
        ("- THE END -", Kind.FOOTER),
        ("（完）", Kind.FOOTER),
        ("转载请注明出处：快科技", Kind.FOOTER),
        ("本文为某某网原创文章，未经允许不得转载。", Kind.FOOTER),
        ("本作品为某科普平台原创，转载时务请注明出处。", Kind.FOOTER),
        ("更多“家电维修”的相关经验请关注本站生活频道", Kind.FOOTER),
        ("他的文章被多家媒体转载，引发热议。", Kind.TEXT),
        ("相关资讯请关注:逆水寒专区", Kind.RELATED),
        ("猜你感兴趣： 如何挑选运动鞋", Kind.RELATED),
        ("相关： 某歌手新专辑首发(图)", Kind.RELATED),
        ("索引号：113501000035/2024-00123", Kind.FIELDS),
        ("发布机构： 某市农业农村局", Kind.FIELDS),
        ("友情链接： 某某网 某某论坛", Kind.RELATED),
        ("山西新聞網>>融媒·專題>>2020>>脫貧攻堅", Kind.NAV),
        ("他说，这一天终于来了。", Kind.TEXT),
    ],
)
def test_boilerplate_by_shape(line, kind):
    assert classify_line(line) == kind


def test_credit_chain_and_repeated_tail():
    from newsclean.extract.layout import finish_body
    from newsclean.extract.record import Article

    art = Article()
    finish_body(
        [
            "第一段，内容很长的一个句子。",
            "第二段，另一个句子在这里。",
            "第三段，还有一个句子。",
            "第二段，另一个句子在这里。",
            "第三段，还有一个句子。",
        ],
        art,
    )
    assert len(art.body) == 3  # the repeated block is printed once
    art = Article()
    finish_body(
        [
            "一问一答间，呈现出一个自信的新山东。闪电新闻记者 孔然 报道来源:闪电新闻编辑:孔然责编:赵宇光审校:梁义"
        ],
        art,
    )
    assert art.body == ["一问一答间，呈现出一个自信的新山东。"]
    assert art.authors == ["孔然"] and art.editor == "孔然 赵宇光"


def test_text_page_date_is_the_one_under_the_title():
    # a today-date widget above the article, as county portals show; a year-less date line
    # (昆明信息港) takes its year from the URL
    art = _text_page(
        "2025年07月13日\n首页 > 新闻中心 > 本地 > 正文\n三门峡,我们为你自豪!\n"
        "来源: 发布日期:2017-10-09   打印\n"
        "本报讯:(记者 李博 徐洪波)欢呼、尖叫、激动,各界群众积极收看节目,场面热烈。\n"
        "在会展中心,各行各业的代表齐聚一堂,共同见证了这一时刻,大家都很自豪。\n"
    )
    assert art.published_at == "2017-10-09" and art.authors == ["李博", "徐洪波"]
    from newsclean.extract.layout import read_text_page
    from newsclean.extract.record import Article

    art = Article(url="https://m.kunming.cn/news/c/2025-10-03/13983659.shtml")
    read_text_page(
        "首页 昆明 正文\n翠湖周边游 文明成最美风景\n昆明信息港    10-03 10:13:10\n"
        "国庆假期首日,尽管下起阵雨,却丝毫未减市民游客的出游热情,文明旅游蔚然成风。\n",
        art,
    )
    assert art.published_at == "2025-10-03T10:13:10+08:00"


def test_a_related_link_before_the_story_does_not_end_it():
    # NetEase's 2006 entertainment template: photo captions and a `相关新闻：` link stand in
    # the text container above the story; a `相关新闻` line after the story still ends it
    from newsclean.extract.layout import finish_body
    from newsclean.extract.record import Article

    story = [
        "本月17日上午，美国金球奖颁奖典礼将在洛杉矶举行，今年有众多华人电影人入围。",
        "今年的金球奖颁奖典礼，华人影人有机会成为晚会的主轴之一，两部华语电影入围最佳外语片。",
        "至于入围戏剧类最佳女主角的章子怡，要面对众多强敌，但她声势依旧很旺。",
    ]
    art = Article()
    finish_body(
        ["李安日前凭借《断臂山》获大奖", "章子怡", "相关新闻：李安陈凯歌赴会参加金球颁奖礼", *story], art
    )
    assert art.body[-3:] == story
    art = Article()
    finish_body(
        [*story, "相关新闻：", "第二条新闻的标题，很长很长的一段文字。", "第三条新闻标题，也很长的文字。"],
        art,
    )
    assert art.body == story


def test_permalink_lines_end_the_article_in_both_scripts():
    # DedeCMS-style content-farm pages print the article's title and address under it
    for line in (
        "本文地址： http://www.example.com/1261520.html",
        "本文標題：某某規定",
        "本文链接：https://a.cn/1",
    ):
        assert classify_line(line) == Kind.FOOTER


def test_control_characters_hidden_between_words_are_not_stored():
    # content farms hide C0 bytes before punctuation to defeat copy checks (seen on a
    # machine-converted traditional page); tabs and newlines are spaces, not controls
    from newsclean.extract.text import clean_line

    assert (
        clean_line("標準網絡主播行為\x05\x08\x07，增強職業道德\x07。") == "標準網絡主播行為，增強職業道德。"
    )
    assert clean_line("甲\t乙") == "甲 乙"


@pytest.mark.parametrize(
    "css",
    [
        "title",
        "meta[name]",
        "a[rel=next]",
        'script[type="application/ld+json"]',
        "time[datetime]",
        "#pubtime_baidu",
        "#related-img",
        # a tag and one class, as the hnr adapter writes them
        " div.editor",
        "h2.f32",
        "div.left_news-box2",
    ],
)
def test_simple_selectors_are_the_xpath_cssselect_writes(css):
    from lxml.cssselect import CSSSelector

    from newsclean.extract.html import selector, simple_xpath

    assert simple_xpath(css) == CSSSelector(css, translator="html").path
    assert selector(css).path == CSSSelector(css, translator="html").path


@pytest.mark.parametrize("css", ["h1.x.y", "#a b", "p[x=1]", "a[rel='x']", "div[class*=x]", "div.-x", "H1.x"])
def test_other_selectors_are_left_to_cssselect(css):
    from newsclean.extract.html import simple_xpath

    assert simple_xpath(css) is None


@pytest.mark.parametrize(
    "type_attr, found",
    [
        ("application/ld+json", 1),
        ("application/&#108;d+json", 1),  # a character reference writes the same type
        ("application/ld&#x2B;json", 1),
        ("application/ld&plus;json", 1),
        ("text/javascript", 0),
    ],
)
def test_json_ld_scripts_are_found_however_their_type_is_written(type_attr, found):
    from newsclean.extract.html import json_ld_scripts, parse_html

    page = f'<html><head><script type="{type_attr}">{{}}</script></head><body>&#8203;</body></html>'
    assert len(json_ld_scripts(parse_html(page), page)) == found


def test_page_text_guards_answer_as_in_does():
    """source_holds remembers its answers for one page text, and answers a word holding one
    found absent without looking (a page's id and class guards, extract/html.py)."""
    from newsclean.extract.html import _LD_JSON_REF_RE, source_holds

    page = '<div id="pubtime_baidu">2024-05-06</div><span class="time">&#108;</span>'
    other = '<div id="pubtime">2024-05-06</div>'
    for text in (page, other, page):  # a new text is looked into afresh
        for word in ("pubtime", "pubtime_baidu", "time_baidu", "newsdate", "newsdate_x", "class"):
            assert source_holds(text, word) == (word in text)
        assert source_holds(text, _LD_JSON_REF_RE) == (_LD_JSON_REF_RE.search(text) is not None)


@pytest.mark.parametrize(
    "script, stamp",
    [
        ('var publish_time = "1581517074";', "2020-02-12T22:17:54+08:00"),
        ("pubtime: 1481517074, publish_time: 1581517074", "2016-12-12T12:31:14+08:00"),
        ("xpublish_time: 1481517074, pub_time: 1581517074", "2020-02-12T22:17:54+08:00"),
        ("pubpublish_time=1581517074", None),  # the name does not start a word
        ('ct = "1581517074"; publishtime: 1481517074', "2020-02-12T22:17:54+08:00"),
    ],
)
def test_the_first_script_stamp_is_taken(script, stamp):
    """WeChat's `var ct`, CMS `publish_time`/`pubtime` stamps: the first whose name starts a word."""
    from newsclean.extract.page_meta import stamp_date

    assert stamp_date(f"<script>{script}</script>") == stamp
