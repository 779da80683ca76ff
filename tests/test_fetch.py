"""Incremental fetching against fake sites served on 127.0.0.1: runs, retries, politeness, resumption."""

from __future__ import annotations

import itertools
import json
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from email.utils import formatdate
from pathlib import Path

import pytest
from sites_mirror.pages import HENAN_QUOTE
from sites_mirror.server import MirrorServer
from sites_mirror.sites import ChinanewsSite, DdsbSite, FakeSite, HnrSite

from conftest import ROOT, invoke, on_terminal, run_cli
from newsclean.commands.fetch import print_summary
from newsclean.db.fetchstore import open_fetch_db
from newsclean.ingest.crawl import Crawler, CrawlOptions, RunStats, reclean
from newsclean.ingest.fetcher import FetchConfig, Fetcher, FetchError, header_charset, parse_retry_after
from newsclean.ingest.inputs import InputError, load_manifest
from newsclean.ingest.listing import read_listing
from newsclean.ingest.urls import same_host, url_refusal
from newsclean.sites import adapter_named

# Small delays and timeouts keep the suite fast; every loop below is bounded.
FAST = dict(delay=0.01, backoff=0.01, max_backoff=0.05, connect_timeout=1.0, read_timeout=1.0, max_tries=3)


@pytest.fixture
def servers():
    """Three servers, one per fake site; stopped after the test."""
    with ExitStack() as stack:
        yield [stack.enter_context(MirrorServer()) for _ in range(3)]


@pytest.fixture
def server(servers):
    """One server for tests that need a single site."""
    return servers[0]


def mirrored(site: FakeSite):
    """The adapter of a fake site, pointed at its server."""
    return adapter_named(site.name).with_base_url(site.server.origin)


def crawl(db_path: Path, *sites: FakeSite, config: dict | None = None, **options) -> RunStats:
    """One fetch run over the fake sites, in process."""
    db = open_fetch_db(db_path)
    mirrors = tuple(s.server.origin for s in sites)
    fetcher = Fetcher(FetchConfig(**{**FAST, "mirrors": mirrors, **(config or {})}))
    try:
        return Crawler(db, fetcher, CrawlOptions(**options)).run_sites([mirrored(s) for s in sites])
    finally:
        fetcher.close()
        db.close()


