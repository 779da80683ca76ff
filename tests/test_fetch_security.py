"""Hostile URLs met by `fetch`: links read from content and parser tricks never reach another host.

The fake sites are the hnr.cn mirror of tests/sites_mirror on 127.0.0.1; 127.0.0.2 stands in
for an internal host (an admin page, cloud metadata) that a listing or a URL tries to reach.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from sites_mirror import pages
from sites_mirror.server import MirrorServer
from sites_mirror.sites import HnrSite

from newsclean.db.fetchstore import open_fetch_db
from newsclean.ingest.crawl import Crawler, CrawlOptions, RunStats
from newsclean.ingest.fetcher import FetchConfig, Fetcher, FetchError
from newsclean.sites import Adapter, adapter_named

FAST = dict(delay=0.01, backoff=0.01, max_backoff=0.05, connect_timeout=1.0, read_timeout=1.0, max_tries=2)
ADMIN = b"<html><body>internal admin page</body></html>"


@pytest.fixture
def mirror_and_internal():
    """The site's mirror on 127.0.0.1 and an internal host on 127.0.0.2 (same paths served)."""
    with ExitStack() as stack:
        mirror = stack.enter_context(MirrorServer())
        internal = stack.enter_context(MirrorServer("127.0.0.2"))
        yield mirror, internal


