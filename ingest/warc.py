"""WARC archives: reading response records as inputs (FastWARC), and writing pages as a WARC.

A `.warc` or `.warc.gz` file holds many inputs: each `response` record with status 200 and
an HTML or text content type is one, named `ARCHIVE#OFFSET` (the record's byte offset in the
file, compressed bytes for `.warc.gz`). Other records are skipped. A broken record (bad gzip
member, bad headers, a block cut short or longer than its Content-Length says) fails alone:
reading resumes at the next record start found after it.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from newsclean.ingest.inputs import MAX_INPUT_BYTES, InputFile, display_path, is_archive_name

if TYPE_CHECKING:
    from newsclean.db.store import Queryable

# Content types read as pages; anything else (images, scripts, PDFs) is skipped.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_SCAN_CHUNK = 1 << 20
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def is_warc(path: str | Path) -> bool:
    """True for `.warc` and `.warc.gz` files."""
    return is_archive_name(str(path))


@dataclass
class Record:
    """One page from a response record, ready for extract_page."""

    path: str  # ARCHIVE#OFFSET
    offset: int
    data: bytes
    url: str | None
    fetched_at: dt.datetime | None
    charset: str | None


@dataclass
class Skipped:
    """A record that is no page input (request, metadata, an image, a redirect...)."""

    offset: int
    reason: str


@dataclass
class Broken:
    """A record that could not be read; `path` names its offset."""

    path: str
    offset: int
    error: str


def record_name(archive: InputFile, offset: int) -> str:
    """The input path of the record at `offset`: `archive.warc.gz#offset`."""
    return f"{display_path(archive)}#{offset}"


def read_archive(
    archive: InputFile, start: int = 0, stop: int | None = None
) -> Iterator[Record | Skipped | Broken]:
    """The records of `archive` that start at offsets in [start, stop), in file order.

    `start` must be a record start (0, or an offset this function reported). After a broken
    record, reading goes on at the next record start found after it.
    """
    from fastwarc.warc import ArchiveIterator

    gz = archive.name.lower().endswith(".gz")
    pos: int | None = start
    with archive.open("rb") as fh, archive.open("rb") as check:  # `check` reads the framing
        while pos is not None and (stop is None or pos < stop):
            fh.seek(pos)
            last: int | None = None  # start of the last record read whole
            current: int | None = None  # start of the record being read
            try:
                for rec in ArchiveIterator(fh, parse_http=False, stream_detect=gz):
                    current = rec.stream_pos
                    if stop is not None and current >= stop:
                        return
                    problem = framing_problem(check, current, gz)
                    if problem:
                        yield Broken(record_name(archive, current), current, f"broken WARC record: {problem}")
                        pos = next_record_start(check, current + 1, gz)
                        break
                    yield page_of(archive, rec)
                    last, current = current, None
                else:
                    return
            except (OSError, ValueError, EOFError, zlib.error) as exc:
                if current is None:  # the iterator failed between records: right after `last`
                    current = pos if last is None else record_end(fh, last, gz)
                if current is None or (stop is not None and current >= stop):
                    return
                yield Broken(record_name(archive, current), current, f"broken WARC record: {exc}")
                pos = next_record_start(fh, current + 1, gz)


def page_of(archive: InputFile, rec: Any) -> Record | Skipped:
    """The page in one WARC record, or why it is skipped; OSError/ValueError when broken."""
    from fastwarc.warc import WarcRecordType

    offset = rec.stream_pos
    if rec.record_type != WarcRecordType.response:
        return Skipped(offset, f"{rec.record_type} record")
    rec.parse_http(auto_decode="all")
    http = rec.http_headers
    if http is None or http.status_code != 200:
        return Skipped(offset, f"HTTP status {http.status_code if http else 'missing'}")
    ctype = http.get("Content-Type") or ""
    if ctype.split(";")[0].strip().lower() not in PAGE_TYPES:
        return Skipped(offset, f"content type {ctype or 'missing'}")
    data = rec.reader.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise ValueError(f"payload larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    problem = payload_problem(http, len(data))
    if problem:
        raise ValueError(problem)
    charset = _CHARSET_RE.search(ctype)
    return Record(
        record_name(archive, offset),
        offset,
        data,
        (rec.headers.get("WARC-Target-URI") or "").strip("<> ") or None,
        warc_date(rec.headers.get("WARC-Date")),
        charset.group(1) if charset else None,
    )


def payload_problem(http: Any, size: int) -> str | None:
    """Why a payload of `size` bytes is not the one its HTTP Content-Length announces (a
    record cut short, or one whose WARC Content-Length swallowed the records after it); only
    checked for a payload stored as sent (no Content- or Transfer-Encoding)."""
    declared = (http.get("Content-Length") or "").strip()
    if not declared.isdigit() or http.get("Content-Encoding") or http.get("Transfer-Encoding"):
        return None
    if int(declared) != size:
        return f"payload of {size} bytes, but its HTTP Content-Length is {declared}"
    return None


def warc_date(value: str | None) -> dt.datetime | None:
    """WARC-Date (ISO 8601, UTC) as an aware datetime; None when missing or malformed."""
    if not value:
        return None
    try:
        date = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return date if date.tzinfo else date.replace(tzinfo=dt.timezone.utc)


def framing_problem(fh: BinaryIO, offset: int, gz: bool) -> str | None:
    """Why the record at `offset` is not whole, or None: its block must be Content-Length
    bytes followed by CRLF CRLF, all there (in a `.warc.gz`, in a complete gzip member).
    A record cut short, or one whose Content-Length runs into what follows, is caught here
    (`payload_problem` catches one that swallows whole records)."""
    if gz:
        return member_problem(fh, offset)
    fh.seek(offset)
    length = block_length(fh.read(65536))
    if length is None:
        return None  # no header or no Content-Length: FastWARC reports it
    header_size, size = length
    fh.seek(offset + header_size + size - 4)
    return tail_problem(fh.read(4), size)


def block_length(head: bytes) -> tuple[int, int] | None:
    """(size of the WARC header + 4, Content-Length) from a record's first bytes."""
    if b"\r\n\r\n" not in head:
        return None
    header = head[: head.index(b"\r\n\r\n") + 4]
    length = re.search(rb"\r\nContent-Length:\s*(\d+)", header, re.IGNORECASE)
    return (len(header), int(length.group(1)) + 4) if length else None