def rows(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Query the database read-only."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def article_hits(site: FakeSite, since: int = 0) -> list[str]:
    """Article paths the site's server was asked for, after the first `since` requests."""
    paths = set(site.article_paths())
    return [p for p in site.server.paths_hit()[since:] if p in paths]


# --- runs ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_first_run_stores_every_listed_article(servers, tmp_path):
    sites = [HnrSite(servers[0], 6), ChinanewsSite(servers[1], 9), DdsbSite(servers[2], 5)]
    stats = crawl(tmp_path / "news.db", *sites)
    assert (stats.new, stats.fetched, stats.failed) == (20, 20, 0)
    by_site = dict(rows(tmp_path / "news.db", "select site, count(*) from articles group by site"))
    assert by_site == {"hnr": 6, "chinanews": 9, "ddsb": 5}
    # the articles have the sites' URLs; raw_pages keeps the mirrors' beside them
    keys = {k for (k,) in rows(tmp_path / "news.db", "select key from articles")}
    assert keys == {s.site_url(p) for s in sites for p in s.article_paths()}
    assert keys == {u for (u,) in rows(tmp_path / "news.db", "select url from articles")}
    fetched = rows(
        tmp_path / "news.db",
        "select url, final_url, site_url, article_key from raw_pages where body is not null",
    )
    assert {(url, site_url) for url, _, site_url, _ in fetched} == {
        (s.server.url(p), s.site_url(p)) for s in sites for p in s.article_paths()
    }
    assert all(final == url and key == site_url for url, final, site_url, key in fetched)
    ((counts, errors, ended),) = rows(tmp_path / "news.db", "select counts, errors, ended_at from runs")
    assert json.loads(counts)["new"] == 20 and json.loads(errors) == {} and ended


@pytest.mark.slow
def test_second_run_fetches_no_article_and_sends_conditional_requests(servers, tmp_path):
    sites = [HnrSite(servers[0], 6), ChinanewsSite(servers[1], 6), DdsbSite(servers[2], 6)]
    crawl(tmp_path / "news.db", *sites)
    before = [len(s.server.hits) for s in sites]
    stats = crawl(tmp_path / "news.db", *sites)
    assert (stats.fetched, stats.new, stats.pages) == (0, 0, 0)
    assert stats.not_modified == sum(len(mirrored(s).start_points) for s in sites)
    for site, start in zip(sites, before, strict=True):
        hits = [h for h in site.server.hits[start:] if h.path != "/robots.txt"]
        assert hits and all(h.status == 304 and "if-none-match" in h.headers for h in hits)


@pytest.mark.slow
def test_new_listing_entries_are_the_only_articles_fetched(server, tmp_path):
    site = HnrSite(server, 10)  # three column pages
    crawl(tmp_path / "news.db", site)
    start = len(server.hits)
    fresh = site.publish(2)
    stats = crawl(tmp_path / "news.db", site)
    assert sorted(article_hits(site, start)) == sorted(s.path for s in fresh)
    assert stats.new == 2
    assert "/xwrd/3.html" not in server.paths_hit()[start:]  # page 2 was all known: paging stopped


def test_since_skips_older_articles_and_stops_paging(server, tmp_path):
    site = HnrSite(server, 16)  # story n is dated 2020-03-19 17:00 + 6n hours: 10..16 from the 22nd
    stats = crawl(tmp_path / "news.db", site, since="2020-03-22")
    assert stats.new == 7
    assert sorted(article_hits(site)) == sorted(s.path for s in site.stories[:7])
    assert "/xwrd/3.html" in server.paths_hit()  # page 3: all older, read once…
    assert "/xwrd/4.html" not in server.paths_hit()  # …and paging stopped there


def test_max_articles_bounds_a_run_and_the_next_run_resumes(server, tmp_path):
    site = HnrSite(server, 9)
    first = crawl(tmp_path / "news.db", site, max_articles=4)
    assert first.fetched == 4
    assert rows(tmp_path / "news.db", "select count(*) from fetch_state where url like '%/xwrd/%'") == [(0,)]
    second = crawl(tmp_path / "news.db", site)
    assert (second.new, second.fetched) == (5, 5)
    assert rows(tmp_path / "news.db", "select count(*) from articles") == [(9,)]


def test_max_pages_bounds_the_listing_walk(server, tmp_path):
    site = HnrSite(server, 12)
    stats = crawl(tmp_path / "news.db", site, max_pages=2)
    assert stats.new == 8
    assert "/xwrd/3.html" not in server.paths_hit()


def test_a_mirror_gives_the_site_urls_which_reclean_keeps(server, tmp_path):
    """Fetched through a --base-url mirror, an article has the site's URL (a redirect on the
    mirror keeps the host of the URL it was asked for); raw_pages keeps the mirror's URLs,
    and reclean re-extracts every page under the same key."""
    site = HnrSite(server, 4)
    renamed = site.article_paths()[0]
    server.set("/new" + renamed, server.routes[renamed].body, content_type="text/html; charset=utf-8")
    server.set(renamed, status=301, headers={"Location": "/new" + renamed})
    db_path = tmp_path / "news.db"
    assert crawl(db_path, site).new == 4
    expected = {site.site_url(p) for p in site.article_paths()[1:]} | {site.site_url("/new" + renamed)}
    assert {k for (k,) in rows(db_path, "select key from articles")} == expected
    assert rows(
        db_path, "select final_url, site_url from raw_pages where url = ?", (server.url(renamed),)
    ) == [(server.url("/new" + renamed), site.site_url("/new" + renamed))]
    before = rows(db_path, "select id, key, url, body from articles order by id")
    db = open_fetch_db(db_path)
    try:
        stats = reclean(db)
    finally:
        db.close()
    assert (stats.new, stats.unchanged, stats.failed) == (0, 4, 0)
    assert rows(db_path, "select id, key, url, body from articles order by id") == before


def test_fetch_urls_through_a_mirror_stores_the_site_urls(server, tmp_path):
    """`fetch --urls` with a site URL moved onto the mirror, or a mirror URL named directly."""
    site = HnrSite(server, 2)
    first, second = site.article_paths()
    listed = f"{site.site_url(first)}\n{server.url(second)}\n"
    db_path = tmp_path / "news.db"
    done = invoke(
        "fetch", "--urls", "-", "--base-url", site.base_url, "--db", db_path, "--delay", "0", input=listed
    )
    assert done.exit_code == 0, done.output
    assert rows(db_path, "select url from articles order by url") == sorted(
        [(site.site_url(first),), (site.site_url(second),)]
    )
    assert {u for (u,) in rows(db_path, "select url from raw_pages")} == {
        server.url(first),
        server.url(second),
    }


def test_an_older_raw_pages_table_gains_site_url(tmp_path):
    db_path = tmp_path / "news.db"
    open_fetch_db(db_path).close()
    with sqlite3.connect(db_path) as conn:  # raw_pages as fetch wrote it before site_url
        conn.execute("alter table raw_pages drop column site_url")
    open_fetch_db(db_path).close()
    assert "site_url" in [r[1] for r in rows(db_path, "pragma table_info(raw_pages)")]


# --- faults ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_503_then_200_and_429_with_retry_after_are_retried(server, tmp_path):
    site = HnrSite(server, 3)
    flaky, throttled = site.article_paths()[:2]
    server.routes[flaky].failures.append((503, {}))
    server.routes[throttled].failures.append((429, {"Retry-After": "1"}))
    stats = crawl(tmp_path / "news.db", site)
    assert (stats.new, stats.failed) == (3, 0)
    assert [h.status for h in server.hits_for(flaky)] == [503, 200]
    first, second = server.hits_for(throttled)
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.9  # Retry-After: 1 was honoured


def test_a_page_that_always_fails_is_recorded_and_the_run_goes_on(server, tmp_path):
    site = HnrSite(server, 4)
    broken = site.article_paths()[1]
    server.routes[broken].status = 503
    stats = crawl(tmp_path / "news.db", site)
    assert (stats.new, dict(stats.failures)) == (3, {"http 503": 1})
    assert len(server.hits_for(broken)) == FAST["max_tries"]
    assert rows(
        tmp_path / "news.db", "select status, error, body from raw_pages where url = ?", (server.url(broken),)
    ) == [(503, "http 503", None)]
    assert json.loads(rows(tmp_path / "news.db", "select errors from runs")[0][0]) == {"http 503": 1}
    # The listing's validators wait until the failed article is stored: the next run retries it.
    server.routes[broken].status = 200
    again = crawl(tmp_path / "news.db", site)
    assert (again.new, again.failed) == (1, 0)


@pytest.mark.slow
def test_a_timeout_is_recorded_as_such(server, tmp_path):
    site = HnrSite(server, 2)
    slow = site.article_paths()[0]
    server.routes[slow].stall = 3.0
    started = time.monotonic()
    stats = crawl(tmp_path / "news.db", site, config=dict(read_timeout=0.2, max_tries=2))
    assert dict(stats.failures) == {"timeout": 1} and stats.new == 1
    assert time.monotonic() - started < 2.5


def test_a_404_article_is_final_and_not_retried_by_later_runs(server, tmp_path):
    site = HnrSite(server, 3)
    gone = site.article_paths()[0]
    del server.routes[gone]
    assert dict(crawl(tmp_path / "news.db", site).failures) == {"http 404": 1}
    start = len(server.hits)
    (fresh,) = site.publish(1)  # the listing changes: it is read again, the 404 is not retried
    stats = crawl(tmp_path / "news.db", site)
    assert article_hits(site, start) == [fresh.path] and stats.failed == 0


def test_gbk_page_without_charset_header_decodes_right(server, tmp_path):
    site = ChinanewsSite(server, 3)  # story 3 is on the Henan channel: GBK bytes, header "text/html"
    crawl(tmp_path / "news.db", site)
    ((body, encoding, headers),) = rows(
        tmp_path / "news.db",
        "select a.body, r.encoding, r.headers from articles a "
        "join raw_pages r on r.article_key = a.key where a.key like '%/news/hnxw/%'",
    )
    assert "王喆" in body and HENAN_QUOTE[:2] in body
    assert encoding is None and json.loads(headers)["content-type"] == "text/html"


def test_oversized_body_is_refused(server):
    server.set("/big.html", b"x" * 5000)
    with (
        Fetcher(FetchConfig(**FAST, max_bytes=1000)) as fetcher,
        pytest.raises(FetchError, match="too large"),
    ):
        fetcher.get(server.url("/big.html"))


class TrickleServer:
    """A raw HTTP server on 127.0.0.1 sending one answer a byte per `pace` seconds (at most `limit` s).

    With `pace` 0 the answer goes out at once and the connection is then held open until
    `limit`. The answer is for `slow_path`, or for every path but /robots.txt when that is
    None; other paths get a quick 404. `connections` counts the slow answers (one per try).
    """

    def __init__(
        self, answer: bytes, pace: float = 0.1, limit: float = 5.0, slow_path: str | None = None
    ) -> None:
        self.answer, self.pace, self.limit, self.slow_path = answer, pace, limit, slow_path
        self.connections = 0
        self.stopping = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.origin = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def __enter__(self) -> TrickleServer:
        threading.Thread(target=self.serve, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.sock.close()

    def serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2.0)
            request = b""
            try:
                while b"\r\n\r\n" not in request:
                    request += conn.recv(4096) or b"\r\n\r\n"
                path = request.split(b" ")[1].decode()
                if path == self.slow_path if self.slow_path else path != "/robots.txt":
                    self.send_slowly(conn)
                else:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    conn.recv(4096)  # wait for the next request or the client's hang-up
            except OSError:
                return

    def send_slowly(self, conn: socket.socket) -> None:
        self.connections += 1
        started = time.monotonic()
        if not self.pace:
            conn.sendall(self.answer)
            self.stopping.wait(self.limit)
            return
        for byte in self.answer:
            if self.stopping.is_set() or time.monotonic() - started > self.limit:
                return
            conn.sendall(bytes([byte]))
            time.sleep(self.pace)


SLOW_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    "answer",
    [
        SLOW_HEAD + b"Content-Length: 1000\r\n\r\n" + b"x" * 1000,  # a declared body, trickled
        SLOW_HEAD + b"Connection: close\r\n\r\n" + b"x" * 1000,  # no Content-Length
        SLOW_HEAD + b"X-Padding: " + b"y" * 1000 + b"\r\n\r\n",  # the headers themselves trickle
    ],
    ids=["content-length", "no-length", "headers"],
)
def test_a_trickling_server_is_cut_at_the_response_deadline(answer):
    config = FetchConfig(**{**FAST, "read_timeout": 0.5, "response_timeout": 0.8, "max_tries": 2})
    with TrickleServer(answer) as slow, Fetcher(config) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"^timeout$"):
            fetcher.get(slow.origin + "/a.html")
        elapsed = time.monotonic() - started
    assert slow.connections == 2 and 1.5 < elapsed < 2.5  # two tries of 0.8 s, each cut on time


