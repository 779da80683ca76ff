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
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING

from newsclean.extract.boilerplate import Kind, classify_line, may_be_editor_line
from newsclean.extract.bylines import Credits, parse_byline
from newsclean.extract.dates import CHINA_TZ, date_from_url, is_relative_date, parse_date
from newsclean.extract.html import (
    BLOCK_TAGS,
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
from newsclean.extract.text import HAN, clean_line
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
        walk = walk_page(doc, doc.body if doc.body is not None else doc, heading)
        lines = walk.lines
        cleaned = [clean_line(line) for line in lines]  # once: several readers scan them all
        labelled = read_meta_near_title(cleaned, art)
        art.published_at = art.published_at or contextual_date(cleaned, art, page)
        art.section = next((parse_breadcrumb(line) for line in lines[:80] if is_breadcrumb(line)), None)
        art.published_at = art.published_at or hidden_date(doc) or script_date(doc, page.text)
        finish_body(main_text_lines(walk, page, heading), art)
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


def main_text_lines(walk: PageWalk, page: Page, heading: lxml.html.HtmlElement | None = None) -> list[str]:
    """The article's lines: those of the best-scoring text container (`heading`: the
    headline's element, when known), or trafilatura's main content."""
    container = best_container(walk)
    if container is not None:
        if story := story_under_heading(container.element, heading):
            return story
        if container.lines is None:
            return render_lines(container.element)
        return walk.lines[container.lines[0] : container.lines[1]]
    import trafilatura  # imported on first use: it costs ~0.2 s of start-up

    text = (
        trafilatura.extract(
            page.text, url=page.url, include_comments=False, include_tables=False, favor_precision=True
        )
        or ""
    )
    return text.splitlines()


def style_hides(style: str) -> bool:
    """True for a `style` attribute that hides its element (`display:none`, `visibility:hidden`)."""
    style = style.replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def hidden_elements(doc: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """The elements under `doc` (itself included) that the page does not show: read from the
    `style` and `hidden` attributes (an XPath over attributes runs no predicate per element)."""
    return {
        value.getparent()
        for value in doc.xpath("descendant-or-self::*/@style | descendant-or-self::*/@hidden")
        if value.attrname == "hidden" or style_hides(value)
    }


@dataclass
class Container:
    """An element that may hold the article: its place in document order, the Han characters
    it holds as paragraphs, and the span of its lines in the page's rendering (None when they
    are not lines of their own there: an inline element, or one under a skipped one)."""

    element: lxml.html.HtmlElement
    position: int
    han: int
    lines: tuple[int, int] | None


@dataclass
class PageWalk:
    """One walk over a page: the body's lines, the containers that may hold the article, and
    the headline's place in document order."""

    lines: list[str] = field(default_factory=list)
    containers: list[Container] = field(default_factory=list)
    heading_at: int | None = None


class TextMap:
    """Where each element's text lies among the page's text nodes, to count an element's
    visible text from prefix sums instead of adding it up element by element.

    Elements are numbered in document order. The text nodes worth counting (not blank) are
    listed in document order with their owner's *level*: how many skipped or hidden elements
    stand among the owner and its ancestors (the owner holds the text, or the tail of its
    child). An element counts the nodes of its own level in its range, so the text under a
    skipped or hidden element counts for that element's descendants but for none above it.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.keys: list[int] = []  # per text node: 2 × level + 1 when inside a link
        # per element: its number, tag, level, whether shown (not skipped or hidden), its
        # parent's level when its tag is a block tag (else -1), and its first text node …
        self.info: list[tuple[int, str, int, bool, int, int]] = []
        # … and, once closed, the text node after its last (its tail excluded) and the number
        # of the element after its last descendant
        self.ends: dict[int, tuple[int, int]] = {}
        self.candidates: list[tuple[int, lxml.html.HtmlElement]] = []  # the shown container tags
        self.han: list[int] = []  # per text node, once `counted`: Han characters …
        self.punct: list[bool] = []  # … and whether it holds sentence punctuation
        self.sums: dict[int, tuple[list[int], list[int], list[int], list[int]]] = {}

    def counted(self) -> None:
        """Count the Han characters and sentence punctuation of every listed text node, in
        two regular expression passes over all of them joined by NULs (no text holds one)."""
        joined = "\x00".join(self.texts)
        self.han = [len(t) for t in _NON_HAN_OR_NUL_RE.sub("", joined).split("\x00")]
        self.punct = [t != "" for t in _NON_PUNCT_OR_NUL_RE.sub("", joined).split("\x00")]

    def prefix_sums(self, level: int) -> tuple[list[int], list[int], list[int], list[int]]:
        """Running totals over the text nodes of one level (Han characters, Han characters
        inside links, nodes with punctuation) and over the elements (block tags whose parent
        is of that level)."""
        if level not in self.sums:
            han = [h if key >> 1 == level else 0 for h, key in zip(self.han, self.keys)]
            link = [h if key == 2 * level + 1 else 0 for h, key in zip(self.han, self.keys)]
            punct = [p and key >> 1 == level for p, key in zip(self.punct, self.keys)]
            blocks = [info[4] == level for info in self.info]
            self.sums[level] = (running(han), running(link), running(punct), running(blocks))
        return self.sums[level]

    def stats(self, i: int, level: int) -> tuple[int, int, int, int]:
        """Element i's Han characters, those inside links, text nodes with punctuation and
        block elements inside, counting the text and blocks of `level` (its own)."""
        han, link, punct, blocks = self.prefix_sums(level)
        first, (end, end_element) = self.info[i][5], self.ends[i]
        return (
            han[end] - han[first],
            link[end] - link[first],
            punct[end] - punct[first],
            blocks[end_element] - blocks[i + 1],
        )

    def children(self, i: int) -> list[int]:
        """The numbers of element i's children."""
        found, child, end = [], i + 1, self.ends[i][1]
        while child < end:
            found.append(child)
            child = self.ends[child][1]
        return found

    def paragraph_han(self, i: int, han: int) -> int:
        """Han characters element i (holding `han` in all) holds as paragraphs: its own text
        and the children that read as text (not link lists, with sentence punctuation; not a
        column of blocks unless a paragraph tag)."""
        level, total = self.info[i][2], han
        for child in self.children(i):
            _, tag, _, shown, _, _ = self.info[child]
            if not shown:
                continue
            child_han, child_link, punct, blocks = self.stats(child, level)
            total -= child_han  # what is left is its own text and its children's tails
            if not child_han or (tag not in PARAGRAPH_TAGS and blocks):
                continue
            if child_link / child_han > MAX_LINK_SHARE or not punct:
                continue
            total += child_han - child_link
        return total

    def container_han(self, i: int) -> int:
        """The paragraph Han characters of element i (a shown container tag) when it may hold
        the article (enough text, not mostly links), else 0."""
        han, link, _, _ = self.stats(i, self.info[i][2])
        if han < MIN_CONTAINER_HAN or link / han > MAX_LINK_SHARE:
            return 0
        para = self.paragraph_han(i, han)
        return para if para >= MIN_CONTAINER_HAN else 0


def running(values: list[int] | list[bool]) -> list[int]:
    """The running totals of the values, starting with 0 (one more item than `values`)."""
    return list(accumulate(values, initial=0))


_NON_HAN_OR_NUL_RE = re.compile(f"[^{HAN}\x00]+")
_NON_PUNCT_OR_NUL_RE = re.compile("[^，。！？、；：“”,.!?;:\x00]+")


def walk_page(
    doc: lxml.html.HtmlElement, root: lxml.html.HtmlElement, heading: lxml.html.HtmlElement | None = None
) -> PageWalk:
    """Render `root` (the body) to lines as `render_lines` does and, in the same walk over the
    whole page, map every element's text (`TextMap`) to find the containers. (One loop with
    its state in local variables: it runs for every node of the page.)"""
    from lxml import etree

    walk, text_map, hidden = PageWalk(), TextMap(), hidden_elements(doc)
    lines: list[str] = walk.lines
    buf: list[str] = []
    first_lines: dict[int, int] = {}  # the first line of each container tag rendered …
    spans: dict[int, tuple[int, int]] = {}  # … and its span once closed
    texts, keys, info, ends, candidates = (
        text_map.texts,
        text_map.keys,
        text_map.info,
        text_map.ends,
        text_map.candidates,
    )
    # the open elements' records (as in `info`), under one standing for the page's parent
    open_elements: list[tuple[int, str, int, bool, int, int]] = [(-1, "", 0, False, -1, 0)]
    links = 0  # open `a` elements
    rendering, skipped = False, None  # skipped: the element (script, form…) not rendered

    def flush() -> None:
        text = "".join(buf).strip()
        buf.clear()
        if text:
            lines.append(text)

    for event, el in etree.iterwalk(doc, events=("start", "end", "comment", "pi")):
        if event == "start":
            tag, i, parent_level = el.tag, len(info), open_elements[-1][2]
            shown = tag not in SKIP_TAGS and el not in hidden
            level = parent_level if shown else parent_level + 1
            record = (i, tag, level, shown, parent_level if tag in BLOCK_CHILD_TAGS else -1, len(texts))
            info.append(record)
            open_elements.append(record)
            if tag == "a":
                links += 1
            if el is heading:
                walk.heading_at = i
            if shown and tag in CONTAINER_TAGS:
                candidates.append((i, el))
            if el is root:
                rendering, skipped = True, None
            elif rendering:
                if tag in SKIP_TAGS:
                    rendering, skipped = False, el
                elif tag in BLOCK_TAGS:
                    if buf:  # a block edge ends the line being gathered
                        flush()
                    if tag in CONTAINER_TAGS:
                        first_lines[i] = len(lines)
            text = el.text
            if text:
                if shown and not text.isspace():  # a skipped or hidden element's own text counts for nothing
                    texts.append(text)
                    keys.append(2 * level + (links > 0))
                if rendering:
                    buf.append(text)
            continue
        if event == "end":
            i, tag = open_elements.pop()[:2]
            ends[i] = (len(texts), len(info))
            if tag == "a":
                links -= 1
            if el is root:
                flush()
                rendering, spans[i] = False, (0, len(lines))
            elif el is skipped:
                rendering, skipped = True, None
            elif rendering and tag in BLOCK_TAGS:
                if buf:
                    flush()
                if i in first_lines:
                    spans[i] = (first_lines[i], len(lines))
        tail = el.tail  # a closed element's, or a comment's (only its tail is text)
        if tail:
            parent = open_elements[-1]
            if parent[3] and not tail.isspace():
                texts.append(tail)
                keys.append(2 * parent[2] + (links > 0))
            if rendering:
                buf.append(tail)
    walk.containers = find_containers(text_map, spans)
    return walk


def find_containers(text_map: TextMap, spans: dict[int, tuple[int, int]]) -> list[Container]:
    """The elements that may hold the article, with the span of their lines where they have
    lines of their own (`spans`: start and end line of the block elements rendered)."""
    if not text_map.texts:
        return []
    text_map.counted()
    found = []
    for i, el in text_map.candidates:
        han = text_map.container_han(i)
        if han:
            found.append(Container(el, i, han, spans.get(i)))
    return found


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


def best_container(walk: PageWalk) -> Container | None:
    """The container whose paragraphs hold the most Chinese text, weighed down by distance
    from the headline (sidebars, comments and footers stand far from it); the last in
    document order wins a tie."""
    best, best_score = None, 0.0
    for container in sorted(walk.containers, key=lambda found: -found.position):
        score = float(container.han)
        if walk.heading_at is not None:
            distance = container.position - walk.heading_at  # > 0: the container follows it
            score /= 1 + abs(distance) / HEADLINE_DISTANCE + (1 if distance < 0 else 0)
        if score > best_score:
            best, best_score = container, score
    return best
