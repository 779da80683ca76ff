"""Any other site: the toolkit's main-content finder (extract/content.py) and page metadata
readers (extract/page_meta.py), composed; text renderings as every adapter reads them.

Evidence order for each field (first found wins):
- title: the heading (`h1`, `h2`) that the `<title>` or `og:title` contains, else `og:title`,
  else `<title>` minus its column/site suffix.
- published_at: the visible date line just after the title, hidden fields (`#pubtime_baidu`,
  `#newsdate`/`#newstime`), `article:published_time` / `publishdate` / `pubdate` meta tags,
  `<time datetime>`, the URL's date path (in the base class).
- source, editor, reporters: labelled lines after the title (`来源：`, `作者：`, `责编：`,
  byline lines), then the body rules (datelines, trailing bylines, editor lines), then the
  page's elements (extract/page_people.py): the outlet beside the date, a JSON-LD `Person`,
  the author card of a blog, forum or Q&A page, a self-media account's name.
- body: the densest Chinese text container when it is clearly an article, else trafilatura;
  then the shared body rules.
"""

from __future__ import annotations

from newsclean.extract.body import choose_body
from newsclean.extract.content import walk_page
from newsclean.extract.html import meta_content, page_keywords, parse_html
from newsclean.extract.layout import add_credits, finish_body
from newsclean.extract.meta import is_breadcrumb, parse_breadcrumb
from newsclean.extract.page_meta import (
    best_title,
    contextual_date,
    hidden_date,
    labelled_date,
    labelled_source,
    page_editor,
    read_meta_near_title,
    script_date,
    site_name_from_title,
)
from newsclean.extract.page_people import read_page_people
from newsclean.extract.record import Article
from newsclean.extract.text import clean_line
from newsclean.sites.base import Adapter, Page


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
        art.title, heading = best_title(doc, art.site_name)
        walk = walk_page(doc, doc.body if doc.body is not None else doc, heading)
        lines = walk.lines
        cleaned = [clean_line(line) for line in lines]  # once: several readers scan them all
        labelled = read_meta_near_title(cleaned, art)
        art.published_at = art.published_at or contextual_date(cleaned, art, page.url, page.fetched_at)
        art.section = next((parse_breadcrumb(line) for line in lines[:80] if is_breadcrumb(line)), None)
        art.published_at = art.published_at or hidden_date(doc) or script_date(doc, page.text)
        choice = choose_body(walk, page.text, page.url, heading)
        finish_body(choice.lines, art)
        if choice.compared:
            art.extractor = f"{art.extractor} ({choice.reader})"
            art.warnings.append(f"body: second opinion among {', '.join(choice.compared)}")
        if not art.authors:  # a CMS `作者:` field is weaker evidence than a byline or dateline
            add_credits(art, labelled)
        art.editor = art.editor or page_editor(cleaned)
        art.published_at = art.published_at or labelled_date(lines)
        art.source = art.source or labelled_source(lines)
        read_page_people(doc, heading, cleaned, page.text, art)
