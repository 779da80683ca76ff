"""Which files `clean` reads: chosen by content, not only by name.

A file whose name says it is a page (`.html`, `.php`, `.jsp`, ...; `.gz` too), an MHTML file
or a WARC archive is read. A name that says data, a document, an image or an archive
(`.json`, `.md`, `.png`, `.zip`, ...) is skipped. Any other file (wget's `s?id=123`, a name
without an extension) is read when its first bytes are HTML markup, MHTML, or text with
Chinese characters, and skipped otherwise. Each skipped file gets a reason. --exclude globs
leave files out; --include globs read only the files they match, whatever their content.
"""

from __future__ import annotations

import fnmatch
import zlib
from dataclasses import dataclass
from pathlib import Path

from newsclean.extract.text import has_han
from newsclean.ingest.mhtml import is_mhtml

PAGE_SUFFIXES = tuple(".html .htm .shtml .xhtml .txt .php .asp .aspx .jsp .cgi .mhtml .mht".split())
NOT_PAGE_SUFFIXES = tuple(
    (
        ".json .jsonl .ndjson .md .csv .tsv .xml .rss .yaml .yml .js .css .py .sh .log .ini .toml "
        ".db .sqlite .parquet .png .jpg .jpeg .gif .webp .svg .ico .bmp .tif .tiff .pdf .doc .docx "
        ".xls .xlsx .ppt .pptx .zip .tar .tgz .7z .rar .bz2 .xz .zst .mp3 .mp4 .wav .avi .mov "
        ".woff .woff2 .ttf"
    ).split()
)
# Magic numbers of what is no page: images, PDF, Office and other archives.
BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"RIFF": "a RIFF file (WebP, WAV, AVI)",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
    b"SQLite format 3": "an SQLite database",
}
SNIFF_BYTES = 4096
_MARKUP = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<div", b"<p>", b"<p ")


@dataclass(frozen=True)
class Selection:
    """--include and --exclude: globs matched against a file's name and its whole path."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def refusal(self, path: Path) -> str | None:
        """Why the globs leave the file out; None when they keep it."""
        for glob in self.exclude:
            if matches(path, glob):
                return f"excluded by --exclude {glob}"
        if self.include and not any(matches(path, glob) for glob in self.include):
            return "matches no --include glob"
        return None


def matches(path: Path, glob: str) -> bool:
    """True when the file's name or its whole path matches the glob."""
    return fnmatch.fnmatch(path.name, glob) or fnmatch.fnmatch(str(path), glob)


def skip_reason(path: Path, selection: Selection) -> str | None:
    """Why `clean` does not read this file; None when it does."""
    refused = selection.refusal(path)
    if refused or selection.include:  # what --include names is read, whatever its content
        return refused
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((*PAGE_SUFFIXES, ".warc")):  # WARC archives: ingest/warc.py
        return None
    suffix = Path(name).suffix
    if suffix in NOT_PAGE_SUFFIXES:
        return f"not a page (a {suffix} file)"
    try:
        return sniffed_reason(head_of(path))
    except OSError as exc:
        return None if path.is_file() else f"cannot read: {exc.strerror or exc}"  # read fails later


def head_of(path: Path) -> bytes:
    """The first SNIFF_BYTES bytes of a file, gunzipped when it is gzip data."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(b"\x1f\x8b"):
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, SNIFF_BYTES)
        except zlib.error:
            return head
    return head


def sniffed_reason(head: bytes) -> str | None:
    """Why bytes that start a file are no page (binary, JSON, no markup and no Chinese text);
    None for HTML markup, MHTML and Chinese text."""
    for magic, what in BINARY_MAGIC.items():
        if head.startswith(magic):
            return f"not a page ({what})"
    if b"\0" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 pages have NULs
        return "not a page (binary data)"
    lowered = head.lower()
    if is_mhtml(head) or any(tag in lowered for tag in _MARKUP):
        return None
    text = head.decode("utf-8", errors="ignore")
    if text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        return "not a page (JSON data)"
    if has_han(text, 10) or has_han(head.decode("gb18030", errors="ignore"), 10):
        return None  # a text rendering of a page
    return "not a page (no HTML markup or Chinese text in its first 4 KB)"
