"""Character-level normalisation shared by every adapter."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from itertools import islice
from typing import Any

# Han ideographs (basic, extension A, compatibility). Punctuation is not CJK here:
# the spacing rule below must not glue a closing quote to the next word.
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NON_HAN_RE = re.compile(f"[^{HAN}]+")
_HAN_CHAR_RE = re.compile(f"[{HAN}]")

# Full-width ASCII variants (U+FF01..U+FF5E) map to ASCII by subtracting 0xFEE0;
# the ideographic space becomes a plain space. Stored text keeps the page's own forms;
# this fold is for matching only (patterns, comparing an HTML page with its text
# rendering, merge keys). It maps one character to one character, so a match found in
# the folded text has the same span in the original.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20

# Pattern matching also reads the traditional forms of the characters of labels and widgets
# (來源, 記者, 通訊員, 責任編輯, 發佈時間, 首頁 …), one character for one, as `fold_width` does.
_LABEL_SIMPLIFIED = str.maketrans(
    "來記訊員責編輯發佈時間網報導攝圖實習題關鍵詞聞號頁擊點閱閲讀覽掃維碼轉載與訂數電話郵聯權屬辦審對體稱標簡繁",
    "来记讯员责编辑发布时间网报导摄图实习题关键词闻号页击点阅阅读览扫维码转载与订数电话邮联权属办审对体称标简繁",
)
_MATCH_FOLD = {**_FOLD, **_LABEL_SIMPLIFIED}
# translate() looks every character up: most lines hold nothing to fold, so look first.
_WIDE_RE = re.compile("[\uff01-\uff5e\u3000]")
_MATCH_FOLDABLE_RE = re.compile("[\uff01-\uff5e\u3000" + "".join(map(chr, _LABEL_SIMPLIFIED)) + "]")

# Whitespace that pages use as indentation: ASCII, NBSP, ideographic space, zero-width.
_EDGE_SPACE = " \t\r\n\u00a0\u3000\u200b\ufeff\u2002\u2003\u2009"


def lazy_pattern(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function giving `re.compile(pattern, flags)`, compiled on its first call: for the
    patterns most pages never reach, whose compiling is start-up time (a class of the Han
    ranges takes ~1 ms to compile; issue 23)."""
    return cache(lambda: re.compile(pattern, flags))


# A run of spaces between two Han characters, or between a Han character and a digit.
_inner_space_re = lazy_pattern(
    f"(?<=[{HAN}])[ \u00a0\u3000]+(?=[{HAN}0-9])|(?<=[0-9])[ \u00a0\u3000]+(?=[{HAN}])"
)
# A data table's row is one line, its cells joined by CELL_SEPARATOR.
CELL_SEPARATOR = " | "
# Opens a data row's line, so that the body rules read it as a row (a row of short cells looks
# like a navigation bar); `clean_line` removes it with the other control characters.
ROW_MARK = "\x02"  # not whitespace to str.strip(), unlike the separators 0x1c-0x1f
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_MULTI_SPACE_RE = re.compile(r"[ \u00a0\u3000\t]+")


def fold_width(text: str) -> str:
    """Fold full-width ASCII variants and U+3000 to their ASCII forms (same length)."""
    return text.translate(_FOLD) if _WIDE_RE.search(text) else text


@cache
def match_fold_table() -> list[int]:
    """`_MATCH_FOLD` as a list indexed by code point (the Basic Multilingual Plane; characters
    past it are left as they are, as unmapped ones): `str.translate` reads a list about twice
    as fast as a dict, which raises and catches a KeyError for every character it leaves."""
    table = list(range(0x10000))
    for code, folded in _MATCH_FOLD.items():
        table[code] = folded
    return table


def match_form(text: str) -> str:
    """The text as patterns read it: full-width ASCII folded and the traditional forms of
    label characters simplified, one character for one, so spans map back to `text`."""
    return text.translate(match_fold_table()) if _MATCH_FOLDABLE_RE.search(text) else text


def strip_edges(text: str) -> str:
    """Trim indentation whitespace (spaces, NBSP, U+3000, zero-width) at both ends."""
    return text.strip(_EDGE_SPACE)


def squeeze_spaces(text: str) -> str:
    """Collapse runs of spaces (NBSP included) into one plain space and trim."""
    text = strip_edges(text)
    # Most lines hold only single plain spaces, which the pattern leaves as they are: look first.
    if "  " in text or "\t" in text or "\u00a0" in text or "\u3000" in text:
        return _MULTI_SPACE_RE.sub(" ", text)
    return text


def close_cjk_gaps(text: str) -> str:
    """Remove spaces between Han characters, and between Han characters and digits."""
    if " " in text or "\u00a0" in text or "\u3000" in text:  # the pattern's spaces: look first
        return _inner_space_re().sub("", text)
    return text


def clean_line(text: str) -> str:
    """A line as stored: punctuation as published, spaces squeezed, edges trimmed, and no
    control characters (content farms hide C0 bytes between words to defeat copy checks)."""
    if not text.isprintable():
        text = _CONTROL_RE.sub("", text)
    return squeeze_spaces(text)


def clean_paragraph(text: str) -> str:
    """A body paragraph as stored: trimmed, with no artefact spaces inside Chinese."""
    return close_cjk_gaps(squeeze_spaces(text))


def han_count(text: str) -> int:
    """How many Han characters the text holds (deleting the rest is faster than counting)."""
    return 0 if text.isascii() else len(_NON_HAN_RE.sub("", text))


def has_han(text: str, count: int) -> bool:
    """True when the text holds at least `count` Han characters (stops looking once it does).
    One pattern for every count: each compiled costs ~1 ms of start-up (issue 23)."""
    return count <= 0 or next(islice(_HAN_CHAR_RE.finditer(text), count - 1, None), None) is not None


@cache
def _traditional_to_simplified() -> Any:
    """OpenCC's converter from traditional to simplified script (t2s), loaded once."""
    import opencc

    return opencc.OpenCC("t2s.json")


def fold_script(text: str) -> str:
    """Traditional Chinese written as simplified (OpenCC t2s: 錦旗 -> 锦旗), for search to
    treat both scripts as one; stored text stays as published."""
    if not text or text.isascii():
        return text
    return str(_traditional_to_simplified().convert(text))
