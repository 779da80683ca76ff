"""Reading listing pages and feeds into article links, listed dates and the next page."""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

from newsclean.extract.dates import date_from_url, parse_date
from newsclean.extract.html import parse_html, select

if TYPE_CHECKING:  # lxml is imported where a feed is parsed: importing it costs ~40 ms of start-up
    import lxml.html
    from lxml import etree

    from newsclean.sites import Adapter

# Texts of a "next page" link on these sites' listings (EmpireCMS, TRS, chinanews pagebox).
NEXT_TEXTS = frozenset({"下一页", "下页", "下一頁", "后页", "下一页>", "下一页>>", "next", "next >", ">"})
_XML_START_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.DOTALL | re.IGNORECASE
)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class ListedArticle:
    """One article link found on a listing page; `published` is a day (YYYY-MM-DD) when listed."""

    url: str
    published: str | None = None


@dataclass
class Listing:
    """What a listing page or feed gives: its article links in page order and the next page."""

    articles: list[ListedArticle] = field(default_factory=list)
    next_url: str | None = None


def normalise_link(href: str | None, page_url: str) -> str | None:
    """An absolute http(s) URL without fragment for an absolute, //-relative or relative link."""
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "mailto:", "#")):
        return None
    parts = urlsplit(urljoin(page_url, href))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def is_feed(text: str) -> bool:
    """True when the text is an RSS or Atom document rather than an HTML page."""
    return bool(_XML_START_RE.match(text[:2048]))


def read_listing(adapter: Adapter, text: str, url: str) -> Listing:
    """Read a listing page or feed with the adapter's link rules."""
    listing = read_feed(text, url) if is_feed(text) else read_html_listing(adapter, text, url)
    kept: dict[str, ListedArticle] = {}
    for item in listing.articles:
        link = adapter.on_mirror(item.url)
        if adapter.is_article_url(link) and link not in kept:
            kept[link] = ListedArticle(link, item.published or day_of(date_from_url(link)))
    next_url = adapter.on_mirror(listing.next_url) if listing.next_url else None
    return Listing(list(kept.values()), next_url if next_url != adapter.on_mirror(url) else None)


def read_html_listing(adapter: Adapter, text: str, url: str) -> Listing:
    """Links of an HTML listing, inside the adapter's `listing_scope` when it matches."""
    doc = parse_html(text)
    scopes = select(doc, adapter.listing_scope) if adapter.listing_scope else []
    anchors = [a for scope in scopes or [doc] for a in scope.iter("a")]
    articles = []
    for anchor in anchors:
        link = normalise_link(anchor.get("href"), url)
        if link:
            articles.append(ListedArticle(link, listed_day(anchor, link)))
    return Listing(articles, next_page_link(doc, url))


def listed_day(anchor: lxml.html.HtmlElement, link: str) -> str | None:
    """The day a listing shows for a link: from the URL, else from the link's list item."""
    from_url = day_of(date_from_url(link))
    if from_url:
        return from_url
    item = next((el for el in anchor.iterancestors() if el.tag in ("li", "tr", "dd", "p")), None)
    return day_of(parse_date(item.text_content())) if item is not None else None


def next_page_link(doc: lxml.html.HtmlElement, url: str) -> str | None:
    """The target of a rel=next link or of a link reading 下一页 (next page)."""
    for el in select(doc, "link[rel=next], a[rel=next]"):
        found = normalise_link(el.get("href"), url)
        if found:
            return found
    for anchor in doc.iter("a"):
        if anchor.text_content().strip().lower() in NEXT_TEXTS:
            found = normalise_link(anchor.get("href"), url)
            if found:
                return found
    return None


def read_feed(text: str, url: str) -> Listing:
    """Items of an RSS 2.0 or Atom feed, parsed as XML (an HTML parser would break `<link>`)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    root = etree.fromstring(_XML_DECL_RE.sub("", text, count=1).encode("utf-8"), parser)
    if root is None:
        return Listing()
    articles = []
    for item in root.iter("item", f"{_ATOM}entry"):
        link = normalise_link(feed_link(item), url)
        if link:
            articles.append(ListedArticle(link, feed_day(item)))
    return Listing(articles)


def feed_link(item: etree._Element) -> str | None:
    """The article link of an RSS item (`<link>` text) or Atom entry (`<link href>`)."""
    rss_link = item.findtext("link")
    if rss_link and rss_link.strip():
        return rss_link
    atom_link = item.find(f"{_ATOM}link")
    return atom_link.get("href") if atom_link is not None else None


def feed_day(item: etree._Element) -> str | None:
    """The day of an item's pubDate (RFC 822) or Atom published/updated (ISO 8601)."""
    pub = (item.findtext("pubDate") or "").strip()
    if pub:
        try:
            return email.utils.parsedate_to_datetime(pub).date().isoformat()
        except (TypeError, ValueError):
            return day_of(parse_date(pub))
    stamp = item.findtext(f"{_ATOM}published") or item.findtext(f"{_ATOM}updated")
    return day_of(parse_date(stamp))


def day_of(stamp: str | None) -> str | None:
    """The YYYY-MM-DD part of an ISO date or timestamp."""
    return stamp[:10] if stamp else None
