"""The article record every adapter returns, its fields, and how its unique key is made.

Contract (in the spirit of yt-dlp's InfoExtractor docstring):
- `title` and `body` are mandatory: a page without them raises `NotAnArticle`.
- Every other field is optional: a field the page does not give stays None (or an empty
  list) and, where a reader would expect it, a short note goes to `warnings`.
- Optional fields never make extraction fail.

`ARTICLE_FIELDS` is the one list of the fields: `Article`'s docstring, the store's
`articles` columns and the export columns are all made from it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from newsclean.extract.text import fold_width


@dataclass(frozen=True)
class FieldSpec:
    """One article field: its name, how it is stored, whether a page must give it, its format."""

    name: str
    kind: Literal["text", "list", "lines"]  # str or None | list[str] (a JSON array) | paragraphs
    required: bool
    format: str


# In the order of the `articles` columns (between `key` first and `extracted_at`,
# `fingerprint` last, which the store adds).
ARTICLE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("url", "text", False, "the page's URL (`https://news.hnr.cn/202003/19/731862.html`)"),
    FieldSpec("site", "text", True, "the adapter's name (`hnr`, `chinanews`, `ddsb`, `generic`)"),
    FieldSpec("site_name", "text", False, "the site's own name (`映象网`)"),
    FieldSpec(
        "outlet",
        "text",
        False,
        "the publisher: the site's name when the page gives it (site name, og:site_name, "
        "copyright line), else the URL's registered domain (`长江网`, `cjn.cn`)",
    ),
    FieldSpec("host", "text", False, "the URL's host (`news.cjn.cn`)"),
    FieldSpec("title", "text", True, "the headline as published (`荥阳：一面锦旗“众人织”…`)"),
    FieldSpec("published_at", "text", False, "ISO 8601 (`2020-03-19T17:00:58+08:00`, `2020-03-19`)"),
    FieldSpec("source", "text", False, "the 来源 the page names (`映象网`)"),
    FieldSpec(
        "authors",
        "list",
        False,
        "reporters and writers in the byline (`王文凯`); interns (实习生) are not listed",
    ),
    FieldSpec("correspondents", "list", False, "通讯员 in the byline (`王春亮`, `荣高洁`)"),
    FieldSpec("editor", "text", False, "the 责编/编辑 (`杨文丽`)"),
    FieldSpec("keywords", "list", False, "meta keywords or 文章关键词 (`锦旗`, `战疫`)"),
    FieldSpec("section", "text", False, "the breadcrumb's column (`荥阳 · 登封 · 上街`)"),
    FieldSpec("byline", "text", False, "the byline line as printed (`映象网记者 王文凯 文/图`)"),
    FieldSpec("dateline", "text", False, "a dateline opening the body (`中新网郑州4月20日电`)"),
    FieldSpec("summary", "text", False, "a lead the page sets apart from the body"),
    FieldSpec("body", "lines", True, "paragraphs, no byline, editor line or related block"),
    FieldSpec("input_path", "text", False, "the file (or archive member) the page came from"),
    FieldSpec("extractor", "text", False, "`<site>/<version>`, then ` (<template>)` (`hnr/1 (2018 TRS)`)"),
    FieldSpec("warnings", "list", False, "what the page lacked or what was guessed (`no title found`)"),
)

LIST_FIELDS = tuple(spec.name for spec in ARTICLE_FIELDS if spec.kind == "list")


def fields_doc(specs: tuple[FieldSpec, ...]) -> str:
    """The fields as a docstring section: name, type, required or optional, format."""
    types = {"text": "str", "list": "list[str]", "lines": "list[str]"}
    need = {True: "required", False: "optional"}
    lines = [f"    {s.name} ({types[s.kind]}, {need[s.required]}): {s.format}" for s in specs]
    return "\n\nFields (in the order of the `articles` columns):\n" + "\n".join(lines) + "\n"


class NotAnArticle(ValueError):
    """The input decoded fine but holds no article (a list page, an empty page...)."""


@dataclass
class Article:
    """One cleaned article, as stored in the `articles` table.

    The list of fields below is appended from `ARTICLE_FIELDS` (see `help(Article)`)."""

    title: str = ""
    body: list[str] = field(default_factory=list)
    site: str = ""
    site_name: str | None = None
    outlet: str | None = None
    host: str | None = None
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

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Article:
        """The record a database row holds (the inverse of `to_row`)."""
        values: dict[str, Any] = {spec.name: row.get(spec.name) for spec in ARTICLE_FIELDS}
        for name in LIST_FIELDS:
            values[name] = json.loads(values[name] or "[]")
        values["body"] = values["body"].split("\n") if values["body"] else []
        values["title"] = values["title"] or ""
        values["site"] = values["site"] or ""
        return cls(**values)


Article.__doc__ = (Article.__doc__ or "") + fields_doc(ARTICLE_FIELDS)