def tail_problem(tail: bytes, size: int) -> str | None:
    """Why `tail`, the last 4 bytes of a block of Content-Length + 4 bytes, is not the
    CRLF CRLF that ends a record."""
    if len(tail) < 4:
        return f"cut short: its Content-Length ({size - 4}) runs past the end of its data"
    if tail != b"\r\n\r\n":
        return f"its Content-Length ({size - 4}) does not end where the record does"
    return None


def member_problem(fh: BinaryIO, offset: int) -> str | None:
    """Why the gzip member at `offset` does not hold one whole record, or None. Only what
    is needed is inflated: the header, then the block up to its end (a member holding more
    records, a whole-file gzip, is checked at the first record's end; the records inside
    it, which start no member, are not checked)."""
    fh.seek(offset)
    if fh.read(len(_GZIP_MAGIC)) != _GZIP_MAGIC:
        return None
    fh.seek(offset)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data, pending, want = b"", b"", 65536
    length: tuple[int, int] | None = None
    while True:
        if length is None and b"\r\n\r\n" in data:
            length = block_length(data)
            if length is None:
                return None
            # one byte past the block: the member's end (its CRC) is read too, unless the
            # member holds more records (a whole-file gzip)
            want = sum(length) + 1
        if inflater.eof or len(data) >= want:
            break
        pending = pending or fh.read(_SCAN_CHUNK)
        if not pending:
            return "cut short: its gzip member ends early"
        try:
            data += inflater.decompress(pending, want - len(data))
        except zlib.error as exc:
            return f"bad gzip member: {exc}"
        pending = inflater.unconsumed_tail
    if length is None:
        return None
    end = sum(length)
    return tail_problem(data[end - 4 : end], length[1])


def record_end(fh: BinaryIO, offset: int, gz: bool) -> int | None:
    """Where the (readable) record at `offset` ends: its gzip member's end, or its block's."""
    fh.seek(offset)
    if gz:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        pos = offset
        while not inflater.eof:
            chunk = fh.read(_SCAN_CHUNK)
            if not chunk:
                return None
            try:
                inflater.decompress(chunk, 1)  # output is thrown away: at most 1 byte kept
                while inflater.unconsumed_tail and not inflater.eof:
                    inflater.decompress(inflater.unconsumed_tail, _SCAN_CHUNK)
            except zlib.error:
                return None
            pos += len(chunk)
        return pos - len(inflater.unused_data)
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = fh.read(65536)
        if not chunk or len(head) > 1 << 20:
            return None
        head += chunk
    header = head[: head.index(b"\r\n\r\n") + 4]
    length = re.search(rb"\r\nContent-Length:\s*(\d+)", header, re.IGNORECASE)
    return offset + len(header) + int(length.group(1)) + 4 if length else None


