"""Reading a page's headline, dates, source, editor and writer credits: from the title
elements, the lines just around the title, labelled lines anywhere, hidden fields, meta tags
and script data.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from newsclean.extract import labels
from newsclean.extract.boilerplate import Kind, classify_line, is_related_heading, may_be_editor_line
from newsclean.extract.bylines import Credits, parse_byline, speaker_name
from newsclean.extract.dates import (
    CHINA_TZ,
    DateRole,
    date_from_url,
    date_role,
    in_china_time,
    is_relative_date,
    line_dates,
    parse_date,
)
from newsclean.extract.html import (
    element_text,
    first_text,
    json_ld_scripts,
    meta_content,
    select,
    source_holds,
    title_text,
)
from newsclean.extract.layout import (
    SIGNATURE_DATE_CHARS,
    add_byline_credits,
    add_credits,
    is_photo_piece,
    read_tail,
    take_meta_line,
)
from newsclean.extract.meta import bar_fields, clean_source, parse_editor, parse_source
from newsclean.extract.record import Article
from newsclean.extract.text import match_form

if TYPE_CHECKING:  # the pages come parsed (extract.html): importing lxml costs ~40 ms of start-up
    import lxml.html

# How many rendered lines after the title may hold its date/source line.
META_LINES_AFTER_TITLE = 8
# The text's last paragraph is found among the page's lines by its opening characters, and
# the lines this close after it may credit the text.
LAST_PARAGRAPH_KEY = 20
TAIL_LINES = 3
# The header after a title ends at the second paragraph of running text (this long, with
# sentence punctuation): a lead paragraph may come before the date line.
# How many lines above the body's first line a header's date line is looked for.
HEADER_LINES = 20
# The kinds of a date line: the date alone, or with the source, credits or editor beside it.
_DATE_LINE_KINDS = (Kind.DATE, Kind.SOURCE, Kind.BYLINE, Kind.EDITOR)
RUNNING_TEXT_LINES = 2
RUNNING_TEXT_CHARS = 40
_SENTENCE_MARK_RE = re.compile(r"[。！？；，,]")
HIDDEN_DATES = ("#pubtime_baidu", "#pubtime", ".pubtime", "#publish_time", "time[datetime]", "[data-time]")
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
_LD_DATE_RE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
# Searched without the word boundary in front (see `stamp_date`): a pattern opening with `\b`
# is tried at every position of the page, several times slower. One pattern per name, each
# opening with a literal the regex engine looks for quickly (one pattern naming them all is
# tried at every `c` and `p` of the page: 4 ms on a 770 KB page); their matches cannot overlap,
# so the first match of them all is the one that starts first. Each with its literal, which
# str.find looks for several times faster still (a page without it is not scanned twice).
# `publish_time` and `pub_time` are one pattern opening with `pub`: one scan, the same first
# match (no match of either starts at the other's place, nor inside the other's match).
_STAMP_RES = tuple(
    (lead, re.compile(name + r"""["']?\s*[:=]\s*["']?(1[0-9]{9})\b"""))
    for lead, name in (("ct", "ct"), ("pub", "pub(?:lish)?_?time"), ("create", "create_?time"))
)
_DATE_LABEL_RE = re.compile(labels.DATE + labels.COLON)
# A post's own time stamp in a blog or Q&A footer or header: `posted @ 2024-05-09 14:45`
# (cnblogs), `发布于 2024-04-03 09:55`, `编辑于 …` (Zhihu), `于 2024-05-06 15:47:53 发布` (CSDN).
_POST_STAMP_RE = re.compile(
    r"posted\s*@|(?:发布|发表|编辑|更新)于\s*\d|于\s*\d{4}-\d{1,2}-\d{1,2}[\d\s:]*发布"
)
# A date label alone on its line: its value stands in the next table cell.
_LABEL_ONLY_RE = re.compile(r"^\s*(?:发布|更新|发表|成文|发文)?(?:时间|日期)\s*[:：]\s*$")
# The longest credit line read for a writer's `作者：` label, and a writer's Latin handle.
MAX_CREDIT_LINE = 80
_LATIN_HANDLE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{1,23}$")
# The next label glued to a writer's name (`作者：张三责任编辑：X`).
_GLUED_LABEL = f"(?:{labels.EDITOR}|{labels.SOURCE_WORD}|{labels.SIGN_OFFS})[:：]"
_AUTHOR_LABEL_RE = re.compile(
    # a second name, not the next label (`作者:李华 单位:…`)
    f"(?:{labels.AUTHOR_FIELD})"
    + labels.COLON
    + f"\\s*((?:(?!{_GLUED_LABEL})[^\\s|｜])+(?:\\s+[^\\s|｜:：]+(?=\\s|[|｜]|$))?)"
)


