"""Fake hnr.cn, chinanews and cjddsb.com sites: stories listed on paged listings and served as articles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from . import pages
from .pages import Story
from .server import MirrorServer

CHINA_TZ = dt.timezone(dt.timedelta(hours=8))
# Story n is published 6·n hours after this: four stories a day, each on its listing page.
BASE_TIME = dt.datetime(2020, 3, 19, 17, 0, 0, tzinfo=CHINA_TZ)
PER_PAGE = 4
HTML = "text/html"  # no charset in the header, as many of these sites send
HTML_UTF8 = "text/html; charset=utf-8"


class FakeSite:
    """One site on its own server: `stories` newest first, listings rebuilt on every change."""

    name = ""

    def __init__(self, server: MirrorServer, count: int) -> None:
        self.server = server
        self.count = 0
        self.stories: list[Story] = []
        self.publish(count)

    def publish(self, count: int) -> list[Story]:
        """Add `count` newer stories (numbered on, six hours apart) at the top of the listings."""
        fresh = [
            self.make_story(n, BASE_TIME + dt.timedelta(hours=6 * n))
            for n in range(self.count + count, self.count, -1)
        ]
        self.count += count
        self.stories = fresh + self.stories
        self.build()
        return fresh

    @property
    def base_url(self) -> str:
        """The --base-url value for this site."""
        return f"{self.name}={self.server.origin}"

    def article_paths(self) -> list[str]:
        """Every article path of the site."""
        return [s.path for s in self.stories]

    origin = ""  # the real site's scheme and host, where its listings link the articles

    def site_url(self, path: str) -> str:
        """The real site's URL of a path this mirror serves."""
        return self.origin + path

    def build(self) -> None:
        """Serve every article and listing page."""
        for s in self.stories:
            if s.path not in self.server.routes:
                self.serve_article(s)
        self.serve_listings()

    def pages_of(self, stories: list[Story]) -> list[list[Story]]:
        """The stories cut into listing pages."""
        return [stories[i : i + PER_PAGE] for i in range(0, len(stories), PER_PAGE)] or [[]]

    def serve_paged_column(
        self,
        paths: list[str],
        render: Callable[[list[Story], str | None], bytes],
        content_type: str,
        empty: list[str],
    ) -> None:
        """Serve the stories as a column listing over `paths` (first page, then page 2 …), each
        page linking the next, and the `empty` columns with no stories."""
        chunks = self.pages_of(self.stories)
        for i, chunk in enumerate(chunks):
            nxt = paths[i + 1] if i + 1 < len(chunks) else None
            self.server.set(paths[i], render(chunk, nxt), content_type=content_type, validators=True)
        for path in empty:
            self.server.set(path, render([], None), content_type=content_type, validators=True)

    # Per-site parts
    def make_story(self, n: int, when: dt.datetime) -> Story:
        raise NotImplementedError

    def serve_article(self, s: Story) -> None:
        raise NotImplementedError

    def serve_listings(self) -> None:
        raise NotImplementedError


class HnrSite(FakeSite):
    """hnr.cn: the /xwrd/ column paged as /xwrd/2.html …; the other columns are empty."""

    name = "hnr"
    origin = "https://news.hnr.cn"

    def make_story(self, n: int, when: dt.datetime) -> Story:
        return pages.hnr_story(n, when)

    def serve_article(self, s: Story) -> None:
        self.server.set(s.path, pages.hnr_article(s), content_type=HTML_UTF8)

    def serve_listings(self) -> None:
        count = len(self.pages_of(self.stories))
        self.serve_paged_column(
            ["/xwrd/"] + [f"/xwrd/{i}.html" for i in range(2, count + 1)],
            pages.hnr_column,
            HTML_UTF8,
            [f"/{c}/" for c in ("djn", "mxw", "rxw", "ixw")],
        )


class ChinanewsSite(FakeSite):
    """chinanews: main-site stories in the RSS (first 3) and 滚动新闻; every 3rd story is on the
    Henan channel instead (GBK pages sent without a charset header)."""

    name = "chinanews"
    origin = "https://www.chinanews.com.cn"
    henan = "http://www.ha.chinanews.com.cn"  # the Henan channel's stories: paths /news/…

    def site_url(self, path: str) -> str:
        return (self.henan if path.startswith("/news/") else self.origin) + path

    def make_story(self, n: int, when: dt.datetime) -> Story:
        return pages.henan_story(n, when) if n % 3 == 0 else pages.chinanews_story(n, when)

    def serve_article(self, s: Story) -> None:
        if s.path.startswith("/news/"):
            self.server.set(s.path, pages.henan_article(s), content_type=HTML)
        else:
            self.server.set(s.path, pages.chinanews_article(s), content_type=HTML)

    def serve_listings(self) -> None:
        main = [s for s in self.stories if not s.path.startswith("/news/")]
        henan = [s for s in self.stories if s.path.startswith("/news/")]
        self.server.set(
            "/rss/scroll-news.xml",
            pages.chinanews_rss(main[:3]),
            content_type="application/rss+xml",
            validators=True,
        )
        chunks = self.pages_of(main)
        for i, chunk in enumerate(chunks, start=1):
            nxt = f"news{i + 1}.html" if i < len(chunks) else None
            self.server.set(
                f"/scroll-news/news{i}.html",
                pages.chinanews_scroll(chunk, nxt),
                content_type=HTML_UTF8,
                validators=True,
            )
        self.server.set("/news/hnxw/", pages.henan_list(henan), content_type=HTML, validators=True)


class DdsbSite(FakeSite):
    """cjddsb.com: the /news/ column paged as /news/index_2.html …; /ym/ and /shuo/ are empty."""

    name = "ddsb"
    origin = "http://www.cjddsb.com"

    def make_story(self, n: int, when: dt.datetime) -> Story:
        return pages.ddsb_story(n, when)

    def serve_article(self, s: Story) -> None:
        self.server.set(s.path, pages.ddsb_article(s), content_type=HTML)

    def serve_listings(self) -> None:
        count = len(self.pages_of(self.stories))
        self.serve_paged_column(
            ["/news/"] + [f"/news/index_{i}.html" for i in range(2, count + 1)],
            pages.ddsb_list,
            HTML,
            ["/ym/", "/shuo/"],
        )
