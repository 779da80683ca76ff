"""Bytes to text: BOM, UTF-16 by its NUL pattern, strict UTF-8, the declared charset,
GB18030, Big5, then detection.

Many of these sites declare `gb2312` but send GBK, and some saved pages declare `gb2312`
while being stored as UTF-8: so a declaration is only tried after strict UTF-8 fails, and
gb2312/gbk are decoded as gb18030 (their superset). A decoding that succeeds is kept only
when it reads as Chinese (most characters common Han or CJK punctuation): Big5 bytes also
decode as GB18030, and any bytes as Latin-1, but then as rare characters and mojibake.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import re
from typing import NamedTuple

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
}
# Share of control bytes above which an input is taken for binary, not text.
_BINARY_SHARE = 0.10
_SNIFF = 4096
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 32)
# Replacement characters a decoding may need (or 1 per 1000 characters) and still be kept.
_FEW_ERRORS = 8
# A decoding reads as Chinese when at least this share of its non-ASCII characters are
# common Han characters or CJK punctuation (genuine pages: 0.97-1.0; Big5 read as GB18030:
# 0.1-0.2; GBK read as Latin-1: 0.02), judged on the first _JUDGED characters and only
# from _MIN_JUDGED non-ASCII characters on.
_PLAUSIBLE_SHARE = 0.7
_JUDGED = 200_000
_MIN_JUDGED = 20
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_PUNCTUATION_RE = re.compile(r"[\u00b7\u2000-\u206f\u3000-\u303f\uff00-\uffef]")
# Share of NUL bytes, on one of the even/odd positions, from which bytes are tried as UTF-16.
_UTF16_NULS = 0.2
# Share of common Chinese (see _PLAUSIBLE_SHARE) from which bytes without that NUL pattern,
# but mostly non-ASCII when read as UTF-16, are taken for UTF-16.
_UTF16_SHARE = 0.9
# The charset a page declares: an XML declaration in its first 1,024 bytes, else a <meta>
# charset in its first 2,048 (BeautifulSoup's EncodingDetector.find_declared_encoding, whose
# import costs ~0.2 s of start-up; tests/test_startup.py checks that both agree).
_XML_DECLARED_RE = re.compile(rb"""^\s*<\?.*encoding=['"](.*?)['"].*\?>""", re.I)
_META_DECLARED_RE = re.compile(rb"""<\s*meta[^>]+charset\s*=\s*["']?([^>]*?)[ /;'">]""", re.I)


class DecodeError(ValueError):
    """The bytes are no text this tool can read."""


class Decoded(NamedTuple):
    """Decoded text, the codec used, and a warning when the choice is doubtful."""

    text: str
    encoding: str
    doubt: str | None = None


def superset(encoding: str) -> str:
    """The codec to decode a declared charset with (gb2312/gbk → gb18030)."""
    name = encoding.strip().lower()
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return name
    return _SUPERSETS.get(name, _SUPERSETS.get(encoding.strip().lower(), name))


def looks_binary(data: bytes) -> bool:
    """True for images, archives and other non-text bytes."""
    head = data[:_SNIFF]
    if head.startswith((b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"%PDF")):
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return bool(head) and controls / len(head) > _BINARY_SHARE


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). `declared` is the HTTP charset, if any."""
    text, encoding, _doubt = decode_text(data, declared)
    return text, encoding


def decode_text(data: bytes, declared: str | None = None) -> Decoded:
    """Decode bytes (see the module doc); `declared` is the HTTP charset, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(encoding, errors="replace"), encoding)
    utf16 = utf16_without_bom(data)
    if utf16:
        return utf16
    binary = looks_binary(data)
    if not binary:
        try:
            return Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
    if binary:  # Chinese-only UTF-16 has few NULs and may look binary
        utf16 = utf16_chinese(data)
        if utf16:
            return utf16
        raise DecodeError("binary data, not a text or HTML page")
    candidates: list[str | None] = [declared] if declared else []
    candidates.append(declared_encoding(data[: _SNIFF * 4]))
    # Every target site is Chinese: GB18030 (a superset of GB2312 and GBK) is the likeliest
    # encoding when UTF-8 and the declaration both fail, e.g. GBK bytes declared as UTF-8;
    # Big5 (Taiwan, Hong Kong) the next.
    candidates += ["gb18030", "big5"]
    codecs_tried = list(dict.fromkeys(superset(e) for e in filter(None, candidates)))
    found = most_chinese(data, codecs_tried, "strict")
    if found and not found.doubt:
        return found
    utf16 = utf16_chinese(data)  # tried after the likely codecs: it costs a sample's judging
    if utf16:
        return utf16
    if found:
        return found
    # A few corrupt bytes in an otherwise valid page: keep its encoding, damage shown as U+FFFD.
    found = most_chinese(data, list(dict.fromkeys(["utf-8", *codecs_tried])), "replace")
    if found:
        return found
    import charset_normalizer  # the last resort, imported on first use (~50 ms)

    best = charset_normalizer.from_bytes(data[: 1 << 20]).best()
    if best is None:
        raise DecodeError("undecodable bytes: not UTF-8, no working declared charset, detection failed")
    codec = superset(best.encoding)
    return Decoded(data.decode(codec, errors="replace"), codec)


