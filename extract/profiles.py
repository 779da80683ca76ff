"""Site profiles: what the pages of one host share, learned from the corpus, and applied back.

Each page extracted with learning on leaves a `PageSample`: the distinct lines of its page
outside the body and inside it, the element signature of the container its body came from,
and the signatures of the page's other text containers. `learn` reads the samples of one
host (and kind of page, HTML or text rendering) and returns a `Profile`:

- template lines: lines found on at least MIN_PAGES distinct articles of the host, standing
  outside the body on at least half of them (a navigation or footer line that leaks into some
  bodies and not others). Only distinct articles count: copies of one story (the same story id
  or body fingerprint) are one article, and a line standing inside the body on most of its
  pages (a reprinted paragraph, a series' recurring labels) is never template. Lines that are
  no sentence compare with their digits folded (norm_line), so a pager (`<<上一页1 2 3下一页>>`),
  a counter or a date line that changes from page to page is one line;
- locations: the container signatures the body came from on at least MIN_PAGES distinct
  articles, with their confidence (the share of the pages holding such an element whose body
  came from it);
- URL shapes: the shapes (url_shape) of at least MIN_PAGES distinct articles' URLs, the way the
  host names its articles. A body line that is the text of a link to a page of the host with
  such a URL (alone, or after a short label such as `相关文章：`) points to another article:
  related reading, dropped like a template line.

MIN_PAGES is 5: a nav or footer line stands on every page of a template, so five distinct
articles find it with a few pages to spare, while a sentence shared by five distinct stories
of one host that are not copies (the stories index groups copies) is rare, and the in-body
rule catches it.

`applies(profile, lines)` says whether a page matches the profile (shares MIN_SHARED template
lines); a page that does not is extracted as before. The adapter drops template lines from a
matching page's body, with its lines linking to the host's other articles (`drop_from_body`),
and, for HTML, offers the profile's location to the body self-check (extract/body.py) as a
second candidate.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from newsclean.extract.record import Article
from newsclean.extract.text import clean_line

if TYPE_CHECKING:
    import lxml.html

# Distinct articles a host needs before a profile is learned, and a line or location before
# it counts (see the module docstring).
MIN_PAGES = 5
# A recurring line is template when it stands outside the body on at least this share of its pages.
OUTSIDE_SHARE = 0.5
# A location counts when the body came from it on at least this share of the pages holding it.
MIN_LOCATION_CONFIDENCE = 0.6
# A page matches its host's profile when it holds at least this many template lines.
MIN_SHARED = 3
# A text rendering's header and footer: its first and last EDGE_LINES lines.
EDGE_LINES = 8
# Lines longer than this are running text, never template (and not worth keeping in a sample).
MAX_TEMPLATE_CHARS = 120
# The ancestors (the element included) an element signature names.
SIGNATURE_DEPTH = 3
HTML, TEXT = "html", "text"
PROFILED = "+profile"  # in `extractor` when a profile changed the row
_DIGITS_RE = re.compile(r"\d+")
_SENTENCE_END_RE = re.compile("[。！？!?]")
_LINE_FIELDS = ("outside", "inside", "present", "body", "links")  # a PageSample's sets of lines
# A body line links to another article of its host when it is the link's text, alone or after a
# label of at most MAX_LABEL_CHARS characters ending in one of _LABEL_ENDS (`试听：`, `[相关文章]`).
MAX_LABEL_CHARS = 8
_LABEL_ENDS = "：:]】》>"


@dataclass
class PageSample:
    """What one extracted page tells its host's profile (see the module docstring)."""

    host: str
    kind: str  # HTML | TEXT
    story: str  # the distinct-article key: the body fingerprint, or the story id once stored
    outside: frozenset[str]  # short lines of the page outside its body (a text page: at its edges)
    inside: frozenset[str]  # short lines of its body
    chosen: str | None = None  # the body container's signature (HTML)
    present: frozenset[str] = frozenset()  # signatures of the page's text containers (HTML)
    body: frozenset[str] = frozenset()  # short lines of the body extracted (HTML: `inside`)
    shape: str = ""  # its URL's shape (url_shape)
    links: frozenset[str] = frozenset()  # `SHAPE LINE`: body lines linking to a page of the host


