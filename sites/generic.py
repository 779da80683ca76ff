"""Any other site: the toolkit's main-content finder (extract/content.py) and page metadata
readers (extract/page_meta.py), composed; text renderings as every adapter reads them.

Evidence order for each field (first found wins):
- title: by agreement (extract/titles.py): the heading or title-classed element that
  `og:title` or `<title>` holds; else the page head as a visible line (either script) or the
  full text of a `...` teaser; else the heading nearest above the body when the `<title>`
  names only the site (or that heading is an h1); else the page head.
- published_at: the visible date line just after (or just above) the title, skipping a
  recommended item's date and taking an edit stamp last; else a date line between the
  headline and the body's first line (a Q&A answer's card); else a labelled line or post stamp
  anywhere (`发布时间:`, `posted @`, `发布于`, `于 … 发布`); else the page's data: hidden fields
  (`#pubtime_baidu`, `#newsdate`/`#newstime`, `data-time`), `<time datetime>`, meta tags,
  JSON-LD and script stamps, in China time (they also complete a visible day with its time);
  else an edit stamp anywhere (`编辑于`); else the URL's date path (in the base class).
- source, editor, reporters: labelled lines after the title (`来源：`, `作者：`, `责编：`,
  byline lines), then the body rules (datelines, trailing bylines, editor lines), then the
  page's elements (extract/page_people.py): the outlet beside the date, a JSON-LD `Person`,
  the author card of a blog, forum or Q&A page, a self-media account's name.
- body: the densest Chinese text container when it is clearly an article, else trafilatura;
  then the shared body rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsclean.extract.body import PROFILE, BodyChoice, choose_body, location_signatures
from newsclean.extract.bylines import Credits, dateline_outlet
from newsclean.extract.content import PageWalk, walk_page
from newsclean.extract.html import meta_content, page_keywords
from newsclean.extract.layout import add_credits, finish_body
from newsclean.extract.meta import is_breadcrumb, parse_breadcrumb
from newsclean.extract.page_meta import (
    add_photographers,
    closing_writers,
    contextual_date,
    header_date,
    join_date_labels,
    labelled_dates,
    labelled_source,
    machine_date,
    page_editor,
    read_meta_near_title,
    site_name_from_title,
    with_time,
)
from newsclean.extract.profiles import (
    PageSample,
    applies,
    element_signature,
    html_sample,
    linked_body_lines,
    mark_profiled,
    short_lines,
)
from newsclean.extract.record import Article
from newsclean.extract.script_data import take_script_story
from newsclean.extract.text import clean_line
from newsclean.extract.titles import agreed_heading, choose_title, over_dash_subtitle, read_page_head
from newsclean.sites.base import Adapter, Page

if TYPE_CHECKING:
    import lxml.html


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
        doc = page.doc
        art.site_name = meta_content(doc, "og:site_name") or site_name_from_title(doc)
        art.keywords = page_keywords(doc)
        page_head = read_page_head(doc, art.site_name)
        agreed = agreed_heading(doc, page_head)
        heading = agreed[1] if agreed else None
        walk = walk_page(doc, doc.body if doc.body is not None else doc, heading, page.text)
        lines = walk.lines
        cleaned = [clean_line(line) for line in lines]  # once: several readers scan them all
        art.title, heading = agreed or choose_title(doc, walk, page_head, cleaned)
        art.title = over_dash_subtitle(art.title, cleaned)
        meta_lines = join_date_labels(cleaned)
        labelled = read_meta_near_title(meta_lines, art)
        art.section = next((parse_breadcrumb(line) for line in lines[:80] if is_breadcrumb(line)), None)
        page_lines = short_lines(lines) if page.profile or page.observe else frozenset()
        profile = page.profile if applies(page.profile, page_lines) else None
        locations = profile.body_signatures if profile else frozenset()
        choice = choose_body(walk, page.text, page.url, heading, locations)
        opening = choice.lines[0] if choice.lines else None
        body_start = next((i for i, line in enumerate(lines) if line == opening), None)
        art.published_at = page_date(doc, page, art, cleaned, meta_lines, body_start)
        finish_body(choice.lines, art)
        if take_script_story(doc, art):
            art.extractor = f"{art.extractor} (script data)"
            art.warnings.append("body: from the page's script data (the page shows none)")
        if page.profile or page.observe:  # the pipeline drops template lines by it
            page.sample = observed(page, doc, walk, page_lines, choice, art.body)
        if choice.reader == PROFILE:
            mark_profiled(art)
            art.warnings.append("site profile: body from the location its host's pages use")
        if choice.compared:
            art.extractor = f"{art.extractor} ({choice.reader})"
            art.warnings.append(f"body: second opinion among {', '.join(choice.compared)}")
        if not art.authors:  # a CMS `作者:` field is weaker evidence than a byline or dateline
            add_credits(art, labelled)
        add_photographers(art, labelled)
        art.editor = art.editor or page_editor(cleaned)
        if not (art.authors or art.correspondents):
            add_credits(art, Credits(authors=closing_writers(cleaned)))
        art.source = art.source or labelled_source(lines)
        # imported here: a page of a site with its own adapter never reads the page's people
        from newsclean.extract.page_people import read_page_people

        read_page_people(doc, heading, cleaned, page.text, art, walk.elements)
        art.source = art.source or dateline_outlet(art.dateline)  # when the page names no other


def page_date(
    doc: lxml.html.HtmlElement,
    page: Page,
    art: Article,
    cleaned: list[str],
    meta_lines: list[str],
    body_start: int | None,
) -> str | None:
    """The page's date (see the evidence order above): a date line by the title, one between
    the headline and the body's first line (`body_start`, among the `cleaned` lines), a
    labelled line anywhere, then the page's data (which also completes a day with its time)."""
    visible, updated = art.published_at or contextual_date(meta_lines, art, page.url, page.fetched_at), None
    if not visible:  # a date line between the headline and the body (a Q&A answer's card)
        visible = header_date(cleaned, art.title, body_start)
    if not visible:  # a labelled line or post stamp anywhere is still a date the page shows
        visible, updated = labelled_dates(meta_lines)
    if not visible or len(visible) == 10:  # no visible date, or one without its time
        machine = machine_date(doc, page.text)
        return with_time(visible, machine) or machine or updated
    return visible


def observed(
    page: Page,
    doc: lxml.html.HtmlElement,
    walk: PageWalk,
    page_lines: frozenset[str],
    choice: BodyChoice,
    body: list[str],
) -> PageSample:
    """What the page tells its host's profile (extract/profiles.py); the body's links are
    looked for in the element it came from (the page when it came from no one element)."""
    chosen = element_signature(choice.element) if choice.element is not None else None
    links = linked_body_lines(doc if choice.element is None else choice.element, page.url, body)
    return html_sample(page.url, page_lines, body, chosen, frozenset(location_signatures(walk)), links)
