"""The headline of an HTML page, by agreement among its candidates: the heading elements
(`h1`…`h6`), title-classed elements, `og:title` and the `<title>` without its site suffix.

1. A heading or title-classed element whose text the `<title>` (or `og:title`) holds wins:
   two signals agree (the longest such element: a site or column name is shorter).
2. Else a visible line that *is* the page head (in either script: a content farm converts the
   text but not the `<title>`), or the full text of a page head cut with `...`, or a line by
   the body that the page head holds, at least half of it (the head adds a column or site
   name without a known separator).
3. Else the `h1` nearest above the body (the page's own headline element), or, when the page
   head names only the site, blog or channel (or is missing), the line over the date line by
   the body (a date line may carry the source and credits; a headline may hold a date; an h1
   there may be short), unless a heading or title-classed element stands just above the body.
   A heading under a higher-level one of its title block is a subtitle: the higher one wins.
4. Else the page head; a page with no head at all (or one naming only the site) takes the
   headline its text container opens with (a post's `【标题】` lead, a centered or bold first
   line), else its first h1 (or other candidate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsclean.extract import labels
from newsclean.extract.boilerplate import Kind, classify_line
from newsclean.extract.content import Container, PageWalk, best_container, hidden_elements
from newsclean.extract.dates import first_date_at, parse_date
from newsclean.extract.html import element_text, meta_content, render_lines, select, tag_groups, title_text
from newsclean.extract.meta import is_breadcrumb
from newsclean.extract.text import HAN, clean_line, lazy_pattern

if TYPE_CHECKING:  # the pages come parsed (extract.html): importing lxml costs ~40 ms of start-up
    import lxml.html

# The headings looked for (`h1, h2, h3, [class*=title], [id*=title]`), and every heading
# element with them (`h1, …, h6, [class*=title], [id*=title]`).
TITLE_TAGS = ("h1", "h2", "h3")
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
TITLE_CLASSED = "[class*=title], [id*=title]"
# Parts of a `<title>` after the headline that are this short are column and site names.
SUFFIX_PART_MAX = 15
# A headline has at least this many characters (`不容易！` is the shortest seen).
MIN_HEADLINE = 5
# A label set beside a headline in an element of its own (`原创`, `独家`, `视频`) is this short.
MAX_LABEL_CHARS = 4
# A subtitle (副题) opens with a dash: `——`, `—`, `--`.
_SUBTITLE_DASHES = ("—", "--", "－－")
_SEPARATOR_RE = re.compile(r"\s*[-_|｜—－＿]{1,2}\s*")
# How many lines above the body a headline in another script may stand.
NEAR_BODY = 15
# A site's name (`新华网`, `某某日报`, `中国地理学会官网`).
_SITE_NAME_RE = re.compile(r"^.{1,10}(?:网|網|报|報|台|日报|新闻)$")
# A government or institutional portal's name (`某县人民政府`, `某市卫生健康委员会网站`).
_PORTAL_NAME_RE = re.compile(
    r"^[^\s，,。！？!?：:“”\"]{2,16}(?:人民政府|政府网|政府|网站|门户网站?|官网|官方网站|委员会|信息网|在线)$"
)
# A headline shown without a heading element is at most this long.
MAX_UNMARKED = 60
# Lines between a headline and its date line: source, credits, counters, share widgets.
_META_KINDS = (Kind.SOURCE, Kind.BYLINE, Kind.EDITOR, Kind.COUNTER, Kind.SHARE)
# The kinds of a date line: the date alone, or with the source, credits or editor beside it
# (`2020-11-23 10:22:14 出处：快科技 作者：X 编辑：X`).
_DATE_LINE_KINDS = (Kind.DATE, Kind.SOURCE, Kind.BYLINE, Kind.EDITOR)
# A headline element this short is the headline only right above the date line (`广智救我`).
MIN_SHORT_HEADLINE = 2
# A teaser cut short: `【安徽阜阳一动物园2...`
_TEASER_END_RE = re.compile(r"(?:\.{3}|…+)$")
_HAN_RE = re.compile(f"[{HAN}]")
# A heading element within this many lines above the body is the story's own.
NEAR_HEADING = 8
# A field label opening a line: `发布时间：`, `来源:`.
_LABEL_START_RE = lazy_pattern(f"^[{HAN}]{{1,4}}\\s*[:：]")
_BARE_LABEL_RE = lazy_pattern(f"^[{HAN}]{{1,4}}\\s*[:：]$")
# A column or tag field (`所属分类：数理化`) among the lines between headline and date line.
_CATEGORY_FIELD_RE = re.compile(f"^(?:{labels.CATEGORY}){labels.COLON}")
# A post's bracketed lead that is its headline: `【标题】正文…` (Weibo, news feeds); not an
# outlet's tag (`【环球网报道】`, `【新华社北京3月5日电】`).
_BRACKET_LEAD_RE = re.compile(r"^【([^【】]{8,60})】")
_OUTLET_TAG_RE = re.compile(r"(?:报道|电|讯|消息|记者|综合|编者按)$")
# A block set apart as a title: centered or bold.
_SET_APART_STYLE_RE = re.compile(r"text-align:center|font-weight:(?:bold|[6-9]00)")
# A link to a site's home page: a logo, not a headline.
_HOME_HREF_RE = re.compile(r"^(?:https?://[^/]+)?/?(?:index\.\w+)?$")


@dataclass
class PageHead:
    """What the page's `<title>` and `og:title` say: the headline part (`head`: the whole
    text when no part stands out as one), whether the text names only the site, blog or
    channel, and both texts whole."""

    head: str
    names_site: bool
    full: list[str]


def title_parts(title: str, inner: bool = False) -> list[str]:
    """The `<title>` split into its headline and the column and site names after it, at the
    separator that closes it (`标题_栏目_网站`); a head itself closed by short parts of another
    separator is split again (`标题_栏目_关键词-公司名`), but not at a bare hyphen: inside a
    headline that is a name's (`明妮-德里弗 客串…_娱乐_凤凰网`). `inner`: such a second split."""
    separators = [sep for sep in _SEPARATOR_RE.findall(title) if not (inner and sep == "-")]
    if not separators:
        return [title]
    kind = separators[-1].strip()
    pattern = r"\s+-\s+" if inner and kind == "-" else r"\s*" + re.escape(kind) + r"\s*"
    parts = re.split(pattern, title)
    head = title_parts(parts[0], inner=True)
    if len(head) > 1 and len(head[0]) >= MIN_HEADLINE and all(len(p) <= SUFFIX_PART_MAX for p in head[1:]):
        return head + parts[1:]
    return parts