@pytest.mark.slow
def test_one_url_is_bounded_in_time_across_retries():
    config = FetchConfig(
        **{**FAST, "read_timeout": 0.5, "response_timeout": 0.6, "url_timeout": 1.5, "max_tries": 10}
    )
    with TrickleServer(SLOW_HEAD + b"\r\n" + b"x" * 1000) as slow, Fetcher(config) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"^timeout$"):
            fetcher.get(slow.origin + "/a.html")
        elapsed = time.monotonic() - started
    assert slow.connections == 3 and elapsed < 2.0  # 0.6 + 0.6 + what is left of 1.5 s


@pytest.mark.slow
def test_fetch_timeout_option_bounds_a_url_from_the_command_line(tmp_path):
    listed = tmp_path / "urls.txt"
    with TrickleServer(SLOW_HEAD + b"Content-Length: 1000\r\n\r\n" + b"x" * 1000, limit=30) as slow:
        listed.write_text(slow.origin + "/a.html\n", encoding="utf-8")
        started = time.monotonic()
        result = run_cli(
            "fetch",
            "--urls",
            str(listed),
            "--timeout",
            "0.5",
            "--delay",
            "0",
            "--db",
            str(tmp_path / "news.db"),
        )
        elapsed = time.monotonic() - started
    assert result.returncode == 1 and "failed by reason: timeout 1" in result.stdout  # nothing fetched
    assert "Traceback" not in result.stderr
    assert slow.connections >= 1 and elapsed < 6  # 1.25 s for the URL, plus Python's start-up


