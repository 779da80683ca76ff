"""Choosing the article's lines, with a self-check.

The main-content finder (extract/content.py) proposes the text container nearest the
headline that holds the most paragraph text. Most pages end there. When its choice is
doubtful (little running text, far from the headline, or shaped like replies), two other
readers give a second opinion: the page's densest run of text lines (the line-block
distribution text renderings are read with) and trafilatura. Each candidate is read through
the body rules on a scratch article, and the one holding the most running text wins, the
container keeping ties. What was compared is recorded on the article.

When the choice is, or stands in, a list of replies (comments, forum floors, answers), the
thread's first post or the accepted answer is the body, unless a story stands above the list
or above the comments inside its own container (a short story with readers' comments under
it). A run of lines shaped like replies or like a list of dated items (related stories with
summaries) is never taken from the line blocks. A chosen container is read with its
continuations: siblings of its tag, class and id separated from it by blocks of little text
(a text cut around an inserted ad).

A page whose host has a learned profile (extract/profiles.py) is checked once more: when its
body came from elsewhere than where the profile's pages keep theirs, and the page holds such
an element, that element's lines are a candidate too. The profile is evidence, not a rule: they
win only when they hold running text, and not much less of it than the page's own choice
unless they lie inside the element the page chose (they narrow it).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsclean.extract import labels
from newsclean.extract.boilerplate import Kind, classify_line
from newsclean.extract.content import (
    HEADLINE_DISTANCE,
    MIN_CONTAINER_HAN,
    REPLY_HEADER_CHARS,
    Container,
    PageWalk,
    article_lines,
    best_container,
    densest_lines,
    looks_like_dated_list,
    looks_like_replies,
    replies_start,
    story_under_heading,
)
from newsclean.extract.html import element_text, render_lines
from newsclean.extract.layout import finish_body, sentence_weight
from newsclean.extract.profiles import element_signature
from newsclean.extract.record import Article
from newsclean.extract.text import clean_line, han_count

if TYPE_CHECKING:
    import lxml.html

CONTAINER, LINE_BLOCKS, TRAFILATURA, PROFILE = "container", "line blocks", "trafilatura", "profile"
UNDER_HEADLINE = "text under the headline"
# Lines under a headline that may stand between it and a short text: date, source, credits,
# share widgets, counters.
_HEADER_KINDS = (Kind.DATE, Kind.SOURCE, Kind.EDITOR, Kind.BYLINE, Kind.SHARE, Kind.COUNTER, Kind.KEYWORDS)
# An issuer's name signing a notice is no longer than this.
SIGNATURE_CHARS = 30
# A short text under its headline holds at least this many Han characters of running text.
MIN_SHORT_TEXT = 15
RIVAL, FIRST_POST = "rival container", "first post"
# A body with less running text than this (Han characters in sentence lines) is doubtful:
# a caption, a teaser or a one-line summary rather than a story.
DOUBTFUL_WEIGHT = 80
# A container with this much running text before the body rules, near the headline, is
# taken without reading it twice: it is no caption or teaser, and no list of replies (the
# finder narrows a frame of replies to its densest run of text).
CLEARLY_ARTICLE = 3 * DOUBTFUL_WEIGHT
# A container this many elements away from the headline is doubtful.
DOUBTFUL_DISTANCE = 2 * HEADLINE_DISTANCE
# Another candidate replaces the container only with this much more running text, and, unless
# the container is junk, only when it holds most of the container's text (COVER_SHARE of its
# character pairs): it extends a fragment rather than telling another story.
SWITCH_FACTOR = 1.5
COVER_SHARE = 0.6
# A container elsewhere on the page (neither inside the chosen one nor around it) holding this
# many times its paragraph text makes the choice doubtful: the headline's distance alone kept
# it (a list of comments or a side column standing between the headline and the story).
RIVAL_FACTOR = 1.3
# The rival wins when trafilatura's main text shares this many times more character pairs
# with it than with the container.
RIVAL_AGREEMENT = 1.5
# How many ancestors of the chosen container are looked at for a list of replies around it.
REPLY_LIST_DEPTH = 3
# An item of a reply list before the one the finder chose is its first post only with this
# share of the chosen item's text.
ITEM_SHARE = 0.5
# A post's text holds this share of the post's paragraph text (its user card holds the rest).
INNER_SHARE = 0.8
# A list of replies renders as at least this many lines (a header and a text per reply).
MIN_REPLY_LINES = 10
# A block between a container and its continuation holds at most this much text (`广告`, a
# caption, a `点击查看大图` prompt).
MAX_BETWEEN_HAN = 20
# A container with fewer Han characters of paragraphs than this is no body location.
MIN_LOCATION_HAN = 50
# A short line marking a Q&A page's answers: the kept answer's head (`最佳答案`, `提问者采纳`)
# or the count opening the answers (`3个回答`).
_ANSWER_MARK_RE = re.compile(f"{labels.ANSWER_MARKS}|{labels.ANSWER_COUNT}")


@dataclass
class BodyChoice:
    """The lines chosen for the body, which reader gave them, and the readers compared."""

    lines: list[str]
    reader: str
    compared: list[str] = field(default_factory=list)
    element: lxml.html.HtmlElement | None = None  # the container the lines came from


def choose_body(
    walk: PageWalk,
    html: str,
    url: str | None,
    heading: lxml.html.HtmlElement | None = None,
    locations: frozenset[str] = frozenset(),
) -> BodyChoice:
    """The article's lines from the page's walk (`heading`: the headline's element, when
    known), with a second opinion when the container's lines are doubtful, and one from the
    host's profile (`locations`: the signatures of its body containers) when it has one."""
    choice = with_continuations(walk, question_above(walk, page_choice(walk, html, url, heading), heading))
    return check_with_profile(walk, choice, locations) if locations else choice


