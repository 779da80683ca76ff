"""HTML helpers shared by the adapters: parsing, rendering an element to lines, templates.

lxml is used directly (not BeautifulSoup) because parsing is most of an adapter's cost:
lxml.html parses a 100 KB page in about a millisecond, BeautifulSoup several times slower.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from newsclean.extract.dates import parse_date
from newsclean.extract.layout import add_credits, finish_body, labelled_credits, role_credits
from newsclean.extract.meta import parse_breadcrumb, parse_editor, parse_source, split_keywords
from newsclean.extract.record import Article
from newsclean.extract.text import CELL_SEPARATOR, ROW_MARK, clean_line

if TYPE_CHECKING:  # lxml is imported where a page is parsed: importing it costs ~40 ms of start-up
    import lxml.html
    from lxml import etree
    from lxml.cssselect import CSSSelector

BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table tr td th center blockquote section "
    "article header footer figure figcaption pre hr address nav aside main".split()
)
# A data table's row is one line, its cells joined by CELL_SEPARATOR; a row whose cells hold
# block elements is page layout (a column of paragraphs), rendered as blocks.
CELL_TAGS = frozenset({"td", "th"})
_LAYOUT_IN_CELL = BLOCK_TAGS - {"a"}
CELL_PARAGRAPH_TAGS = frozenset({"p", "div"})
SKIP_TAGS = frozenset(
    "script style noscript iframe form button select input textarea svg head template "
    "object embed video audio canvas map".split()
)


@dataclass(frozen=True)
class HtmlTemplate:
    """Where one era of a site's article template keeps each field (CSS selectors).

    `meta` selectors are read in order; the first date, source and editor found in their
    text win, so put the most precise evidence (hidden fields, dedicated spans) first.
    `drop` selectors are removed from the body container before it is read.
    """

    name: str
    body: str
    title: str = "h1"
    meta: tuple[str, ...] = ()
    section: str | None = None
    editor: str | None = None
    drop: tuple[str, ...] = ()


# Class and id names in a CSS selector (`div.left_zw`, `#pubtime_baidu`).
_NAME_RE = re.compile(r"[.#]([\w-]+)")
_ID_ONLY_RE = re.compile(r"^\s*#[\w-]+\s*$")
# `[class*=title]`, `div[class*=share]`: an attribute holding a word, optionally with a tag.
_ATTR_CONTAINS_RE = re.compile(r"^\s*([a-z][a-z0-9]*)?\[([a-z-]+)\*=([\w-]+)\]\s*$")
# `[data-time]`: an attribute present, on any element.
_ATTR_PRESENT_RE = re.compile(r"^\s*\[([a-z-]+)\]\s*$")
# `title`, `meta[name]`, `a[rel=next]`, `script[type="application/ld+json"]`, `#pubtime`:
# written as the XPath cssselect gives them, without importing cssselect (~15 ms of start-up).
_TAG_ATTR_RE = re.compile(
    r"""^\s*([a-z][a-z0-9]*)(?:\[([a-z][a-z-]*)(?:="([^"']*)"|=([A-Za-z_][\w-]*))?\])?\s*$""", re.ASCII
)
_ID_RE = re.compile(r"^\s*#([A-Za-z][\w-]*)\s*$", re.ASCII)
# `div.editor`, `h2.f32`: a tag with one class (the site adapters' selectors).
_TAG_CLASS_RE = re.compile(r"^\s*([a-z][a-z0-9]*)\.([A-Za-z_][\w-]*)\s*$", re.ASCII)
# `&plus`, or a numeric character reference to a character of `ld+json` (a page's `&#8203;`
# is none): one pattern opening with one literal character, which the regex engine looks for
# as fast as `in` looks for a word (three scans were twice as slow).
_LD_JSON_REF_RE = re.compile(
    r"&(?:plus|#(?:0*(?:43|100|106|108|110|111|115)|[xX]0*(?:2[bB]|6[4aAcCeEfF]|73)))"
)
# The page text last looked into by `source_holds` (the very object) and the answers found in
# it: the guards of `select`, `may_match` and `json_ld_scripts` ask again within one page, and
# each asking scans the whole text (~0.1 ms on a 400 KB page).
_LOOKED_INTO: list[tuple[str, dict[str | re.Pattern[str], bool]]] = [("", {})]
# `.left`, `.left.mrg_t_10`: classes alone, no tag.
_CLASSES_ONLY_RE = re.compile(r"^\s*((?:\.[\w-]+)+)\s*$")
# Id indexes of the parsed pages alive now (a page's index goes with the page).
_ID_INDEXES: weakref.WeakKeyDictionary[lxml.html.HtmlElement, dict[str, list[lxml.html.HtmlElement]]] = (
    weakref.WeakKeyDictionary()
)


@cache
def selector(css: str) -> CSSSelector | etree.XPath:
    """A compiled CSS selector (compiled once per process).

    Selectors testing an attribute of any element (`[class*=title]`, `.left.mrg_t_10`,
    `[data-time]`) are written as an XPath over that attribute (`…/@class[contains(., 'title')]/..`):
    the same elements in the same order, where cssselect's `*[@class and contains(@class, 'title')]`
    costs libxml2 a predicate on every element.
    """
    from lxml import etree

    simple = simple_xpath(css)
    if simple:
        return etree.XPath(simple)
    attr = _ATTR_CONTAINS_RE.match(css)
    if attr:
        tag, name, word = attr.groups()
        return etree.XPath(f"descendant-or-self::{tag or '*'}/@{name}[contains(., '{word}')]/..")
    present = _ATTR_PRESENT_RE.match(css)
    if present:
        return etree.XPath(f"descendant-or-self::*/@{present.group(1)}/..")
    classes = _CLASSES_ONLY_RE.match(css)
    if classes:
        tests = " and ".join(
            f"contains(concat(' ', normalize-space(.), ' '), ' {name} ')"
            for name in classes.group(1).split(".")[1:]
        )
        return etree.XPath(f"descendant-or-self::*/@class[{tests}]/..")
    from lxml.cssselect import CSSSelector

    return CSSSelector(css, translator="html")


def simple_xpath(css: str) -> str | None:
    """The XPath cssselect writes for a tag, a tag with an attribute (present, or equal to a
    value) or one class, or an id; None for any other selector."""
    found = _ID_RE.match(css)
    if found:
        return f"descendant-or-self::*[@id = '{found.group(1)}']"
    found = _TAG_CLASS_RE.match(css)
    if found:
        tag, name = found.groups()
        return (
            f"descendant-or-self::{tag}[@class and contains(@class, '{name}') and "
            f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
        )
    found = _TAG_ATTR_RE.match(css)
    if not found:
        return None
    tag, attr, quoted, bare = found.groups()
    if attr is None:
        return f"descendant-or-self::{tag}"
    value = quoted if quoted is not None else bare
    test = f"@{attr}" if value is None else f"@{attr} = '{value}'"
    return f"descendant-or-self::{tag}[{test}]"


@cache
def html_parser() -> lxml.html.HTMLParser:
    """lxml.html's parser with its element classes picked in C: lxml.html's own class lookup
    is Python code run for every element a walk touches (for form-field classes unused here)."""
    import lxml.html
    from lxml import etree

    # huge_tree: libxml2 otherwise stops at 256 nested elements and drops the rest of the
    # page (an article inside 400 <div>s was lost); with it the limit is 2048
    parser = lxml.html.HTMLParser(huge_tree=True)
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a page; raises ValueError for text that is no HTML at all."""
    import lxml.html
    from lxml import etree

    try:
        return lxml.html.document_fromstring(text, parser=html_parser())
    except (etree.ParserError, ValueError) as exc:
        raise ValueError(f"unparseable HTML: {exc}") from exc


@cache
def alternatives(css: str) -> tuple[tuple[str, CSSSelector | etree.XPath, tuple[str, ...]], ...]:
    """Each comma-separated alternative, compiled, with the class and id names it needs."""
    return tuple(
        (alt.strip(), selector(alt), tuple(_NAME_RE.findall(alt))) for alt in css.split(",") if alt.strip()
    )


def select(doc: lxml.html.HtmlElement, css: str, source: str = "") -> list[lxml.html.HtmlElement]:
    """The elements matching each alternative of the selector, alternative by alternative.

    With the page's `source` text, an alternative naming a class or id absent from the source
    is skipped without walking the tree: most template selectors miss on most pages, and each
    walk costs as much as a tenth of the parse.
    """
    found: list[lxml.html.HtmlElement] = []
    for alt, compiled, names in alternatives(css):
        if source and not all(source_holds(source, name) for name in names):
            continue
        if _ID_ONLY_RE.match(alt):
            found.extend(ids_of(doc).get(alt[1:], ()))
        else:
            found.extend(compiled(doc))
    return list(dict.fromkeys(found)) if len(alternatives(css)) > 1 else found


def may_match(css: str, source: str) -> bool:
    """False when no alternative of the selector can match: each names a class or id absent
    from the page source (a pure tag selector may always match)."""
    return any(all(source_holds(source, name) for name in names) for _, _, names in alternatives(css))


def source_holds(source: str, probe: str | re.Pattern[str]) -> bool:
    """`probe in source` (a pattern: found in it), remembered for the last page text asked
    about, so that a page's guards scan its text once per probe; a word holding one already
    known absent is absent too (`pubtime_baidu` once `pubtime` is not found: no scan)."""
    text, found = _LOOKED_INTO[0]
    if text is not source:
        found = {}
        _LOOKED_INTO[0] = (source, found)
    if probe not in found:
        if isinstance(probe, str):
            absent = any(isinstance(word, str) and word in probe for word, held in found.items() if not held)
            found[probe] = not absent and probe in source
        else:
            found[probe] = probe.search(source) is not None
    return found[probe]


def ids_of(doc: lxml.html.HtmlElement) -> dict[str, list[lxml.html.HtmlElement]]:
    """The elements under `doc` by id, collected in one walk and kept while `doc` lives."""
    index = _ID_INDEXES.get(doc)
    if index is None:
        index = {}
        for value in doc.xpath("descendant::*/@id"):  # attributes: no predicate run on every element
            index.setdefault(str(value), []).append(value.getparent())
        _ID_INDEXES[doc] = index
    return index


def element_text(el: lxml.html.HtmlElement) -> str:
    """The element's visible text on one line (value for hidden inputs)."""
    if el.tag == "input":
        return clean_line(el.get("value") or "")
    return clean_line(" ".join(render_lines(el)))


def first_text(doc: lxml.html.HtmlElement, css: str | None, source: str = "") -> str | None:
    """The text of the first non-empty element matching the selector (see `select`)."""
    if not css:
        return None
    for el in select(doc, css, source):
        text = element_text(el)
        if text:
            return text
    return None


def is_data_row(row: lxml.html.HtmlElement) -> bool:
    """True for a table row whose cells hold text only, or one paragraph each (a table
    pasted from a word processor wraps each cell's text in `<p class=MsoNormal>`), not
    several paragraphs, line breaks or a table."""
    return all(is_data_cell(cell) for cell in row if isinstance(cell.tag, str))


def is_data_cell(cell: lxml.html.HtmlElement) -> bool:
    """True for a table cell holding text only, or one paragraph of text."""
    if cell.tag not in CELL_TAGS:
        return False
    blocks = [el for el in cell.iterdescendants() if el.tag in _LAYOUT_IN_CELL]
    return not blocks or (len(blocks) == 1 and blocks[0].tag in CELL_PARAGRAPH_TAGS)


def render_lines(root: lxml.html.HtmlElement) -> list[str]:
    """The element's text as lines, one per block-level element (lxml's iterwalk: no
    recursion, deep trees are safe; scripts, styles and forms are skipped)."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = "".join(buf).strip()
        buf.clear()
        if text:
            lines.append(text)

    from lxml import etree

    cells: dict[lxml.html.HtmlElement, int] = {}  # data rows: the cells begun so far
    row = None  # the data row open: a paragraph in its cells breaks no line
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event in ("comment", "pi"):  # only their tails are text
            if el.tail:
                buf.append(el.tail)
            continue
        tag = el.tag
        if event == "start":
            if tag in SKIP_TAGS:
                walker.skip_subtree()
                continue
            if tag in CELL_TAGS and el.getparent() in cells:
                buf.append(CELL_SEPARATOR if cells[el.getparent()] else "")
                cells[el.getparent()] += 1
            elif tag in BLOCK_TAGS and row is None:
                flush()
                if tag == "tr" and is_data_row(el):
                    row, cells[el] = el, 0
                    buf.append(ROW_MARK)
            if el.text:
                buf.append(el.text)
            continue
        if el is row:
            row = None
        if tag in BLOCK_TAGS and row is None and not (tag in CELL_TAGS and el.getparent() in cells):
            flush()
        if el is not root and el.tail:
            buf.append(el.tail)
    flush()
    return lines


def head_of(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The `<head>` (small: meta tags are looked for there), or the whole page without one."""
    head = doc.find("head")
    return head if head is not None else doc


def title_text(doc: lxml.html.HtmlElement) -> str | None:
    """The text of the page's first non-empty `<title>`, as `first_text(doc, "title")` finds
    it, but looked for in `<head>` first when the head opens the page (a walk of a few
    elements, where the whole page's costs as much as a tenth of the parse)."""
    head = doc.find("head")
    if head is not None and next((el for el in doc if isinstance(el.tag, str)), None) is head:
        text = first_text(head, "title")
        if text:
            return text
    return first_text(doc, "title")


def tag_groups(doc: lxml.html.HtmlElement, tags: tuple[str, ...]) -> dict[str, list[lxml.html.HtmlElement]]:
    """The elements of each tag under `doc` (itself included), in document order: what
    `select(doc, tag)` gives for each, in one walk of the page rather than one per tag."""
    groups: dict[str, list[lxml.html.HtmlElement]] = {tag: [] for tag in tags}
    for el in doc.iter(*tags):
        groups[el.tag].append(el)
    return groups


def json_ld_scripts(doc: lxml.html.HtmlElement, source: str) -> list[lxml.html.HtmlElement]:
    """The page's `<script type="application/ld+json">` elements (`source`: its text); no walk
    of the page when the text cannot hold one: no `ld+json` in it, nor a character reference
    that could write a character of it (`&#108;`, `&#x2B;`, `&plus;`)."""
    if not (source_holds(source, "ld+json") or source_holds(source, _LD_JSON_REF_RE)):
        return []
    return select(doc, 'script[type="application/ld+json"]')


def page_keywords(doc: lxml.html.HtmlElement) -> list[str]:
    """Keywords from `<meta name=keywords>` (any case)."""
    for el in select(head_of(doc), "meta[name]"):
        if el.get("name", "").lower() == "keywords":
            return split_keywords(clean_line(el.get("content") or ""))
    return []


def meta_content(doc: lxml.html.HtmlElement, *names: str) -> str | None:
    """The content of the first `<meta name=…>`, `property=…` or `itemprop=…` among `names`."""
    wanted = {n.lower() for n in names}
    for el in select(head_of(doc), "meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").lower()
        if key in wanted and (el.get("content") or "").strip():
            return clean_line(el.get("content"))
    return None


def template_fits(doc: lxml.html.HtmlElement, template: HtmlTemplate, source: str = "") -> bool:
    """True when the page holds the template's title and body elements (`source`: its text)."""
    if source and not may_match(template.body, source):
        return False
    return bool(first_text(doc, template.title, source) and select(doc, template.body, source))


def apply_template(
    doc: lxml.html.HtmlElement, template: HtmlTemplate, art: Article, source: str = ""
) -> bool:
    """Fill `art` from the page (`source`: its text) using one template; False when its body
    or title is absent."""
    if source and not may_match(template.body, source):
        return False
    title = first_text(doc, template.title, source)
    bodies = select(doc, template.body, source) if title else []
    if not bodies or not title:
        return False
    body = bodies[0]
    for css in template.drop:
        for el in select(body, css, source):
            el.drop_tree()
    art.title = art.title or title
    read_meta_texts([t for css in template.meta for t in texts_of(doc, css, source)], art)
    art.editor = art.editor or parse_editor(first_text(doc, template.editor, source) or "")
    crumb = first_text(doc, template.section, source)
    art.section = art.section or (parse_breadcrumb(crumb) if crumb else None)
    finish_body(render_lines(body), art)
    return bool(art.body)


def texts_of(doc: lxml.html.HtmlElement, css: str, source: str = "") -> list[str]:
    """The text of every element matching the selector (see `select`)."""
    return [t for t in (element_text(el) for el in select(doc, css, source)) if t]


def read_meta_texts(texts: list[str], art: Article) -> None:
    """Take date, source, editor and credits (`作者:X`, `记者 X 通讯员 Y`) from metadata
    texts, first evidence first."""
    for text in texts:
        art.published_at = art.published_at or parse_date(text)
        art.source = art.source or parse_source(text)
        if re.search(r"编辑|责编", text):
            art.editor = art.editor or parse_editor(text)
        add_credits(art, role_credits(text) or labelled_credits(text))
