"""The article a page carries only in its scripts' data.

App share pages and single-page apps (a paper's 客户端 share page, a portal's mobile page)
send an empty `<div id="app">` and the story as data for a script to render:
`window.__INITIAL_STATE__ = {...}`, `<script id="__NEXT_DATA__" type="application/json">`,
`var contentHtml = "<p>…</p>"`. A saved page keeps the data, not the rendering. When the
page shows no body, the story is the one long text in that data that dominates every other
(a list or index page's data holds many teasers of a size, and gives none), with the title,
date, source and author its record names beside it.

Everything here is bounded: scripts past MAX_SCRIPT_CHARS are not decoded, the walk over
decoded data stops at MAX_VALUES, and broken or hostile data (too deep, not JSON) is skipped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsclean.extract.bylines import Credits, is_name
from newsclean.extract.dates import CHINA_TZ, parse_date
from newsclean.extract.layout import add_credits, finish_body
from newsclean.extract.record import Article
from newsclean.extract.text import clean_line, han_count, has_han

if TYPE_CHECKING:
    import lxml.html

# Scripts longer than this are not read (a page bound applies before, this keeps one
# script's decoding in proportion).
MAX_SCRIPT_CHARS = 2_000_000
# Values visited per page's data, at most.
MAX_VALUES = 200_000
# The story's text holds at least this many Han characters …
MIN_STORY_HAN = 50
# … and this many times the Han characters of any other text in the data.
DOMINANCE = 2
# A page whose shown body has fewer Han characters than this (the pipeline's least body) may
# hold its story in script data.
SHOWN_BODY_HAN = 30
# Where a script assigns data: `= {`, `= "`, `JSON.parse("` (what follows is decoded as JSON).
_ASSIGNMENT_RE = re.compile(r"(?:=|JSON\.parse\()\s*(?=[{\"])")
_KEYS = {
    "title": ("title", "headline", "articletitle", "newstitle"),
    "date": ("publishtime", "pubtime", "pubdate", "publishdate", "publish_time", "ptime", "datepublished"),
    "source": ("source", "sourcename", "media", "medianame"),
    "author": ("author", "authorname", "writer"),
}
_TAG_RE = re.compile(r"<[a-zA-Z/!]")
# A Unix time stamp in seconds or milliseconds.
_STAMP_RE = re.compile(r"^\d{10}(?:\d{3})?$")


@dataclass
class ScriptStory:
    """The story found in a page's script data: its paragraphs, and what its record names."""

    body: list[str]
    fields: dict[str, str] = field(default_factory=dict)


def take_script_story(doc: lxml.html.HtmlElement, art: Article) -> bool:
    """When the page shows no body, take the story from its script data: the body, the title
    its record names, and the date, source and author it names where the page gave none.
    True when it did."""
    if has_han("".join(art.body), SHOWN_BODY_HAN):
        return False
    story = script_story(doc)
    if story is None:
        return False
    art.body = []
    finish_body(story.body, art)
    fields = story.fields
    art.title = fields.get("title") or art.title  # the story's own record, over a page head
    if fields.get("date") and not art.published_at:
        art.published_at = story_date(fields["date"])
    art.source = art.source or fields.get("source")
    if fields.get("author") and is_name(fields["author"]) and not art.authors:
        add_credits(art, Credits(authors=[fields["author"]]))
    return True


def script_story(doc: lxml.html.HtmlElement) -> ScriptStory | None:
    """The story the page's script data holds, when one long text dominates it (see module)."""
    texts: list[tuple[int, str, dict[str, Any]]] = []
    budget = [MAX_VALUES]
    for script in doc.iter("script"):
        source = script.text or ""
        if MIN_STORY_HAN <= len(source) <= MAX_SCRIPT_CHARS:
            for data in decoded_data(source, script.get("type") or ""):
                collect_texts(data, texts, budget)
    if not texts:
        return None
    texts.sort(key=lambda found: -found[0])
    han, text, record = texts[0]
    others = [h for h, t, _ in texts[1:] if t != text]
    if han < MIN_STORY_HAN or (others and han < DOMINANCE * others[0]):
        return None
    body = story_lines(text)
    return ScriptStory(body, record_fields(record)) if body else None


def decoded_data(source: str, kind: str) -> list[Any]:
    """The JSON values a script holds: all of it for a JSON script, else each value assigned
    (`x = {…}`, `x = "…"`, `JSON.parse("…")`); what does not decode is skipped."""
    decoder = json.JSONDecoder()
    if "json" in kind.lower():
        starts = [len(source) - len(source.lstrip())]
    else:
        starts = [match.end() for match in _ASSIGNMENT_RE.finditer(source)]
    values = []
    for start in starts:
        try:
            value, _ = decoder.raw_decode(source, start)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, str) and value.lstrip().startswith(("{", "[")):  # JSON.parse("{…}")
            with contextlib.suppress(ValueError, RecursionError):
                value = json.loads(value)
        values.append(value)
    return values


def collect_texts(data: Any, texts: list[tuple[int, str, dict[str, Any]]], budget: list[int]) -> None:
    """Add every string of the data with Han text, with its Han count and the record (the
    object) holding it; walks without recursion, within the page's budget of values."""
    stack: list[tuple[Any, dict[str, Any]]] = [(data, {})]
    while stack and budget[0] > 0:
        value, record = stack.pop()
        budget[0] -= 1
        if isinstance(value, dict):
            stack.extend((item, value) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, record) for item in value)
        elif isinstance(value, str) and len(value) >= MIN_STORY_HAN:
            han = han_count(value)
            if han:
                texts.append((han, value, record))


def story_lines(text: str) -> list[str]:
    """The paragraphs of a story's text: its HTML rendered to lines, or its lines."""
    if _TAG_RE.search(text):
        from lxml import html as lxml_html

        from newsclean.extract.html import render_lines

        try:
            fragment = lxml_html.fragment_fromstring(text, create_parent="div")
        except (ValueError, TypeError):  # lxml's ParserError is a ValueError
            return []
        lines = render_lines(fragment)
    else:
        lines = text.splitlines()
    return [line for line in (clean_line(raw) for raw in lines) if line]


def record_fields(record: dict[str, Any]) -> dict[str, str]:
    """Title, date, source and author as the story's record names them (keys compared in
    lower case; a person or outlet given as an object by its `name`)."""
    keyed = {str(key).lower(): value for key, value in record.items()}
    fields = {}
    for name, keys in _KEYS.items():
        for key in keys:
            value = keyed.get(key)
            if isinstance(value, dict):
                value = value.get("name")
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
                fields[name] = clean_line(str(value))
                break
    return fields


def story_date(value: str) -> str | None:
    """The date a record's field gives: a Unix time stamp (seconds or milliseconds) in China
    time, or a written date."""
    if _STAMP_RE.match(value):
        seconds = int(value[:10])
        try:
            return dt.datetime.fromtimestamp(seconds, CHINA_TZ).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    return parse_date(value)