@dataclass(frozen=True)
class Location:
    """Where the body sits on a template: a container signature, the distinct articles whose
    body came from it, and the share of the pages holding it whose body came from it."""

    signature: str
    pages: int
    confidence: float


@dataclass(frozen=True)
class Profile:
    """One host's learned profile for one kind of page (see the module docstring)."""

    host: str
    template: str  # HTML | TEXT
    pages: int  # distinct articles learned from
    lines: frozenset[str]
    locations: tuple[Location, ...] = ()
    confidence: float = 0.0  # share of the articles that match the profile
    shapes: frozenset[str] = frozenset()  # the URL shapes of the host's articles

    @property
    def body_signatures(self) -> frozenset[str]:
        """The learned body locations' signatures."""
        return frozenset(location.signature for location in self.locations)


def norm_line(line: str) -> str:
    """A line as profiles compare it: cleaned, inner spaces removed, and, unless it is a
    sentence, each run of digits `0` (a pager, a counter or a date line that changes from page
    to page is one line; a series' sentence that differs only in its figures is not)."""
    line = "".join(clean_line(line).split())
    return line if _SENTENCE_END_RE.search(line) else _DIGITS_RE.sub("0", line)


def short_lines(lines: Iterable[str]) -> frozenset[str]:
    """The distinct normalized lines short enough to be template."""
    normed = (norm_line(line) for line in lines)
    return frozenset(line for line in normed if line and len(line) <= MAX_TEMPLATE_CHARS)


def html_sample(
    url: str | None,
    page_lines: frozenset[str],
    body: list[str],
    chosen: str | None,
    present: frozenset[str],
    links: frozenset[str],
) -> PageSample:
    """An HTML page's sample (its story key is set once the article is known): its short lines
    outside the body, the body's, the body container's and the page's containers' signatures,
    its URL's shape and the body lines linking to pages of its host (linked_body_lines)."""
    inside = short_lines(body)
    host = (urlsplit(url).hostname or "") if url else ""
    return PageSample(
        host, HTML, "", page_lines - inside, inside, chosen, present, inside, url_shape(url), links
    )


def url_shape(url: str | None) -> str:
    """What the URLs of a host's articles share: the extension of the path's last part and a
    digit in the path (`shtml0` for /detail_2010_06/07/1591993_0.shtml); '' for a path without
    a digit (a section's index, not an article)."""
    try:
        path = urlsplit(url or "").path
    except ValueError:
        return ""
    if not any(char.isdigit() for char in path):
        return ""
    last = path.rsplit("/", 1)[-1]
    return (last.rpartition(".")[2].lower() if "." in last else "") + "0"


def linked_body_lines(scope: lxml.html.HtmlElement, url: str | None, body: list[str]) -> frozenset[str]:
    """The body's short lines that are the text of a link under `scope` to another page of the
    page's host, alone or after a short label (MAX_LABEL_CHARS), as `SHAPE LINE` (the target's
    url_shape): related articles, when the profile knows the shape for its host's articles'."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return frozenset()
    wanted: dict[str, str] = {}  # a link text that would make a line, and the line
    for line in short_lines(body):
        wanted.setdefault(line, line)
        for k in range(1, min(MAX_LABEL_CHARS, len(line) - 1) + 1):
            if line[k - 1] in _LABEL_ENDS:
                wanted.setdefault(line[k:], line)
    found = set()
    for link in scope.iter("a"):
        href = (link.get("href") or "").strip()
        linked = wanted.get(norm_line(link.text_content())) if href else None
        if linked is None:
            continue
        try:
            target = urljoin(url, href)
            same_host = urlsplit(target).hostname == host
        except ValueError:
            continue
        if same_host and target != url and (shape := url_shape(target)):
            found.add(f"{shape} {linked}")
    return frozenset(found)


def text_sample(host: str, text: str, body: list[str]) -> PageSample:
    """A text rendering's sample: its first and last EDGE_LINES lines, the lines between, and
    the body's lines."""
    lines = [line for line in text.splitlines() if line.strip()]
    edges = lines[:EDGE_LINES] + lines[-EDGE_LINES:]
    middle = short_lines(lines[EDGE_LINES:-EDGE_LINES])
    return PageSample(host, TEXT, "", short_lines(edges), middle, body=short_lines(body))


