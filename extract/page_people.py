"""Who wrote a page and which outlet or account published it, as the page's elements state
it when no labelled line or byline says so: a JSON-LD `Person` author, the author card of a
blog, forum or Q&A page (the user name beside the headline or the post time), the account
name of a self-media page, and a blog footer's `posted @ DATE NAME`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING

from newsclean.extract import labels
from newsclean.extract.boilerplate import Kind, classify_line, is_related_heading
from newsclean.extract.bylines import is_name, name_before_affiliation
from newsclean.extract.dates import parse_date
from newsclean.extract.html import SKIP_TAGS, element_text, json_ld_scripts, meta_content
from newsclean.extract.page_meta import META_LINES_AFTER_TITLE, is_running_text, lines_near_title, title_parts
from newsclean.extract.record import Article
from newsclean.extract.text import match_form

if TYPE_CHECKING:  # the pages come parsed (extract.html): importing lxml costs ~40 ms of start-up
    import lxml.html
    from lxml import etree

# Class or id words of an element holding a user's name: `author-name`, `AuthorInfo-name`,
# `follow-nickName`, `profile-name`, `username`, `wgt-replyer-all-uname`, `UserLink-link`.
_AUTHOR_CLASS_RE = re.compile(r"author|nick_?name|user[-_]?(?:name|link)|uname|profile[-_]name|writer")
# Class or id words of an element holding an outlet's or an account's name (`media_name`,
# `rich_media_meta_nickname`, `js_name`, `account-name`).
_SOURCE_CLASS_RE = re.compile(
    r"media\w*nick_?name|media[-_]name|profile_nickname|js_name|(?:account|source)[-_]?name"
)
# Class words of the parts of a page that hold other people's names: comments, replies,
# recommendations, the logged-in reader's bar.
_OTHERS_CLASS_RE = re.compile(r"comment|recommend|login|userbar|toolbar|hot|rank|follow-tip|footer")
# Class words of a Q&A page's asker card (`ask-info`, `ask-author`, `question-user`): the
# page's author is the answerer, not the asker.
_ASKER_CLASS_RE = re.compile(r"(?:^|[\s_-])ask(?:er)?(?:[\s_-]|$)|question[-_]?(?:user|author|info|meta)")
# How many ancestors of a user name are looked at for the asker's card.
ASKER_CARD_DEPTH = 2
# Blocks that follow an article (classed `related-posts`, `recommend`, `comment-list`): no
# author card of the article stands past them.
_AFTER_ARTICLE_RE = re.compile(r"(?:^|\s)(?:relate|recommend|comment)")
BLOCKS = frozenset({"div", "section", "aside", "ul", "ol"})
# The longest related-reading heading looked for (`相关文章`, `推荐阅读 换一换`).
MAX_HEADING = 12
# How many elements after the headline an author card may stand.
AUTHOR_CARD_REACH = 400
# A link to a user's own page, by the path words of blogs, forums, Q&A sites and news sites'
# reporter pages: `/u/3a1b2c`, `/u_12345678`, `/user/1234`, `/people/x`, `/author/12345`,
# `/reporter/…`, `home.php?mod=space&uid=123`, `/home/main?un=x`; not the reader's login or
# settings pages.
_PROFILE_HREF_RE = re.compile(
    r"/(?:u|users?|people|authors?|members?|reporter|writer|blogger)(?:/(?!login|register|sign|setting|center)|_(?=\d))"
    r"[^/?#\s]"
    r"|[?&](?:uid|un)=[^&#\s]"
)
# Class words of an element holding the outlet's name (`a_source`, `source`, `index_source_x`).
_OUTLET_CLASS_RE = re.compile(r"(?:^|[\s_-])source(?:$|[\s_-])")
# On a page of at most this many elements, the class and id values after the headline are
# read first (names_classed_after): on a larger one, reading them may cost more than the
# card walk it would spare (AUTHOR_CARD_REACH elements at most, ~5 times the cost each).
CHECKED_PAGE_ELEMENTS = 1500
# The longest user name taken (`A-肖老师-树谷学院`, `我有一些感想……`).
MAX_NAME = 24
# Words standing in an author card that are not names: buttons, placeholders, labels.
_NOT_NAMES = labels.PLACEHOLDERS | frozenset(
    "登录 注册 关注 私信 收藏 分享 作者 发布者 楼主 游客 编辑 责任编辑 来源 "
    "更多 查看 加关注 关于作者 联系作者 作者榜".split()
)
# A leading label or a trailing role mark around a user's name (`作者：X`, `X (楼主)`, `X:`).
_LABEL_RE = re.compile(
    r"^(?:作者|发布者|发表者|楼主|答主|来源|by)\s*[:：]?\s*|\s*[(（]?楼主[)）]?$|\s*[:：]$", re.IGNORECASE
)
# What a user name does not hold: a label's colon, a button word, a long number (a user id
# such as `m0_66248056`), or only digits and signs.
_NOT_A_NAME_RE = re.compile(r"[:：]|关注|私信|登录|注册|昵称|修改|评论|发表|\d{5,}|^[\d\W_]+$")
# Names of organisations, outlets and accounts, not of people.
_ORGANISATION_RE = re.compile(
    r"(?:联盟|网|报|社|台|刊|新闻|中心|频道|在线|科技|公司|集团|官方|平台|之家|传媒|媒体|日报|晚报|周刊|杂志|研究院|协会)$"
)
# A government release account or a county media centre's account (`郑州发布`, `某县融媒`).
_RELEASE_ACCOUNT_RE = re.compile(r"^\S{2,}(?:发布|融媒)$")
# A day or a time on a short line (`2023-02-28 17:31:30 阅读 5605`, `发布时间：09-30 22:46`).
_DAY_OR_TIME_RE = re.compile(r"\d{2,4}[-/.年]\d{1,2}[-/.月]\d{1,2}|\d{1,2}:\d{2}")
# A user name assigned in a page's script (`var nickName = "X";`, `"authorName":"X"`): one
# pattern per name, each opening with a literal (see page_meta._STAMP_RES).
_SCRIPT_AUTHOR_NAMES = ("nickName", "authorName", "author_name")
_SCRIPT_AUTHOR_RES = tuple(
    re.compile(name + r"""["']?\s*[:=]\s*["']([^"'\n]{1,24})["']""") for name in _SCRIPT_AUTHOR_NAMES
)
# The shortest `<title>` part taken for a site's name.
MIN_SITE_NAME = 2
# The longest date line read for an outlet beside the date.
MAX_DATE_LINE = 80
# A credit mark after an outlet's name (`游民星空[整理]`, `新华网(综合)`).
_CREDIT_MARK_RE = re.compile(r"[\[【(（][^\]】)）]{1,4}[\]】)）]$")
_DIGIT_RE = re.compile(r"\d")
# A date or a time, however written (`2019-09-26`, `10:56:28`, `2019年09月11日`).
_DATE_RUN_RE = re.compile(r"[\d\-/:年月日.]*\d[\d\-/:年月日.]*")
# A forum or blog poster line: `楼主：X`, `发帖人 X`, `X 发表于 2009-6-19 19:39`.
_POSTER_RE = re.compile(
    r"^(?:楼主|发帖人|发布人)\s*[:：]?\s*(?P<name>[^\s:：|,，。!！?？、]{2,24})(?=\s|[|｜]|$)"
    r"|^(?P<poster>[^\s:：|]{2,24})\s+(?:发表于|发布于)\s*\d{4}"
)
# A blog footer: `posted @ 2024-05-09 14:45 好看的hk 阅读(12) 评论(0)`.
_POSTED_AT_RE = re.compile(
    r"posted\s*@\s*\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s+(?P<name>\S{1,24})", re.IGNORECASE
)