def test_a_long_retry_after_is_capped_and_the_summary_says_so(server, tmp_path, capsys):
    site = HnrSite(server, 2)
    throttled = site.article_paths()[0]
    server.routes[throttled].failures.append((503, {"Retry-After": "3600"}))
    stats = crawl(tmp_path / "news.db", site, config=dict(max_retry_after=0.3))
    assert (stats.new, stats.failed) == (2, 0)
    first, second = server.hits_for(throttled)
    assert 0.29 <= second.at - first.at < 2
    print_summary(stats, "news.db", listings=True)
    assert (
        f"note: Retry-After capped: {server.origin} asked for 3600 s, 0.3 s used" in capsys.readouterr().out
    )
    # A wait that would pass the URL's time bound is not even started: the URL fails at once.
    server.set("/busy.html", status=503, headers={"Retry-After": "30"})
    with Fetcher(FetchConfig(**FAST, max_retry_after=10, url_timeout=2)) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="http 503"):
            fetcher.get(server.url("/busy.html"))
    assert time.monotonic() - started < 1 and len(server.hits_for("/busy.html")) == 1


# --- politeness ---------------------------------------------------------------------------


def test_robots_txt_disallow_is_obeyed(server, tmp_path):
    site = DdsbSite(server, 3)
    blocked = site.article_paths()[1]
    server.set("/robots.txt", f"User-agent: *\nDisallow: {blocked}\n".encode(), content_type="text/plain")
    stats = crawl(tmp_path / "news.db", site)
    assert blocked not in server.paths_hit()
    assert (stats.new, dict(stats.failures)) == (2, {"robots.txt disallows": 1})
    assert len(server.hits_for("/robots.txt")) == 1  # fetched once, then cached


@pytest.mark.parametrize(
    "status, allows",
    [(404, True), (410, True), (401, True), (403, True), (429, False), (500, False), (503, False)],
)
def test_robots_txt_status_4xx_allows_all_and_5xx_disallows_all(server, status, allows):
    server.set("/robots.txt", status=status)
    with Fetcher(FetchConfig(**FAST, mirrors=(server.origin,))) as fetcher:
        assert fetcher.robots_allow(server.url("/a.html")) is allows
        if not allows:
            server.set("/a.html", b"<html>a</html>")
            with pytest.raises(FetchError, match=rf"^robots.txt unreachable \(http {status}\)$"):
                fetcher.get(server.url("/a.html"))
            assert "/a.html" not in server.paths_hit()


def test_unreachable_robots_txt_disallows_all_for_the_run(server):
    server.set("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain", stall=2.0)
    with Fetcher(FetchConfig(**{**FAST, "read_timeout": 0.2, "max_tries": 2})) as fetcher:
        assert not fetcher.robots_allow(server.url("/a.html"))  # a timeout
        assert not fetcher.robots_allow(server.url("/b.html"))  # cached for the run: not asked again
    assert len(server.hits_for("/robots.txt")) == 2  # the two tries
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    with Fetcher(FetchConfig(**{**FAST, "max_tries": 1})) as fetcher:
        url = f"http://127.0.0.1:{closed_port}/a.html"
        assert not fetcher.robots_allow(url)  # connection refused
        with pytest.raises(FetchError, match=r"^robots.txt unreachable \(connection error\)$"):
            fetcher.get(url)


ROBOTS_PAD = b"# " + b"-" * 97 + b"\n"  # one 100-byte comment line


