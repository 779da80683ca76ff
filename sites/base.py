"""The adapter contract: one subclass per site, pure functions of (page text, URL)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from newsclean.extract.dates import date_from_url, parse_date
from newsclean.extract.html import (
    HtmlTemplate,
    apply_template,
    meta_content,
    page_keywords,
    parse_html,
    render_lines,
    template_fits,
)
from newsclean.extract.layout import read_text_page, signature_date
from newsclean.extract.outlet import host_of, outlet_of
from newsclean.extract.page_meta import read_credits_around_body
from newsclean.extract.profiles import PageSample, Profile, text_sample
from newsclean.extract.record import Article
from newsclean.extract.text import clean_line
from newsclean.extract.titles import page_title

if TYPE_CHECKING:
    import lxml.html


@dataclass
class Page:
    """One input page: its decoded text, whether it is HTML, and its URL when known."""

    text: str
    is_html: bool
    url: str | None = None
    path: str | None = None
    fetched_at: dt.datetime | None = None  # when it was downloaded (aware), if known
    profile: Profile | None = None  # its host's learned profile (extract/profiles.py), if any
    observe: bool = False  # leave a `sample` of the page for learning its host's profile
    sample: PageSample | None = None  # set by the adapter when `observe`
    # every node of `doc`, held while the page is read: lxml makes an element's Python object
    # when a walk reaches it (calling lxml.html's class lookup, in Python) and drops it after,
    # so each walk of the page made them all again
    nodes: list[lxml.html.HtmlElement] = field(default_factory=list, repr=False, compare=False)

    @property
    def host(self) -> str:
        """The URL's host name, lower-case ('' when the URL is unknown)."""
        return (urlsplit(self.url).hostname or "") if self.url else ""

    @cached_property
    def doc(self) -> lxml.html.HtmlElement:
        """The parsed HTML page, parsed once for whichever reader asks first."""
        doc = parse_html(self.text)
        self.nodes = list(doc.iter())
        return doc

    def edges(self, size: int = 4000) -> str:
        """The start and end of the page, where mastheads and copyright lines stand."""
        return self.text if len(self.text) <= 2 * size else self.text[:size] + self.text[-size:]