def next_record_start(fh: BinaryIO, offset: int, gz: bool) -> int | None:
    """The first record start at or after `offset`: a gzip member (or a line) opening with WARC/."""
    marker = _GZIP_MAGIC if gz else b"\nWARC/1."
    pos = offset - (0 if gz else 1)
    while True:
        fh.seek(pos)
        chunk = fh.read(_SCAN_CHUNK + 64)
        if len(chunk) < len(marker):
            return None
        hit = chunk.find(marker)
        while hit != -1:
            start = pos + hit
            if not gz:
                return start + 1
            fh.seek(start)
            try:
                if zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(fh.read(512), 5) == b"WARC/":
                    return start
            except zlib.error:
                pass
            hit = chunk.find(marker, hit + 1)
        pos += _SCAN_CHUNK


# --------------------------------------------------------------------------- writing


def warc_record(
    url: str,
    payload: bytes,
    *,
    date: dt.datetime | str | None = None,
    status: int = 200,
    http_headers: dict[str, str] | None = None,
    record_type: str = "response",
) -> bytes:
    """One WARC/1.1 record: a `response` (HTTP status line, headers, payload) or other type."""
    if record_type == "response":
        reason = {
            200: "OK",
            301: "Moved Permanently",
            302: "Found",
            304: "Not Modified",
            404: "Not Found",
        }.get(status, "Status")
        headers = {**(http_headers or {}), "Content-Length": str(len(payload))}
        headers.pop("Transfer-Encoding", None)
        headers.pop("Content-Encoding", None)  # the payload is stored decoded
        lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers.items())]
        block = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + payload
        content_type = "application/http;msgtype=response"
    else:
        block = payload
        content_type = (http_headers or {}).get("Content-Type", "application/octet-stream")
    when = warc_date(date) if isinstance(date, str) else date
    when = when or dt.datetime.now(dt.timezone.utc)
    date = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    head = [
        "WARC/1.1",
        f"WARC-Type: {record_type}",
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>",
        f"WARC-Date: {date}",
        f"WARC-Target-URI: {url}",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(block)}",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


class WarcWriter:
    """Appends records to a `.warc` (or, with gz=True, `.warc.gz`: one gzip member per record)."""

    def __init__(self, fh: BinaryIO, gz: bool) -> None:
        self.fh = fh
        self.gz = gz

    def write(self, record: bytes) -> int:
        """Write one record; return its offset."""
        offset = self.fh.tell()
        if self.gz:
            deflater = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            record = deflater.compress(record) + deflater.flush()
        self.fh.write(record)
        return offset


def write_raw_pages(db: Queryable, fh: BinaryIO, gz: bool, site: str | None = None) -> int:
    """Write every stored raw page (table `raw_pages`, from `fetch`) as a response record;
    the number written. The record's URI is the page's final URL, its date the fetch time."""
    import json

    if not db.execute("select 1 from sqlite_master where type = 'table' and name = 'raw_pages'").fetchone():
        return 0
    sql = "select rowid from raw_pages where body is not null" + (" and site = ?" if site else "")
    rowids = [r[0] for r in db.execute(sql + " order by rowid", [site] if site else []).fetchall()]
    writer = WarcWriter(fh, gz)
    for rowid in rowids:
        url, final_url, status, fetched_at, headers, encoding, body = db.execute(
            "select url, final_url, status, fetched_at, headers, encoding, body from raw_pages "
            "where rowid = ?",
            [rowid],
        ).fetchone()
        stored = json.loads(headers or "{}")
        http = {k.title(): v for k, v in stored.items() if isinstance(v, str) and v}
        ctype = http.get("Content-Type") or "text/html"
        if encoding and not _CHARSET_RE.search(ctype):
            ctype += f"; charset={encoding}"
        http["Content-Type"] = ctype
        writer.write(
            warc_record(
                final_url or url,
                zlib.decompress(body),
                date=fetched_at,
                status=status or 200,
                http_headers=http,
            )
        )
    return len(rowids)
