"""One byline parser: reporters (记者) and correspondents (通讯员) from any byline text.

Handles bylines on their own line (`映象网记者 王文凯 通讯员 王春亮 荣高洁 文/图`),
inline datelines opening the first paragraph (`映象网讯(记者 王振西 通讯员 闫彩彦 文/图)`,
`中新网郑州4月20日电(记者 …)`) and trailing bylines closing the last one
(`(河南日报客户端记者 卢松 通讯员 赵君明 陆梦娇)`). Nothing here raises.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.text import HAN

# Role markers, longest first. The value says which list the following names join;
# None marks a credit that qualifies names already given (`… 文/图`, `… 摄`).
_REPORTER = "authors"
_CORRESPONDENT = "correspondents"
ROLE_RE = re.compile(
    r"(?P<role>"
    r"(?:本报|本台|本网|本刊|全媒体|融媒体|见习|特约|首席|驻[^\s(（)）]{1,6})?记者"
    r"|通讯员|实习生|特约撰稿人?|作者|撰稿|文\s*/\s*图|图\s*/\s*文|摄影|摄像"
    f"|(?<![{HAN}])(?:文图|文|图|摄)(?![{HAN}])"
    r")\s*[:：/|]?\s*"
)
_ROLE_KIND = {
    "通讯员": _CORRESPONDENT,
}
_CREDIT_ROLES = {"文", "图", "摄", "文图", "摄影", "摄像"}
_NAME_RE = re.compile(f"^[{HAN}][{HAN}·•]{{1,5}}$")
_SPLIT_RE = re.compile(r"[\s、,，;；/|]+")
# A name list only: `(常书香 马丹阳)`
_NAMES_ONLY_RE = re.compile(f"^[{HAN}]{{2,4}}(?:[ 、,，][{HAN}]{{2,4}}){{1,5}}$")
_BYLINE_WORD_RE = re.compile(r"记者|通讯员|实习生|作者|撰稿|文\s*/\s*图|图\s*/\s*文|摄")

# An inline dateline: `XX讯(…)`, `XX消息(…)`, `中新网郑州4月20日电(…)`, or a bare `本报讯`.
DATELINE_RE = re.compile(
    r"^(?P<dateline>"
    r"[^\s,，。:：(（)）“”\"]{1,20}?(?:讯|消息|电)\s*[(（][^()（）]{1,80}[)）]"
    r"|(?:本报|本网|本台)讯|[^\s,，。(（“”\"]{1,12}网讯|新华社[^\s,，。(（]{1,12}电|中新网[^\s,，。(（]{1,12}电"
    r")\s*"
)
# A trailing byline in parentheses closing the last paragraph.
TRAILING_RE = re.compile(r"[(（](?P<inner>[^()（）]{2,80})[)）]\s*$")


@dataclass
class Credits:
    """Names found in a byline."""

    authors: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)

    def add(self, other: "Credits") -> None:
        """Merge another byline's names, keeping order and dropping repeats."""
        for name in other.authors:
            if name not in self.authors:
                self.authors.append(name)
        for name in other.correspondents:
            if name not in self.correspondents:
                self.correspondents.append(name)

    def __bool__(self) -> bool:
        return bool(self.authors or self.correspondents)


def _names(segment: str) -> list[str]:
    """The personal names in a segment of byline text."""
    return [tok for tok in _SPLIT_RE.split(segment) if _NAME_RE.match(tok)]


def parse_byline(text: str | None) -> Credits:
    """Split a byline into reporters and correspondents."""
    credits = Credits()
    if not text:
        return credits
    text = text.strip().strip("()（）【】[]")
    matches = list(ROLE_RE.finditer(text))
    if not matches:
        if _NAMES_ONLY_RE.match(text):
            credits.authors = _names(text)
        return credits
    if matches[0]["role"] in _CREDIT_ROLES:  # `王宇飞 摄`: names before a credit are its authors
        credits.authors.extend(_names(text[: matches[0].start()]))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        names = _names(text[match.end():end])
        kind = _ROLE_KIND.get(match["role"], _REPORTER)
        target = credits.correspondents if kind == _CORRESPONDENT else credits.authors
        for name in names:
            if name not in target:
                target.append(name)
    return credits


def looks_like_byline(line: str) -> bool:
    """True for a line that is only a byline (role words and names, nothing else)."""
    line = line.strip().strip("()（）")
    if not line or len(line) > 60 or not _BYLINE_WORD_RE.search(line):
        return False
    if re.search(r"[。！？!?，,：:;；]", ROLE_RE.sub(" ", line)):
        return False
    leftover = ROLE_RE.sub(" ", line)
    tokens = [t for t in _SPLIT_RE.split(leftover) if t]
    # What is left besides names may only be an outlet prefix such as 映象网 or 河南日报客户端.
    odd = [t for t in tokens if not _NAME_RE.match(t)]
    return bool(parse_byline(line)) and len(odd) <= 1 and all(len(t) <= 12 for t in odd)


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """(dateline, rest) when the paragraph opens with an inline dateline, else (None, paragraph)."""
    match = DATELINE_RE.match(paragraph)
    if not match or match.end() >= len(paragraph):
        return None, paragraph
    return match["dateline"].strip(), paragraph[match.end():]


def split_trailing_byline(paragraph: str) -> tuple[str, str | None]:
    """(rest, byline) when the paragraph closes with a byline in parentheses, else (paragraph, None)."""
    match = TRAILING_RE.search(paragraph)
    if not match:
        return paragraph, None
    inner = match["inner"].strip()
    if not (_BYLINE_WORD_RE.search(inner) or _NAMES_ONLY_RE.match(inner)):
        return paragraph, None
    if not parse_byline(inner) or re.search(r"[。！？!?，,：:;；\d]", ROLE_RE.sub(" ", inner)):
        return paragraph, None
    return paragraph[: match.start()].rstrip(), match.group(0).strip()