class Adapter:
    r"""Base class of the site adapters: one subclass per site, registered in sites/__init__.py.

    `extract` returns an `Article` whose fields follow the contract in extract/record.py.
    HTML pages are read with the first of `templates` whose title and body container are
    present, else as the page's text rendering (text anchors, extract/layout.py).
    docs/adding-a-site.md walks through a new adapter.

    Class attributes (required first; examples from sites/hnr.py and sites/chinanews.py):
        name (str, required): the site's short name, stored in `articles.site` and used by
            `--site` and as the fixture folder name. `name = "hnr"`
        hosts (tuple[str, ...], required): host suffixes whose URLs the adapter claims; a
            subdomain matches too (only the generic fallback has none).
            `hosts = ("chinanews.com", "chinanews.com.cn")`
        layouts (tuple[str, ...], required): one human line per layout the adapter reads,
            the text rendering first, then each template; `newsclean sites` prints them.
            `layouts = ("text rendering (...)", "HTML 2018 TRS: div.TRS_Editor body")`
        site_name (str | None): the site's own name, stored in `articles.site_name`.
            `site_name = "映象网"`
        version (str): bumped when a change alters what the adapter extracts; stored in
            `articles.extractor` as `<name>/<version>`. `version = "1"`
        fingerprints (tuple[str, ...]): regexes found at a page's edges (masthead, footer)
            that identify a page given without a URL. `fingerprints = (r"映象网络\s*版权所有",)`
        markers (tuple[str, ...]): markup only this site's templates use (HTML pages
            without a URL). `markers = ('id="text_content"',)`
        templates (tuple[HtmlTemplate, ...]): one per era of the site's HTML article page,
            most recent or most specific first; each `name` is the template a fixture case
            names. `templates = (HtmlTemplate(name="2018 TRS", body="div.TRS_Editor", title="h1"),)`
        start_points (tuple[str, ...]): listing pages and feeds `fetch` starts from.
            `start_points = ("https://news.hnr.cn/xwrd/",)`
        article_paths (tuple[str, ...]): regexes an article URL's path matches in full
            (`fetch` follows only these). `article_paths = (r"/\d{6}/\d{2}/\d+\.html",)`
        listing_scope (str): CSS selector of a listing's item links ('' = the whole page).
            `listing_scope = "div.content_list"`
        base_url (str | None): set by `with_base_url`, not by subclasses: a mirror origin
            standing in for the site's hosts (tests, archives).

    Methods a subclass may override: `read_html(page, art)` for pages templates cannot
    read (sites/generic.py), `read_listing(text, url)` for an unusual listing markup.
    """

    name: str = ""
    site_name: str | None = None
    version: str = "1"
    hosts: tuple[str, ...] = ()  # host suffixes the adapter claims
    fingerprints: tuple[str, ...] = ()  # regexes found at a page's edges (masthead, footer)
    markers: tuple[str, ...] = ()  # markup only this site's templates use (HTML pages)
    templates: tuple[HtmlTemplate, ...] = ()
    layouts: tuple[str, ...] = ()  # human description, for `cli.py sites`

    def claims_url(self, url: str | None) -> bool:
        """True when the URL's host belongs to this site."""
        host = (urlsplit(url).hostname or "") if url else ""
        return any(host == h or host.endswith("." + h) for h in self.hosts)

    def claims_page(self, page: Page) -> bool:
        """True when the page carries one of this site's fingerprints or template markers and,
        for an HTML page, one of its templates fits: another site's page that names this one
        (a reprint's `来源：中新网` linked to chinanews.com, `来源：当代商报`) is not its page."""
        edges = page.edges()
        if not page.is_html:
            return any(re.search(pattern, edges) for pattern in self.fingerprints)
        named = any(re.search(pattern, edges) for pattern in self.fingerprints)
        if not (named or any(marker in page.text for marker in self.markers)):
            return False
        return any(template_fits(page.doc, template, page.text) for template in self.templates)

    def extract(self, page: Page) -> Article:
        """Read one page into an article (title and body may be empty: the caller checks)."""
        art = Article(
            site=self.name, site_name=self.site_name, url=page.url, extractor=f"{self.name}/{self.version}"
        )
        if page.is_html:
            self.read_html(page, art)
        else:
            read_text_page(page.text, art)
            if page.profile or page.observe:  # the pipeline drops template lines by it
                page.sample = text_sample(page.host, page.text, art.body)
        art.published_at = art.published_at or date_from_url(page.url) or signature_date(art.body)
        art.host = host_of(page.url)
        art.outlet = outlet_of(art.site_name, page.edges(), art.host)
        return art

    def read_html(self, page: Page, art: Article) -> None:
        """Fill the article from an HTML page: known templates first, then text anchors."""
        doc = page.doc
        art.keywords = page_keywords(doc)
        for template in self.templates:
            if apply_template(doc, template, art, page.text):
                art.extractor = f"{art.extractor} ({template.name})"
                break
        else:
            body = doc.body if doc.body is not None else doc
            read_text_page("\n".join(render_lines(body)), art)
        art.title = art.title or page_title(doc, self.site_name)
        if not (art.authors or art.correspondents):  # a byline outside the template's body
            body = doc.body if doc.body is not None else doc
            read_credits_around_body([clean_line(line) for line in render_lines(body)], art)
        art.published_at = art.published_at or parse_date(
            meta_content(doc, "article:published_time", "publishdate", "pubdate", "publish_date") or ""
        )

    # Fetching: start points and listing pages
    start_points: tuple[str, ...] = ()  # listing (column) pages and feeds on the real site
    article_paths: tuple[str, ...] = ()  # regexes an article URL's path matches in full
    listing_scope: str = ""  # CSS selector of a listing's item links ('' = whole page)
    base_url: str | None = None  # a mirror origin standing in for the site's hosts
    moved: dict[str, str] = {}  # noqa: RUF012 (with_base_url gives each clone its own)

    def with_base_url(self, base_url: str) -> Adapter:
        """A copy of this adapter whose start points and article links are on a mirror."""
        clone = type(self)()
        clone.base_url = base_url.rstrip("/")
        clone.moved = {}
        return clone

    def on_mirror(self, url: str) -> str:
        """The URL moved onto the mirror when one is set and the URL is on this site (the
        move is remembered, so that off_mirror gives the site's URL back)."""
        if not self.base_url or not self.claims_url(url):
            return url
        parts = urlsplit(url)
        moved = self.base_url + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.moved.setdefault(
            moved, urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
        )
        return moved

    def off_mirror(self, url: str, requested: str | None = None) -> str:
        """The site's URL of a URL on the mirror: the site URL that was moved there, else its
        path on the host of the site URL `requested` stands for (a redirect on the mirror),
        else on the first start point's host. Any other URL is returned as it is."""
        if not self.base_url or not url.startswith(self.base_url + "/") or not self.owns(url):
            return url
        if url in self.moved:
            return self.moved[url]
        site = self.moved.get(requested or "") or next(iter(self.start_points), None)
        if site is None:
            return url
        origin = urlsplit(site)
        return f"{origin.scheme}://{origin.netloc}{url[len(self.base_url) :]}"

    def owns(self, url: str) -> bool:
        """True when the URL is on this site, or on its mirror when one is set."""
        if self.base_url:
            mirror = urlsplit(self.base_url)
            return urlsplit(url).netloc.lower() == mirror.netloc.lower()
        return self.claims_url(url)

    def listing_urls(self) -> list[str]:
        """The start points to request (on the mirror when one is set)."""
        return [self.on_mirror(url) for url in self.start_points]

    def is_article_url(self, url: str) -> bool:
        """True when the URL is an article page of this site by its path pattern."""
        path = urlsplit(url).path
        return self.owns(url) and any(re.fullmatch(p, path) for p in self.article_paths)