def with_continuations(walk: PageWalk, choice: BodyChoice) -> BodyChoice:
    """The chosen container's lines, followed and preceded by those of its continuations: the
    siblings of its tag, class and id that hold running text, with nothing but blocks of little
    text (an ad, a picture, a script) between them and it (a CMS that splits the text around
    an inserted ad or picture block)."""
    element = choice.element
    if element is None or choice.reader != CONTAINER or not (element.get("class") or element.get("id")):
        return choice
    parent = element.getparent()
    if parent is None:
        return choice
    siblings = list(parent)
    at = siblings.index(element)
    before = continuations(reversed(siblings[:at]), element)[::-1]
    after = continuations(siblings[at + 1 :], element)
    if not (before or after):
        return choice
    lines = [line for el in before for line in render_lines(el)]
    lines += choice.lines + [line for el in after for line in render_lines(el)]
    return BodyChoice(lines, CONTAINER, choice.compared, element=element)


def continuations(
    siblings: Iterable[lxml.html.HtmlElement], element: lxml.html.HtmlElement
) -> list[lxml.html.HtmlElement]:
    """The siblings, in the order given, that continue the element's text (see
    with_continuations), up to the first that holds text of another kind."""
    found = []
    shape = (element.tag, element.get("class"), element.get("id"))
    for sibling in siblings:
        if not isinstance(sibling.tag, str):
            continue
        alike = (sibling.tag, sibling.get("class"), sibling.get("id")) == shape
        if alike and holds_running_text(render_lines(sibling), MIN_SHORT_TEXT):
            found.append(sibling)
        elif han_count(sibling.text_content()) > MAX_BETWEEN_HAN:
            break
    return found


