"""The main-content finder: one walk over a page renders its body to lines and scores every
element that may hold the article by the Chinese text it holds as paragraphs; the densest
container near the headline wins, else trafilatura's main content.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING

from newsclean.extract.boilerplate import Kind, classify_line
from newsclean.extract.dates import parse_date
from newsclean.extract.html import (
    BLOCK_TAGS,
    CELL_TAGS,
    SKIP_TAGS,
    is_data_row,
    render_lines,
)
from newsclean.extract.layout import after_header_in_block, densest_block, sentence_weight
from newsclean.extract.text import CELL_SEPARATOR, HAN, ROW_MARK, clean_line

if TYPE_CHECKING:  # the pages come parsed (extract.html): importing lxml costs ~40 ms of start-up
    import lxml.html
    from lxml import etree

# Containers whose text is more than this share link text are navigation, not articles.
MAX_LINK_SHARE = 0.3
# A container needs this many Han characters in paragraphs to be taken for the article.
MIN_CONTAINER_HAN = 60
# A block with fewer Han characters counts as a wrapped paragraph of its parent only with at
# least this many, among at least LIKE_BLOCKS blocks alike (see wrapped_paragraph_parents).
MIN_WRAPPED_HAN = 8
LIKE_BLOCKS = 3
CONTAINER_TAGS = frozenset({"div", "article", "section", "td", "main", "body", "font", "center"})
# The elements between a table cell and the element holding its table.
TABLE_PARTS = frozenset({"tr", "tbody", "thead", "tfoot", "table"})
# Children read as paragraphs of their parent whatever they hold; other children only when
# they hold no block element (a bare text div is a paragraph, a div of divs a column).
PARAGRAPH_TAGS = frozenset("p h2 h3 h4 h5 section blockquote pre".split())
BLOCK_CHILD_TAGS = frozenset("div p table ul ol section article".split())
# How many elements between the headline and a container halve the container's score.
HEADLINE_DISTANCE = 400
_PUNCT_RE = re.compile(r"[，。！？、；：“”,.!?;:]")


# A container of at least this many lines, this many times its densest run of text, is a
# frame around the article rather than the article.
NARROW_MIN_LINES = 40
NARROW_RATIO = 3
# Copies of one text: blocks inside the chosen container holding at least COPY_MIN_SHARE of
# its paragraph text each, sharing COPY_OVERLAP of their character pairs, that together hold
# COPIES_SHARE of its text.
COPY_MIN_SHARE = 0.2
COPY_OVERLAP = 0.8
COPIES_SHARE = 0.6
# A numbered section head: `一、`, `（二）`, `3.`, `第四章`.
_SECTION_NUMBER_RE = re.compile(
    r"(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)"
    r"|第[一二三四五六七八九十百\d]+[章节部分篇条])"
)
# Reply headers: short lines, recurring (several reaction words, several time stamps).
REPLY_HEADER_CHARS = 40
MIN_REPLY_HEADERS = 5
MIN_REPLY_STAMPS = 3
_REACTION_RE = re.compile(r"回答|评论|回复|点赞|赞同|举报|采纳|楼主|收藏|\d+\s*楼|沙发|板凳|发表于|网友")
# A list of dated items: this many lines that are a date alone, one in this many lines.
MIN_LIST_DATES = 3
LIST_DATE_EVERY = 4
DATE_LINE_CHARS = 24
# How many of the densest containers are checked for the shape of a reply list.
REPLY_CHECKS = 4


def article_lines(lines: list[str]) -> list[str]:
    """The container's lines, narrowed to its densest run of running text when the container
    is mostly something else (a page frame holding a question, its answers and the side lists
    of a Q&A page): a short article in a long frame."""
    if len(lines) < NARROW_MIN_LINES:
        return lines
    cleaned = [clean_line(line) for line in lines]
    kinds = [classify_line(line) for line in cleaned]
    start, end = densest_block(cleaned, kinds)
    if len(lines) < NARROW_RATIO * (end - start):
        return lines
    rest = cleaned[:start] + cleaned[end:]
    if not looks_like_replies(rest):
        return lines
    return lines[start:end]


def replies_start(lines: list[str], minimum: int) -> int | None:
    """Where a list of replies begins in lines that end with one (an article's container
    holding the comments on it): the first short line with a reaction word (`网友评论`, a
    reply's header), when `minimum` Han characters of running text come before it and the
    lines from it are shaped like replies; None otherwise."""
    weight = 0
    for i, line in enumerate(lines):
        if len(line) <= REPLY_HEADER_CHARS and _REACTION_RE.search(line):
            return i if weight >= minimum and looks_like_replies(lines[i:]) else None
        weight += sentence_weight(line)
    return None


def looks_like_dated_list(lines: list[str]) -> bool:
    """True when at least MIN_LIST_DATES lines are a date alone and one line in LIST_DATE_EVERY
    is: the items of a related list, each with its date, rather than a story."""
    dates = sum(1 for line in lines if len(line) <= DATE_LINE_CHARS and classify_line(line) == Kind.DATE)
    return dates >= MIN_LIST_DATES and dates * LIST_DATE_EVERY >= len(lines)


def looks_like_replies(lines: list[str]) -> bool:
    """True when short lines of reactions (回答, 评论, 点赞, 举报 …) and time stamps recur
    among the lines: the headers of replies, answers or comments, each a user, a time and
    counters."""
    short = [line for line in lines if len(line) <= REPLY_HEADER_CHARS]
    if sum(1 for line in short if _REACTION_RE.search(line)) < MIN_REPLY_HEADERS:
        return False  # most pages: no dates to look for
    return sum(1 for line in short if parse_date(line)) >= MIN_REPLY_STAMPS


def densest_lines(lines: list[str]) -> list[str]:
    """The run of rendered lines with the most running text (the line-block distribution
    that text renderings are read with), when it holds enough of it to be an article; from
    after the headline and its date line when the run took in text above them (a side
    column's paragraphs)."""
    cleaned = [clean_line(line) for line in lines]
    kinds = [classify_line(line) for line in cleaned]
    start, end = densest_block(cleaned, kinds)
    if sum(sentence_weight(line) for line in lines[start:end]) < MIN_CONTAINER_HAN:
        return []
    return lines[after_header_in_block(cleaned, kinds, start, end) : end]


# Classes of text kept for screen readers and not shown (Bootstrap's, WordPress's), and of
# the assistive MathML copy that KaTeX and MathJax put beside the formula they show.
VISUALLY_HIDDEN_CLASSES = frozenset(
    "sr-only visually-hidden visuallyhidden screen-reader-text katex-mathml MJX_Assistive_MathML".split()
)
_HIDING_STYLE_XPATH = "descendant-or-self::*/@style | descendant-or-self::*/@hidden"
_HIDING_ATTRIBUTES_XPATH = (
    f"{_HIDING_STYLE_XPATH} | descendant-or-self::*/@class["
    + " or ".join(f"contains(., '{name}')" for name in sorted(VISUALLY_HIDDEN_CLASSES))
    + "]"
)


def style_hides(style: str) -> bool:
    """True for a `style` attribute that hides its element (`display:none`, `visibility:hidden`)."""
    style = style.replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def hidden_elements(doc: lxml.html.HtmlElement, source: str | None = None) -> set[lxml.html.HtmlElement]:
    """The elements under `doc` (itself included) that the page does not show: read from the
    `style` and `hidden` attributes and the classes of visually hidden text (an XPath over
    attributes runs no predicate per element). The classes are looked for only when one of
    their names stands in the page's `source` text, if given, and in its class attributes (few
    pages name one: looking for the six names in the text costs less than reading the class
    values of every element, 0.18 against 0.23 ms a page over the dev pages)."""
    names = (
        source is None or any(name in source for name in VISUALLY_HIDDEN_CLASSES)
    ) and names_hiding_class(doc)
    return {
        value.getparent()
        for value in hiding_attributes(bool(names))(doc)
        if value.attrname == "hidden"
        or (value.attrname == "class" and not VISUALLY_HIDDEN_CLASSES.isdisjoint(value.split()))
        or (value.attrname == "style" and style_hides(value))
    }


def names_hiding_class(doc: lxml.html.HtmlElement) -> bool:
    """True when a class attribute under `doc` holds the name of a visually hidden class."""
    classes = " ".join(class_values()(doc))
    return any(name in classes for name in VISUALLY_HIDDEN_CLASSES)


@cache
def hiding_attributes(with_classes: bool) -> etree.XPath:
    """The XPath giving the `style` and `hidden` attributes under an element (itself included),
    and `with_classes` the class attributes holding a visually hidden class's name (compiled
    once: `doc.xpath(text)` compiles its text on every call)."""
    from lxml import etree

    return etree.XPath(_HIDING_ATTRIBUTES_XPATH if with_classes else _HIDING_STYLE_XPATH)


@cache
def class_values() -> etree.XPath:
    """An XPath giving the values of the class attributes under an element, as plain strings."""
    from lxml import etree

    return etree.XPath("descendant-or-self::*/@class", smart_strings=False)


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
    the headline's place in document order, and the reply lists passed over."""

    lines: list[str] = field(default_factory=list)
    containers: list[Container] = field(default_factory=list)
    heading_at: int | None = None
    # the containers the finder passed over as shaped like replies (see densest_container)
    reply_lists: list[lxml.html.HtmlElement] = field(default_factory=list)
    elements: int = 0  # how many elements the page holds


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
        self.han: list[int] = []  # per text node, once `counted`: its Han characters
        self.sums: dict[int, tuple[list[int], list[int]]] = {}

    def counted(self) -> None:
        """Count the Han characters of every listed text node, in one regular expression pass
        over all of them joined by NULs (no text holds one)."""
        joined = "\x00".join(self.texts)
        self.han = [len(t) for t in _NON_HAN_OR_NUL_RE.sub("", joined).split("\x00")]

    def prefix_sums(self, level: int) -> tuple[list[int], list[int]]:
        """Running totals over the text nodes of one level: Han characters, and Han characters
        inside links."""
        if level not in self.sums:
            han = [h if key >> 1 == level else 0 for h, key in zip(self.han, self.keys)]
            link = [h if key == 2 * level + 1 else 0 for h, key in zip(self.han, self.keys)]
            self.sums[level] = (running(han), running(link))
        return self.sums[level]

    def stats(self, i: int, level: int) -> tuple[int, int]:
        """Element i's Han characters and those inside links, counting the text of `level`
        (its own)."""
        han, link = self.prefix_sums(level)
        first, end = self.info[i][5], self.ends[i][0]
        return han[end] - han[first], link[end] - link[first]

    def has_blocks(self, i: int, level: int) -> bool:
        """True when a block element whose parent is of `level` stands under element i."""
        info = self.info
        return any(info[j][4] == level for j in range(i + 1, self.ends[i][1]))

    def has_punctuation(self, i: int, level: int) -> bool:
        """True when a text node of `level` under element i holds sentence punctuation (looked
        for only where it decides: most text never needs it)."""
        keys, texts = self.keys, self.texts
        return any(
            keys[j] >> 1 == level and _PUNCT_RE.search(texts[j])
            for j in range(self.info[i][5], self.ends[i][0])
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
            child_han, child_link = self.stats(child, level)
            total -= child_han  # what is left is its own text and its children's tails
            if not child_han or (tag not in PARAGRAPH_TAGS and self.has_blocks(child, level)):
                continue
            if child_link / child_han > MAX_LINK_SHARE or not self.has_punctuation(child, level):
                continue
            total += child_han - child_link
        return total

    def container_han(self, i: int) -> int:
        """The paragraph Han characters of element i (a shown container tag) when it may hold
        the article (enough text, not mostly links), else 0."""
        han, link = self.stats(i, self.info[i][2])
        if han < MIN_CONTAINER_HAN or link / han > MAX_LINK_SHARE:
            return 0
        para = self.paragraph_han(i, han)
        return para if para >= MIN_CONTAINER_HAN else 0

    def wrapped_han(self, i: int) -> int:
        """The paragraph Han characters of element i when it is too short to hold the article
        but may be one of a run of wrapped paragraphs (a sentence or a few, no link: the items
        of a list of related stories or of comments link their headline or their user), else 0."""
        han, link = self.stats(i, self.info[i][2])
        if not MIN_WRAPPED_HAN <= han < MIN_CONTAINER_HAN or link:
            return 0
        return self.paragraph_han(i, han) if self.has_punctuation(i, self.info[i][2]) else 0


def running(values: list[int] | list[bool]) -> list[int]:
    """The running totals of the values, starting with 0 (one more item than `values`)."""
    return list(accumulate(values, initial=0))


_NON_HAN_OR_NUL_RE = re.compile(f"[^{HAN}\x00]+")


def walk_page(
    doc: lxml.html.HtmlElement,
    root: lxml.html.HtmlElement,
    heading: lxml.html.HtmlElement | None = None,
    source: str | None = None,
) -> PageWalk:
    """Render `root` (the body) to lines as `render_lines` does and, in the same walk over the
    whole page, map every element's text (`TextMap`) to find the containers (`source`: the
    page's text, to skip looking for what it cannot hold). (One loop with its state in local
    variables: it runs for every node of the page.)"""
    from lxml import etree

    known = html_tags()
    walk, text_map, hidden = PageWalk(), TextMap(), hidden_elements(doc, source)
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
    cells: dict[lxml.html.HtmlElement, int] = {}  # data rows: the cells begun so far
    rendering, skipped = False, None  # skipped: the element (script, form…) not rendered
    row = None  # the data row open: a paragraph in its cells breaks no line

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
            if shown and (tag in CONTAINER_TAGS or (tag not in known and not level)):  # not in an svg
                candidates.append((i, el))
            if el is root:
                rendering, skipped = True, None
            elif rendering:
                if not shown:  # skipped or hidden: the page does not show it
                    rendering, skipped = False, el
                elif tag in CELL_TAGS and el.getparent() in cells:  # a data row is one line
                    buf.append(CELL_SEPARATOR if cells[el.getparent()] else "")
                    cells[el.getparent()] += 1
                elif tag in BLOCK_TAGS and row is None:
                    if buf:  # a block edge ends the line being gathered
                        flush()
                    if tag in CONTAINER_TAGS:
                        first_lines[i] = len(lines)
                    if tag == "tr" and is_data_row(el):
                        row, cells[el] = el, 0
                        buf.append(ROW_MARK)
            text = el.text if shown or rendering else None  # a script's text is never read
            if text:
                if shown and not text.isspace():  # a skipped or hidden element's own text counts for nothing
                    texts.append(text)
                    keys.append(2 * level + (links > 0))
                if rendering:
                    buf.append(text)
            continue
        if event == "end":
            i, tag, _, _, _, _ = open_elements.pop()
            ends[i] = (len(texts), len(info))
            if tag == "a":
                links -= 1
            if el is root:
                flush()
                rendering, spans[i] = False, (0, len(lines))
            elif el is skipped:
                rendering, skipped = True, None
            elif (
                rendering
                and tag in BLOCK_TAGS
                and (row is None or el is row)
                and not (tag in CELL_TAGS and el.getparent() in cells)
            ):
                row = None
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
    walk.elements = len(info)
    return walk


@cache
def html_tags() -> frozenset[str]:
    """The tag names HTML defines; any other tag is a page's own element (a CMS's
    `<ucapcontent>`, an app's `<article-body>`), a container like a `div`."""
    from lxml.html import defs

    return frozenset(defs.tags | defs.html5_tags | {"main", "template", "picture", "dialog", "slot"})


def find_containers(text_map: TextMap, spans: dict[int, tuple[int, int]]) -> list[Container]:
    """The elements that may hold the article, with the span of their lines where they have
    lines of their own (`spans`: start and end line of the block elements rendered)."""
    if not text_map.texts:
        return []
    text_map.counted()
    found, short = [], []
    info, ends = text_map.info, text_map.ends
    for i, el in text_map.candidates:
        han_sums = text_map.prefix_sums(info[i][2])[0]
        total = han_sums[ends[i][0]] - han_sums[info[i][5]]
        if total < MIN_WRAPPED_HAN:
            continue  # too little text (most candidates): the first tests below, inline
        if total >= MIN_CONTAINER_HAN:
            if han := text_map.container_han(i):
                found.append(Container(el, i, han, spans.get(i)))
        elif han := text_map.wrapped_han(i):
            short.append(Container(el, i, han, spans.get(i)))
    return found + wrapped_paragraph_parents(text_map, found, short, spans)


def wrapped_paragraph_parents(
    text_map: TextMap, found: list[Container], short: list[Container], spans: dict[int, tuple[int, int]]
) -> list[Container]:
    """Parents of two or more containers, counted with their text: a story whose paragraphs
    are each wrapped in a `div` of their own (`<div><p>…</p></div>` per paragraph), or stand
    each in a row of their own of a layout table (`<tr><td><p>…</p></td></tr>`: the cell's
    parent is the container around the table), is a column of blocks, so its element holds
    none of that text as paragraphs of its own. Blocks too `short` to be containers count
    among them when at least LIKE_BLOCKS of the children are alike (one tag and class): the
    turns of an interview transcript, the items of a Q&A-format story, each a line or two
    (short cells of a layout table are not read up to the element around the table, which
    holds the page's frame as well)."""
    numbers = {el: i for i, el in text_map.candidates}
    own = {container.element: container for container in found}
    children: dict[lxml.html.HtmlElement, list[Container]] = {}
    tops: set[lxml.html.HtmlElement] = set()  # a container and one inside it with its text count once
    for container in found + short:
        top = outer_wrapper(text_map, numbers, container.element)
        if top in tops:
            continue
        tops.add(top)
        parent = top.getparent()
        if container.element.tag in CELL_TAGS and container.han >= MIN_CONTAINER_HAN:
            while parent is not None and parent.tag in TABLE_PARTS:
                parent = parent.getparent()
        if parent is not None and parent in numbers:
            children.setdefault(parent, []).append(container)
    parents = []
    for parent, all_kids in children.items():
        kids = all_kids if alike_run(all_kids) else [kid for kid in all_kids if kid.han >= MIN_CONTAINER_HAN]
        i = numbers[parent]
        han, link = text_map.stats(i, text_map.info[i][2])
        if len(kids) < 2 or link / han > MAX_LINK_SHARE or is_frame(kids):
            continue
        total = sum(kid.han for kid in kids)
        if parent in own:
            own[parent].han += total
        else:
            parents.append(Container(parent, i, total, spans.get(i)))
    return parents


def outer_wrapper(
    text_map: TextMap, numbers: dict[lxml.html.HtmlElement, int], element: lxml.html.HtmlElement
) -> lxml.html.HtmlElement:
    """The outermost of the container elements around `element` holding no text but its
    (`<div><div class="para"><p>…</p></div></div>`: a paragraph wrapped twice), else itself."""
    own = text_map.stats(numbers[element], text_map.info[numbers[element]][2])[0]
    parent = element.getparent()
    while parent is not None and parent in numbers:
        i = numbers[parent]
        if text_map.stats(i, text_map.info[i][2])[0] != own:
            break
        element, parent = parent, parent.getparent()
    return element


def alike_run(kids: list[Container]) -> bool:
    """True when at least LIKE_BLOCKS of the blocks share one tag and class."""
    shapes = Counter((kid.element.tag, kid.element.get("class")) for kid in kids)
    return max(shapes.values()) >= LIKE_BLOCKS


def is_frame(kids: list[Container]) -> bool:
    """True when one of the containers holds most of their text and renders as more lines
    than the others together: their parent frames one block (an article beside a footer
    notice), where wrapped paragraphs are alike, a line or a few each."""
    largest = max(kids, key=lambda kid: kid.han)
    rest = [kid for kid in kids if kid is not largest]
    return 2 * largest.han > sum(kid.han for kid in kids) and line_count(largest) > sum(map(line_count, rest))


def line_count(container: Container) -> int:
    """How many lines the container renders as (1 when they are not lines of their own)."""
    return 1 if container.lines is None else container.lines[1] - container.lines[0]


def story_under_heading(container: lxml.html.HtmlElement, heading: lxml.html.HtmlElement | None) -> list[str]:
    """On a page of several stories in one column (an e-paper page view: heading, paragraphs,
    heading, paragraphs…), the lines between the headline and the next heading like it;
    empty when the container holds one story."""
    if heading is None or heading.getparent() is not container:
        return []
    siblings = list(container)
    others = [el for el in siblings if el.tag == heading.tag and el is not heading]
    if not others or is_numbered_run(others):
        return []
    lines = [heading.tail.strip()] if heading.tail and heading.tail.strip() else []
    for el in siblings[siblings.index(heading) + 1 :]:
        if el.tag == heading.tag:
            break
        lines.extend(render_lines(el))
        if el.tail and el.tail.strip():
            lines.append(el.tail.strip())
    return lines


def is_numbered_run(headings: list[lxml.html.HtmlElement]) -> bool:
    """True when most of the headings are numbered section heads (`一、综合`, `（二）`, `3.`,
    `第四章`): one document's sections (a bulletin, a work report), not other stories."""
    numbered = sum(1 for el in headings if _SECTION_NUMBER_RE.match(el.text_content().strip()))
    return 2 * numbered >= len(headings)


def best_container(walk: PageWalk) -> Container | None:
    """The container whose paragraphs hold the most Chinese text, weighed down by distance
    from the headline (sidebars, comments and footers stand far from it); the last in
    document order wins a tie. When that text is mostly copies of one text, one copy."""
    best = densest_container(walk)
    return best and one_copy(walk, best)


def densest_container(walk: PageWalk) -> Container | None:
    """The container whose paragraphs hold the most Chinese text, weighed down by distance
    from the headline; the last in document order wins a tie. A container shaped like a list
    of replies (and every container holding it) yields to the next one: a short story above
    a long comment thread or forum floors."""
    ranked = sorted(
        ((container_score(walk, c), c.position, i) for i, c in enumerate(walk.containers)),
        reverse=True,
    )
    ranked = [item for item in ranked if item[0] > 0]
    for _, _, i in ranked[:REPLY_CHECKS]:
        container = walk.containers[i]
        if container.lines is None or not looks_like_replies(
            [clean_line(line) for line in walk.lines[container.lines[0] : container.lines[1]]]
        ):
            return container
        walk.reply_lists.append(container.element)
    return walk.containers[ranked[0][2]] if ranked else None


def container_score(walk: PageWalk, container: Container) -> float:
    """A container's Chinese text, weighed down by its distance from the headline."""
    score = float(container.han)
    if walk.heading_at is not None:
        distance = container.position - walk.heading_at  # > 0: the container follows it
        score /= 1 + abs(distance) / HEADLINE_DISTANCE + (1 if distance < 0 else 0)
    return score


def one_copy(walk: PageWalk, container: Container) -> Container:
    """The container itself, or one copy of the text when the container's text is mostly
    copies of one text in separate blocks (an editor page holding the markdown source, its
    preview and a read-mode copy; a template with a desktop and a mobile copy of the
    story): duplicated text counts once, so the frame around the copies is not the article.
    The copy rendered as the most lines wins (a rendered copy over its source), the first
    in document order on a tie."""
    if container.lines is None:
        return container
    start, end = container.lines
    pool = sorted(
        (
            (found, found.lines)
            for found in walk.containers
            if found is not container
            and found.lines is not None
            and start <= found.lines[0]
            and found.lines[1] <= end
            and found.han >= COPY_MIN_SHARE * container.han
        ),
        key=lambda item: (item[1][0] - item[1][1], item[0].position),
    )
    pairs: dict[tuple[int, int], set[str]] = {}

    def grams(span: tuple[int, int]) -> set[str]:
        if span not in pairs:
            pairs[span] = han_pairs(walk.lines[span[0] : span[1]])
        return pairs[span]

    for copy, span in pool:
        spans = [span]
        for _, other in pool:
            if all(apart(other, taken) for taken in spans) and near_identical(grams(span), grams(other)):
                spans.append(other)
        held = sum(found.han for found, other in pool if other in spans)
        if len(spans) > 1 and held >= COPIES_SHARE * container.han:
            return copy
    return container


def apart(one: tuple[int, int], other: tuple[int, int]) -> bool:
    """True when two spans of lines do not overlap (neither holds the other)."""
    return one[1] <= other[0] or other[1] <= one[0]


def han_pairs(lines: list[str]) -> set[str]:
    """The distinct pairs of neighbouring Han characters in the lines (markup and spacing
    left out, so a markdown source and its rendering give the same pairs)."""
    text = _NON_HAN_OR_NUL_RE.sub("", "".join(lines))
    return {text[i : i + 2] for i in range(len(text) - 1)}


def near_identical(one: set[str], other: set[str]) -> bool:
    """True when two texts share COPY_OVERLAP of the larger one's character pairs."""
    return bool(one) and len(one & other) >= COPY_OVERLAP * max(len(one), len(other))