@pytest.mark.parametrize(
    "rules, blocked, free",
    [
        (b"User-agent: *\nDisallow: /\n", "/a.html", None),  # line 2, as in the issue
        (ROBOTS_PAD * 4000 + b"User-agent: *\nDisallow: /deep/\n", "/deep/a.html", "/a.html"),  # at 400 KB
    ],
)
def test_a_huge_robots_txt_is_read_in_its_first_500_kib_only(rules, blocked, free):
    declared = 11 * 1024 * 1024  # larger than max_bytes, as the 10 MB robots.txt
    body = rules + ROBOTS_PAD * ((700 * 1024 - len(rules)) // 100)  # 700 KiB sent, then silence
    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % declared) + body
    config = FetchConfig(**{**FAST, "read_timeout": 3.0, "response_timeout": 4.0})
    with TrickleServer(answer, pace=0, slow_path="/robots.txt") as slow, Fetcher(config) as fetcher:
        started = time.monotonic()
        assert not fetcher.robots_allow(slow.origin + blocked)
        assert free is None or fetcher.robots_allow(slow.origin + free)
        assert (
            time.monotonic() - started < 1.5
        )  # no read past the cut: the silence after 700 KiB is never met


@pytest.mark.slow
def test_per_host_delay_spaces_requests(server, tmp_path):
    site = HnrSite(server, 4)
    crawl(tmp_path / "news.db", site, config=dict(delay=0.1))
    times = [h.at for h in server.hits]
    assert len(times) > 5 and min(b - a for a, b in itertools.pairwise(times)) >= 0.09


def test_a_long_crawl_delay_is_capped_and_noted(server):
    server.set("/robots.txt", b"User-agent: *\nCrawl-delay: 3600\n", content_type="text/plain")
    server.set("/a.html", b"<html>a</html>")
    server.set("/b.html", b"<html>b</html>")
    with Fetcher(FetchConfig(**FAST, max_retry_after=0.2)) as fetcher:
        fetcher.get(server.url("/a.html"))
        fetcher.get(server.url("/b.html"))
        assert fetcher.notes() == [f"Crawl-delay capped: {server.origin} asked for 3600 s, 0.2 s used"]
    (a,), (b,) = server.hits_for("/a.html"), server.hits_for("/b.html")
    assert 0.19 <= b.at - a.at < 2


def test_conditional_request_sends_last_modified_too(server):
    stamp = formatdate(usegmt=True)
    server.set("/list/", b"<html></html>", validators=True, modified=stamp)
    with Fetcher(FetchConfig(**FAST)) as fetcher:
        assert fetcher.get(server.url("/list/"), last_modified=stamp).not_modified
    assert server.hits_for("/list/")[-1].headers["if-modified-since"] == stamp


# --- redirects ----------------------------------------------------------------------------


def test_redirect_loop_is_stopped(server):
    server.set("/a.html", status=302, headers={"Location": "/b.html"})
    server.set("/b.html", status=301, headers={"Location": "/a.html"})
    with (
        Fetcher(FetchConfig(**FAST, mirrors=(server.origin,))) as fetcher,
        pytest.raises(FetchError, match="redirect loop"),
    ):
        fetcher.get(server.url("/a.html"))
    assert server.paths_hit().count("/a.html") == 1


def test_redirect_chain_is_bounded(server):
    for i in range(10):
        server.set(f"/r{i}.html", status=302, headers={"Location": f"/r{i + 1}.html"})
    with (
        Fetcher(FetchConfig(**FAST, max_redirects=3, mirrors=(server.origin,))) as fetcher,
        pytest.raises(FetchError, match="too many redirects"),
    ):
        fetcher.get(server.url("/r0.html"))
    assert len([p for p in server.paths_hit() if p.startswith("/r") and p != "/robots.txt"]) == 4


def test_redirects_stay_on_the_mirror_even_for_the_same_article(servers, tmp_path):
    site, other = HnrSite(servers[0], 4), servers[1]  # `other`: loopback too, but not the mirror
    moved, away, renamed = site.article_paths()[:3]
    other.set(moved, servers[0].routes[moved].body, content_type="text/html; charset=utf-8")
    servers[0].set("/new" + renamed, servers[0].routes[renamed].body, content_type="text/html; charset=utf-8")
    servers[0].set(moved, status=301, headers={"Location": other.url(moved)})
    servers[0].set(away, status=302, headers={"Location": other.url("/ads/landing.html")})
    servers[0].set(renamed, status=301, headers={"Location": "/new" + renamed})
    stats = crawl(tmp_path / "news.db", site)
    assert dict(stats.failures) == {"redirect to a private address": 2}
    assert stats.new == 2  # the unmoved article and the one moved on the mirror
    assert rows(
        tmp_path / "news.db", "select final_url from raw_pages where url = ?", (servers[0].url(renamed),)
    ) == [(servers[0].url("/new" + renamed),)]
    assert other.paths_hit() == []


def test_a_named_url_may_redirect_to_another_port_of_its_private_host(servers, offline):
    """Issue 24 item 35: a URL the user names (no adapter's) keeps its host, whatever the port,
    as an intranet mirror moving http to https does; another host on a private address stays
    refused."""
    named, other_port = servers[:2]
    other_port.set("/c.html", b"<html><body>c</body></html>")
    named.set("/x.html", status=301, headers={"Location": other_port.url("/c.html")})
    named.set(
        "/y.html", status=301, headers={"Location": named.url("/c.html").replace("127.0.0.1", "localhost")}
    )
    with Fetcher(FetchConfig(**FAST)) as fetcher:
        assert fetcher.get(named.url("/x.html")).final_url == other_port.url("/c.html")
        with pytest.raises(FetchError, match="redirect to a private address"):
            fetcher.get(named.url("/y.html"))
    assert offline == []