def page_choice(
    walk: PageWalk, html: str, url: str | None, heading: lxml.html.HtmlElement | None
) -> BodyChoice:
    """The article's lines the page alone gives (see choose_body)."""
    found = container_lines(walk, heading)
    if found is None:
        return choice_without_container(walk, html, url, heading)
    element, lines, distance, sure = found
    if not sure and (rival := rival_container(walk, element)):
        return rival_choice(walk, html, url, element, lines, rival)
    replies = None if sure else enclosing_reply_list(walk, element, lines)
    if replies is not None and (choice := reply_list_choice(walk, replies, element, lines, heading)):
        return choice  # the replies never extend the choice: no second opinion
    far = distance is not None and distance > DOUBTFUL_DISTANCE
    if sure or (not far and holds_running_text(lines, CLEARLY_ARTICLE)):
        return BodyChoice(lines, CONTAINER, element=element)  # most pages: no need to read them twice
    body = trial_body(lines)
    own_weight = body_weight(body)
    # junk: far from the headline, replies, or no running text at all (a footer's notice lines)
    junk = far or not own_weight or looks_like_replies(lines)
    if not (junk or own_weight < DOUBTFUL_WEIGHT):
        return BodyChoice(lines, CONTAINER, element=element)
    compared, best = [CONTAINER], BodyChoice(lines, CONTAINER, element=element)
    best_weight = own_weight * SWITCH_FACTOR
    for reader, other in (
        (LINE_BLOCKS, densest_lines(walk.lines)),
        (TRAFILATURA, trafilatura_lines(html, url)),
    ):
        if not other or other == lines:
            continue
        compared.append(reader)
        if looks_like_listing(other):  # a related list or comments read into it
            continue
        other_body = trial_body(other)
        weight = body_weight(other_body)
        if weight > best_weight and (junk or covers(other_body, body)):
            best, best_weight = BodyChoice(other, reader), weight
    best.compared = compared
    return best


def choice_without_container(
    walk: PageWalk, html: str, url: str | None, heading: lxml.html.HtmlElement | None
) -> BodyChoice:
    """With no container holding enough paragraph text: the page's densest run of lines, unless
    it is shaped like replies or a list of dated items (a related list with summaries) and a
    story stands above it or another run holds running text; with no such run, the text
    under the headline, else trafilatura's main text."""
    block = densest_lines(walk.lines)
    if not block:
        if short := text_under_headline(walk.lines, heading):
            return BodyChoice(short, UNDER_HEADLINE)
        return BodyChoice(trafilatura_lines(html, url), TRAFILATURA)
    if not looks_like_listing(block):
        return BodyChoice(block, LINE_BLOCKS)
    # shaped like replies or a list of dated items: the story above them, or the densest run
    # of lines elsewhere on the page
    start = walk.lines.index(block[0])
    if short := story_above_replies(walk.lines[:start], heading):
        return BodyChoice(short, UNDER_HEADLINE)
    outside = walk.lines[:start] + [""] * len(block) + walk.lines[start + len(block) :]
    if other := densest_lines(outside):
        return BodyChoice(other, LINE_BLOCKS)
    return BodyChoice(block, LINE_BLOCKS)


def looks_like_listing(lines: list[str]) -> bool:
    """True for lines shaped like replies or like a list of dated items, not a story."""
    cleaned = [clean_line(line) for line in lines]
    return looks_like_replies(cleaned) or looks_like_dated_list(cleaned)


def reply_list_choice(
    walk: PageWalk,
    replies: lxml.html.HtmlElement,
    element: lxml.html.HtmlElement,
    lines: list[str],
    heading: lxml.html.HtmlElement | None,
) -> BodyChoice | None:
    """When the chosen container is or stands in a list of replies: the first post (or the
    answer kept), unless it is the list's first item and a story above the list outweighs it
    (comments under an article); else the one reply chosen, else a short story above the
    list; None when the list itself was chosen and nothing else stands out."""
    chosen = None if replies is element else element  # one reply or answer of the list
    own = own_lines(walk, replies)
    above = story_above_nested_replies(walk, replies, own) or story_above_replies(
        walk.lines[: first_line(walk, replies)], heading
    )
    if post := first_post(walk, replies, chosen):
        post = answer_below(walk, replies, chosen, post)
        post_lines = lines_of(walk, post)
        if not (above and post.element in replies.iterdescendants() and outweighs(above, post_lines)):
            return BodyChoice(post_lines, FIRST_POST, [CONTAINER, FIRST_POST], element=post.element)
    elif chosen is not None:
        return BodyChoice(lines, CONTAINER, [CONTAINER, FIRST_POST], element=element)
    elif (split := replies_start([clean_line(line) for line in own], MIN_SHORT_TEXT)) is not None:
        above = own[:split]  # the list itself, with no post of its own, opens with a story
    if above:
        return BodyChoice(above, UNDER_HEADLINE, [CONTAINER, FIRST_POST, UNDER_HEADLINE])
    return None


