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

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsclean.extract.boilerplate import Kind, classify_line, may_be_editor_line
from newsclean.extract.bylines import Credits, parse_byline
from newsclean.extract.dates import CHINA_TZ, date_from_url, is_relative_date, parse_date
from newsclean.extract.html import (
    SKIP_TAGS,
    element_text,
    first_text,
    meta_content,
    page_keywords,
    parse_html,
    render_lines,
    select,
)
from newsclean.extract.layout import add_credits, finish_body, take_meta_line
from newsclean.extract.meta import is_breadcrumb, parse_breadcrumb, parse_editor, parse_source
from newsclean.extract.record import Article
from newsclean.extract.text import clean_line, han_count
from newsclean.sites.base import Adapter, Page, page_title

if TYPE_CHECKING:  # the pages come parsed (extract.html): importing lxml costs ~40 ms of start-up
    import lxml.html

# How many rendered lines after the title may hold its date/source line.
META_LINES_AFTER_TITLE = 8
HIDDEN_DATES = ("#pubtime_baidu", "#pubtime", ".pubtime", "#publish_time", "time[datetime]")
DATE_META = (
    "article:published_time",
    "publishdate",
    "pubdate",
    "publish_date",
    "og:release_date",
    "article:create_at",
    "datePublished",
    "dateUpdate",
    "dateModified",
)
TITLE_ELEMENTS = "h1, h2, h3, [class*=title], [id*=title]"
_LD_DATE_RE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
# Searched without the word boundary in front (see `stamp_date`): a pattern opening with `\b`
# is tried at every position of the page, several times slower.
_STAMP_RE = re.compile(r"""(?:ct|publish_?time|pub_?time|create_?time)["']?\s*[:=]\s*["']?(1[0-9]{9})\b""")
_DATE_LABEL_RE = re.compile(r"(?:发布|更新|发表)?(?:时间|日期)\s*[:：]")
_AUTHOR_LABEL_RE = re.compile(r"(?:作者|撰稿)\s*[:：]\s*([^\s|｜]+(?:\s+[^\s|｜:：]+)?)")
# Containers whose text is more than this share link text are navigation, not articles.
MAX_LINK_SHARE = 0.3
# A container needs this many Han characters in paragraphs to be taken for the article.
MIN_CONTAINER_HAN = 60
CONTAINER_TAGS = frozenset({"div", "article", "section", "td", "main", "body", "font", "center"})
# Children read as paragraphs of their parent whatever they hold; other children only when
# they hold no block element (a bare text div is a paragraph, a div of divs a column).
PARAGRAPH_TAGS = frozenset("p h2 h3 h4 h5 section blockquote pre".split())
BLOCK_CHILD_TAGS = frozenset("div p table ul ol section article".split())
# How many elements between the headline and a container halve the container's score.
HEADLINE_DISTANCE = 400
_PUNCT_RE = re.compile(r"[，。！？、；：“”,.!?;:]")


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
        lines = render_lines(doc.body if doc.body is not None else doc)
        cleaned = [clean_line(line) for line in lines]  # once: several readers scan them all
        labelled = read_meta_near_title(cleaned, art)
        art.published_at = art.published_at or contextual_date(cleaned, art, page)
        art.section = next((parse_breadcrumb(line) for line in lines[:80] if is_breadcrumb(line)), None)
        art.published_at = art.published_at or hidden_date(doc) or script_date(doc, page.text)
        finish_body(main_text_lines(doc, page, heading), art)
        if not art.authors:  # a CMS `作者:` field is weaker evidence than a byline or dateline
            add_credits(art, labelled)
        art.editor = art.editor or page_editor(cleaned)
        art.published_at = art.published_at or labelled_date(lines)
        art.source = art.source or labelled_source(lines)


def best_title(doc: lxml.html.HtmlElement, site_name: str | None) -> tuple[str, lxml.html.HtmlElement | None]:
    """The article heading and its element: the longest heading or title-classed element
    that the page's `<title>`/og:title contains (the `<title>` adds column and site names
    around it), else an h1/h2 holding the page title, else the page title itself."""
    page = page_title(doc, site_name)
    full = clean_line(meta_content(doc, "og:title") or first_text(doc, "title") or "")
    inside = [
        (text, el)
        for el in select(doc, TITLE_ELEMENTS)
        if len(el.text_content()) <= 3 * len(full) + 20
        for text in (element_text(el),)
        if 5 <= len(text) and text in full
    ]
    if inside:
        return max(inside, key=lambda found: len(found[0]))
    for el in select(doc, "h1, h2"):
        text = element_text(el)
        if len(text) >= 5 and page in text and len(text) <= 2 * len(page):
            return text, el
    return page, None


