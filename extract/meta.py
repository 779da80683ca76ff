"""Parsers for metadata lines: source (来源), editor (责编), keywords, breadcrumb."""

from __future__ import annotations

import re

from newsclean.extract import labels
from newsclean.extract.bylines import is_name
from newsclean.extract.text import HAN, clean_line, match_form, squeeze_spaces

# A label's value ends at the next label, a widget (字号, 浏览次数, 【…】), a bar or two spaces.
_HEADER_LABELS = "|".join(
    (labels.AUTHOR_WORD, labels.EDITOR, labels.SOURCE_WORD, "时间|发布时间", labels.COUNTERS)
)
_LABEL_STOP = (
    r"(?=\s{2,}|\s*(?:"
    + _HEADER_LABELS
    + ")"
    + labels.COLON
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
    """The value of a `来源:` label in the text, if any."""
    line = text.strip()
    value = squeeze_spaces(_group(line, _SOURCE_VALUE_RE.search(match_form(line)), "v"))
    return value or None


def parse_editor(text: str) -> str | None:
    """The editor named by `责编:X`, `责任编辑:X`, `【编辑:X】` or `(编辑 X)`, if any."""
    line = clean_line(text)
    names: list[str] = []
    for match in _EDITOR_NAME_RE.finditer(match_form(line)):  # `编辑:孙红亮 责任编辑:徐婷`
        value = _EDITOR_TAIL_RE.sub("", _group(line, match, "a", "b", "c").strip())  # `X纠错:…`
        for name in _EDITOR_SPLIT_RE.split(value):  # `萧潇、张妍`: one name each
            name = _STAFF_CODE_RE.sub("", name)
            if name and name not in names:
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
