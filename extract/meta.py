"""Parsers for metadata lines: source (来源), editor (责编), keywords, breadcrumb."""

from __future__ import annotations

import re

from newsclean.extract import labels
from newsclean.extract.bylines import is_name
from newsclean.extract.text import HAN, clean_line, match_form, squeeze_spaces

# A label's value ends at the next label, a widget (字号, 浏览次数, 【…】), a bar or two spaces.
_HEADER_LABELS = "|".join(
    (
        labels.AUTHOR_WORD,
        labels.EDITOR,
        labels.SOURCE_WORD,
        "(?:发布|更新|成文|发文)?(?:时间|日期)",
        labels.COUNTERS,
    )
)
# Credit labels that follow a source in an info bar (`来源：某日报 摄影：周明`, `来源:新华社 文/李华`).
_CREDIT_LABELS = "|".join(
    (labels.REPORTER, labels.CORRESPONDENT, labels.INTERN, labels.PHOTO_CREDIT, labels.PROOFREADERS)
)
_LABEL_STOP = (
    r"(?=\s{2,}|\s*(?:"
    + _HEADER_LABELS
    + "|"
    + _CREDIT_LABELS
    + ")"
    + labels.COLON
    + r"|\s+(?:文|图|图文|摄)\s*[:：/／]"
    + r"|\s*(?:字号|字体|浏览次数|阅读量|【)|[|｜]|$)"
)
# The value of a `来源:` label anywhere in a line (boilerplate tells a line that opens with one).
_SOURCE_VALUE_RE = re.compile(f"(?:{labels.SOURCE})" + labels.COLON + r"\s*(?P<v>[^|｜\n]*?)" + _LABEL_STOP)
# Label words that end an editor's name glued to the next label (`编辑:孔然责编:赵宇光`).
_NEXT_LABEL = "|".join(
    (labels.EDITOR, labels.SIGN_OFFS, labels.SOURCE_WORD, labels.CORRECTION, labels.REVIEW_ROUNDS)
)
# The editor's name after an editor label (boilerplate only tells that a line holds the label).
_EDITOR_NAME_RE = re.compile(
    r"【\s*(?:责任)?编辑\s*[:：]\s*(?P<a>[^】]+?)\s*】"
    r"|(?:" + labels.EDITOR + r")\s*[:：/]\s*(?P<b>(?:(?!" + _NEXT_LABEL + r")[^\s|｜)）】\],，;；/:：])+)"
    r"|^[(（]\s*编辑\s+(?P<c>[^)）]+?)\s*[)）]$"
    r"|^(?:" + labels.EDITOR + r")\s+(?P<d>[^\s:：()（）]+(?:\s+[^\s:：()（）]+){0,2})$"
)
# What follows an editor's name on the same token: another label (`纠错:…`, `审核:…`); no label
# word starts another, so their order does not matter.
_EDITOR_TAIL_RE = re.compile(
    "(?:" + "|".join((_NEXT_LABEL, labels.AUTHOR_WORD, labels.REPORTER)) + ")" + r"(?:[:：].*)?$|[:：].*$"
)
_EDITOR_SPLIT_RE = re.compile(r"[、，,/]+")
# A CMS staff code glued to an editor's name (`杨倩_NF4425`, `罗崇纬_NB12082`).
_STAFF_CODE_RE = re.compile(f"(?<=[{HAN}])[_-][A-Za-z]{{0,4}}\\d+$")
_LATIN_NAME_RE = re.compile(r"^[A-Z][a-z]+$")
# The keyword list after a keywords label, up to an editor label (boilerplate only tells a
# line that opens with the label).
_KEYWORDS_VALUE_RE = re.compile(
    labels.KEYWORDS + labels.COLON + r"\s*(?P<v>.*?)(?=\s*(?:" + labels.EDITOR + ")" + labels.COLON + "|$)"
)
# Where an outlet's name ends on a source line: a date, a time, a counter or a widget word.
_SOURCE_TAIL_RE = re.compile(
    r"\s*(?:\d{4}\s*[-年/.]\s*\d{1,2}|\d{1,2}[-/月]\d{1,2}[日\s]|\d{1,2}:\d{2})"
    r"|\s+(?:打印|关闭|网友评论|评论|跟贴|进入论坛|浏览|阅读|点击|报料|热线|版次|栏目|字号|分享|收藏|举报|"
    r"手机看新闻|用手持设备访问|扫一扫)|(?:作者|编辑|责编)\s*[:：]"
    # a reporter's credit after the outlet: `来源:某某日报 融媒体记者 李华`
    + f"|\\s+[{HAN}]{{0,6}}?(?:{labels.REPORTER}|{labels.CORRESPONDENT})(?=[\\s:：])"
    # … or glued to it, the two in spans side by side: `来源：人民网－河南频道记者 赵磊`
    + f"|(?<=[{HAN}])(?:{labels.REPORTER}|{labels.CORRESPONDENT})(?=\\s*[:：]|\\s+[{HAN}])"
)
# The separators of an info bar's fields, and one field labelled without a colon.
_BAR_SPLIT_RE = re.compile(r"\s*[|｜\n]\s*")
_BAR_FIELD_RE = re.compile(
    f"^(?P<label>{labels.SOURCE_WORD}|{labels.AUTHOR_WORD})(?P<value>[^\\s:：]{{2,20}})$"
)
_NAME_LIST_SPLIT_RE = re.compile(r"[\s/、,，]+")
# Values of a `来源:` label that name no outlet: photo credits.
_NOT_SOURCE_RE = re.compile(r"^(?:资料图片?|图片|供图)$")
_KEYWORD_SPLIT_RE = re.compile(r"[,，;；、\s]+")
_CRUMB_SPLIT_RE = re.compile(r"\s*(?:>|»|＞|→)\s*")
_CRUMB_HOME = ("新闻中心", "首页", "网站首页", "当前位置", "您的位置", "您现在的位置", "位置", "主页")