def is_organisation(name: str) -> bool:
    """True for the name of an outlet, account or company (`华为云开发者联盟`, `新浪科技`)."""
    return _ORGANISATION_RE.search(match_form(name)) is not None


def is_account(name: str) -> bool:
    """True for the name of an organisation or of a government release account (`郑州发布`,
    `某县融媒`): a self-media account, not a person."""
    return is_organisation(name) or _RELEASE_ACCOUNT_RE.match(match_form(name)) is not None


def user_name(text: str) -> str | None:
    """The user name an author-card element holds, or None when it holds something else
    (buttons, a date, several words, a long text)."""
    name = _LABEL_RE.sub("", text.replace("\u200b", "").strip()).strip()
    if not name or len(name) > MAX_NAME or name.lower() in _NOT_NAMES or name in _NOT_NAMES:
        return None
    if len(name.split()) > 2 or _NOT_A_NAME_RE.search(name) or parse_date(name):
        return None
    if classify_line(name) in (Kind.FOOTER, Kind.SHARE):
        return None
    return name_before_affiliation(name) or name


def ld_author(doc: lxml.html.HtmlElement, source: str) -> str | None:
    """The name of the first JSON-LD author that is a `Person` (`source`: the page's text)."""
    for el in json_ld_scripts(doc, source):
        try:
            data = json.loads(el.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            author = item.get("author") if isinstance(item, dict) else None
            for person in author if isinstance(author, list) else [author]:
                if isinstance(person, dict) and person.get("@type") == "Person":
                    name = user_name(str(person.get("name") or ""))
                    if name:
                        return name
    return None


def meta_author(doc: lxml.html.HtmlElement, lines: list[str], title: str) -> str | None:
    """The personal name of `<meta name="author">` when the lines under the headline show
    it as a word of their own (a WeChat post's writer beside the account's name); the tag
    alone often holds the site's name, an uploader or a staff code."""
    name = meta_content(doc, "author")
    if not name or not is_name(name):
        return None
    near = lines_near_title(lines, title, 0, META_LINES_AFTER_TITLE)
    return name if any(name in line.split() for line in near) else None


def _words(el: lxml.html.HtmlElement) -> str:
    """The element's class and id, lower-cased."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def among_others(el: lxml.html.HtmlElement, stop: lxml.html.HtmlElement | None) -> bool:
    """True when the element stands in a comment list, a recommendation, the reader's own
    bar (an ancestor's class says so) or a form, up to `stop`."""
    for parent in el.iterancestors():
        if parent is stop or parent.tag == "body":
            return False
        if parent.tag == "form" or _OTHERS_CLASS_RE.search(_words(parent)):
            return True
    return False


def in_asker_card(el: lxml.html.HtmlElement) -> bool:
    """True when the element or one of its nearest ancestors (ASKER_CARD_DEPTH) is classed as
    a Q&A page's asker card."""
    cards = [el, *islice(el.iterancestors(), ASKER_CARD_DEPTH)]
    return any(_ASKER_CLASS_RE.search(_words(card)) for card in cards)


def beside_source(el: lxml.html.HtmlElement) -> bool:
    """True for an element whose card also holds a source-classed element (a self-media
    account's header: `author-name` beside `article-source` with the post time)."""
    parent = el.getparent()
    card = parent.getparent() if parent is not None else None
    if card is None:
        return False
    return any("source" in _words(other) for other in card.iter() if other is not el)


def ends_article(el: lxml.html.HtmlElement, words: str) -> bool:
    """True for the start of what follows an article: a block classed (`words`: its class
    and id) as related posts, recommendations or comments, or a related-reading heading."""
    if words and el.tag in BLOCKS and _AFTER_ARTICLE_RE.search(words):
        return True
    own = el.text
    if not own:  # most elements hold no text of their own
        return False
    own = own.strip()
    return 0 < len(own) <= MAX_HEADING and is_related_heading(own)


def following(el: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The elements after `el` in document order (not inside it), lazily: the XPath
    `following::` axis builds the whole rest of the page first."""
    from lxml import etree

    node: lxml.html.HtmlElement | None = el
    while node is not None:
        for sibling in node.itersiblings(etree.Element):  # elements only: no comments, in C
            yield sibling
            yield from sibling.iterdescendants(etree.Element)
        node = node.getparent()


def holds_name_element(card: lxml.html.HtmlElement) -> bool:
    """True for a card classed as an author's that holds an element classed so too (a
    Tieba `p_author` list holding `p_author_name` beside a level badge, a Zhihu `AuthorInfo`
    holding `AuthorInfo-name` beside a badge): the inner element names the user alone."""
    return any(
        _AUTHOR_CLASS_RE.search(_words(inner))
        for inner in card.iterdescendants()
        if inner.get("class") or inner.get("id")
    )


def card_names(heading: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    """(author, account) named by the first author- and account-classed elements after the
    headline. A user's name is an author; an outlet's name, or the name in a self-media
    header (beside the source line, not a personal name), is the source."""
    author = account = None
    common = heading.getparent()
    for el in islice(following(heading), AUTHOR_CARD_REACH):
        names = el.get("class"), el.get("id")
        words = f"{names[0] or ''} {names[1] or ''}".lower() if names[0] or names[1] else ""
        if ends_article(el, words):
            break
        if not words:
            continue
        as_author = _AUTHOR_CLASS_RE.search(words) is not None
        if not (as_author or _SOURCE_CLASS_RE.search(words)):
            continue
        text = element_text(el)
        if is_related_heading(text.split(" ")[0]):  # `<div class="author"><a>相关文章</a></div>`
            break
        name = user_name(text)
        if not name or among_others(el, common) or in_asker_card(el) or holds_name_element(el):
            continue
        if as_author and not author and not account:
            if is_account(name) or (beside_source(el) and not is_name(name)):
                account = name
            else:
                author = name
        elif not as_author and not account:
            account = name
        if author and account:
            break
    return author, account


def header_names(heading: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    """(user, outlet) named between the headline and the text, where class names say nothing
    of a card: the first link to a user's page (a Jianshu name beside its follow button, a
    Discuz! poster's cell, a SegmentFault header), and the first source-classed element
    holding an outlet's name with no label (Tencent's `a_source`, China Times' `source`)."""
    user = outlet = None
    common = heading.getparent()
    for el in islice(following(heading), AUTHOR_CARD_REACH):
        if el.tag in SKIP_TAGS:
            continue  # a script's or a style's text is no running text a reader sees
        if is_running_text((el.text or "").strip()) or (el.tag == "p" and is_running_text(element_text(el))):
            break  # the text has begun: links past it are readers' and related posts'
        words = _words(el)
        if ends_article(el, words):
            break
        user = user or linked_user(el, common)
        if not outlet and _OUTLET_CLASS_RE.search(words):
            name = user_name(element_text(el))
            outlet = name if name and is_organisation(name) and not among_others(el, common) else None
        if user and outlet:
            break
    return user, outlet


def preceding(el: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The elements before `el` (not its ancestors), nearest first."""
    from lxml import etree

    node: lxml.html.HtmlElement | None = el
    while node is not None:
        for sibling in node.itersiblings(etree.Element, preceding=True):
            yield from reversed(list(sibling.iter(etree.Element)))
        node = node.getparent()


def card_before_post(doc: lxml.html.HtmlElement, title: str) -> tuple[str | None, str | None]:
    """(user, outlet) named by the nearest link to a user's page above a post with no
    headline element, whose title is its `【…】` lead (a Weibo post under its poster's card):
    a person's name is the author, an organisation's (a news account) the outlet."""
    from lxml import etree

    lead = f"【{title}】"
    root = doc.body if doc.body is not None else doc
    post = next((el for el in root.iter(etree.Element) if (el.text or "").lstrip().startswith(lead)), None)
    for el in islice(preceding(post), AUTHOR_CARD_REACH) if post is not None else ():
        if el.tag == "a" and _PROFILE_HREF_RE.search(el.get("href") or ""):
            name = user_name(element_text(el))
            if name and not among_others(el, None):
                return (None, name) if is_account(name) else (name, None)
    return None, None


def linked_user(el: lxml.html.HtmlElement, common: lxml.html.HtmlElement | None) -> str | None:
    """The user name of a link to a user's page, not an outlet's (a news site's outlet page,
    an account-classed name), a commenter's, the reader's own or a Q&A asker's."""
    if el.tag != "a" or not _PROFILE_HREF_RE.search(el.get("href") or ""):
        return None
    parent = el.getparent()
    if any(_SOURCE_CLASS_RE.search(_words(card)) for card in (el, parent) if card is not None):
        return None  # an account's name (`media-name`): the outlet, not a writer
    name = user_name(element_text(el))
    if name and not is_account(name) and not among_others(el, common) and not in_asker_card(el):
        return name
    return None


def name_over_date(lines: list[str], title: str) -> tuple[str | None, str | None]:
    """(author, account) named by a line standing alone between the headline and its date
    line (a forum post's `马亮南生` over `2023-02-28 17:31:30 阅读 5605`, a self-media header's
    `IT之家` over `发布时间：09-30 22:46`): a personal name is the author, an outlet's name the
    source; any other name (an account such as `加拿大必读`) may be either, and is not taken."""
    at = lines.index(title) if title in lines else -1
    if at < 0 or at + 2 >= len(lines):
        return None, None
    below = lines[at + 2]
    if len(below) > MAX_DATE_LINE or not _DAY_OR_TIME_RE.search(below):
        return None, None
    name = user_name(lines[at + 1])
    if not name or name != lines[at + 1].strip():
        return None, None
    if is_organisation(name):
        return None, name
    return (name, None) if is_name(name) else (None, None)


def names_classed_after(heading: lxml.html.HtmlElement) -> bool:
    """True when an element after the headline (not inside it) is classed, or has an id, as
    an author's or an account's name (`card_names` looks for no other). The class and id
    values of the rest of the page are read by libxml2 in C, at a fifth of the card walk's
    cost an element: on most pages none is, and the walk is spared (see CHECKED_PAGE_ELEMENTS)."""
    values = following_attributes()
    words = " ".join(values[0](heading) + values[1](heading)).lower()
    return _AUTHOR_CLASS_RE.search(words) is not None or _SOURCE_CLASS_RE.search(words) is not None


@cache
def following_attributes() -> tuple[etree.XPath, etree.XPath]:
    """XPaths giving the class values, and the id values, of the elements after an element
    (not inside it), as plain strings (two paths cost less than their union, which libxml2
    merges and sorts)."""
    from lxml import etree

    return (
        etree.XPath("following::*/@class", smart_strings=False),
        etree.XPath("following::*/@id", smart_strings=False),
    )


def script_author(source: str) -> str | None:
    """The user name a page's script assigns to `nickName`, `authorName` or `author_name`."""
    for word, pattern in zip(_SCRIPT_AUTHOR_NAMES, _SCRIPT_AUTHOR_RES):
        start = source.find(word)  # str.find is many times faster than the pattern's own scan
        found = pattern.search(source, start) if start >= 0 else None
        if found and (name := user_name(found.group(1))) and not is_organisation(name):
            return name
    return None


def poster_near_title(lines: list[str], title: str) -> str | None:
    """The poster a forum or blog names under the headline: `楼主：X`, `X 发表于 2009-6-19`."""
    for line in lines_near_title(lines, title, 0, META_LINES_AFTER_TITLE):
        found = _POSTER_RE.match(match_form(line)) if len(line) <= MAX_DATE_LINE else None
        if found:
            group = "name" if found["name"] else "poster"
            name = user_name(line[found.start(group) : found.end(group)])
            if name and not is_organisation(name):
                return name
    return None


def posted_by(lines: list[str]) -> str | None:
    """The name of a blog footer's `posted @ DATE NAME` line."""
    if "posted" not in "\n".join(lines).lower():  # most pages: one test, not one per line
        return None
    for line in lines:
        if "posted" in line.lower():
            found = _POSTED_AT_RE.search(line)
            if found and user_name(found["name"]):
                return found["name"]
    return None


def names_site(word: str, site_names: list[str]) -> bool:
    """True for the site a `<title>` names, or one of its channels (`凤凰网娱乐` on a page
    titled `…_娱乐_凤凰网`)."""
    return any(word.startswith(name) for name in site_names if len(name) >= MIN_SITE_NAME)


def outlet_beside_date(lines: list[str], title: str, site_names: list[str]) -> str | None:
    """The outlet named beside the date on the line under the headline (`2019-09-26 10:56:28
    证券时报网`, `2019-09-05 11:10 游民星空[整理]`, a blog's `华为云开发者联盟 2022-11-23`): a
    word there that names an organisation, or the site as the `<title>` names it."""
    for line in lines_near_title(lines, title, 0, META_LINES_AFTER_TITLE):
        if len(line) > MAX_DATE_LINE or not parse_date(line):
            continue
        for piece in _DATE_RUN_RE.sub(" ", line).split():
            word = _CREDIT_MARK_RE.sub("", piece)
            if (
                word
                and not any(mark in word for mark in ":：")  # a labelled field (`作者：…`)
                and not _DIGIT_RE.search(word)
                and (is_organisation(word) or names_site(word, site_names))
            ):
                return word
        return None
    return None


def read_page_people(
    doc: lxml.html.HtmlElement,
    heading: lxml.html.HtmlElement | None,
    lines: list[str],
    source: str,
    art: Article,
    page_elements: int,
) -> None:
    """Fill the author and the source from the page's elements when no labelled line or
    byline named them (`lines`: the page's cleaned lines; `source`: its HTML; `page_elements`:
    how many elements the page holds)."""
    needs_author = not (art.authors or art.correspondents)
    if art.source and not needs_author:
        return  # the common case of a news page: nothing more to look for
    linked, outlet = header_names(heading) if heading is not None else card_before_post(doc, art.title)
    if not art.source:  # an outlet's element is firmer than a word beside the date (a channel)
        art.source = outlet or outlet_beside_date(lines, art.title, title_parts(doc)[1:])
    if art.source and not needs_author:
        return
    if heading is None or (page_elements <= CHECKED_PAGE_ELEMENTS and not names_classed_after(heading)):
        author, account = None, None
    else:
        author, account = card_names(heading)
    named, named_outlet = name_over_date(lines, art.title) if not (author or account) else (None, None)
    if needs_author:
        author = (
            ld_author(doc, source)
            or meta_author(doc, lines, art.title)
            or author
            or linked
            or poster_near_title(lines, art.title)
            or script_author(source)
            or posted_by(lines)
            or named
        )
        if author:
            art.authors.append(author)
    art.source = art.source or account or named_outlet