def declared_encoding(data: bytes) -> str | None:
    """The charset the page declares (lower case), or None."""
    found = _XML_DECLARED_RE.search(data, endpos=1024) or _META_DECLARED_RE.search(
        data, endpos=max(2048, len(data) // 20)
    )
    return found.group(1).decode("ascii", "replace").lower() if found and found.group(1) else None


def most_chinese(data: bytes, codec_names: list[str], errors: str) -> Decoded | None:
    """The first decoding that reads as Chinese; else the one closest to it, with a doubt.

    With errors="replace", decodings with more than a few U+FFFD are not considered.
    None when no codec decodes the bytes.
    """
    best: tuple[float, str, str] | None = None
    for codec in codec_names:
        try:
            text = data.decode(codec, errors=errors)
        except (UnicodeDecodeError, LookupError):
            continue
        if errors != "strict" and text.count("\ufffd") > max(_FEW_ERRORS, len(text) // 1000):
            continue
        share = chinese_share(text)
        if share >= _PLAUSIBLE_SHARE:
            return Decoded(text, codec)
        if best is None or share > best[0]:
            best = (share, text, codec)
    if best is None:
        return None
    share, text, codec = best
    return Decoded(
        text,
        codec,
        f"unsure of the encoding: decoded as {codec}, but only "
        f"{share:.0%} of its non-ASCII characters are common Chinese",
    )


def chinese_share(text: str) -> float:
    """Share of the non-ASCII characters that are common Han characters or CJK punctuation
    (1.0 when there are too few to judge)."""
    others = _NON_ASCII_RE.findall(text[:_JUDGED])
    if len(others) < _MIN_JUDGED:
        return 1.0
    common = common_han()
    good = sum(1 for c in others if c in common) + len(
        _PUNCTUATION_RE.findall("".join(c for c in others if c not in common))
    )
    return good / len(others)


@functools.cache
def common_han() -> frozenset[str]:
    """The common Han characters: GB2312 level 1 (simplified) and Big5 level 1 (traditional)."""

    def chars(codec: str, leads: range, trails: list[int]) -> set[str]:
        found = set()
        for lead in leads:
            for trail in trails:
                with contextlib.suppress(UnicodeDecodeError):
                    found.add(bytes([lead, trail]).decode(codec))
        return found

    gb2312 = chars("gb2312", range(0xB0, 0xD8), list(range(0xA1, 0xFF)))
    big5 = chars("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    return frozenset(c for c in gb2312 | big5 if "\u4e00" <= c <= "\u9fff")


def utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a byte-order mark, told by NUL bytes on alternate positions
    (the high byte of ASCII characters); None when the bytes are not such text."""
    head = data[:_SNIFF]
    pairs = len(head) // 2
    if not pairs:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if max(even, odd) < pairs * _UTF16_NULS or min(even, odd) > max(even, odd) * 0.02:
        return None
    return _utf16_text(data, "utf-16-le" if odd > even else "utf-16-be")


def utf16_chinese(data: bytes) -> Decoded | None:
    """UTF-16 text without a byte-order mark whose start reads as Chinese, if any."""
    head = data[: _SNIFF * 4]
    for codec in ("utf-16-le", "utf-16-be"):
        sample = head[: len(head) // 2 * 2].decode(codec, errors="replace")
        if len(_NON_ASCII_RE.findall(sample)) >= len(sample) // 2 and chinese_share(sample) >= _UTF16_SHARE:
            return _utf16_text(data, codec)
    return None


def _utf16_text(data: bytes, codec: str) -> Decoded | None:
    """The bytes decoded strictly as UTF-16, if they are valid and hold few control characters."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    sample = text[:_SNIFF]
    controls = sum(1 for c in sample if c < " " and c not in "\t\n\r\f")
    return Decoded(text, codec) if controls <= len(sample) * 0.01 else None