def outweighs(story: list[str], post: list[str]) -> bool:
    """True when a story above a list of replies holds at least ITEM_SHARE of the running text
    of the list's first item: the article the comments under it are on, not a board's notice
    over a forum thread's first post."""
    weight = sum(sentence_weight(clean_line(line)) for line in story)
    return weight >= ITEM_SHARE * sum(sentence_weight(clean_line(line)) for line in post)


def text_under_headline(lines: list[str], heading: lxml.html.HtmlElement | None) -> list[str]:
    """A text too short for any container (a county portal's 简讯, a video's one-paragraph
    description): the paragraphs of running text right under the headline, past its date,
    source and credit lines, up to the first line that is neither."""
    if heading is None:
        return []
    cleaned = [clean_line(line) for line in lines]
    headline = element_text(heading)
    if headline not in cleaned:
        return []
    start = cleaned.index(headline) + 1
    end = start
    while end < len(cleaned) and (
        sentence_weight(cleaned[end])
        or classify_line(cleaned[end]) in _HEADER_KINDS
        or is_signature(cleaned[end : end + 2])
    ):
        end += 1
    found = lines[start:end]
    return found if sum(sentence_weight(line) for line in cleaned[start:end]) >= MIN_SHORT_TEXT else []


def line_span(walk: PageWalk, element: lxml.html.HtmlElement) -> tuple[int, int]:
    """The span of the page's lines an element holds ((0, 0) when it has no lines of its own)."""
    return next((c.lines for c in walk.containers if c.element is element and c.lines), (0, 0))


def own_lines(walk: PageWalk, element: lxml.html.HtmlElement) -> list[str]:
    """The page's lines an element spans (none when it has no lines of its own)."""
    start, end = line_span(walk, element)
    return walk.lines[start:end]


def story_above_nested_replies(walk: PageWalk, replies: lxml.html.HtmlElement, own: list[str]) -> list[str]:
    """The lines of the element shaped like replies (`own`) above a list of replies inside it
    (an article's or an answer's container holding the comments on it), when they hold running
    text and are no replies themselves; else empty."""
    end = nested_replies_line(walk, replies)
    if end is None or not own:
        return []
    lines = own[: end - first_line(walk, replies)]
    cleaned = [clean_line(line) for line in lines]
    enough = sum(map(sentence_weight, cleaned)) >= MIN_SHORT_TEXT
    return lines if enough and not looks_like_replies(cleaned) else []


def nested_replies_line(walk: PageWalk, replies: lxml.html.HtmlElement) -> int | None:
    """The first line of the first container inside `replies` that is shaped like replies
    itself (the comment list inside an article's container), if any."""
    inside = set(replies.iterdescendants())
    for found in sorted(walk.containers, key=lambda container: container.position):
        if found.lines and found.element in inside:
            span = walk.lines[found.lines[0] : found.lines[1]]
            if len(span) >= MIN_REPLY_LINES and looks_like_replies([clean_line(line) for line in span]):
                return found.lines[0]
    return None


def first_line(walk: PageWalk, element: lxml.html.HtmlElement) -> int:
    """The first of the page's lines an element holds (0 when it has no lines of its own)."""
    return line_span(walk, element)[0]