def read_page_head(doc: lxml.html.HtmlElement, site_name: str | None) -> PageHead:
    """The page head from `og:title` and `<title>`: og:title unless it is a cut copy of
    the `<title>` (an unescaped quote ends the attribute: `content="男孩…写" 救命啊"…"`).

    The text names only the site when no part of it is headline-long: `-铜雀历史网`,
    `科普中国-辟谣文章`, `南生论坛`."""
    title = clean_line(title_text(doc) or "")
    og = clean_line(meta_content(doc, "og:title") or "")
    cut = len(og) < len(title) and title.startswith(og) and not _SEPARATOR_RE.match(title, len(og))
    text = og if og and not cut else title
    parts = title_parts(text)
    head, suffix = parts[0], parts[1:]
    if len(parts) == 2 and _SITE_NAME_RE.search(head) and not _SITE_NAME_RE.search(parts[1]):
        head, suffix = parts[1], [head]  # `新华网-标题`: the site's name first
    short = all(is_name_part(p) for p in suffix)
    names_site = (len(head) < MIN_HEADLINE or is_site_name(head, site_name)) and short
    stands_out = len(head) >= MIN_HEADLINE and short
    if suffix and not (stands_out or (head and site_name and any(site_name in p for p in suffix))):
        head = text  # no part stands out as the headline
    return PageHead(clean_line(head), names_site, [t for t in (og, title) if t])


def is_site_name(text: str, site_name: str | None) -> bool:
    """True for a text that is the site's name (`og:site_name`) or shaped like one: a
    government portal or outlet name (`某县人民政府`, `某县新闻网`), not a headline."""
    return text == site_name or bool(_SITE_NAME_RE.match(text) or _PORTAL_NAME_RE.match(text))