@pytest.fixture
def connections(monkeypatch):
    """Every address a connection is opened to; only 127.0.0.1 and 127.0.0.2 are reached."""
    from urllib3.util import connection

    real = connection.create_connection
    opened: list[str] = []

    def recorded(address, *args, **kwargs):
        opened.append(address[0])
        if address[0] not in ("127.0.0.1", "127.0.0.2"):
            raise ConnectionRefusedError(f"test: no connection to {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(connection, "create_connection", recorded)
    return opened


def crawl(db_path: Path, site: HnrSite, adapter: Adapter) -> RunStats:
    """One fetch run over the site's start points with the mirror as the only trusted origin."""
    db = open_fetch_db(db_path)
    try:
        with Fetcher(FetchConfig(**FAST, mirrors=(site.server.origin,))) as fetcher:
            return Crawler(db, fetcher, CrawlOptions()).run_sites([adapter])
    finally:
        db.close()


NEXT_PAGES = {  # a listing's next-page link ({internal}: the 127.0.0.2 server) -> the failure
    "{internal}/xwrd/2.html": "listing link to a private address",
    "http://169.254.169.254/latest/meta-data/": "listing link to a private address",
    "http://[::ffff:127.0.0.2]:{port}/xwrd/2.html": "listing link to a private address",
    "http://2130706434:{port}/xwrd/2.html": "listing link to a private address",  # 127.0.0.2
    "http://evil.example/xwrd/2.html": "listing link off site",
}


@pytest.mark.parametrize("next_url", NEXT_PAGES)
def test_a_next_page_link_to_another_host_is_refused_before_any_connection(
    mirror_and_internal, connections, tmp_path, next_url
):
    mirror, internal = mirror_and_internal
    site = HnrSite(mirror, 3)
    internal.set("/xwrd/2.html", ADMIN)
    internal.set("/latest/meta-data/", ADMIN)
    link = next_url.format(internal=internal.origin, port=internal.httpd.server_address[1])
    mirror.set("/xwrd/", pages.hnr_column(site.stories, link), content_type="text/html; charset=utf-8")
    stats = crawl(tmp_path / "news.db", site, adapter_named("hnr").with_base_url(mirror.origin))
    assert stats.new == 3  # the listing's own articles are fetched
    assert dict(stats.failures) == {NEXT_PAGES[next_url]: 1}
    assert internal.paths_hit() == [] and set(connections) == {"127.0.0.1"}


def test_a_link_read_from_content_passes_the_redirect_rules_itself(mirror_and_internal, connections):
    mirror, internal = mirror_and_internal
    internal.set("/a.html", ADMIN)
    owns = adapter_named("hnr").with_base_url(mirror.origin).owns
    with Fetcher(FetchConfig(**FAST, mirrors=(mirror.origin,))) as fetcher:
        for link, reason in [
            (internal.url("/a.html"), "link to a private address"),
            ("http://localhost:1/a.html", "link to a private address"),
            ("https://evil.example/a.html", "link off site"),
        ]:
            with pytest.raises(FetchError, match=f"^{reason}$"):
                fetcher.get(link, allowed=owns)
    assert internal.paths_hit() == [] and connections == []


def test_a_backslash_redirect_cannot_reach_the_host_before_it(mirror_and_internal, connections):
    """`http://127.0.0.2:P\\@news.hnr.cn/` is news.hnr.cn to urlsplit, 127.0.0.2 to requests."""
    mirror, internal = mirror_and_internal
    internal.set("/a.html", ADMIN)
    port = internal.httpd.server_address[1]
    mirror.set("/a.html", status=301, headers={"Location": f"http://127.0.0.2:{port}\\@news.hnr.cn/a.html"})
    with (
        Fetcher(FetchConfig(**FAST, mirrors=(mirror.origin,))) as fetcher,
        pytest.raises(FetchError, match=r"^redirect to a bad URL$"),
    ):
        fetcher.get(mirror.url("/a.html"), allowed=adapter_named("hnr").owns)
    assert internal.paths_hit() == [] and set(connections) == {"127.0.0.1"}


@pytest.mark.parametrize("userinfo", ["\\@news.hnr.cn", "\\\\@news.hnr.cn"])
def test_a_backslash_url_in_a_url_list_fails_alone_and_asks_no_robots_txt(
    mirror_and_internal, tmp_path, userinfo
):
    mirror, internal = mirror_and_internal
    site = HnrSite(mirror, 1)
    internal.set("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
    internal.set(site.article_paths()[0], ADMIN)
    hostile = f"http://127.0.0.2:{internal.httpd.server_address[1]}{userinfo}{site.article_paths()[0]}"
    db = open_fetch_db(tmp_path / "news.db")
    try:
        with Fetcher(FetchConfig(**FAST)) as fetcher:
            stats = Crawler(db, fetcher, CrawlOptions()).run_urls(
                [hostile, mirror.url(site.article_paths()[0])], [adapter_named("hnr")]
            )
    finally:
        db.close()
    assert dict(stats.failures) == {"bad URL": 1} and stats.new == 1
    assert stats.failed_urls == [(hostile, f"backslash in the host part: {hostile!r}")]
    assert internal.paths_hit() == []  # neither its robots.txt nor the page


def test_a_url_list_named_with_a_newline_or_bidi_marks_is_printed_escaped(tmp_path):
    """Item 36: `failed:` lines of fetch name the list file on one line, controls escaped."""
    from click.testing import CliRunner

    from newsclean.cli import main

    listed = tmp_path / "urls\nfailed: forged.example: ok\u202e.txt"
    listed.write_text("javascript:alert(1)\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["fetch", "--urls", str(listed), "--db", str(tmp_path / "news.db")])
    assert result.exit_code == 1  # the only URL failed
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "urls\\x0afailed: forged.example" in failed[0]
    assert "\u202e" not in result.output and "\\u202e" in failed[0]


def test_a_url_requests_cannot_send_fails_alone(mirror_and_internal, tmp_path):
    """A host urlsplit reads but requests refuses (full-width digits: no IDNA label)."""
    mirror, _internal = mirror_and_internal
    site = HnrSite(mirror, 1)
    db = open_fetch_db(tmp_path / "news.db")
    try:
        with Fetcher(FetchConfig(**FAST)) as fetcher:
            stats = Crawler(db, fetcher, CrawlOptions()).run_urls(
                ["http://１２７.0.0.1/a.html", mirror.url(site.article_paths()[0])], []
            )
    finally:
        db.close()
    assert dict(stats.failures) == {
        "bad URL: malformed URL (Failed to parse: Name '１２７' is not a valid IDNA label)": 1
    }
    assert stats.new == 1
