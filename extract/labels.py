"""The Chinese label words of news pages, in one place: regex alternations (`a|b|c`) and small
pattern pieces that the line classifier, the metadata parsers, the byline parser and the page
readers compose into their own patterns.

Each constant is a plain alternation without a group, so a user writes `(?:{EDITOR})`.
"""

from __future__ import annotations

# `来源:`, `稿源:`, `供稿单位:`, `出处:`, `转自:`: where the article comes from.
SOURCE_WORD = "来源"
SOURCE = SOURCE_WORD + "|稿源|供稿单位|供稿|出处|转载自|转自"
# `责编:`, `责任编辑:`, `编辑:`: who edited it.
EDITOR = "责编|责任编辑|编辑|编审"
# Reviewers named after the editor (`审核:X`, `校对:X`), and the whole sign-off chain of a
# CMS footer (`审校:`, `主编:`, `监制:`, `一审:` … `终审:`).
PROOFREADERS = "审核|校对"
SIGN_OFFS = "审校|" + PROOFREADERS + "|主编|监制"
REVIEW_ROUNDS = "一审|二审|三审|初审|复审|终审"
# `纠错:` (a corrections contact) follows the editor on some pages.
CORRECTION = "纠错"
# `文章关键词:`, `关键字:`.
KEYWORDS = "(?:文章)?关键[词字]"
KEYWORD_WORD = "关键[词字]"
# What marks the answer a Q&A page keeps: `最佳答案`, `提问者采纳`, `推荐答案` (its block's
# head), and the count that opens its answers (`3个回答`, `查看全部 56 个回答`).
ANSWER_MARKS = "最佳答案|最佳回答|提问者采纳|推荐答案|满意答案|优质答案|精选回答|已采纳"
ANSWER_COUNT = r"\d+\s*[个条]回答"
# `所属分类:`, `栏目:`, `标签:`: the column or tags a page files its story under.
CATEGORY = "(?:所属)?(?:分类|栏目|类别|频道|专题)|标签"
# `发布时间:`, `更新日期:`, `时间:`.
DATE = "(?:发布|更新|发表)?(?:时间|日期)"
# Words of a byline: `记者`, `通讯员`, `实习生`, and the writer labels `作者:`, `执笔`, `撰稿`, `撰文`,
# `采写` (reported and written by); the 作者 ending a noun (工作者, 创作者, 合作者) is none.
REPORTER = "记者"
CORRESPONDENT = "通讯员"
INTERN = "实习生"
AUTHOR_WORD = "作者"
# A writer's label words other than 作者 (`文字` as in `文字：李华 图片：王强`).
OTHER_WRITER_WORDS = ("执笔", "撰稿", "撰文", "采写", "文字")
WRITERS = "(?<![工创合写著])" + AUTHOR_WORD + "|" + "|".join(OTHER_WRITER_WORDS)
# The `作者:`/`撰稿:` field of a CMS header (a field, not a byline).
AUTHOR_FIELD = AUTHOR_WORD + "|撰稿|撰文"
# A photographer's or camera operator's label (`摄影：`, `图片：`), and other writers' labels.
PHOTO_CREDIT = "摄影|摄像|图片|" + "|".join(OTHER_WRITER_WORDS)
# Hit counters and reading counts standing after the header labels.
COUNTERS = "点击|浏览|阅读"
# A label's colon, ASCII or full-width, with the spaces before it.
COLON = r"\s*[:：]"
# `本文地址:`, `本文标题:`, `本文链接:`: the permalink lines a CMS prints under an article
# (in both scripts).
PERMALINK = "本文(?:标题|標題|地址|链接|鏈接|网址|網址)"
# The fields of a government information-disclosure page's metadata block (政府信息公开:
# `索引号:`, `发布机构:`, `文号:`, `主题分类:` …): the page's catalogue record, never its text.
DISCLOSURE_FIELDS = (
    "索引号|发布机构|发文机关|发文单位|主题分类|主题词|文号|发文字号|成文日期|公文生成日期|"
    "有效性|时效|公开方式|公开范围|公开时限|体裁分类|组配分类|服务对象|内容概述"
)

# What a CMS prints where no person was entered (`作者:admin`, `作者：佚名`, `编辑：小编`):
# never an author or editor. (A source stays as printed: `来源：本站原创`, `来源：网络`.)
PLACEHOLDERS = frozenset(
    "未知 不详 佚名 匿名 admin Admin ADMIN 管理员 小编 本站 本网 原创 本站原创 本网原创 网络 互联网 "
    "转载 网络转载 来源网络 网友 编辑部".split()
)