def story_above_replies(lines: list[str], heading: lxml.html.HtmlElement | None) -> list[str]:
    """When the page's densest text is a list of replies and no post of its own stands out: a
    story too short for a container under its headline in the `lines` above the list (a
    county portal's 简讯 with readers' comments under it), or with no headline element the
    densest run of lines above the list, when those lines are no replies or list; the lines
    closing them without running text (the list's heading) left out."""
    short = text_under_headline(lines, heading) if heading is not None else densest_lines(lines)
    while short and not sentence_weight(clean_line(short[-1])):
        short.pop()  # the list's heading, a reply's header
    return [] if looks_like_listing(short) else short


def is_signature(lines: list[str]) -> bool:
    """True for a notice's signature: the issuer's name on a short line of its own, the date
    on the next (`某县人力资源和社会保障局` / `2024年3月5日`)."""
    return (
        len(lines) == 2
        and len(lines[0]) <= SIGNATURE_CHARS
        and not re.search(r"[。，,：:！？]", lines[0])
        and classify_line(lines[1]) == Kind.DATE
    )


def enclosing_reply_list(
    walk: PageWalk, element: lxml.html.HtmlElement, lines: list[str]
) -> lxml.html.HtmlElement | None:
    """The list of replies the chosen container is or stands in: itself when its lines are
    shaped like replies, else the reply list the finder passed over that holds it (it then
    chose one reply, or one answer, of the list)."""
    if looks_like_replies(lines):
        return element
    around = set(element.iterancestors())
    return next((found for found in walk.reply_lists if found in around), None)


def first_post(
    walk: PageWalk,
    replies: lxml.html.HtmlElement,
    chosen: lxml.html.HtmlElement | None = None,
    from_line: int = 0,
) -> Container | None:
    """When the chosen container is a list of replies (a forum thread, a Q&A page's answers, a
    blog's comments): the first container after the headline, in document order, that holds
    running text and does not render as replies itself: the thread's first post, the accepted
    answer, or the blog post above its comments. When the finder `chosen` one item of the
    list, an item before it counts only with ITEM_SHARE of its text (a short sponsored answer
    above the best one is no first post). The innermost container holding most of its text
    is taken (a post's text rather than the post with its user card). With `from_line`, only
    containers whose lines start there or later count."""
    around = set(replies.iterancestors())
    after = walk.heading_at if walk.heading_at is not None else -1
    start = next((found.position for found in walk.containers if found.element is replies), -1)
    floor = next((ITEM_SHARE * found.han for found in walk.containers if found.element is chosen), 0.0)
    for container in sorted(walk.containers, key=lambda found: found.position):
        if container.position <= after or container.element is replies or container.element in around:
            continue
        if container.position > start and container.han < floor:
            continue
        if from_line and (container.lines is None or container.lines[0] < from_line):
            continue
        lines = lines_of(walk, container)
        if holds_running_text(lines, MIN_CONTAINER_HAN) and not looks_like_replies(lines):
            return innermost(walk, container)
    return None


def answer_below(
    walk: PageWalk, replies: lxml.html.HtmlElement, chosen: lxml.html.HtmlElement | None, post: Container
) -> Container:
    """The first post, or on a Q&A page whose first post is the question's description (an
    answer mark, `最佳答案` or `3个回答`, follows it before any running text) the first post
    below it: the answer kept."""
    if post.lines is None:
        return post
    below = post.lines[1]
    while below < len(walk.lines) and not sentence_weight(clean_line(walk.lines[below])):
        if is_answer_mark(walk.lines[below]):
            return first_post(walk, replies, chosen, from_line=post.lines[1]) or post
        below += 1
    return post


def question_above(walk: PageWalk, choice: BodyChoice, heading: lxml.html.HtmlElement | None) -> BodyChoice:
    """On a Q&A page, the question's description above the answer chosen: when an answer mark
    (`最佳答案`, `3个回答`) stands between the headline and the chosen element, the running-text
    lines between the headline and the mark. Elsewhere (no mark: a story, a forum thread, a
    blog post) the choice as it is."""
    if choice.element is None or heading is None:
        return choice
    found = next((c for c in walk.containers if c.element is choice.element), None)
    if found is None or found.lines is None:
        return choice
    top = line_after_headline(walk.lines, heading, found.lines[0])
    if top is None:
        return choice
    above = walk.lines[top : found.lines[0]]
    mark = next((i for i, line in enumerate(above) if is_answer_mark(line)), None)
    question = [line for line in above[:mark] if sentence_weight(clean_line(line))] if mark else []
    if question:
        choice.lines = question + choice.lines
    return choice


