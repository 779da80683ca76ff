"""The article record every adapter returns, and how its unique key is made.

Contract (in the spirit of yt-dlp's InfoExtractor docstring):
- `title` and `body` are mandatory: a page without them raises `NotAnArticle`.
- Every other field is optional: a field the page does not give stays None (or an empty
  list) and, where a reader would expect it, a short note goes to `warnings`.
- Optional fields never make extraction fail.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from newsclean.extract.text import fold_width

LIST_FIELDS = ("authors", "correspondents", "keywords", "warnings")


class NotAnArticle(ValueError):
    """The input decoded fine but holds no article (a list page, an empty page...)."""


@dataclass
class Article:
    """One cleaned article, as stored in the `articles` table."""

    title: str = ""
    body: list[str] = field(default_factory=list)
    site: str = ""
    site_name: str | None = None
    url: str | None = None
    published_at: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    editor: str | None = None
    keywords: list[str] = field(default_factory=list)
    section: str | None = None
    byline: str | None = None
    dateline: str | None = None
    summary: str | None = None
    extractor: str | None = None
    warnings: list[str] = field(default_factory=list)
    input_path: str | None = None

    @property
    def fingerprint(self) -> str:
        """A hash of title + date + body with full-width ASCII folded: the same for an HTML
        page and a text rendering of one article, whatever punctuation width each uses."""
        text = fold_width("\n".join([self.title, self.published_at or "", *self.body]))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    @property
    def key(self) -> str:
        """The canonical URL when known, else `sha256:` and the fingerprint."""
        return self.url or f"sha256:{self.fingerprint}"

    def to_row(self) -> dict[str, Any]:
        """The record as a database row: lists as JSON arrays, body one paragraph per line."""
        row = asdict(self)
        for name in LIST_FIELDS:
            row[name] = json.dumps(row[name], ensure_ascii=False)
        row["body"] = "\n".join(self.body)
        row["key"] = self.key
        row["fingerprint"] = self.fingerprint
        return row
