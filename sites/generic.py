"""Any other site: Chinese-aware main-content and metadata extraction, and text renderings.

Evidence order for each field (first found wins):
- title: the heading (`h1`, `h2`) that the `<title>` or `og:title` contains, else `og:title`,
  else `<title>` minus its column/site suffix.
- published_at: the visible date line just after the title, hidden fields (`#pubtime_baidu`,
  `#newsdate`/`#newstime`), `article:published_time` / `publishdate` / `pubdate` meta tags,
  `<time datetime>`, the URL's date path (in the base class).
- source, editor, reporters: labelled lines after the title (`来源：`, `作者：`, `责编：`,
  byline lines), then the body rules (datelines, trailing bylines, editor lines).
- body: the densest Chinese text container when it is clearly an article, else trafilatura;
  then the shared body rules.
"""
from __future__ import annotations

import re

import lxml.html
import trafilatura

from extract.boilerplate import Kind, classify_line
from extract.bylines import parse_byline
from extract.dates import date_from_url, is_relative_date, parse_date
from extract.html import (element_text, first_text, meta_content, page_keywords, parse_html, render_lines,
                         select)
from extract.layout import add_credits, finish_body, take_meta_line
from extract.meta import is_breadcrumb, parse_breadcrumb, parse_editor, parse_source
from extract.record import Article
from extract.text import clean_line, han_count
from sites.base import Adapter, Page, page_title

# How many rendered lines after the title may hold its date/source line.
META_LINES_AFTER_TITLE = 8
HIDDEN_DATES = ("#pubtime_baidu", "#pubtime", ".pubtime", "#publish_time", "time[datetime]")
DATE_META = ("article:published_time", "publishdate", "pubdate", "publish_date", "og:release_date",
             "article:create_at", "datePublished")
_DATE_LABEL_RE = re.compile(r"(?:发布|更新|发表)?(?:时间|日期)\s*[:：]")
_AUTHOR_LABEL_RE = re.compile(r"(?:作者|撰稿)\s*[:：]\s*([^\s|｜]+(?:\s+[^\s|｜:：]+)?)")
# Containers whose text is more than this share link text are navigation, not articles.
MAX_LINK_SHARE = 0.3
# A container needs this many Han characters in paragraphs to be taken for the article.
MIN_CONTAINER_HAN = 120


class Generic(Adapter):
    """The fallback adapter for pages no site adapter claims."""

    name = "generic"
    layouts = (
        "text rendering: first line title, date/来源 lines when present, body rules",
        "HTML: densest Chinese text container or trafilatura, then the body rules; "
        "title/date/source/byline from headings, date lines, hidden fields and meta tags",
    )

    def read_html(self, page: Page, art: Article) -> None:
        """Fill the article from an HTML page of an unknown site."""
        doc = parse_html(page.text)
        art.site_name = meta_content(doc, "og:site_name") or site_name_from_title(doc)
        art.keywords = page_keywords(doc)
        art.title = best_title(doc, art.site_name)
        lines = render_lines(doc.body if doc.body is not None else doc)
        read_meta_near_title(lines, art)
        art.published_at = art.published_at or contextual_date(lines, art, page)
        art.section = next((parse_breadcrumb(line) for line in lines[:80] if is_breadcrumb(line)), None)
        art.published_at = art.published_at or hidden_date(doc)
        finish_body(main_text_lines(doc, page), art)
        art.editor = art.editor or page_editor(lines)
        art.published_at = art.published_at or labelled_date(lines)
        art.source = art.source or labelled_source(lines)


def best_title(doc: lxml.html.HtmlElement, site_name: str | None) -> str:
    """The article heading: an h1/h2 that the page title contains, else the page title."""
    page = page_title(doc, site_name)
    full = clean_line(meta_content(doc, "og:title") or first_text(doc, "title") or "")
    for el in select(doc, "h1, h2, .title, .article-title, .content-title"):
        text = element_text(el)
        if len(text) >= 5 and (text in full or page in text):
            return text
    return page


def site_name_from_title(doc: lxml.html.HtmlElement) -> str | None:
    """The site name closing a `<title>` such as `标题_栏目_长江网_cjn.cn` or `标题--大河网`."""
    title = first_text(doc, "title") or ""
    parts = [p for p in re.split(r"\s*(?:[-_|｜—－＿]{1,2})\s*", title) if p]
    names = [p for p in parts[1:] if re.search(r"(?:网|报|台|中心|新闻|日报)$", p)]
    return names[-1] if names else None