@pytest.mark.parametrize(
    "target, rule, refusal",
    [
        ("https://10.0.0.5/a.html", "mirror", None),  # the mirror's http to https
        ("http://10.0.0.5:8080/a.html", "mirror", "to a private address"),  # another server of the host
        ("http://10.0.0.6/a.html", "mirror", "to a private address"),
        ("https://10.0.0.5/a.html", "named", None),
        ("http://10.0.0.5:8080/a.html", "named", None),
        ("http://10.0.0.6/a.html", "named", "to a private address"),
    ],
)
def test_the_private_host_of_a_mirror_or_a_named_url_keeps_its_rule(target, rule, refusal):
    mirror = "http://10.0.0.5"
    if rule == "mirror":  # an adapter's URL: the adapter's rule, on its --base-url mirror
        allowed, trusted = adapter_named("hnr").with_base_url(mirror).owns, (mirror,)
    else:  # a URL the user named: its host
        allowed, trusted = same_host(mirror + "/x.html"), (mirror + "/x.html",)
    assert url_refusal(target, allowed, trusted) == refusal


@pytest.fixture
def offline(monkeypatch):
    """Refuse, and record, every connection to a host other than 127.0.0.1: no test leaves the machine."""
    from urllib3.util import connection

    real = connection.create_connection
    attempts: list[tuple] = []

    def guarded(address, *args, **kwargs):
        if address[0] != "127.0.0.1":
            attempts.append(address)
            raise ConnectionRefusedError(f"test: no connection to {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(connection, "create_connection", guarded)
    return attempts


HOSTILE_REDIRECTS = {  # Location template ({path}: the article's own path) -> why it is refused
    "http://169.254.169.254{path}": "redirect to a private address",  # cloud metadata, same article file
    "http://[::ffff:169.254.169.254]{path}": "redirect to a private address",
    "http://2852039166{path}": "redirect to a private address",  # 169.254.169.254 as one number
    "http://0xa9.0xfe.0xa9.0xfe{path}": "redirect to a private address",
    "http://10.1.2.3{path}": "redirect to a private address",
    "http://192.168.0.1:8080{path}": "redirect to a private address",
    "http://[fe80::1]{path}": "redirect to a private address",
    "http://localhost:{port}{path}": "redirect to a private address",
    "http://[::1]:{port}{path}": "redirect to a private address",
    "http://127.0.0.1:{closed}{path}": "redirect to a private address",  # loopback, not the mirror
    "http://0.0.0.0:{port}{path}": "redirect to a private address",
    "https://evil.example{path}": "redirect off site",
    "file:///etc/passwd": "redirect not http(s)",
    "ftp://127.0.0.1:{port}{path}": "redirect not http(s)",
    "gopher://news.hnr.cn{path}": "redirect not http(s)",
    "http://[::1{path}": "redirect to a bad URL",
    "http://127.0.0.1:99999{path}": "redirect to a bad URL",
}


@pytest.mark.parametrize("template", HOSTILE_REDIRECTS)
def test_hostile_redirects_are_refused_before_any_connection(server, offline, template):
    site = HnrSite(server, 1)
    (path,) = site.article_paths()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    location = template.format(path=path, port=server.httpd.server_address[1], closed=closed)
    server.set(path, status=301, headers={"Location": location})
    adapter = mirrored(site)
    with (
        Fetcher(FetchConfig(**FAST, mirrors=(server.origin,))) as fetcher,
        pytest.raises(FetchError) as refused,
    ):
        fetcher.get(server.url(path), allowed=adapter.owns)
    assert refused.value.reason == HOSTILE_REDIRECTS[template]
    assert offline == [] and server.paths_hit().count(path) == 1


def test_robots_txt_redirects_obey_the_same_rules(servers, offline):
    """As the pages' redirects: off an adapter's mirror (another port of its host too) or to a
    private address, refused; on the mirror, followed."""
    mirror, other = servers[:2]
    other.set("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
    mirror.set("/a.html", b"<html>a</html>")
    owns = adapter_named("hnr").with_base_url(mirror.origin).owns
    for location in (other.url("/robots.txt"), "http://169.254.169.254/robots.txt"):
        mirror.set("/robots.txt", status=301, headers={"Location": location})
        with Fetcher(FetchConfig(**FAST, mirrors=(mirror.origin,))) as fetcher:
            assert not fetcher.robots_allow(mirror.url("/a.html"), owns, (mirror.origin,))
    assert other.paths_hit() == [] and offline == []
    mirror.set("/robots.txt", status=301, headers={"Location": "/rules.txt"})  # on the mirror: followed
    mirror.set("/rules.txt", b"User-agent: *\nDisallow: /a.html\n", content_type="text/plain")
    with Fetcher(FetchConfig(**FAST, mirrors=(mirror.origin,))) as fetcher:
        assert not fetcher.robots_allow(mirror.url("/a.html"))
        assert fetcher.robots_allow(mirror.url("/b.html"))


# --- resumption ---------------------------------------------------------------------------


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_ends_like_an_uninterrupted_run(server, tmp_path):
    site = HnrSite(server, 16)  # four column pages
    args = ["fetch", "--site", "hnr", "--base-url", site.base_url, "--delay", "0.05"]
    reference = tmp_path / "reference.db"
    assert run_cli(*args, "--db", str(reference)).returncode == 0
    for killed_after in (2, 7):  # on the first column page, then on the second
        killed = tmp_path / f"killed_{killed_after}.db"
        proc = subprocess.Popen(
            [sys.executable, "cli.py", *args, "--db", str(killed)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and count_articles(killed) < killed_after:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert killed_after <= count_articles(killed) < 16
        assert run_cli(*args, "--db", str(killed)).returncode == 0
        assert db_state(killed) == db_state(reference)
        assert rows(killed, "pragma integrity_check") == [("ok",)]
        assert rows(killed, "select key from articles group by key having count(*) > 1") == []


def db_state(path: Path) -> tuple:
    """What a run leaves: articles, raw pages and listing state (no timestamps)."""
    return (
        sorted(rows(path, "select key, site, title, body, published_at, source, editor from articles")),
        sorted(rows(path, "select url, final_url, status, article_key, error from raw_pages")),
        sorted(rows(path, "select url, etag, last_modified from fetch_state")),
    )


def count_articles(db_path: Path) -> int:
    """Articles in a database another process is writing (0 before it exists)."""
    try:
        return rows(db_path, "select count(*) from articles")[0][0]
    except sqlite3.OperationalError:
        return 0


# --- commands -----------------------------------------------------------------------------


@pytest.mark.slow
def test_fetch_command_summary_and_exit_codes(server, tmp_path):
    site = DdsbSite(server, 3)
    del server.routes[site.article_paths()[0]]
    result = run_cli(
        "fetch",
        "--site",
        "ddsb",
        "--base-url",
        site.base_url,
        "--delay",
        "0.01",
        "--db",
        str(tmp_path / "news.db"),
    )
    assert result.returncode == 2  # some pages failed, the others are stored
    assert "articles: 2 fetched, 2 new" in result.stdout
    assert "failed by reason: http 404 1" in result.stdout and "failed: " in result.stderr
    assert run_cli("fetch", "--base-url", "nosuchsite=http://127.0.0.1:1").returncode == 2  # usage
    assert run_cli("fetch", "--urls", str(tmp_path / "missing.txt")).returncode == 1


@pytest.mark.slow
def test_fetch_urls_file(server, tmp_path):
    site = HnrSite(server, 3)
    first, second = site.article_paths()[:2]
    listed = tmp_path / "urls.txt"
    listed.write_text(
        f"# articles to fetch\nhttps://news.hnr.cn{first}\n\n{server.url(second)}\n", encoding="utf-8"
    )
    result = run_cli(
        "fetch",
        "--urls",
        str(listed),
        "--base-url",
        site.base_url,
        "--delay",
        "0.01",
        "--db",
        str(tmp_path / "news.db"),
    )
    assert result.returncode == 0, result.stderr
    assert sorted(article_hits(site)) == sorted([first, second])
    assert "listing pages" not in result.stdout


@pytest.mark.slow
def test_bad_lines_of_a_url_list_fail_alone(server, tmp_path):
    site = HnrSite(server, 2)
    good = site.article_paths()[0]
    listed = tmp_path / "urls.txt"
    bad_lines = {  # line number -> what the failure says
        2: "malformed URL (Invalid IPv6 URL): 'http://[::1'",
        3: "malformed URL (Port out of range 0-65535): 'http://news.hnr.cn:99999/a.html'",
        4: "not UTF-8: 'http://news.hnr.cn/\\udcff.html'",
        5: "not an http(s) URL: 'ftp://news.hnr.cn/a.html'",
        6: "no host in URL: 'http:///a.html'",
        7: "control character in URL: 'http://news.hnr.cn/a\\x01.html'",
        8: "not an http(s) URL: 'javascript:alert(1)'",
    }
    listed.write_bytes(
        b"# first line\nhttp://[::1\nhttp://news.hnr.cn:99999/a.html\nhttp://news.hnr.cn/\xff.html\n"
        b"ftp://news.hnr.cn/a.html\nhttp:///a.html\nhttp://news.hnr.cn/a\x01.html\njavascript:alert(1)\n"
        + server.url(good).encode()
        + b"\n"
    )
    result = run_cli(
        "fetch",
        "--urls",
        str(listed),
        "--base-url",
        site.base_url,
        "--delay",
        "0.01",
        "--db",
        str(tmp_path / "news.db"),
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == 2 and "articles: 1 fetched, 1 new" in result.stdout
    assert "failed by reason: bad URL 7" in result.stdout
    for number, detail in bad_lines.items():
        assert f"failed: {listed}:{number}: {detail}\n" in result.stderr
    assert article_hits(site) == [good]


BAD_MANIFEST_LINES = {  # the line, then what the refusal says after FILE:LINE
    b'{"path": "p.html", "url": 12345}': 'not a {"path": "...", "url": "..."} line with two strings',
    b'{"path": "p.html", "url": "http://x/\xff"}': "not UTF-8 (byte 37 of the line)",
    b'{"path": 7, "url": "http://x/"}': 'not a {"path": "...", "url": "..."} line with two strings',
    b'["p.html", "http://x/"]': 'not a {"path": "...", "url": "..."} line with two strings',
    b'{"path": "p.html", "url": "http://[::1"}': "bad path or URL (Invalid IPv6 URL)",
    b'{"path": "p\\u0000.html", "url": "http://x/"}': "bad path or URL (embedded null byte)",
    b'{"path": "p.html", "url": "http://x/\\ud800"}': "bad path or URL (",
    b"[" * 100_000: "not JSON (maximum recursion depth exceeded",
    b'{"path": "p.html",': "not JSON (",
}


@pytest.mark.slow
@pytest.mark.parametrize("line", BAD_MANIFEST_LINES)
def test_a_bad_manifest_line_refuses_the_run_with_file_and_line(tmp_path, line):
    (tmp_path / "p.html").write_text("<html><body><p>正文。</p></body></html>", encoding="utf-8")
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_bytes(
        b'{"path": "p.html", "url": "https://news.hnr.cn/202003/19/731862.html"}\n\n' + line + b"\n"
    )
    with pytest.raises(InputError) as refused:
        load_manifest(str(manifest))
    assert str(refused.value).startswith(f"{manifest}:3: {BAD_MANIFEST_LINES[line]}")
    result = run_cli(
        "clean", str(tmp_path / "p.html"), "--manifest", str(manifest), "--db", str(tmp_path / "x.db")
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{manifest}:3: {BAD_MANIFEST_LINES[line]}" in result.stderr


@pytest.mark.slow
def test_reclean_re_extracts_stored_pages_without_fetching(server, tmp_path):
    site = HnrSite(server, 3)
    crawl(tmp_path / "news.db", site)
    conn = sqlite3.connect(tmp_path / "news.db")
    with conn:
        conn.execute("update articles set title = 'stale'")
    conn.close()
    start = len(server.hits)
    result = run_cli("reclean", "--site", "hnr", "--db", str(tmp_path / "news.db"))
    assert result.returncode == 0, result.stderr
    assert "3 stored pages re-cleaned: 0 new, 3 updated" in result.stdout
    assert len(server.hits) == start
    assert rows(tmp_path / "news.db", "select count(*) from articles where title = 'stale'") == [(0,)]


# --- units --------------------------------------------------------------------------------


def test_retry_after_in_seconds_and_as_http_date():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(formatdate(1000.0 + 30, usegmt=True), now=1000.0) == pytest.approx(30, abs=1)
    assert parse_retry_after(formatdate(1000.0, usegmt=True), now=5000.0) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_header_charset_never_defaults():
    assert header_charset("text/html; charset=GBK") == "gbk"
    assert header_charset('text/html; charset="utf-8"') == "utf-8"
    assert header_charset("text/html") is None and header_charset(None) is None


def test_listing_links_are_normalised_and_matched_by_pattern():
    hnr = adapter_named("hnr")
    page = """<html><body><ul>
      <li><a href="https://news.hnr.cn/202003/19/731862.html">a</a></li>
      <li><a href="//news.hnr.cn/202003/18/731000.html">b</a></li>
      <li><a href="/201808/t20180817_3130286.html">c</a></li>
      <li><a href="/xwrd/">column</a><a href="https://other.example/202003/19/1.html">elsewhere</a></li>
      <li><a href="https://news.hnr.cn/202003/19/731862.html#comments">a again</a></li>
    </ul><a href="/xwrd/2.html">下一页</a></body></html>"""
    listing = read_listing(hnr, page, "https://news.hnr.cn/xwrd/")
    assert [(a.url, a.published) for a in listing.articles] == [
        ("https://news.hnr.cn/202003/19/731862.html", "2020-03-19"),
        ("https://news.hnr.cn/202003/18/731000.html", "2020-03-18"),
        ("https://news.hnr.cn/201808/t20180817_3130286.html", "2018-08-17"),
    ]
    assert listing.next_url == "https://news.hnr.cn/xwrd/2.html"


def test_every_adapter_declares_start_points_it_can_read():
    for name in ("hnr", "chinanews", "ddsb"):
        adapter = adapter_named(name)
        assert adapter.start_points and adapter.article_paths
        assert all(adapter.claims_url(url) for url in adapter.start_points)
    mirror = adapter_named("chinanews").with_base_url("http://127.0.0.1:8000/")
    assert mirror.listing_urls()[0] == "http://127.0.0.1:8000/rss/scroll-news.xml"
    assert mirror.is_article_url("http://127.0.0.1:8000/sh/2020/07-04/9229311.shtml")
    assert not mirror.is_article_url("https://www.chinanews.com.cn/sh/2020/07-04/9229311.shtml")


@pytest.mark.slow
def test_progress_line_shows_pages_per_site_and_the_wait_for_the_delay(server, tmp_path):
    site = HnrSite(server, 3)
    status, _, terminal = on_terminal(
        "fetch",
        "--site",
        "hnr",
        "--base-url",
        site.base_url,
        "--delay",
        "0.7",
        "--db",
        str(tmp_path / "f.db"),
    )
    assert status == 0
    assert re.search(r"fetch: \d+ listing pages, 3 articles \(hnr 3\), 3 new, 0 failed", terminal), terminal[
        -800:
    ]
    assert re.search(r"waiting 0\.\d s for http://127\.0\.0\.1:\d+ \(--delay\)", terminal)
