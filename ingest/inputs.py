"""Finding input files, reading them (gzip included), manifests and saved-page URLs."""

from __future__ import annotations

import itertools
import json
import os
import re
import stat
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from newsclean.ingest.remote import RemoteError, RemoteFile, expand, is_url
from newsclean.ingest.select import Selection, skip_reason
from newsclean.ingest.urls import url_problem

# A saved page larger than this is refused (after gunzip): no news article comes close,
# and it bounds the memory one input can take.
MAX_INPUT_BYTES = 20 * 1024 * 1024
_GZIP_CHUNK = 64 * 1024
# Parsing costs memory per tag and per line, far more than per byte (a 19 MB page of tiny
# elements took 2.5 GB, one of short text lines 365 MB, a single 19 MB text line 670 MB):
# pages past these bounds are refused (tags) or cut with a warning (text). A news page
# has at most a few thousand tags, a few hundred lines, and paragraphs of a few thousand
# characters.
MAX_HTML_TAGS = 50_000
MAX_TEXT_LINES = 20_000
MAX_LINE_CHARS = 20_000
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() splits at
_BREAK_RE = re.compile(f"[{_BREAKS}]")
# a line's first MAX_LINE_CHARS characters (group 1) and the rest; starts at line starts only
_LONG_LINE_RE = re.compile(f"(?<![^{_BREAKS}])([^{_BREAKS}]{{{MAX_LINE_CHARS}}})[^{_BREAKS}]+")
_NULS_RE = re.compile(rb"\0*")