# A photographer's field in an info bar (`来源：某日报 摄影：周明`).
_PHOTO_LABEL_RE = re.compile(r"(?:摄影|摄像|图片)" + labels.COLON + r"\s*([^\s|｜]+)")


def title_parts(doc: lxml.html.HtmlElement) -> list[str]:
    """The parts of a `<title>` between its separators (`标题_栏目_长江网` gives three)."""
    title = title_text(doc) or ""
    return [p for p in re.split(r"\s*(?:[-_|｜—－＿]{1,2})\s*", title) if p]


def site_name_from_title(doc: lxml.html.HtmlElement) -> str | None:
    """The site name closing a `<title>` such as `标题_栏目_长江网_cjn.cn` or `标题--大河网`."""
    parts = title_parts(doc)
    names = [p for p in parts[1:] if re.search(r"(?:网|报|台|中心|新闻|日报)$", p)]
    return names[-1] if names else None


def lines_near_title(lines: list[str], title: str, before: int, after: int) -> list[str]:
    """The (cleaned) lines standing `before` lines above and `after` lines below each occurrence
    of the title (a sticky header may repeat it) or of a post opening with it as `【title】`;
    the page's first lines when it is absent."""
    lead = f"【{title}】"  # a post whose headline is only its bracketed lead (Weibo)
    starts = [i + 1 for i, line in enumerate(lines) if line == title or line.startswith(lead)] or [0]
    return [
        line
        for start in starts
        for line in lines[max(start - before, 0) : start - 1] + up_to_text(lines[start : start + after])
    ]


def up_to_text(lines: list[str]) -> list[str]:
    """The lines up to the second paragraph of running text or a related-reading heading
    (`相关推荐` over a list of dated items), or a bare date after a sentence (a notice's
    signature, `2024年3月1日` under its issuer): the header's lines, and a lead paragraph's;
    what follows the text of a short story (a related list's dates) is not."""
    text, sentences = 0, False
    for i, line in enumerate(lines):
        if is_related_heading(line) or (sentences and is_bare_date(line)):
            return lines[:i]
        text += is_running_text(line)
        sentences = sentences or line.endswith(("。", "！", "？"))
        if text == RUNNING_TEXT_LINES:
            return lines[:i]
    return lines


def is_bare_date(line: str) -> bool:
    """True for a line that is a date alone, without a label or a time (`2024年3月1日`)."""
    return (
        len(line) <= SIGNATURE_DATE_CHARS and ":" not in match_form(line) and classify_line(line) == Kind.DATE
    )


def is_running_text(line: str) -> bool:
    """True for a paragraph of running text: long, with sentence punctuation."""
    return len(line) >= RUNNING_TEXT_CHARS and _SENTENCE_MARK_RE.search(line) is not None


def header_date(lines: list[str], title: str, body_start: int | None) -> str | None:
    """The post date of the one date line between the headline (its last line above the body)
    and the body's first line, `lines` being the page's cleaned lines: the header of a story
    whose date stands further under the headline than the lines read after it (a Q&A page's
    answer card, with the answerer's name and date, between question and answer). Several
    dates there are a list's (related items set between them): none is taken."""
    if body_start is None:
        return None
    above = [i for i, line in enumerate(lines[:body_start]) if line == title]
    if not above:
        return None
    found = {
        post
        for block in lines[max(above[-1] + 1, body_start - HEADER_LINES) : body_start]
        for line in block.split("\n")  # a card's block may hold several lines
        if classify_line(line) in _DATE_LINE_KINDS
        for post in (line_dates(line)[0],)
        if post
    }
    return found.pop() if len(found) == 1 else None