def sample_to_json(sample: PageSample) -> str:
    """The sample as JSON (a cluster task's shard carries it to the merge)."""
    fields = {
        "host": sample.host,
        "kind": sample.kind,
        "story": sample.story,
        "chosen": sample.chosen,
        "shape": sample.shape,
        **{name: sorted(getattr(sample, name)) for name in _LINE_FIELDS},
    }
    return json.dumps(fields, ensure_ascii=False)


def sample_from_json(text: str) -> PageSample:
    """A sample written by sample_to_json."""
    fields = json.loads(text)
    lines = {name: frozenset(fields[name]) for name in _LINE_FIELDS}
    return PageSample(
        fields["host"],
        fields["kind"],
        fields["story"],
        chosen=fields["chosen"],
        shape=fields["shape"],
        **lines,
    )


def with_story(sample: PageSample, story: str) -> PageSample:
    """The sample with its distinct-article key."""
    return replace(sample, story=story)


def element_signature(element: lxml.html.HtmlElement) -> str:
    """The element and up to SIGNATURE_DEPTH - 1 ancestors as `tag#id.class`, outermost first,
    stopping at an ancestor with an id; digits are folded to `0` (`div#main > div.text0`)."""
    parts: list[str] = []
    el: lxml.html.HtmlElement | None = element
    while el is not None and len(parts) < SIGNATURE_DEPTH and isinstance(el.tag, str):
        part = el.tag
        if el.get("id"):
            part += "#" + el.get("id").strip()
        classes = sorted((el.get("class") or "").split())
        if classes:
            part += "." + ".".join(classes)
        parts.append(_DIGITS_RE.sub("0", part))
        if el.get("id"):
            break
        el = el.getparent()
    return " > ".join(reversed(parts))


def learn(host: str, kind: str, samples: list[PageSample], min_pages: int = MIN_PAGES) -> Profile | None:
    """The profile of one host's pages of one kind; None below `min_pages` distinct articles.
    Order-free: the same samples in any order give the same profile."""
    stories = {sample.story for sample in samples}
    if len(stories) < min_pages:
        return None
    outside: dict[str, set[str]] = {}
    inside: dict[str, set[str]] = {}
    for sample in samples:
        for line in sample.outside:
            outside.setdefault(line, set()).add(sample.story)
        for line in sample.inside:
            inside.setdefault(line, set()).add(sample.story)
    lines = frozenset(
        line
        for line, out in outside.items()
        if len(out | inside.get(line, set())) >= min_pages
        and len(out) >= OUTSIDE_SHARE * len(out | inside.get(line, set()))
    )
    matching = {sample.story for sample in samples if len(sample.outside & lines) >= MIN_SHARED}
    return Profile(
        host,
        kind,
        len(stories),
        lines,
        learn_locations(samples, min_pages),
        round(len(matching) / len(stories), 3),
        learn_shapes(samples, min_pages),
    )


def learn_shapes(samples: list[PageSample], min_pages: int) -> frozenset[str]:
    """The URL shapes of at least `min_pages` distinct articles: the host's article URLs."""
    stories: dict[str, set[str]] = {}
    for sample in samples:
        if sample.shape:
            stories.setdefault(sample.shape, set()).add(sample.story)
    return frozenset(shape for shape, found in stories.items() if len(found) >= min_pages)