def is_name_part(part: str) -> bool:
    """True for a part of a `<title>` short enough for a column or site name, or written
    without Han characters (`Powered by Discuz!`, `www.example.com`)."""
    return len(part) <= SUFFIX_PART_MAX or not _HAN_RE.search(part)


def page_title(doc: lxml.html.HtmlElement, site_name: str | None) -> str:
    """og:title, or `<title>` without its site-name suffix (`标题_栏目_网站` gives `标题`)."""
    return read_page_head(doc, site_name).head


def agreed_heading(doc: lxml.html.HtmlElement, page: PageHead) -> tuple[str, lxml.html.HtmlElement] | None:
    """The longest heading or title-classed element that `og:title` or `<title>` holds,
    else an h1/h2 holding the page head."""
    if page.names_site:  # a logo agreeing with a `<title>` that names the site is no headline
        return None
    longest = max((len(t) for t in page.full), default=0)
    by_tag = tag_groups(doc, TITLE_TAGS)
    inside = [
        (text, el)
        for el in headings_in_order(doc, by_tag)
        if len(el.text_content()) <= 3 * longest + 20
        for text in (element_text(el),)
        if len(text) >= MIN_HEADLINE and any(text in full for full in page.full)
    ]
    if inside:
        return max(inside, key=lambda found: len(found[0]))
    if len(page.head) >= MIN_HEADLINE:
        for el in by_tag["h1"] + by_tag["h2"]:
            text = element_text(el)
            if page.head in text and len(text) <= 2 * len(page.head):
                return (page.head if is_label_beside(el, text, page.head) else text), el
    return None


def is_label_beside(el: lxml.html.HtmlElement, text: str, head: str) -> bool:
    """True when what the headline element holds beside the page head is an element of its
    own, a label (`<h1><span class="tag">原创</span>标题</h1>`), not words of the headline."""
    extra = text.replace(head, "", 1).strip()
    return (
        bool(extra)
        and len(extra) <= MAX_LABEL_CHARS
        and any(child.text_content().strip() == extra for child in el.iterdescendants())
    )


def headings_in_order(
    doc: lxml.html.HtmlElement, by_tag: dict[str, list[lxml.html.HtmlElement]]
) -> list[lxml.html.HtmlElement]:
    """What `select(doc, "h1, …, [class*=title], [id*=title]")` gives for the tags of `by_tag`
    (`tag_groups`): each tag's elements in turn, then the title-classed ones, each once."""
    found = [el for group in by_tag.values() for el in group] + select(doc, TITLE_CLASSED)
    return list(dict.fromkeys(found))


def same_in_either_script(line: str, head: str) -> bool:
    """True when the line is the head written in the other script: the same length, the
    same characters but for at most a quarter of the Han ones (`H型鋼的利用率是什么` for
    `H型钢的利用率是什么`; `北京市新增确诊病例` is no `天津市新增确诊病例`)."""
    if len(line) != len(head) or len(head) < MIN_HEADLINE:
        return False
    han = differ = 0
    for a, b in zip(line, head):
        both_han = bool(_HAN_RE.match(a)) and bool(_HAN_RE.match(b))
        if a != b and not both_han:
            return False
        han += both_han
        differ += a != b
    return differ > 0 and 4 * differ <= han


def line_of_head(lines: list[str], page: PageHead, body_start: int | None) -> str | None:
    """The page's own rendering of its head: a line that is the head, or, among the lines
    just above and at the start of the body (`body_start`, when known), the head in the other
    script or the full text a teaser cut with `...` stands for (`【…` completed up to `】`)."""
    if page.names_site:
        return None
    if page.head in lines:
        return page.head
    stem = _TEASER_END_RE.sub("", page.head)
    teaser = stem != page.head and len(stem) >= MIN_HEADLINE
    near = lines if body_start is None else lines[max(body_start - NEAR_BODY, 0) : body_start + 3]
    for line in near:
        if same_in_either_script(line, page.head):
            return line
        if teaser and stem in line:
            return completed_teaser(line, stem)
    return None if body_start is None else part_of_head(near, page)


def part_of_head(near: list[str], page: PageHead) -> str | None:
    """The longest line by the body that the page head holds and that is at least half of it:
    the headline without a column or site name the page head adds where no separator marks
    it (`明日股市预测--标题`, `标题 某某医院`)."""
    held = [
        line
        for line in near
        if 2 * len(line) >= len(page.head) and is_headline_shaped(line)
        if any(line in full for full in page.full)
    ]
    return max(held, key=len) if held else None