def line_after_headline(lines: list[str], heading: lxml.html.HtmlElement, before: int) -> int | None:
    """The index of the line after the headline's last rendering above line `before`; None
    when it is not rendered there."""
    headline = element_text(heading)
    found = [i for i, line in enumerate(lines[:before]) if clean_line(line) == headline]
    return found[-1] + 1 if found else None


def is_answer_mark(line: str) -> bool:
    """True for a short line marking a Q&A page's answers (see _ANSWER_MARK_RE)."""
    line = clean_line(line)
    return len(line) <= REPLY_HEADER_CHARS and _ANSWER_MARK_RE.search(line) is not None


def innermost(walk: PageWalk, container: Container) -> Container:
    """The container, or the deepest one inside it holding INNER_SHARE of its text."""
    inside = [
        found
        for found in walk.containers
        if found.han >= INNER_SHARE * container.han and container.element in found.element.iterancestors()
    ]
    return max(inside, key=lambda found: found.position) if inside else container


def rival_container(walk: PageWalk, chosen: lxml.html.HtmlElement) -> Container | None:
    """The container holding the most paragraph text when it stands apart from the chosen
    element (not inside it, not around it) and holds RIVAL_FACTOR times its text; else None.
    A list of replies passed over is no rival. On most pages the chosen container is the one
    with the most text, or inside it."""
    own = next((found.han for found in walk.containers if found.element is chosen), 0)
    others = (found for found in walk.containers if found.element not in walk.reply_lists)
    rival = max(others, key=lambda found: found.han, default=None)
    if rival is None or rival.han < RIVAL_FACTOR * own:
        return None
    if rival.element is chosen or chosen in rival.element.iterdescendants():
        return None
    return None if rival.element in chosen.iterdescendants() else rival


def rival_choice(
    walk: PageWalk,
    html: str,
    url: str | None,
    element: lxml.html.HtmlElement,
    lines: list[str],
    rival: Container,
) -> BodyChoice:
    """The chosen container's lines, or the rival's: when the chosen container stands in a list
    of replies (user, time and reactions recurring around it) and the rival does not, or when
    trafilatura's main text shares RIVAL_AGREEMENT times more of its text with the rival."""
    other = lines_of(walk, rival)
    compared = [CONTAINER, RIVAL]
    if among_replies(element, rival.element) and not looks_like_replies(other):
        return BodyChoice(other, RIVAL, compared, element=rival.element)
    compared.append(TRAFILATURA)
    reference = pair_counts(trafilatura_lines(html, url))
    if shared_pairs(other, reference) > RIVAL_AGREEMENT * shared_pairs(lines, reference):
        return BodyChoice(other, RIVAL, compared, element=rival.element)
    return BodyChoice(lines, CONTAINER, compared, element=element)


def among_replies(element: lxml.html.HtmlElement, rival: lxml.html.HtmlElement) -> bool:
    """True when one of the element's nearest ancestors (REPLY_LIST_DEPTH), short of the one
    holding the rival, renders as a list of replies."""
    for ancestor in list(element.iterancestors())[:REPLY_LIST_DEPTH]:
        if rival in ancestor.iterdescendants():
            return False
        if looks_like_replies([clean_line(line) for line in render_lines(ancestor)]):
            return True
    return False


def pair_counts(lines: list[str]) -> Counter[str]:
    """How often each pair of neighbouring characters stands in the lines, spaces left out."""
    text = "".join("".join(lines).split())
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def shared_pairs(lines: list[str], reference: Counter[str]) -> int:
    """How many of the lines' character pairs the reference holds (counted with repeats)."""
    return sum((pair_counts(lines) & reference).values())


