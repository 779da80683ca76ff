"""One boilerplate-line classifier: what a line of a news page is, besides article text.

`classify_line` returns one of the `Kind` values; adapters use it on text renderings and on
the lines of an HTML body container alike. Nothing here raises.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from newsclean.extract import labels
from newsclean.extract.bylines import is_name, looks_like_byline
from newsclean.extract.dates import parse_date
from newsclean.extract.text import match_form


class Kind(str, Enum):
    """What a line is."""

    TEXT = "text"
    COUNTER = "counter"  # a bare hit counter: `5034`, `0`
    DATE = "date"  # a date/source line near the title
    SOURCE = "source"  # `来源:…` alone
    EDITOR = "editor"  # `责编:…`, `责任编辑:…`, `【编辑:X】`, `文章关键词:… 责编:…`
    KEYWORDS = "keywords"  # `文章关键词:…`, `关键词:…` without an editor
    HOTLINE = "hotline"  # contribution notices, news hotlines, contact e-mails
    BYLINE = "byline"  # a line that is only a byline
    SHARE = "share"  # share/print/font-size widgets, QR code prompts, `原标题:` notes
    RELATED = "related"  # a related-reading heading: everything after it is not article
    FOOTER = "footer"  # copyright, ICP, site links: everything after it is not article
    NAV = "nav"  # a bar of short links
    LEAD = "lead"  # `核心提示`: the next paragraph is a lead, not body
    FARM = "farm"  # content-farm filler: `下面小编整理…欢迎阅读。`
    FIELDS = "fields"  # a disclosure page's metadata: `索引号： | … | 发布机构： | …`, `文号：…`


_RELATED_RE = re.compile(
    r"^(?:相关阅读|相关新闻|相关内容|相关链接|相关文章|相关报道|相关推荐|推荐阅读|延伸阅读|热门资讯|热门排行|热门文章|"
    r"热点推荐|精彩推荐|猜你喜欢|最新文章|本站推荐|新闻精选|图片新闻|为您推荐)(?:\s*换一换)?\s*[:：>»]?$"
)
_FOOTER_RE = re.compile(
    r"^(?:网站简介|关于我们|About us|版权声明|联系我们)\s*[|｜]|Copyright\s*(?:©|\(c\)|&copy;)?|版权所有|"
    r"ICP[备证]|公网安备|本网站所刊载信息|未经授权禁止转载|违法和不良信息举报|"
    r"本网站由.{0,30}主办|^(?:主办|承办)单位\s*[:：]|网站标识码|建议使用.{0,20}(?:分辨率|浏览器)",
    re.IGNORECASE,
)
_HOTLINE_RE = re.compile(r"热线|投稿邮箱|投稿信箱|爆料|新闻线索|联系电话|举报电话")
# A line holding an editor label (meta reads the name after it).
_HAS_EDITOR_LABEL_RE = re.compile(
    # sign-offs too: the review rounds every county and government text closes with
    # (`一审：X 二审：Y 三审：Z`, `初审：… 复审：… 终审：…`, `监制：X`)
    f"(?:{labels.EDITOR}|{labels.SIGN_OFFS}|{labels.REVIEW_ROUNDS})"
    + labels.COLON
    + r"|(?:责编|编辑)/|【\s*编辑\s*[:：][^】]*】|^[(（]\s*编辑\s+\S+\s*[)）]$"
)
# A line opening with a keywords label (meta reads the keywords after it).
_STARTS_WITH_KEYWORDS_LABEL_RE = re.compile("^" + labels.KEYWORDS + labels.COLON)
# Every editor and keyword line holds one of these words (a cheap test before classify_line;
# `责任编辑` holds `编辑`, so any match of the editor words is one of these).
_EDITOR_WORD_RE = re.compile("|".join(("责编|编辑|编审", labels.PROOFREADERS, labels.KEYWORD_WORD)))
# Widget lines of comment and reply blocks: a comment counter (`【已有0位网友发表了看法，点击查看。】`,
# `网友评论 12 条`), a reaction bar (`你对这个回答的评价是？ 采纳数：12`, `回复 | 举报`), an
# answer's mark standing alone (`最佳答案`), a prompt to follow a link (`点击进入〉〉〉…专题`,
# `点击查看：…名单（图）`). One pattern: most lines try it.
_REPLY_WIDGET_RE = re.compile(
    r"^[【\[(]?\s*(?:已有|共有)?\s*\d+\s*[位名个人条]?\s*网友(?:发表|参与|评论)|^(?:网友评论|评论|跟帖)\s*\d+\s*条|"
    r"^你对这个回答的评价是|^采纳数\s*[:：]?\s*\d|^(?:" + labels.ANSWER_MARKS + r")\s*$|"
    r"^(?:回复|举报|点赞|收藏|分享|赞|踩)(?:[\s|｜·]*(?:回复|举报|点赞|收藏|分享|赞|踩|\d+))*$|"
    r"^[【\[(]?\s*(?:请)?点击(?:进入|查看|阅读|浏览|观看)(?!.*。)"
)
_SHARE_RE = re.compile(
    r"^(?:分享到|分享至|打印|关闭窗口|【?\s*字号|字体\s*[:：]|扫一扫|微信扫一扫|手机看新闻|返回顶部|"
    r"【\s*大\s*中\s*小\s*】|【打印】|【关闭】|收藏本文|点击[数量]?\s*[:：]|分享让更多人看到|"
    r"原标题\s*[:：]|长按(?:识别)?二维码|扫码(?:下载|关注)|下载\S{0,10}客户端|点赞\s*[(（]?\d|"
    # what opens a self-media post or a media page: `点击上方蓝字关注我们`, `阅读提示：…`,
    # a player's `收听本文`, `视频加载中...`, `00:00 / 03:12`, a photo credit `图片来源：…`
    r"[↑↓\s]*点击(?:上方|下方|蓝字)|阅读提示|收听本文|视频加载中|正在加载|自动播放|(?:广告|广告位|推广|AD)$|\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2}$|"
    # a call to follow the account closing a self-media post: `关注该公众号`, `欢迎关注我们`
    r"(?:欢迎|请|点击|长按)?关注(?:该|本|我们的)?\S{0,10}(?:公众号|微信号|视频号|头条号|抖音号|我们)[!！。~～]*$|"
    r"[(（]?(?:图片|图)来源|"
    # a fold button in an answer or post (`展开全部`), an attached file's card in a forum post
    # (`下载附件 (123.45 KB)`, `2024-3-5 08:20 上传`)
    r"(?:展开全部|展开阅读全文|下载附件)(?:\s*[(（][\d.]+\s*[KMG]B[^)）]*[)）])?$|\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}\s*上传$)"
)
# A bar of bracketed page widgets (`【打印本页】【关闭窗口】`, `[收藏] [打印] [纠错]`).
_WIDGET_BAR_RE = re.compile(
    r"^(?:[【\[]\s*(?:[^【】\[\]]{0,4}(?:打印|关闭|收藏|纠错|字[号体]|大\s*中\s*小|返回|顶部|分享|保存|推荐)"
    r"[^【】\[\]]{0,8})\s*[】\]]\s*)+$"
)
# An editor label and up to three names after it, without a colon (see is_bare_editor_line).
_BARE_EDITOR_RE = re.compile(
    f"^[(（]?\\s*(?:{labels.EDITOR})\\s+(?P<names>[^\\s()（）]+(?:\\s+[^\\s()（）]+){{0,2}})\\s*[)）]?$"
)
# A line opening with a source label, `新闻来源:` too (meta reads the value after it).
_STARTS_WITH_SOURCE_LABEL_RE = re.compile(f"^(?:新闻|文章|本文|信息)?(?:{labels.SOURCE})" + labels.COLON)
_COUNTER_RE = re.compile(r"^\d{1,9}$")
_DISCLOSURE_FIELD_RE = re.compile(f"^(?:{labels.DISCLOSURE_FIELDS}){labels.COLON}")
_FARM_RE = re.compile(r"下面小编[^。]*?(?:欢迎|希望|仅供)[^。]*。")
# Lines that are page machinery, not text, told by their shape: a bare image or document
# file name, template placeholders and comment fragments, a lone template path.
_FILE_NAME_RE = re.compile(r"^[\w\-./:]*\.(?:jpe?g|png|gif|webp|bmp|swf|docx?|pdf|xlsx?)$", re.IGNORECASE)
_TEMPLATE_JUNK_RE = re.compile(r"\{\{.*?\}\}|<!--|-->|\$\{\w|<%|%>|^[\w./-]+\.(?:s?html?|php|aspx?|jsp)$")
# The end of an article: `- THE END -`, `(完)`; repost and disclaimer notices after it.
_END_RE = re.compile(r"^[-—=\s]*(?:THE\s*END|END|全文完)[-—=\s]*$|^[(（]\s*完\s*[)）]$", re.IGNORECASE)
_NOTICE_RE = re.compile(
    r"转载\S{0,2}请?注明|未经(?:允许|许可|授权)\S{0,2}(?:不得|禁止|严禁)转载|版权归原作者|免责声明|本文仅代表作者|"
    r"返回\S{0,8}[,，]?\s*查看更多|^更多\S{0,40}请关注|"
    # platform and reprint statements: `声明：本文来源于网络…`, `…如有侵权请联系删除`, the
    # self-media notices of portals (`…仅代表该作者或机构观点，不代表澎湃新闻的观点或立场…`)
    r"^(?:特别|免责|版权)?声明\s*[:：]|如有侵权|侵权\S{0,4}(?:请?联系|删除)|仅代表(?:该)?作者|"
    r"不代表\S{0,8}观点或立场|不代表本(?:网|站|报|刊|平台)\S{0,4}(?:观点|立场)|仅提供信息(?:存储|发布)|^欢迎投稿"
)
_PERMALINK_RE = re.compile(f"^(?:{labels.PERMALINK}){labels.COLON}")
# `相关资讯请关注:…`, `相关:…`, `猜你感兴趣:…`, `友情链接:…`, `上一篇:…`, `延伸阅读：…`,
# `【延伸阅读】…`, a bulleted `►延伸閱讀 …`: a related-reading or link list's lead-in with its
# links on the same line.
_FURTHER_READING = "延伸阅读|推[荐薦]阅读"
_RELATED_LEAD_RE = re.compile(
    r"^(?:(?:相关|更多)(?:资讯|新闻|阅读|文章|内容|报道|精彩)\S{0,6}|相关|猜你(?:喜欢|感兴趣)|友情链接|"
    f"{_FURTHER_READING}|[上下]一(?:篇|条))\\s*[:：]"
    f"|^[【\\[](?:{_FURTHER_READING}|相关阅读|相关新闻|相关报道)[】\\]]|^(?:{_FURTHER_READING})\\s"
)
_SEPARATORS_RE = re.compile(r"[|｜·•/>»›]")
_SENTENCE_END_RE = re.compile(r"[。！？]")
_CLAUSE_RE = re.compile(r"[。，,！？]")
# Every rule but the template and farm ones is for lines shorter than this.
LONG_LINE = 200
_BULLET_RE = re.compile(r"^[•·●○◆■□▪►\-*]\s*")


# A prompt to get the site's app: `点我下载APP`, `…下载客户端还能获得专享福利哦！`,
# `現在用APP看新聞`.
_APP_PROMOTION_RE = re.compile(r"下[载載]\S{0,8}(?:APP|App|app|客[户戶]端)|用(?:APP|App|app)[看睇]新[闻聞]")


def is_app_promotion(line: str) -> bool:
    """True for a short prompt to get the site's app; a sentence of a story about an app
    (`市民可下载APP预约挂号。`) ends with a full stop and is not one."""
    return len(line) < LONG_LINE and not line.endswith("。") and bool(_APP_PROMOTION_RE.search(line))


def strip_bullet(line: str) -> str:
    """The line without a leading list bullet."""
    return _BULLET_RE.sub("", line)


def is_template_junk(line: str) -> bool:
    """True for template placeholders and comment fragments (`{{title}}`, `-->`), unless the
    line holds line breaks: a preformatted block, code, where `-->` and `${x}` are code."""
    return "\n" not in line.strip() and bool(_TEMPLATE_JUNK_RE.search(line))


# Several readers classify the same lines of a page (the lines by the title, the container's
# lines on trial and in the end), and a site repeats its template's lines on every page.
CLASSIFIED_LINES = 4096


@lru_cache(maxsize=CLASSIFIED_LINES)
def classify_line(line: str) -> Kind:
    """What kind of line this is (see `Kind`); full-width punctuation counts as ASCII.
    (A function of the line alone: the kinds of the lines seen last are kept.)"""
    if len(line) > LONG_LINE:  # running text: only these rules look at lines this long
        if is_template_junk(line):
            return Kind.SHARE
        return Kind.FARM if _FARM_RE.fullmatch(line.strip()) else Kind.TEXT
    text = strip_bullet(match_form(line).strip())
    if not text:
        return Kind.SHARE
    if _COUNTER_RE.match(text):
        return Kind.COUNTER
    if _FILE_NAME_RE.match(text) or is_template_junk(text):
        return Kind.SHARE
    if _END_RE.match(text) or (len(text) < 120 and _NOTICE_RE.search(text)) or _PERMALINK_RE.match(text):
        return Kind.FOOTER
    if len(text) < 120 and _RELATED_LEAD_RE.match(text):
        return Kind.RELATED
    if _RELATED_RE.match(text):
        return Kind.RELATED
    if len(text) < 200 and _FOOTER_RE.search(text):
        return Kind.FOOTER
    if text in ("核心提示", "核心提示:", "核心提示：", "导读", "内容提要", "摘要"):
        return Kind.LEAD
    if (
        len(text) < 120
        and _STARTS_WITH_KEYWORDS_LABEL_RE.search(text)
        and not _HAS_EDITOR_LABEL_RE.search(text)
    ):
        return Kind.KEYWORDS
    if (
        len(text) < 60
        and (_HAS_EDITOR_LABEL_RE.search(text) or is_bare_editor_line(text))
        and "。" not in text
    ):
        return Kind.EDITOR
    if len(text) < 120 and _STARTS_WITH_KEYWORDS_LABEL_RE.search(text):
        return Kind.EDITOR
    if _is_hotline(text):
        return Kind.HOTLINE
    if len(text) < 80 and (
        _SHARE_RE.match(text) or _WIDGET_BAR_RE.match(text) or _REPLY_WIDGET_RE.match(text)
    ):
        return Kind.SHARE
    if len(text) < 60 and _STARTS_WITH_SOURCE_LABEL_RE.match(text):
        return Kind.SOURCE
    if len(text) < 80 and not _SENTENCE_END_RE.search(text) and parse_date(text):
        return Kind.DATE
    if len(text) < 80 and _DISCLOSURE_FIELD_RE.match(text):
        return Kind.FIELDS
    if looks_like_byline(text):
        return Kind.BYLINE
    if _is_nav_bar(text):
        return Kind.NAV
    if _FARM_RE.fullmatch(text):
        return Kind.FARM
    return Kind.TEXT


@lru_cache(maxsize=CLASSIFIED_LINES)
def is_related_heading(line: str) -> bool:
    """True for a related-reading heading (`相关文章`, `推荐阅读`): a cheap test of one rule of
    `classify_line`, for callers that look at many short texts (the author card walks ask
    about each short element text after the headline: a site's menus and labels recur)."""
    return len(line) < LONG_LINE and _RELATED_RE.match(match_form(line).strip()) is not None


def is_link_lead_in(line: str) -> bool:
    """True for a related-reading lead-in carrying its link on the same line (`相关阅读：X`,
    `►延伸閱讀 X`), as opposed to a heading over a list (`相关新闻：` alone)."""
    text = strip_bullet(match_form(line).strip())
    lead = _RELATED_LEAD_RE.match(text) if len(line) < LONG_LINE else None
    return lead is not None and len(text[lead.end() :].strip()) >= MIN_LINK_TEXT


# The shortest link text after a lead-in (`延伸阅读：某县召开…`).
MIN_LINK_TEXT = 4


def is_bare_editor_line(text: str) -> bool:
    """True for an editor's line without a colon: `编辑 李华`, `(责编 李华 张伟)`."""
    found = _BARE_EDITOR_RE.match(text)
    return found is not None and all(is_name(name) for name in found["names"].split())


def may_be_editor_line(line: str) -> bool:
    """False for a line `classify_line` cannot take for an editor line: it names no editor
    or keywords (most lines of a page; the test costs a fraction of classifying)."""
    return len(line) <= LONG_LINE and _EDITOR_WORD_RE.search(match_form(line)) is not None


def _is_hotline(text: str) -> bool:
    """A contribution/hotline notice: `(荥阳政务新闻热线:…,投稿邮箱:…)`, `新闻热线:…`."""
    if len(text) > 120 or not _HOTLINE_RE.search(text):
        return False
    bracketed = text[0] in "(（【[" and text[-1] in ")）】]"
    labelled = re.match(r"^[^。，,]{0,12}(?:热线|邮箱|信箱|电话)\s*[:：]", text) is not None
    return bracketed or labelled


def _is_nav_bar(text: str) -> bool:
    """A row of many short link labels (`中新网首页 安徽 北京 重庆 …`, `首页 | 新闻 | …`)."""
    if _CLAUSE_RE.search(text):
        return False
    separators = len(_SEPARATORS_RE.findall(text))
    if separators >= 3 and (separators + text.count(" ")) / len(text) >= 0.2:
        return True  # `首页 | 新闻 | 专题`, `山西新聞網>>融媒·專題>>2020`
    tokens = re.split(r"[\s|｜]+", text)
    if len(tokens) < 6:
        return False
    short = sum(1 for t in tokens if 0 < len(t) <= 5)
    return short / len(tokens) > 0.85


def drop_farm_sentence(paragraph: str) -> str:
    """The paragraph without a content-farm `下面小编整理…欢迎阅读。` sentence."""
    return _FARM_RE.sub("", paragraph).strip()
