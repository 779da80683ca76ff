"""The cleaning pipeline: bytes → page → adapter → checked article → database row.

Stages, in order: read (gunzip, size bound) → decode → detect adapter → extract →
check (mandatory fields, warnings) → store (one transaction per input).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import sqlite_utils

from db.store import known_input, record_input, upsert_article
from ingest.decode import DecodeError, decode_bytes
from ingest.inputs import InputError, discover, read_input, saved_url
from ingest.record import Article, NotAnArticle
from ingest.text import han_count
from sites import Page, adapter_named, detect

_HTML_RE = re.compile(r"<(?:!doctype\s+html|html|head|body|div|p|meta|title)\b", re.IGNORECASE)
# A body shorter than this many Han characters is no article (a list page, an error page).
MIN_BODY_HAN = 30


@dataclass
class Outcome:
    """What happened to one input."""

    path: str
    status: str  # cleaned | updated | unchanged | failed
    site: str | None = None
    error: str | None = None
    key: str | None = None


@dataclass
class Summary:
    """Counts for the end-of-run report."""

    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        """Record one input's outcome."""
        self.outcomes.append(outcome)

    @property
    def counts(self) -> Counter:
        """How many inputs ended in each status."""
        return Counter(o.status for o in self.outcomes)

    @property
    def per_site(self) -> Counter:
        """How many inputs were stored per adapter."""
        return Counter(o.site for o in self.outcomes if o.status in ("cleaned", "updated"))

    @property
    def failures(self) -> list[Outcome]:
        """The inputs that failed, with their reasons."""
        return [o for o in self.outcomes if o.status == "failed"]


def looks_like_html(text: str) -> bool:
    """True when the text is markup rather than a plain-text rendering."""
    return bool(_HTML_RE.search(text[:4096]))


def extract_page(data: bytes, *, url: str | None = None, path: str | None = None,
                 site: str | None = None, charset: str | None = None,
                 fetched_at: dt.datetime | None = None) -> Article:
    """Extract one article from raw bytes; raises DecodeError, NotAnArticle or ValueError.

    `charset` is the HTTP header's charset; `fetched_at` (aware) resolves relative dates.
    """
    if not data.strip():
        raise NotAnArticle("empty input")
    text, _encoding = decode_bytes(data, charset)
    is_html = looks_like_html(text)
    if is_html and url is None:
        url = saved_url(data)
    page = Page(text=text, is_html=is_html, url=url, path=path, fetched_at=fetched_at)
    adapter = adapter_named(site) if site else detect(page)
    art = adapter.extract(page)
    art.input_path = path
    check_article(art)
    return art


def check_article(art: Article) -> None:
    """Refuse pages that hold no article; note what looks wrong in `warnings`."""
    if not art.title:
        raise NotAnArticle("no title found: not an article page")
    if han_count("".join(art.body)) < MIN_BODY_HAN:
        raise NotAnArticle("no article body found (a list, index or empty page?)")
    if not art.published_at:
        art.warnings.append("no publication date found")
    if art.site != "generic" and not art.source:
        art.warnings.append("no source (来源) found")


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of the raw input bytes."""
    return hashlib.sha256(data).hexdigest()


def clean_file(db: sqlite_utils.Database, path: Path, *, url: str | None = None,
               site: str | None = None, force: bool = False) -> Outcome:
    """Clean one input file into the database; never raises for bad input."""
    name = str(path)
    try:
        data = read_input(path)
    except InputError as exc:
        return fail(db, name, "", str(exc))
    digest = sha256_of(data)
    if not force and known_input(db, name, digest):
        return Outcome(name, "unchanged")
    try:
        art = extract_page(data, url=url, path=name, site=site)
    except (DecodeError, NotAnArticle, ValueError, RecursionError) as exc:
        return fail(db, name, digest, str(exc) or type(exc).__name__)
    with db.conn:
        _id, stored = upsert_article(db, art.to_row())
        record_input(db, name, digest, "cleaned", article_key=art.key, site=art.site)
    status = {"new": "cleaned", "updated": "updated", "unchanged": "unchanged"}[stored]
    return Outcome(name, status, art.site, key=art.key)


def fail(db: sqlite_utils.Database, path: str, digest: str, error: str) -> Outcome:
    """Record a failed input and return its outcome."""
    with db.conn:
        record_input(db, path, digest, "failed", error=error)
    return Outcome(path, "failed", error=error)


def clean_paths(db: sqlite_utils.Database, paths: list[str], *, urls: dict[Path, str] | None = None,
                site: str | None = None, force: bool = False,
                on_progress: Callable[[Outcome], None] | None = None) -> Summary:
    """Clean every input under `paths` into the database and summarise what happened."""
    summary = Summary()
    files, missing = discover(paths)
    for raw, error in missing:
        summary.add(Outcome(raw, "failed", error=error))
    for outcome in iter_clean(db, files, urls or {}, site, force):
        summary.add(outcome)
        if on_progress:
            on_progress(outcome)
    return summary


def iter_clean(db: sqlite_utils.Database, files: list[Path], urls: dict[Path, str],
               site: str | None, force: bool) -> Iterator[Outcome]:
    """Clean the files one after another, yielding each outcome."""
    for path in files:
        yield clean_file(db, path, url=urls.get(path), site=site, force=force)