def completed_teaser(line: str, stem: str) -> str:
    """The headline a teaser stem opens in a line: up to the closing `】` of a `【…】` lead
    (the brackets dropped), else up to the line's first sentence end."""
    rest = line[line.index(stem) :]
    if rest.startswith("【") and "】" in rest:
        return rest[1 : rest.index("】")]
    end = re.search(r"[。！？!?]", rest)
    return rest[: end.end()] if end else rest


def is_logo(el: lxml.html.HtmlElement) -> bool:
    """True for a heading that is only a link to a home page or only an image (a site logo)."""
    if el.find(".//img") is not None and not "".join(el.itertext()).strip():
        return True
    links = el.findall(".//a")
    if len(links) != 1 or clean_line(links[0].text_content()) != element_text(el):
        return False
    return bool(_HOME_HREF_RE.match((links[0].get("href") or "").strip()))


def heading_candidates(
    doc: lxml.html.HtmlElement, hidden: set[lxml.html.HtmlElement]
) -> list[tuple[str, lxml.html.HtmlElement]]:
    """Visible headings and title-classed elements that may be a headline: one line of
    headline length, not a logo, not inside a link."""
    found = []
    for el in headings_in_order(doc, tag_groups(doc, HEADING_TAGS)):
        if el in hidden or any(a in hidden for a in el.iterancestors()):
            continue
        if len(el.text_content()) > 200:
            continue
        text = heading_text(el)
        if not (MIN_HEADLINE <= len(text) <= 100) or is_logo(el):
            continue
        if any(a.tag == "a" for a in el.iterancestors()) or (el.tag == "a"):
            continue
        if is_meta_block(text):
            continue
        found.append((text, el))
    return found


def heading_text(el: lxml.html.HtmlElement) -> str:
    """The heading's text without a date set in an element of its own at its end
    (`<h1>标题<span class="time">2024-03-05</span></h1>`)."""
    text = element_text(el)
    for part in (element_text(child) for child in el.iterdescendants() if isinstance(child.tag, str)):
        if part and len(part) < len(text) and text.endswith(part) and classify_line(part) == Kind.DATE:
            return clean_line(text[: -len(part)])
    return text


def nearest_heading(
    candidates: list[tuple[str, lxml.html.HtmlElement]],
    positions: dict[lxml.html.HtmlElement, int],
    body: Container | None,
    h1_only: bool,
) -> tuple[str, lxml.html.HtmlElement] | None:
    """The candidate standing last before the body's container, else the first inside it
    (the first candidate when the body is unknown). With `h1_only`, h1 elements alone."""
    usable = [(t, el) for t, el in candidates if el.tag == "h1" or not h1_only]
    if not usable or body is None:
        return usable[0] if usable else None
    before = [(positions[el], t, el) for t, el in usable if positions[el] < body.position]
    if before:
        _, text, el = max(before, key=lambda found: found[0])
        return text, el
    inside = [(t, el) for t, el in usable if body.element in el.iterancestors()]
    return inside[0] if inside else None


def unmarked_headline(lines: list[str], page: PageHead, body: Container | None) -> str:
    """The page head, unless it is blank or names only the site: then the headline the page
    shows without a heading element (`<p align=center><strong><font size=5>…`, a bold
    span), the headline-shaped line above the date line nearest the body, else the page head."""
    if page.head and not page.names_site:
        return page.head
    return line_above_date(lines, page, body)[0] or opening_headline(body) or page.head


def opening_headline(body: Container | None) -> str:
    """The headline the body's container opens with, for a page that shows it nowhere else:
    a post's bracketed lead (`【标题】正文…`), or a first line set apart as a title (centered or
    bold) with the text after it (a law's or notice's title inside its text); else ''."""
    if body is None:
        return ""
    shown = [line for line in (clean_line(line) for line in render_lines(body.element)) if line]
    if len(shown) < 2:
        return ""
    lead = _BRACKET_LEAD_RE.match(shown[0])
    if lead and is_headline_shaped(lead.group(1)) and not _OUTLET_TAG_RE.search(lead.group(1)):
        return lead.group(1)
    first = shown[0]
    if is_headline_shaped(first) and classify_line(first) == Kind.TEXT and is_set_apart(body.element):
        return first
    return ""