def learn_locations(samples: list[PageSample], min_pages: int) -> tuple[Location, ...]:
    """The container signatures the body came from on at least `min_pages` distinct articles,
    confident ones only, most used first."""
    chosen: dict[str, set[str]] = {}
    present: Counter[str] = Counter()
    for sample in samples:
        if sample.chosen:
            chosen.setdefault(sample.chosen, set()).add(sample.story)
        present.update(sample.present)
    found = []
    for signature, stories in chosen.items():
        confidence = len(stories) / max(present[signature], len(stories))
        if len(stories) >= min_pages and confidence >= MIN_LOCATION_CONFIDENCE:
            found.append(Location(signature, len(stories), round(confidence, 3)))
    return tuple(sorted(found, key=lambda loc: (-loc.pages, loc.signature)))


def applies(profile: Profile | None, page_lines: frozenset[str]) -> bool:
    """True when the page (its short lines) matches the profile: it holds MIN_SHARED template lines."""
    return profile is not None and len(page_lines & profile.lines) >= MIN_SHARED


def linked_lines(profile: Profile, sample: PageSample) -> frozenset[str]:
    """The page's body lines linking to pages shaped like its host's articles (related articles)."""
    found = (entry.partition(" ") for entry in sample.links)
    return frozenset(line for shape, _, line in found if shape in profile.shapes)


def drops_lines(profile: Profile, sample: PageSample) -> bool:
    """True when the page matches the profile and its body holds a template line or a line
    linking to another of the host's articles."""
    dropped = profile.lines | linked_lines(profile, sample)
    return applies(profile, sample.outside | sample.inside) and bool(sample.body & dropped)


def moves_body(profile: Profile, sample: PageSample) -> bool:
    """True when the page matches the profile, and its body came from elsewhere than a learned
    location the page holds (the self-check compares the two: extract/body.py)."""
    where = profile.body_signatures
    return (
        sample.chosen not in where
        and bool(sample.present & where)
        and applies(profile, sample.outside | sample.inside)
    )


def effect(profile: Profile | None, sample: PageSample) -> tuple[frozenset[str], frozenset[str]]:
    """What the profile does to the page: the body lines it drops, and the learned locations
    the self-check compares the body with (none when it does not move the body); two profiles
    with the same effect on a page give it the same row."""
    if profile is None or not applies(profile, sample.outside | sample.inside):
        return frozenset(), frozenset()
    dropped = sample.body & (profile.lines | linked_lines(profile, sample))
    moved = sample.present & profile.body_signatures if moves_body(profile, sample) else frozenset()
    return dropped, moved


def drop_from_body(profile: Profile, sample: PageSample, art: Article) -> bool:
    """Drop the profile's template lines and the lines linking to the host's other articles
    from the article's body; True when any was dropped (noted in `warnings`)."""
    linked = linked_lines(profile, sample)
    template = [paragraph for paragraph in art.body if norm_line(paragraph) in profile.lines]
    body = [p for p in art.body if norm_line(p) not in profile.lines and norm_line(p) not in linked]
    if template:
        art.warnings.append(f"site profile: {len(template)} template line(s) dropped from the body")
    if len(art.body) - len(template) > len(body):
        dropped = len(art.body) - len(template) - len(body)
        art.warnings.append(f"site profile: {dropped} line(s) linking to the host's other articles dropped")
    changed = len(body) < len(art.body)
    art.body = body
    return changed


def mark_profiled(art: Article) -> None:
    """Say in `extractor` that the host's profile changed the row (`generic/1 +profile`)."""
    if PROFILED not in (art.extractor or "").split():
        art.extractor = f"{art.extractor} {PROFILED}"


def apply_template_lines(profile: Profile, sample: PageSample, art: Article) -> bool:
    """Drop the profile's template lines from the body of an article whose page (`sample`)
    matches the profile; True when any was dropped (then marked in `extractor`)."""
    if not applies(profile, sample.outside | sample.inside) or not drop_from_body(profile, sample, art):
        return False
    mark_profiled(art)
    return True