def site_name_from_title(doc: lxml.html.HtmlElement) -> str | None:
    """The site name closing a `<title>` such as `标题_栏目_长江网_cjn.cn` or `标题--大河网`."""
    title = first_text(doc, "title") or ""
    parts = [p for p in re.split(r"\s*(?:[-_|｜—－＿]{1,2})\s*", title) if p]
    names = [p for p in parts[1:] if re.search(r"(?:网|报|台|中心|新闻|日报)$", p)]
    return names[-1] if names else None


def lines_near_title(lines: list[str], title: str, before: int, after: int) -> list[str]:
    """The (cleaned) lines standing `before` lines above and `after` lines below each occurrence
    of the title (a sticky header may repeat it); the page's first lines when it is absent."""
    starts = [i + 1 for i, line in enumerate(lines) if line == title] or [0]
    return [
        line
        for start in starts
        for line in lines[max(start - before, 0) : start - 1] + lines[start : start + after]
    ]


def read_meta_near_title(lines: list[str], art: Article) -> Credits:
    """Take date, source, editor and reporters from the (cleaned) lines just after the title;
    return the names of `作者:` labels there, for the caller to use when no byline names anyone."""
    labelled = Credits()
    for line in lines_near_title(lines, art.title, 0, META_LINES_AFTER_TITLE):
        kind = classify_line(line)
        if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR):
            take_meta_line(line, kind, art)
        if kind == Kind.BYLINE:
            art.byline = art.byline or line
            add_credits(art, parse_byline(line))
        author = (
            _AUTHOR_LABEL_RE.search(line)
            if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR, Kind.TEXT)
            else None
        )
        if author:
            labelled.authors.extend(parse_byline("作者 " + author.group(1)).authors)
    for line in lines_near_title(lines, art.title, 4, 0):
        if not art.published_at and classify_line(line) == Kind.DATE:
            art.published_at = parse_date(line)  # news.cn puts the date above the title
    return labelled


def page_editor(lines: list[str]) -> str | None:
    """The editor named by the page's first editor line (`责编：X`) among its cleaned lines."""
    for line in lines:
        if may_be_editor_line(line) and classify_line(line) == Kind.EDITOR:
            editor = parse_editor(line)
            if editor:
                return editor
    return None


def contextual_date(lines: list[str], art: Article, page: Page) -> str | None:
    """A date after the title (in the cleaned `lines`) written without a year (`04-03 10:20`)
    or relatively (`3小时前`).

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


def script_date(doc: lxml.html.HtmlElement, source: str) -> str | None:
    """The date a page's data says: JSON-LD `datePublished`, or a Unix time stamp assigned
    in a script (`var ct = "1581517074"`, `publish_time: 1581517074`, as WeChat and many CMSes
    write it)."""
    for el in select(doc, 'script[type="application/ld+json"]'):
        found = _LD_DATE_RE.search(el.text or "")
        if found and parse_date(found.group(1)):
            return parse_date(found.group(1))
    return stamp_date(source)


def stamp_date(source: str) -> str | None:
    """The first Unix time stamp assigned to a word such as `ct` or `publish_time` (the name
    starting a word: `\b` checked by hand) as an ISO date, or None."""
    for stamp in _STAMP_RE.finditer(source):
        before = source[stamp.start() - 1] if stamp.start() else " "
        if not (before.isalnum() or before == "_"):  # what `\w` means
            return dt.datetime.fromtimestamp(int(stamp.group(1)), CHINA_TZ).isoformat()
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


def main_text_lines(
    doc: lxml.html.HtmlElement, page: Page, heading: lxml.html.HtmlElement | None = None
) -> list[str]:
    """The article's lines: the best-scoring text container (`heading`: the headline's
    element, when known), or trafilatura's main content."""
    container = best_container(doc, heading)
    if container is not None:
        return story_under_heading(container, heading) or render_lines(container)
    import trafilatura  # imported on first use: it costs ~0.2 s of start-up

    text = (
        trafilatura.extract(
            page.text, url=page.url, include_comments=False, include_tables=False, favor_precision=True
        )
        or ""
    )
    return text.splitlines()


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    """True for an element the page does not show (`display:none`, `hidden`)."""
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None


