"""Reading an article out of lines: the body rules shared by every site, and text renderings.

`finish_body` applies the body rules of the README to the lines of a body container (an
HTML element rendered to lines, or the body region of a text rendering). `read_text_page`
reads a whole plain-text rendering: breadcrumb, title, meta lines, body, trailing blocks.
"""
from __future__ import annotations

from extract.boilerplate import Kind, classify_line, drop_farm_sentence
from extract.bylines import Credits, parse_byline, split_dateline, split_trailing_byline
from extract.dates import parse_date
from extract.meta import is_breadcrumb, parse_breadcrumb, parse_editor, parse_keywords, parse_source
from extract.record import Article
from extract.text import clean_line, clean_paragraph, close_cjk_gaps, fold_width, strip_edges

STOP_KINDS = (Kind.RELATED, Kind.FOOTER)
DROP_KINDS = (Kind.COUNTER, Kind.SHARE, Kind.HOTLINE, Kind.NAV, Kind.FARM, Kind.LEAD)
# How far into a page a breadcrumb may stand, and how long a meta block may run.
BREADCRUMB_WINDOW = 15
META_WINDOW = 12


def add_credits(art: Article, credits: Credits) -> None:
    """Add names to the article's reporters and correspondents, without repeats."""
    for name in credits.authors:
        if name not in art.authors:
            art.authors.append(name)
    for name in credits.correspondents:
        if name not in art.correspondents:
            art.correspondents.append(name)


def take_meta_line(line: str, kind: Kind, art: Article) -> None:
    """Move what a date, source, editor or keyword line says into the article.

    A meta line often carries several labels (`2020-07-04 12:10 来源:X 责任编辑:Y`), so every
    label is read whatever the line was classified as.
    """
    if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR):
        art.published_at = art.published_at or parse_date(line)
        art.source = art.source or parse_source(line)
        art.editor = art.editor or parse_editor(line)
    if kind in (Kind.EDITOR, Kind.KEYWORDS):
        art.keywords = art.keywords or parse_keywords(line)


def finish_body(lines: list[str], art: Article) -> None:
    """Set art.body from raw body lines, moving bylines, datelines and meta lines to fields."""
    paragraphs: list[str] = []
    bylines: list[tuple[int, str]] = []  # (paragraphs before it, text)
    for raw in lines:
        line = clean_line(raw)
        if not line:
            continue
        kind = classify_line(line)
        if kind in STOP_KINDS and paragraphs:
            break
        if kind in DROP_KINDS or kind in STOP_KINDS:
            continue
        if kind in (Kind.EDITOR, Kind.KEYWORDS, Kind.SOURCE, Kind.DATE) and (
            kind in (Kind.EDITOR, Kind.KEYWORDS) or len(paragraphs) < 2
        ):
            take_meta_line(line, kind, art)
            continue
        if kind == Kind.BYLINE:
            bylines.append((len(paragraphs), line))
            add_credits(art, parse_byline(line))
            continue
        line = drop_farm_sentence(line)
        if line and not (not paragraphs and line == art.title):
            paragraphs.append(line)
    take_edge_bylines(paragraphs, bylines, art)
    art.body = [p for p in map(close_cjk_gaps, paragraphs) if p]


def take_edge_bylines(paragraphs: list[str], bylines: list[tuple[int, str]], art: Article) -> None:
    """Record the byline standing before the text or after it, the dateline and trailing byline."""
    edge = [text for pos, text in bylines if pos == 0 or pos == len(paragraphs)]
    if edge and not art.byline:
        art.byline = edge[0]
    if paragraphs:
        dateline, rest = split_dateline(paragraphs[0])
        if dateline:
            art.dateline = dateline
            folded = fold_width(dateline)
            add_credits(art, parse_byline(folded[folded.find("(") :] if "(" in folded else ""))
            paragraphs[0] = rest.strip()
    if paragraphs:
        rest, trailing = split_trailing_byline(paragraphs[-1])
        if trailing:
            art.byline = art.byline or trailing
            add_credits(art, parse_byline(trailing))
            if rest:
                paragraphs[-1] = rest
            else:
                paragraphs.pop()


def read_text_page(text: str, art: Article) -> None:
    """Fill the article from a plain-text rendering of a news page."""
    lines = [line for line in text.splitlines() if strip_edges(line)]
    start = 0
    for i, line in enumerate(lines[:BREADCRUMB_WINDOW]):
        if is_breadcrumb(line):
            art.section = art.section or parse_breadcrumb(line)
            start = i + 1
            break
    while start < len(lines) and classify_line(clean_line(lines[start])) != Kind.TEXT:
        start += 1
    lines = lines[start:]
    if not lines:
        return
    art.title = clean_line(lines[0])
    body_start, lead = read_meta_block(lines, 1, art)
    finish_body(lines[body_start:], art)
    art.summary = art.summary or real_summary(lead, art)


def read_meta_block(lines: list[str], i: int, art: Article) -> tuple[int, str | None]:
    """Read the meta lines that follow the title; return where the body starts and any lead."""
    lead = None
    stop = min(len(lines), i + META_WINDOW)
    while i < stop:
        line = clean_line(lines[i])
        kind = classify_line(line)
        if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR):
            take_meta_line(line, kind, art)
        elif kind == Kind.LEAD and i + 1 < len(lines):
            lead = clean_paragraph(lines[i + 1])
            i += 1
        elif kind == Kind.COUNTER or kind == Kind.SHARE:
            pass
        elif kind == Kind.TEXT and is_source_line(line, lines, i, art):
            art.source = line
        else:
            break
        i += 1
    return i, lead


def is_source_line(line: str, lines: list[str], i: int, art: Article) -> bool:
    """A short unlabelled line between the title and the date names the source (当代商报社)."""
    if art.published_at or art.source or len(line) > 20 or i + 1 >= len(lines):
        return False
    return classify_line(clean_line(lines[i + 1])) == Kind.DATE and not any(c in fold_width(line) for c in ",。!?:")


def real_summary(lead: str | None, art: Article) -> str | None:
    """The lead, unless it is only a truncated copy of the body's opening."""
    if not lead:
        return None
    dateline, rest = split_dateline(lead)
    squashed = "".join((rest if dateline else lead).split())
    opening = "".join("".join(art.body[:2]).split())
    return None if opening.startswith(squashed) else lead