def _group(line: str, match: re.Match[str] | None, *names: str) -> str:
    """The first non-empty named group of a match made on match_form(line), cut from `line`
    itself, so the value keeps the page's own punctuation."""
    if not match:
        return ""
    for name in names:
        if match[name]:
            return line[match.start(name) : match.end(name)]
    return ""


def parse_source(text: str) -> str | None:
    """The outlet named by a `来源:` label in the text, if any (see `clean_source`)."""
    return split_source(text)[0]


def split_source(text: str) -> tuple[str | None, list[str]]:
    """(outlet, writers) of a `来源:` label's value: `来源: 台海网 刘强` gives the outlet and
    the personal names standing after it."""
    line = text.strip()
    value = squeeze_spaces(_group(line, _SOURCE_VALUE_RE.search(match_form(line)), "v"))
    outlet = clean_source(value)
    if not outlet:
        return None, []
    rest = _NAME_LIST_SPLIT_RE.split(value[len(outlet) :].strip())
    names = []
    for token in rest:
        if not is_name(token):
            break
        names.append(token)
    return outlet, names


def clean_source(value: str | None) -> str | None:
    """The outlet's name alone, without what pages print after it on the same line: a date
    (`新华社 2024-09-20 20:38:30`), widgets (`打印本页 关闭`, `网友评论 0 条 进入论坛`,
    `浏览量:`, `报料热线:…`, `版次:A08 栏目:`), a writer's name after the outlet (`台海网 刘强`);
    None for a breadcrumb, a bare credit (`资料图`) or nothing."""
    if not value:
        return None
    folded = match_form(value)
    cut = _SOURCE_TAIL_RE.search(folded)
    value = value[: cut.start()] if cut else value
    value = squeeze_spaces(value).strip(" ,，;；|｜").rstrip("(（【[")  # `河南日报（2024年…` cut at the date
    if value[:1] in "[【" and value[-1:] in "]】":
        value = value[1:-1].strip()  # `[某县网]`, `【某县网】`
    first = value.split(" ")[0]
    if first != value and all(
        is_name(token) for token in _NAME_LIST_SPLIT_RE.split(value[len(first) :].strip())
    ):
        value = first  # `台海网 刘强`, `南方都市报(广州) 蔡丽怡/伍洁敏`: writers follow the outlet
    for opening, closing in ("(（", ")）"), ("【[", "】]"):
        if value.endswith(tuple(closing)) and not any(c in value for c in opening):
            value = value[:-1].rstrip()  # `资料图）`, `【来源：县林业局】`: the field's closing bracket
    if not value or is_breadcrumb(value) or _NOT_SOURCE_RE.match(match_form(value)):
        return None
    return value


