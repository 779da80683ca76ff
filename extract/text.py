"""Character-level normalisation shared by every adapter."""
from __future__ import annotations

import re

# Han ideographs (basic, extension A, compatibility). Punctuation is not CJK here:
# the spacing rule below must not glue a closing quote to the next word.
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")

# Full-width ASCII variants (U+FF01..U+FF5E) map to ASCII by subtracting 0xFEE0;
# the ideographic space becomes a plain space. Stored text keeps the page's own forms;
# this fold is for matching only (patterns, comparing an HTML page with its text
# rendering, merge keys). It maps one character to one character, so a match found in
# the folded text has the same span in the original.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20

# Whitespace that pages use as indentation: ASCII, NBSP, ideographic space, zero-width.
_EDGE_SPACE = " \t\r\n\u00a0\u3000\u200b\ufeff\u2002\u2003\u2009"

# A run of spaces between two Han characters, or between a Han character and a digit.
_INNER_SPACE_RE = re.compile(
    f"(?<=[{HAN}])[ \u00a0\u3000]+(?=[{HAN}0-9])|(?<=[0-9])[ \u00a0\u3000]+(?=[{HAN}])"
)
_MULTI_SPACE_RE = re.compile(r"[ \u00a0\u3000\t]+")


def fold_width(text: str) -> str:
    """Fold full-width ASCII variants and U+3000 to their ASCII forms (same length)."""
    return text.translate(_FOLD)


def strip_edges(text: str) -> str:
    """Trim indentation whitespace (spaces, NBSP, U+3000, zero-width) at both ends."""
    return text.strip(_EDGE_SPACE)


def squeeze_spaces(text: str) -> str:
    """Collapse runs of spaces (NBSP included) into one plain space and trim."""
    return _MULTI_SPACE_RE.sub(" ", strip_edges(text))


def close_cjk_gaps(text: str) -> str:
    """Remove spaces between Han characters, and between Han characters and digits."""
    return _INNER_SPACE_RE.sub("", text)


def clean_line(text: str) -> str:
    """A line as stored: punctuation as published, spaces squeezed, edges trimmed."""
    return squeeze_spaces(text)


def clean_paragraph(text: str) -> str:
    """A body paragraph as stored: trimmed, with no artefact spaces inside Chinese."""
    return close_cjk_gaps(squeeze_spaces(text))


def han_count(text: str) -> int:
    """How many Han characters the text holds."""
    return len(HAN_RE.findall(text))


def has_han(text: str, count: int) -> bool:
    """True when the text holds at least `count` Han characters (stops looking once it does)."""
    return re.match(f"(?:[^{HAN}]*[{HAN}]){{{count}}}", text) is not None