def read_meta_near_title(lines: list[str], art: Article) -> Credits:
    """Take date, source, editor and reporters from the (cleaned) lines just after the title;
    return the names of `作者:` labels there, for the caller to use when no byline names anyone."""
    labelled = Credits()
    updated = None
    for line in lines_near_title(lines, art.title, 0, META_LINES_AFTER_TITLE):
        kind = classify_line(line)
        if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR):
            published = art.published_at
            take_meta_line(line, kind, art)  # source and editor; the date as its label says:
            post, later = line_dates(line)
            art.published_at, updated = published or post, updated or later
        if kind == Kind.BYLINE:
            art.byline = art.byline or line
            add_byline_credits(art, line)
        if kind == Kind.TEXT and (speaker := speaker_name(line)):
            add_credits(art, Credits(authors=[speaker]))
        author = (
            _AUTHOR_LABEL_RE.search(line)
            if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR, Kind.TEXT)
            else None
        )
        if author:
            labelled.authors.extend(parse_byline("作者 " + author.group(1)).authors)
        if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR) and (photo := _PHOTO_LABEL_RE.search(line)):
            labelled.photographers.extend(parse_byline("摄影 " + photo.group(1)).authors)
        fields = bar_fields(line) if kind in (Kind.DATE, Kind.TEXT) else {}
        if labels.AUTHOR_WORD in fields:
            labelled.authors.extend(parse_byline("作者 " + fields[labels.AUTHOR_WORD]).authors)
        art.source = art.source or clean_source(fields.get(labels.SOURCE_WORD))
    for line in lines_near_title(lines, art.title, 4, 0):
        if not art.published_at and classify_line(line) == Kind.DATE:
            art.published_at = line_dates(line)[0]  # news.cn puts the date above the title
    art.published_at = art.published_at or updated
    return labelled


def read_credits_around_body(lines: list[str], art: Article) -> None:
    """Credits a site's template left outside its body container (`lines`: the page's
    cleaned lines): a byline or labelled line under the title, or a byline line right after
    the text's last paragraph (`映象网记者 X 通讯员 Y` in an element of its own)."""
    labelled = read_meta_near_title(lines, art)
    if art.body:
        opening = art.body[-1][:LAST_PARAGRAPH_KEY]
        ends = [i for i, line in enumerate(lines) if line.startswith(opening)]
        if ends:
            after = lines[ends[-1] + 1 : ends[-1] + 1 + TAIL_LINES]
            read_tail(after, [classify_line(line) for line in after], art)
    if not (art.authors or art.correspondents):
        add_credits(art, labelled)
    add_photographers(art, labelled)


def add_photographers(art: Article, labelled: Credits) -> None:
    """The photographers an info bar names, as the authors of a photo piece no one else is
    credited for (a body of captions: they made it)."""
    if not (art.authors or art.correspondents) and art.body and is_photo_piece(art.body):
        add_credits(art, Credits(authors=labelled.photographers))


def closing_writers(lines: list[str]) -> list[str]:
    """The writers named by a `作者：` label on the page's first credit line that also names
    the editor or the outlet (`| 作者：曾家新 编辑：曹恒娜 |`, `(本文来源：东方早报 作者：李懿)`),
    wherever it stands; a writer's Latin handle is kept (`作者：Shari`)."""
    for line in lines:
        if len(line) > MAX_CREDIT_LINE or labels.AUTHOR_WORD not in line:
            continue
        found = _AUTHOR_LABEL_RE.search(line)
        if not found or not (classify_line(line) == Kind.EDITOR or parse_source(line)):
            continue
        value = found.group(1).strip("()（）[]【】")
        names = parse_byline("作者 " + value).authors
        if names or (_LATIN_HANDLE_RE.match(value) and value not in labels.PLACEHOLDERS):
            return names or [value]
    return []


def page_editor(lines: list[str]) -> str | None:
    """The editor named by the page's first editor line (`责编：X`) among its cleaned lines."""
    for line in lines:
        if may_be_editor_line(line) and classify_line(line) == Kind.EDITOR:
            editor = parse_editor(line)
            if editor:
                return editor
    return None