def bar_fields(text: str) -> dict[str, str]:
    """The fields of an info bar that writes its labels without a colon (`发表于2014-08-24
    21:30 | 1164次阅读 | 来源CSDN | 作者魏星`): label word -> value, for 来源 and 作者."""
    folded = match_form(text)
    if len(_BAR_SPLIT_RE.findall(folded)) < 2:
        return {}
    fields: dict[str, str] = {}
    for part in _BAR_SPLIT_RE.split(text):
        found = _BAR_FIELD_RE.match(match_form(part.strip()))
        if found:
            fields.setdefault(found["label"], part.strip()[found.start("value") :])
    return fields


def parse_editor(text: str) -> str | None:
    """The editor named by `责编:X`, `责任编辑:X`, `【编辑:X】` or `(编辑 X)`, if any."""
    line = clean_line(text)
    names: list[str] = []
    for match in _EDITOR_NAME_RE.finditer(match_form(line)):  # `编辑:孙红亮 责任编辑:徐婷`
        value = _EDITOR_TAIL_RE.sub("", _group(line, match, "a", "b", "c", "d").strip())  # `X纠错:…`
        for part in _EDITOR_SPLIT_RE.split(value):  # `萧潇、张妍`: one name each
            name = _STAFF_CODE_RE.sub("", part)
            if name and name not in names and name not in labels.PLACEHOLDERS:
                names.append(name)
        if match["b"] and value:  # `编辑:龙志飞 欧文君`, `编辑:Demi Xia`: more names after the first
            latin = value.isascii()
            for token in line[match.end("b") :].split():
                if token in names or not (is_name(token) or (latin and _LATIN_NAME_RE.match(token))):
                    break
                names.append(token)
    return " ".join(names) or None


def parse_keywords(text: str) -> list[str]:
    """The keywords of a labelled `文章关键词:a,b` line (empty when there is no label)."""
    line = clean_line(text)
    match = _KEYWORDS_VALUE_RE.search(match_form(line))
    return split_keywords(_group(line, match, "v")) if match else []


def split_keywords(value: str) -> list[str]:
    """Split a keyword list on Chinese and ASCII separators, dropping repeats."""
    out: list[str] = []
    for word in _KEYWORD_SPLIT_RE.split(value or ""):
        if word and word not in out:
            out.append(word)
    return out


def parse_breadcrumb(text: str) -> str | None:
    """The column named by a breadcrumb (`新闻中心 > 荥阳 · 登封 · 上街 > 正文` gives the middle)."""
    parts = [p for p in _CRUMB_SPLIT_RE.split(clean_line(text)) if p]
    parts = [re.sub(r"^(?:当前位置|您的位置|您现在的位置|位置)\s*[:：]\s*", "", p) for p in parts]
    parts = [p for p in parts if p and p not in _CRUMB_HOME and p != "正文"]
    return parts[-1] if parts else None


def is_breadcrumb(text: str) -> bool:
    """True for a breadcrumb line: a home label, then `>`-separated columns."""
    line = clean_line(text)
    if len(line) > 80 or not re.search(r"\s(?:>|»|＞)\s?|\s?(?:>|»|＞)\s", line):
        return False
    first = _CRUMB_SPLIT_RE.split(line)[0]
    return first.startswith(_CRUMB_HOME) or line.rstrip(" >").endswith("正文")
