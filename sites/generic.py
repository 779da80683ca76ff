"""Any other site: trafilatura for HTML, line heuristics for text renderings."""
from __future__ import annotations

import trafilatura

from ingest.boilerplate import Kind, classify_line
from ingest.html import first_text, meta_content, page_keywords, parse_html, render_lines
from ingest.layout import finish_body, take_meta_line
from ingest.meta import is_breadcrumb, parse_breadcrumb
from ingest.record import Article
from ingest.text import clean_line
from sites.base import Adapter, Page, page_title

# How many rendered lines after the title may hold its date/source line.
META_LINES_AFTER_TITLE = 8


class Generic(Adapter):
    """The fallback adapter for pages no site adapter claims."""

    name = "generic"
    layouts = (
        "text rendering: first line title, date/来源 lines when present, body rules",
        "HTML: trafilatura main-content extraction, then the body rules; meta from tags and the date line",
    )

    def read_html(self, page: Page, art: Article) -> None:
        """Main content by trafilatura; title, date and source from the page around it."""
        doc = parse_html(page.text)
        art.site_name = meta_content(doc, "og:site_name")
        art.keywords = page_keywords(doc)
        art.title = first_text(doc, "h1") or page_title(doc, art.site_name)
        lines = render_lines(doc.body if doc.body is not None else doc)
        read_meta_near_title(lines, art)
        art.section = next((parse_breadcrumb(line) for line in lines if is_breadcrumb(line)), None)
        text = trafilatura.extract(page.text, url=page.url, include_comments=False,
                                   include_tables=False, favor_precision=True) or ""
        finish_body(text.splitlines(), art)
        art.published_at = art.published_at or meta_content(doc, "article:published_time")


def read_meta_near_title(lines: list[str], art: Article) -> None:
    """Take the date, source and editor from the lines just after the title."""
    titles = [i for i, line in enumerate(lines) if clean_line(line) == art.title]
    start = titles[0] + 1 if titles else 0
    for line in lines[start:start + META_LINES_AFTER_TITLE]:
        line = clean_line(line)
        kind = classify_line(line)
        if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR):
            take_meta_line(line, kind, art)