def is_set_apart(container: lxml.html.HtmlElement) -> bool:
    """True when the container's first text stands in a centered or bold element (or under
    one inside the container: `<p style="text-align:center"><strong>…`, `<center>`) and no
    image stands before it (a photo's caption is centered too)."""
    if (container.text or "").strip():
        return False
    for el in container.iterdescendants():
        if el.tag == "img":
            return False
        if isinstance(el.tag, str) and el.tag not in ("script", "style") and (el.text or "").strip():
            return any(
                is_styled_apart(node)
                for node in [el, *el.iterancestors()]
                if container in node.iterancestors()
            )
    return False


def is_styled_apart(el: lxml.html.HtmlElement) -> bool:
    """True for an element set apart as a title: centered or bold."""
    style = (el.get("style") or "").replace(" ", "").lower()
    return (
        el.tag in ("center", "strong", "b")
        or el.get("align") == "center"
        or bool(_SET_APART_STYLE_RE.search(style))
    )


def line_above_date(
    lines: list[str], page: PageHead, body: Container | None, h1_texts: frozenset[str] = frozenset()
) -> tuple[str, bool]:
    """The headline-shaped line above the date line nearest above the body (else just above
    the body), '' when there is none; and whether a date line stands under it (two signals
    agree). A line the page head names is a site's name, unless an h1 shows it (`h1_texts`);
    a line right above the date line may be as short as `MIN_SHORT_HEADLINE` when an h1 shows
    it or the page head opens with it (a third signal agrees)."""
    named = h1_texts | {title_parts(text)[0] for text in page.full}
    if body is None or not body.lines:
        return "", False
    start = body.lines[0]
    near = lines[max(start - NEAR_BODY, 0) : start + 3]
    opening = start - max(start - NEAR_BODY, 0)  # the body's first line in `near`
    dated = [i for i, line in enumerate(near) if is_date_line(line, classify_line(line))]
    # the date line nearest above the body (a related list's dates stand further up), else
    # the first in the body's opening lines (a container holding headline and date line)
    dated = [i for i in dated if i < opening][-1:] or dated[:1]
    above = near[: dated[0]] if dated else near[:opening]
    for i, line in reversed(list(enumerate(above))):
        kind = classify_line(line)
        if kind in _META_KINDS or _BARE_LABEL_RE().match(line) or _CATEGORY_FIELD_RE.match(line):
            continue  # credits, `发布时间：` over its date, `所属分类：X`
        right_above = bool(dated) and i == len(above) - 1
        shortest = MIN_SHORT_HEADLINE if right_above and line in named else MIN_HEADLINE
        headline = kind == Kind.TEXT or is_dated_headline(line)
        if headline and is_headline_shaped(line, shortest) and (line not in page.full or line in h1_texts):
            return line, bool(dated)
        break
    return "", False


def is_date_line(line: str, kind: Kind) -> bool:
    """True for a story's date line: a date, alone or beside its source, credits or editor,
    and not a headline holding a date."""
    return (
        kind in _DATE_LINE_KINDS
        and (kind == Kind.DATE or parse_date(line) is not None)
        and not is_dated_headline(line)
    )


def is_dated_headline(line: str) -> bool:
    """True for a headline holding a date (`美国营运库存月率月度八月-2020年10月16日全球经济日历`):
    headline words before the date, not a label (`发布时间：`), a source or a byline."""
    at = first_date_at(line)
    if not at:
        return False
    lead = line[:at].strip()
    return (
        len(_HAN_RE.findall(lead)) >= MIN_HEADLINE
        and not lead.endswith((":", "："))
        and classify_line(lead) == Kind.TEXT
    )


def just_above_body(text: str, lines: list[str], body: Container | None) -> bool:
    """True when the text is one of the NEAR_HEADING lines just above the body's first line
    (a heading element there is the story's own, not a side column's)."""
    if body is None or body.lines is None:
        return False
    start = body.lines[0]
    return text in lines[max(start - NEAR_HEADING, 0) : start]