def contextual_date(
    lines: list[str], art: Article, url: str | None, fetched_at: dt.datetime | None
) -> str | None:
    """A date after the title (in the cleaned `lines`) written without a year (`04-03 10:20`)
    or relatively (`3小时前`).

    The year comes from the `url`'s date path or the fetch time; a relative date needs the
    fetch time, and without it stays unknown with a warning.
    """
    window = lines_near_title(lines, art.title, 0, META_LINES_AFTER_TITLE)
    year_source = date_from_url(url) or (fetched_at.isoformat() if fetched_at else None)
    year = int(year_source[:4]) if year_source else None
    for line in window:
        if len(line) > 80 or date_role(line) == DateRole.OTHER:
            continue
        found = parse_date(line, year=year, now=fetched_at)
        if found:
            return found
        if is_relative_date(line) and fetched_at is None:
            art.warnings.append(f"relative date {line!r} and no fetch time to resolve it")
            return None
    return None


def join_date_labels(lines: list[str]) -> list[str]:
    """The lines with a date label standing alone in its table cell joined to the value in
    the next cell (`<td>发布日期：</td><td>2020-01-02</td>` gives `发布日期： 2020-01-02`), so
    that the date is read with its label."""
    joined: list[str] = []
    for line in lines:
        if (
            joined
            and joined[-1].endswith((":", "："))
            and _LABEL_ONLY_RE.match(joined[-1])
            and parse_date(line)
        ):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def labelled_dates(lines: list[str]) -> tuple[str | None, str | None]:
    """The dates of the page's first `发布日期:`/`时间:` line or post stamp (`posted @ …`,
    `发布于 …`, `于 … 发布`) and of its first edit stamp (`编辑于 …`, `更新时间:`), wherever
    they stand but in the footer (a site's `更新时间:`)."""
    updated = None
    for line in lines:
        if (_DATE_LABEL_RE.search(line) or _POST_STAMP_RE.search(line)) and classify_line(
            line
        ) != Kind.FOOTER:
            post, later = line_dates(line)
            if post:
                return post, updated
            updated = updated or later
    return None, updated


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
    for el in json_ld_scripts(doc, source):
        found = _LD_DATE_RE.search(el.text or "")
        if found and parse_date(found.group(1)):
            return parse_date(found.group(1))
    return stamp_date(source)


def stamp_date(source: str) -> str | None:
    """The first Unix time stamp assigned to a word such as `ct` or `publish_time` (the name
    starting a word: `\b` checked by hand) as an ISO date, or None."""
    found = [
        stamp for lead, pattern in _STAMP_RES if (stamp := first_stamp(pattern, source, source.find(lead)))
    ]
    if not found:
        return None
    first = min(found, key=lambda stamp: stamp.start())
    return dt.datetime.fromtimestamp(int(first.group(1)), CHINA_TZ).isoformat()


def first_stamp(pattern: re.Pattern[str], source: str, start: int = 0) -> re.Match[str] | None:
    """The first match of a time stamp pattern whose name starts a word, looked for from
    `start` (-1: the pattern's literal is not in the source)."""
    if start < 0:
        return None
    for stamp in pattern.finditer(source, start):
        before = source[stamp.start() - 1] if stamp.start() else " "
        if not (before.isalnum() or before == "_"):  # what `\w` means
            return stamp
    return None


def hidden_date(doc: lxml.html.HtmlElement, source: str = "") -> str | None:
    """The date from hidden fields, `<time datetime>` and meta tags (`source`: the page's
    text, to skip looking for ids and classes it does not name; see `select`)."""
    if source:  # asked first: a page without `pubtime` has no `pubtime_baidu` either (one scan fewer)
        source_holds(source, "pubtime")
    for css in HIDDEN_DATES:
        for el in select(doc, css, source):
            found = parse_date(el.get("datetime") or el.get("data-time") or element_text(el))
            if found:
                return found
    day, clock = first_text(doc, "#newsdate", source), first_text(doc, "#newstime", source)
    if day:
        return parse_date(f"{day} {clock or ''}")
    return parse_date(meta_content(doc, *DATE_META) or "")


def machine_date(doc: lxml.html.HtmlElement, source: str) -> str | None:
    """The date the page's markup and data give (hidden fields, `<time datetime>`, meta tags,
    JSON-LD, script time stamps), in China time (`…Z` and `+00:00` stamps are moved)."""
    return in_china_time(hidden_date(doc, source) or script_date(doc, source))


def with_time(visible: str | None, machine: str | None) -> str | None:
    """The visible date, completed with the machine date's time when it shows only the day
    and the machine date is of that day (`2024-08-25` and `2024-08-25T22:37:18+08:00`)."""
    if visible and machine and len(visible) == 10 and machine.startswith(visible + "T"):
        return machine
    return visible