_SAVED_FROM_RE = re.compile(rb"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE)
_SINGLEFILE_RE = re.compile(
    rb"<!--[^>]*?Page saved with SingleFile[^>]*?\burl:\s*(\S+)", re.IGNORECASE | re.DOTALL
)
_LEADING_URL_RE = re.compile(rb"^\s*(?:<!DOCTYPE[^>]*>\s*)?<!--\s*(https?://[^\s>]+?)\s*-->")
_CANONICAL_RE = re.compile(rb"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>", re.IGNORECASE)
_OG_URL_RE = re.compile(rb"<meta\b[^>]*\bproperty=[\"']?og:url[\"']?[^>]*>", re.IGNORECASE)
_HREF_RE = re.compile(rb"\b(?:href|content)=[\"']?([^\"'\s>]+)", re.IGNORECASE)


# An input: a local file, or a WARC archive on an fsspec filesystem (by URL).
InputFile = Path | RemoteFile
# `-` as a PATH: one page read from standard input, stored under the name STDIN_NAME.
STDIN = Path("-")
STDIN_NAME = "<stdin>"
_GZIP_MAGIC = b"\x1f\x8b"


class InputError(ValueError):
    """An input that cannot be read as a page."""


def is_archive_name(name: str) -> bool:
    """True for the names of WARC archives: `.warc`, `.warc.gz`."""
    return name.lower().removesuffix(".gz").endswith(".warc")


@dataclass
class Found:
    """What a walk of the PATHs found: the inputs, sorted; (path, error) for bad paths; and
    (path, reason) for the files that are not read (ingest/select.py)."""

    files: list[InputFile] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def find_inputs(paths: list[str], selection: Selection | None = None) -> Found:
    """The input files under the given files and folders, chosen by ingest/select.py.

    Folders are walked without following symbolic links, so a link loop cannot trap the walk.
    A folder that cannot be listed (no permission) is a bad path, not silently skipped.
    A URL (s3://bucket/crawl/) gives the WARC archives it names (ingest/remote.py).
    """
    selection = selection or Selection()
    found: list[InputFile] = []
    errors: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []

    def chosen(files: list[Path]) -> list[Path]:
        """The files to read; the others go to `skipped` with their reason."""
        kept = []
        for file in files:
            reason = skip_reason(file, selection)
            if reason:
                skipped.append((display_path(file), reason))
            else:
                kept.append(file)
        return kept

    def unlistable(exc: OSError) -> None:
        errors.append((display_path(exc.filename or "?"), f"cannot read folder: {exc.strerror or exc}"))

    for raw in paths:
        path = Path(raw)
        if raw == "-":
            found.append(STDIN)
        elif is_url(raw):
            try:
                found.extend(expand(raw, is_archive_name))
            except RemoteError as exc:
                errors.append((raw, str(exc)))
        elif path.is_dir():
            for root, dirs, files in os.walk(path, onerror=unlistable, followlinks=False):
                dirs.sort()
                found.extend(chosen([Path(root) / f for f in sorted(files)]))
        elif path.is_file():
            found.extend(chosen([path]))
        else:
            errors.append((display_path(raw), missing_path_problem(path)))
    unique = list(dict.fromkeys(p if p == STDIN or isinstance(p, RemoteFile) else resolved(p) for p in found))
    return Found(unique, errors, skipped)


def missing_path_problem(path: Path) -> str:
    """Why a PATH that is neither a file nor a folder is skipped: what it is, without
    opening it (opening a FIFO would wait for a writer)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a symbolic link to nothing: skipped" if path.is_symlink() else "no such file or folder"
    except OSError as exc:  # a link loop, a folder on the way that cannot be entered
        return f"cannot read: {exc.strerror or exc}"
    kinds = {
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    kind = next((name for test, name in kinds.items() if test(mode)), "not a regular file")
    return f"{kind}, not a file or folder: skipped"


def display_path(path: str | Path) -> str:
    """The path as text that can be printed and stored: bytes that are not UTF-8 as \\xNN.

    A file name is bytes; Python holds undecodable ones as surrogates, which neither SQLite
    nor a terminal accepts. Standard input (`-`) is STDIN_NAME.
    """
    if path == STDIN:
        return STDIN_NAME
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def resolved(path: Path) -> Path:
    """The path made absolute with links resolved; as given (absolute) when a link loops."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: symlink loop (Python < 3.13)
        return path.absolute()


def read_input(path: Path) -> bytes:
    """The bytes of an input, gunzipped when it ends in .gz, bounded by MAX_INPUT_BYTES."""
    if path == STDIN:
        return read_stdin()
    too_large = f"larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB"
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # /dev/zero would never end, a FIFO never open
            raise InputError("not a regular file (a device, pipe or socket)")
        if info.st_size > MAX_INPUT_BYTES:
            raise InputError(too_large)
        with path.open("rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > MAX_INPUT_BYTES:  # grown since stat()
        raise InputError(too_large)
    if path.name.lower().endswith(".gz"):
        data = gunzip_bounded(data)
    return data


def read_stdin() -> bytes:
    """One page from standard input, bounded by MAX_INPUT_BYTES; gunzipped when it starts
    with the gzip magic bytes (a pipe has no file name to tell)."""
    try:
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from exc
    if data.startswith(_GZIP_MAGIC):
        data = gunzip_bounded(data)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    return data


def gunzip_bounded(data: bytes) -> bytes:
    """Gunzip every member, refusing output past MAX_INPUT_BYTES (a gzip bomb stops early).

    A truncated stream, a bad CRC or length, or bytes after the last member other than NUL
    padding raise InputError("broken gzip data: ...").
    """
    view = memoryview(data)
    parts: list[bytes] = []
    room = MAX_INPUT_BYTES + 1
    pos = member = 0
    while True:
        member += 1
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        while not inflater.eof and pos < len(data):
            chunk = view[pos : pos + _GZIP_CHUNK]  # so that unused_data stays small
            pos += len(chunk)
            try:
                parts.append(inflater.decompress(chunk, room))
            except zlib.error as exc:
                raise InputError(f"broken gzip data: {exc} (member {member})") from exc
            room -= len(parts[-1])
            if room <= 0 or inflater.unconsumed_tail:
                raise InputError(f"gzip expands past {MAX_INPUT_BYTES // (1024 * 1024)} MB")
        if not inflater.eof:
            raise InputError(f"broken gzip data: truncated (member {member} does not end)")
        pos -= len(inflater.unused_data)
        nuls = _NULS_RE.match(data, pos)  # NUL padding is allowed (\0* always matches)
        pos = nuls.end() if nuls else pos
        if pos == len(data):
            return b"".join(parts)
        if data[pos : pos + 2] != b"\x1f\x8b":
            raise InputError(f"broken gzip data: not gzip data after member {member}")


def bound_page(text: str, is_html: bool) -> tuple[str, list[str]]:
    """The page text within the parsing bounds above, and warnings for what was cut.

    Raises InputError for markup with more than MAX_HTML_TAGS tags.
    """
    if is_html:
        # a text no longer than the bound holds no more tags: not counted (a scan of the page)
        tags = text.count("<") if len(text) > MAX_HTML_TAGS else 0
        if tags > MAX_HTML_TAGS:
            raise InputError(
                f"{tags} tags, more than {MAX_HTML_TAGS}: too many to parse (not a news article page?)"
            )
        return text, []
    warnings = []
    if sum(map(text.count, _BREAKS)) >= MAX_TEXT_LINES:
        breaks = _BREAK_RE.finditer(text)
        end = next(itertools.islice(breaks, MAX_TEXT_LINES - 1, None), None)
        if end is not None:
            text = text[: end.start()]
            warnings.append(f"text cut after {MAX_TEXT_LINES} lines (not a news page rendering?)")
    longest = 0

    def cut(match: re.Match) -> str:
        nonlocal longest
        longest = max(longest, len(match.group(0)))
        return match.group(1)

    text = _LONG_LINE_RE.sub(cut, text)
    if longest:
        warnings.append(
            f"lines longer than {MAX_LINE_CHARS} characters cut to {MAX_LINE_CHARS} "
            f"(the longest had {longest})"
        )
    return text, warnings


def load_manifest(path: str | None) -> dict[Path, str]:
    """Map resolved input paths to URLs from a JSONL manifest of {"path", "url"} lines.

    A bad line refuses the whole manifest with InputError("FILE:LINE: reason"): a line that
    is not UTF-8, not a JSON object, or whose "path" or "url" is not a string (or not an
    http(s) URL);
    `"url": null` says the page's URL is unknown.
    OSError when the file cannot be read.
    """
    from urllib.parse import urlsplit

    if not path:
        return {}
    manifest = Path(path)
    base = manifest.resolve().parent
    urls: dict[Path, str] = {}
    with manifest.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            where = f"{manifest}:{number}"
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"{where}: not UTF-8 (byte {exc.start + 1} of the line)") from exc
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except (ValueError, RecursionError) as exc:
                raise InputError(f"{where}: not JSON ({exc})") from exc
            if isinstance(entry, dict) and isinstance(entry.get("path"), str) and entry.get("url") is None:
                continue  # a page whose URL is unknown: `"url": null`
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("path"), str)
                and isinstance(entry.get("url"), str)
            ):
                raise InputError(f'{where}: not a {{"path": "...", "url": "..."}} line with two strings')
            try:
                urlsplit(entry["url"]).port  # noqa: B018 (raises on bad IPv6 brackets or port)
                entry["url"].encode("utf-8")  # raises on a lone surrogate ("\ud800" in the JSON)
                urls[(base / entry["path"]).resolve()] = checked_url(entry["url"], where)
            except (ValueError, OSError, RuntimeError) as exc:  # a NUL in the path, a link loop
                raise InputError(f"{where}: bad path or URL ({exc})") from exc
    return urls