def is_meta_block(text: str) -> bool:
    """True for a title-classed element holding a date, source or widget line rather than a
    headline: such a line opening with a label (`发布时间：`, `来源：`) or standing on several
    lines (`2019年09月11日` / `富达传媒` / `1665`); a headline holding a date
    (`…课后题（2020.3.23作业）`, `第63届金球奖：…(2005-12-23 21:05:10)`) does neither."""
    return bool(_LABEL_START_RE().match(text) or "\n" in text) and classify_line(text) != Kind.TEXT


def is_headline_shaped(line: str, shortest: int = MIN_HEADLINE) -> bool:
    """True for a line that may be a headline: headline-long (at least `shortest`), Han text,
    not a sentence."""
    return (
        shortest <= len(line) <= MAX_UNMARKED
        and bool(_HAN_RE.search(line))
        and not line.endswith(("。", "；", "：", ":", ";"))
        and not is_breadcrumb(line)
    )


def element_positions(doc: lxml.html.HtmlElement) -> dict[lxml.html.HtmlElement, int]:
    """Every element's number in document order, as `walk_page` numbers them."""
    from lxml import etree

    return {el: i for i, el in enumerate(doc.iter(etree.Element))}


def choose_title(
    doc: lxml.html.HtmlElement, walk: PageWalk, page: PageHead, lines: list[str]
) -> tuple[str, lxml.html.HtmlElement | None]:
    """The headline when no element agrees with the page head (steps 2-4 above), and its
    element when it is one; `lines` are the page's cleaned lines. Sets the walk's headline
    position for the body finder."""
    body = best_container(walk)
    shown = line_of_head(lines, page, body.lines[0] if body and body.lines else None)
    if shown:
        return shown, None
    candidates = heading_candidates(doc, hidden_elements(doc))
    if page.names_site:
        candidates = [(text, el) for text, el in candidates if text not in page.full]
    if not candidates:
        return unmarked_headline(lines, page, body), None
    positions = element_positions(doc)
    found = nearest_heading(candidates, positions, body, h1_only=True)
    if found is None and page.names_site:
        found = nearest_heading(candidates, positions, body, h1_only=False)
        h1_texts = frozenset(element_text(el) for el in doc.iter("h1"))
        line, dated = line_above_date(lines, page, body, h1_texts)
        if dated and (found is None or not just_above_body(found[0], lines, body) or line in h1_texts):
            return line, None  # no headline element by the body (or an h1 shows the line)
    if found is None and not page.head:  # never a blank title while a headline stands
        opening = opening_headline(body)
        if opening:
            return opening, None
        found = next((c for c in candidates if c[1].tag == "h1"), candidates[0])
    if found is None:
        return unmarked_headline(lines, page, body), None
    found = over_subtitle(found, candidates, lines)
    walk.heading_at = positions[found[1]]
    return found


def over_dash_subtitle(title: str, lines: list[str]) -> str:
    """The headline above a subtitle opening with a dash (`——我市推进…综述`, an e-paper's
    副题 set in a table cell under its 主题): the headline-shaped line right above it; else
    the title itself."""
    if not title.startswith(_SUBTITLE_DASHES) or title not in lines:
        return title
    at = lines.index(title)
    above = lines[at - 1] if at else ""
    return above if is_headline_shaped(above) and not above.startswith(_SUBTITLE_DASHES) else title


def heading_rank(el: lxml.html.HtmlElement) -> int:
    """A heading element's level (1 for h1 … 6 for h6); 7 for a title-classed element."""
    return int(el.tag[1]) if el.tag in HEADING_TAGS else len(HEADING_TAGS) + 1


def over_subtitle(
    found: tuple[str, lxml.html.HtmlElement],
    candidates: list[tuple[str, lxml.html.HtmlElement]],
    lines: list[str],
) -> tuple[str, lxml.html.HtmlElement]:
    """The headline a subtitle stands under: a heading of a higher level before the found one
    in the same element, on the line right above it (`<h2>主标题</h2><h3>副标题</h3>` in the
    title block over the date line); else the found one."""
    text, el = found
    above = {lines[i - 1] for i, line in enumerate(lines) if i and line == text}
    siblings = set(el.itersiblings(preceding=True))
    higher = [
        (t, other)
        for t, other in candidates
        if t in above and other in siblings and heading_rank(other) < heading_rank(el)
        if not is_site_name(t, None)
    ]
    return higher[-1] if higher else found