def container_lines(
    walk: PageWalk, heading: lxml.html.HtmlElement | None
) -> tuple[lxml.html.HtmlElement, list[str], int | None, bool] | None:
    """The best container, its lines, its distance from the headline, and whether the page's
    structure vouches for them (the story under its headline on a page of several); None
    when no element holds enough paragraph text."""
    container = best_container(walk)
    if container is None:
        return None
    distance = None if walk.heading_at is None else abs(container.position - walk.heading_at)
    if story := story_under_heading(container.element, heading):
        return container.element, story, distance, True
    return container.element, lines_of(walk, container), distance, False


def lines_of(walk: PageWalk, container: Container) -> list[str]:
    """A container's lines: its span of the page's rendering, else its own rendering."""
    if container.lines is None:
        return render_lines(container.element)
    return article_lines(walk.lines[container.lines[0] : container.lines[1]])


def location_signatures(walk: PageWalk) -> dict[str, Container]:
    """The signatures of the page's containers that may hold a body (running text), each with
    the one of them holding the most text."""
    found: dict[str, Container] = {}
    for container in sorted(walk.containers, key=lambda c: -c.han):
        if container.han >= MIN_LOCATION_HAN:
            found.setdefault(element_signature(container.element), container)
    return found


def check_with_profile(walk: PageWalk, choice: BodyChoice, locations: frozenset[str]) -> BodyChoice:
    """The page's choice, or the lines of the profile's body location when the choice came from
    elsewhere and the location's lines hold running text: not much less than the choice's, or
    any amount when the location lies inside the element chosen (it narrows the page's own
    reading to where the template keeps its body, leaving out what surrounds it)."""
    if choice.element is not None and element_signature(choice.element) in locations:
        return choice
    found = location_signatures(walk)
    held = [found[signature] for signature in sorted(locations & found.keys())]
    if not held:
        return choice
    best = max(held, key=lambda container: container.han)
    lines = lines_of(walk, best)
    weight = body_weight(trial_body(lines))
    if lines == choice.lines or weight < DOUBTFUL_WEIGHT:
        return choice
    narrows = choice.element is not None and best.element in choice.element.iterdescendants()
    if not narrows and weight * SWITCH_FACTOR < body_weight(trial_body(choice.lines)):
        return choice
    return BodyChoice(lines, PROFILE, element=best.element)


def holds_running_text(lines: list[str], minimum: int) -> bool:
    """True when the lines hold `minimum` Han characters of running text before the body rules
    (an upper bound of the body's); read up to the line that reaches it (most pages reach it
    early in a long text)."""
    weight = 0
    for line in lines:
        if weight >= minimum:
            return True
        weight += sentence_weight(clean_line(line))
    return weight >= minimum


def trial_body(lines: list[str]) -> list[str]:
    """The body paragraphs the lines give (read on a scratch article)."""
    trial = Article()
    finish_body(lines, trial)
    return trial.body


def body_weight(body: list[str]) -> int:
    """The running text of body paragraphs: Han characters in sentence lines."""
    return sum(sentence_weight(paragraph) for paragraph in body)


def covers(body: list[str], part: list[str]) -> bool:
    """True when most of `part`'s characters pairs stand in `body` (it extends `part`)."""
    grams = bigrams(part)
    return bool(grams) and len(grams & bigrams(body)) >= COVER_SHARE * len(grams)


def bigrams(body: list[str]) -> set[str]:
    """The distinct character pairs of the paragraphs, spaces left out."""
    text = "".join("".join(body).split())
    return {text[i : i + 2] for i in range(len(text) - 1)}


def trafilatura_lines(html: str, url: str | None) -> list[str]:
    """trafilatura's main text of the page, as lines."""
    import trafilatura  # imported on first use: it costs ~0.2 s of start-up

    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, favor_precision=True
    )
    return (text or "").splitlines()