def lines_near_title(lines: list[str], title: str, before: int, after: int) -> list[str]:
    """The cleaned lines standing `before` lines above and `after` lines below each occurrence
    of the title (a sticky header may repeat it); the page's first lines when it is absent."""
    starts = [i + 1 for i, line in enumerate(lines) if clean_line(line) == title] or [0]
    return [clean_line(line) for start in starts
            for line in lines[max(start - before, 0):start - 1] + lines[start:start + after]]


def read_meta_near_title(lines: list[str], art: Article) -> None:
    """Take date, source, editor and reporters from the lines just after the title."""
    for line in lines_near_title(lines, art.title, 0, META_LINES_AFTER_TITLE):
        kind = classify_line(line)
        if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR):
            take_meta_line(line, kind, art)
        if kind == Kind.BYLINE:
            art.byline = art.byline or line
            add_credits(art, parse_byline(line))
        author = _AUTHOR_LABEL_RE.search(line) if kind in (Kind.DATE, Kind.SOURCE, Kind.TEXT) else None
        if author:
            add_credits(art, parse_byline("作者 " + author.group(1)))
    for line in lines_near_title(lines, art.title, 4, 0):
        if not art.published_at and classify_line(line) == Kind.DATE:
            art.published_at = parse_date(line)  # news.cn puts the date above the title


def page_editor(lines: list[str]) -> str | None:
    """The editor named by the page's first editor line (`责编：X`), wherever it stands."""
    for line in lines:
        line = clean_line(line)
        if classify_line(line) == Kind.EDITOR:
            editor = parse_editor(line)
            if editor:
                return editor
    return None


def contextual_date(lines: list[str], art: Article, page: Page) -> str | None:
    """A date after the title written without a year (`04-03 10:20`) or relatively (`3小时前`).

    The year comes from the URL's date path or the fetch time; a relative date needs the
    fetch time, and without it stays unknown with a warning.
    """
    window = lines_near_title(lines, art.title, 0, META_LINES_AFTER_TITLE)
    year_source = date_from_url(page.url) or (page.fetched_at.isoformat() if page.fetched_at else None)
    year = int(year_source[:4]) if year_source else None
    for line in window:
        if len(line) > 80:
            continue
        found = parse_date(line, year=year, now=page.fetched_at)
        if found:
            return found
        if is_relative_date(line) and page.fetched_at is None:
            art.warnings.append(f"relative date {line!r} and no fetch time to resolve it")
            return None
    return None


def labelled_date(lines: list[str]) -> str | None:
    """The date of the page's first `发布日期:`/`时间:` line, wherever it stands."""
    for line in lines:
        if _DATE_LABEL_RE.search(line):
            found = parse_date(clean_line(line))
            if found:
                return found
    return None


def labelled_source(lines: list[str]) -> str | None:
    """The value of the page's first short `来源:` line, wherever it stands."""
    for line in lines:
        if len(line) < 100 and "来源" in line:
            found = parse_source(line)
            if found:
                return found
    return None


def hidden_date(doc: lxml.html.HtmlElement) -> str | None:
    """The date from hidden fields, `<time datetime>` and meta tags."""
    for css in HIDDEN_DATES:
        for el in select(doc, css):
            found = parse_date(el.get("datetime") or element_text(el))
            if found:
                return found
    day, clock = first_text(doc, "#newsdate"), first_text(doc, "#newstime")
    if day:
        return parse_date(f"{day} {clock or ''}")
    return parse_date(meta_content(doc, *DATE_META) or "")


def main_text_lines(doc: lxml.html.HtmlElement, page: Page) -> list[str]:
    """The article's lines: the densest text container, or trafilatura's main content."""
    container = densest_container(doc)
    if container is not None:
        return render_lines(container)
    text = trafilatura.extract(page.text, url=page.url, include_comments=False,
                               include_tables=False, favor_precision=True) or ""
    return text.splitlines()


def densest_container(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element whose own paragraphs hold the most Chinese text, if it is clearly an article."""
    best, best_han = None, 0
    for el in select(doc, "div, article, section, td"):
        paragraphs = [p for p in el if isinstance(p.tag, str) and p.tag in ("p", "h2", "h3", "h4")]
        han = sum(han_count(p.text_content()) for p in paragraphs)
        if han <= best_han:
            continue
        links = sum(han_count(a.text_content()) for p in paragraphs for a in p.iter("a"))
        if links / max(han, 1) <= MAX_LINK_SHARE:
            best, best_han = el, han
    return best if best_han >= MIN_CONTAINER_HAN else None
