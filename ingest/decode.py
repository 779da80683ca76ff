"""Bytes to text: BOM, strict UTF-8, the declared charset, GB18030, then detection.

Many of these sites declare `gb2312` but send GBK, and some saved pages declare `gb2312`
while being stored as UTF-8: so a declaration is only tried after strict UTF-8 fails, and
gb2312/gbk are decoded as gb18030 (their superset).
"""
from __future__ import annotations

import codecs

import charset_normalizer
from bs4.dammit import EncodingDetector

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
              "iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "utf-8", "us-ascii": "utf-8"}
# Share of control bytes above which an input is taken for binary, not text.
_BINARY_SHARE = 0.10
_SNIFF = 4096
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 32)
# Replacement characters a decoding may need (or 1 per 1000 characters) and still be kept.
_FEW_ERRORS = 8


class DecodeError(ValueError):
    """The bytes are no text this tool can read."""


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
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace"), encoding
    if looks_binary(data):
        raise DecodeError("binary data, not a text or HTML page")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[str | None] = [declared] if declared else []
    candidates.append(EncodingDetector.find_declared_encoding(data[:_SNIFF * 4], is_html=True))
    # Every target site is Chinese: GB18030 (a superset of GB2312 and GBK) is the likeliest
    # encoding when UTF-8 and the declaration both fail, e.g. GBK bytes declared as UTF-8.
    candidates.append("gb18030")
    for encoding in filter(None, candidates):
        codec = superset(encoding)
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    # A few corrupt bytes in an otherwise valid page: keep its encoding, damage shown as U+FFFD.
    for codec in dict.fromkeys(["utf-8", *(superset(e) for e in filter(None, candidates))]):
        try:
            text = data.decode(codec, errors="replace")
        except LookupError:
            continue
        if text.count("\ufffd") <= max(_FEW_ERRORS, len(text) // 1000):
            return text, codec
    best = charset_normalizer.from_bytes(data[: 1 << 20]).best()
    if best is None:
        raise DecodeError("undecodable bytes: not UTF-8, no working declared charset, detection failed")
    codec = superset(best.encoding)
    return data.decode(codec, errors="replace"), codec