def checked_url(url: str, where: str | None = None) -> str:
    """A page's URL given by the user, without surrounding spaces; InputError (naming `where`
    when given) unless it is a well-formed http(s) URL: `javascript:` would become a link."""
    problem = url_problem(url.strip())
    if problem:
        raise InputError(f"{where + ': ' if where else ''}{problem}: {url!r}")
    return url.strip()


def saved_url(data: bytes) -> str | None:
    """The original URL a saved HTML page records about itself, if any.

    Tried in order: the browser's `<!-- saved from url=(NNNN)… -->`, SingleFile's header
    comment, a leading `<!--http://…-->`, `<link rel=canonical>`, `og:url`.
    """
    head = data[:65536]
    for pattern in (_SAVED_FROM_RE, _SINGLEFILE_RE, _LEADING_URL_RE):
        match = pattern.search(head)
        if match:
            return _absolute(match.group(1))
    for pattern in (_CANONICAL_RE, _OG_URL_RE):
        tag = pattern.search(head)
        href = _HREF_RE.findall(tag.group(0)) if tag else []
        urls = [h for h in href if h.lower().startswith((b"http://", b"https://"))]
        if urls:
            return _absolute(urls[0])
    return None


def _absolute(raw: bytes) -> str | None:
    """A URL from raw bytes, if it is an absolute http(s) URL."""
    url = raw.decode("utf-8", errors="replace").strip()
    return url if url.lower().startswith(("http://", "https://")) else None