def hidden_elements(doc: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """The elements under `doc` (itself included) that the page does not show."""
    return {el for el in doc.xpath("descendant-or-self::*[@style or @hidden]") if is_hidden(el)}


@dataclass
class TextStats:
    """Counts over an element's visible text: Han characters, those inside links, and
    sentence punctuation."""

    han: int = 0
    link_han: int = 0
    punct: int = 0
    blocks: int = 0  # div, p, table and list elements inside


def text_counts(text: str | None) -> tuple[int, int]:
    """The Han characters and sentence punctuation marks of one text node."""
    if not text or text.isspace():
        return 0, 0
    return han_count(text), len(_PUNCT_RE.findall(text))


def element_stats(doc: lxml.html.HtmlElement) -> dict[lxml.html.HtmlElement, TextStats]:
    """TextStats of every visible element's whole subtree, in one bottom-up pass."""
    order = list(doc.iter("*"))  # elements only: no comments or processing instructions
    linked = {el for link in doc.iter("a") for el in link.iter("*")}  # links and what they hold
    hidden = hidden_elements(doc)
    stats: dict[lxml.html.HtmlElement, TextStats] = {}
    for el in reversed(order):
        if el.tag in SKIP_TAGS or el in hidden:
            stats[el] = TextStats()
            continue
        own_han, punct = text_counts(el.text)  # own_han: its text and its children's tails
        han = link_han = blocks = 0
        for child in el:
            child_stats = stats.get(child)  # None for comments
            if child_stats is not None:
                han += child_stats.han
                link_han += child_stats.link_han
                punct += child_stats.punct
                blocks += child_stats.blocks + (child.tag in BLOCK_CHILD_TAGS)
            tail_han, tail_punct = text_counts(child.tail)
            own_han += tail_han
            punct += tail_punct
        stats[el] = TextStats(han + own_han, link_han + (own_han if el in linked else 0), punct, blocks)
    return stats


def paragraph_han(el: lxml.html.HtmlElement, stats: dict[lxml.html.HtmlElement, TextStats]) -> int:
    """Han characters the element holds as paragraphs: its own text and the children that
    read as text (not link lists, with sentence punctuation)."""
    total = han_count(el.text or "")
    for child in el:
        total += han_count(child.tail or "")
        child_stats = stats.get(child)
        if child_stats is None or not child_stats.han:
            continue
        if child.tag not in PARAGRAPH_TAGS and child_stats.blocks:  # a column of its own
            continue
        if child_stats.link_han / child_stats.han > MAX_LINK_SHARE or not child_stats.punct:
            continue
        total += child_stats.han - child_stats.link_han
    return total


def story_under_heading(container: lxml.html.HtmlElement, heading: lxml.html.HtmlElement | None) -> list[str]:
    """On a page of several stories in one column (an e-paper page view: heading, paragraphs,
    heading, paragraphs…), the lines between the headline and the next heading like it;
    empty when the container holds one story."""
    if heading is None or heading.getparent() is not container:
        return []
    siblings = list(container)
    if sum(1 for el in siblings if el.tag == heading.tag) < 2:
        return []
    lines = [heading.tail.strip()] if heading.tail and heading.tail.strip() else []
    for el in siblings[siblings.index(heading) + 1 :]:
        if el.tag == heading.tag:
            break
        lines.extend(render_lines(el))
        if el.tail and el.tail.strip():
            lines.append(el.tail.strip())
    return lines


def best_container(
    doc: lxml.html.HtmlElement, heading: lxml.html.HtmlElement | None = None
) -> lxml.html.HtmlElement | None:
    """The element whose paragraphs hold the most Chinese text, weighed down by link text
    and by distance from the headline (sidebars, comments and footers stand far from it)."""
    stats = element_stats(doc)
    position = {el: i for i, el in enumerate(stats)}  # reversed document order
    best, best_score = None, 0.0
    for el, el_stats in stats.items():
        if el.tag not in CONTAINER_TAGS or el_stats.han < MIN_CONTAINER_HAN:
            continue
        if el_stats.link_han / el_stats.han > MAX_LINK_SHARE:
            continue
        han = paragraph_han(el, stats)
        if han < MIN_CONTAINER_HAN:
            continue
        score = float(han)
        if heading is not None and heading in position:
            distance = position[heading] - position[el]  # > 0: the container follows it
            score /= 1 + abs(distance) / HEADLINE_DISTANCE + (1 if distance < 0 else 0)
        if score > best_score:
            best, best_score = el, score
    return best
