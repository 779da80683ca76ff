"""The `fetch` and `reclean` commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from newsclean.commands.options import db_option, site_callback
from newsclean.commands.output import StatusLine, one_line, pages_done, run_status
from newsclean.db.store import StoreError, delete_if_no_article, require_corpus
from newsclean.ingest.option_types import FiniteFloatRange
from newsclean.ingest.urls import DEFAULT_USER_AGENT
from newsclean.ingest.verbosity import quiet
from newsclean.sites import SITE_ADAPTERS, Adapter, adapter_named

if TYPE_CHECKING:  # the crawler and fetcher (requests, tenacity) are imported when a command runs:
    from newsclean.ingest.crawl import RunStats  # `fetch --help` needs neither (issue 23)

SITE_NAMES = sorted(a.name for a in SITE_ADAPTERS)
# How many failed URLs the summary lists one by one (the rest are only counted by reason).
LISTED_FAILURES = 20


def parse_base_urls(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    """--base-url callback: {site: mirror URL} from NAME=URL values; click.BadParameter for bad ones."""
    mirrors = {}
    for value in values:
        name, sep, url = value.partition("=")
        name = name.strip().lower()  # site names match in any case, as --site's do
        if not sep or name not in SITE_NAMES:
            raise click.BadParameter(
                f"{value!r}: expected NAME=URL with NAME one of {', '.join(SITE_NAMES)}",
                param_hint="--base-url",
            )
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise click.BadParameter(f"{url!r} is no http(s) URL", param_hint="--base-url")
        mirrors[name] = url
    return mirrors


def chosen_adapters(names: tuple[str, ...], mirrors: dict[str, str]) -> list[Adapter]:
    """The adapters to run (all sites by default), moved onto their mirrors."""
    adapters = [adapter_named(name) for name in names or SITE_NAMES]
    return [a.with_base_url(mirrors[a.name]) if a.name in mirrors else a for a in adapters]


def read_url_list(path: str) -> list[tuple[str, str]]:
    """(FILE:LINE, URL) for each URL of a plain list file: one per line, blank lines and # comments skipped.

    Bytes that are not UTF-8 are kept as surrogate escapes, so such a line fails on its own
    (as a bad URL) instead of the whole list.
    """
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read URL list {path}: {exc.strerror or exc}") from exc
    entries = []
    for number, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), 1):
        line = raw.decode("utf-8", errors="surrogateescape").strip()
        if line and not line.startswith("#"):
            entries.append((f"{'<stdin>' if path == '-' else path}:{number}", line))
    return entries


def print_summary(stats: RunStats, db_path: str, *, listings: bool) -> None:
    """The end-of-run report: pages, articles by outcome, failures by reason, time.

    With --quiet only the failed URLs are listed.
    """
    if quiet():
        for url, detail in stats.failed_urls:
            click.echo(f"failed: {one_line(url)}: {one_line(detail)}", err=True)
        return
    if listings:
        click.echo(f"listing pages: {stats.pages} fetched, {stats.not_modified} not modified")
    click.echo(
        f"articles: {stats.fetched} fetched, {stats.new} new, {stats.updated} updated, "
        f"{stats.unchanged} unchanged, {stats.failed} failed  → {one_line(db_path)}  ({stats.seconds:.1f} s)"
    )
    for note in stats.notes:
        click.echo(f"note: {note}")
    if stats.failures:
        click.echo(
            "failed by reason: " + ", ".join(f"{reason} {n}" for reason, n in stats.failures.most_common())
        )
    for url, detail in stats.failed_urls[:LISTED_FAILURES]:
        click.echo(f"failed: {one_line(url)}: {one_line(detail)}", err=True)
    if len(stats.failed_urls) > LISTED_FAILURES:
        click.echo(f"… and {len(stats.failed_urls) - LISTED_FAILURES} more failures", err=True)


@click.command()
@click.option(
    "--site",
    "sites",
    multiple=True,
    type=click.Choice(SITE_NAMES, case_sensitive=False),
    help="Site to fetch (repeatable; default: every site).",
)
@db_option("SQLite database to write (the one `clean` writes).")
@click.option(
    "--max-articles",
    default=200,
    show_default=True,
    type=click.IntRange(min=0),
    help="Most article pages fetched per site (in all with --urls).",
)
@click.option(
    "--max-pages",
    default=5,
    show_default=True,
    type=click.IntRange(min=1),
    help="Most listing pages followed from each start point.",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Skip listed articles dated before this day (YYYY-MM-DD).",
)
@click.option(
    "--delay",
    default=1.0,
    show_default=True,
    type=FiniteFloatRange(min=0),
    help="Seconds between two requests to the same host.",
)
@click.option(
    "--timeout",
    default=120.0,
    show_default=True,
    type=FiniteFloatRange(min=0.1),
    help="Wall-clock seconds for one response, headers and body; one URL, retries and "
    "redirects included, is given up after 2.5 times this.",
)
@click.option("--refresh", is_flag=True, help="Fetch stored articles again; ignore listing validators.")
@click.option(
    "--urls",
    "urls_file",
    type=click.Path(dir_okay=False),
    help="Fetch the article URLs of this file (one per line; - reads standard input) "
    "instead of the listings.",
)
@click.option(
    "--base-url",
    "mirrors",
    multiple=True,
    metavar="NAME=URL",
    callback=parse_base_urls,
    help="Point a site's start points and links at a mirror (repeatable).",
)
@click.option("--user-agent", default=DEFAULT_USER_AGENT, show_default=True, help="User-Agent header sent.")
@click.option(
    "--no-profiles",
    is_flag=True,
    help="Extract each page alone: neither learn nor apply the hosts' profiles (sites --learned).",
)
def fetch(
    sites: tuple[str, ...],
    db_path: str,
    max_articles: int,
    max_pages: int,
    since: Any,
    delay: float,
    timeout: float,
    refresh: bool,
    urls_file: str | None,
    mirrors: dict[str, str],
    user_agent: str,
    no_profiles: bool,
) -> None:
    """Fetch new articles from the sites' listing pages and feeds, clean them and store them.

    Only articles not stored yet are fetched; listing pages are asked for with their
    ETag/Last-Modified, robots.txt is obeyed and each host gets one request per --delay.
    Each raw page is kept (compressed), so `reclean` can re-extract without fetching.
    As `clean` does, the run then learns the profile of each host it fetched pages of, from
    all the pages of that host kept so far, and extracts again the pages it changes (also
    when the run is interrupted); --no-profiles turns this off.

    Example: newsclean fetch --site chinanews --max-articles 50 --db news.db

    Exit status: 0 no failure; 2 some pages failed (the others are stored); 1 nothing could be
    done (every page failed, the network unreachable: no new database is left); 2 usage error.
    """
    from newsclean.db.fetchstore import open_fetch_db
    from newsclean.ingest.crawl import Crawler, CrawlOptions
    from newsclean.ingest.fetcher import FetchConfig, Fetcher

    adapters = chosen_adapters(sites, mirrors)
    urls = read_url_list(urls_file) if urls_file else None
    existed = os.path.exists(db_path)
    try:
        db = open_fetch_db(db_path)
    except (StoreError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    options = CrawlOptions(
        max_articles=max_articles,
        max_pages=max_pages,
        refresh=refresh,
        since=since.date().isoformat() if since else None,
    )
    fetcher = Fetcher(
        FetchConfig(
            user_agent=user_agent,
            delay=delay,
            response_timeout=timeout,
            url_timeout=2.5 * timeout,
            mirrors=tuple(mirrors.values()),
        )
    )
    status = StatusLine("fetch", fetching=True)
    fetcher.on_wait = status.waiting
    crawler = Crawler(db, fetcher, options, on_progress=status, profiles=not no_profiles)
    try:
        stats = crawler.run_urls(urls, adapters) if urls is not None else crawler.run_sites(adapters)
    finally:
        status.close()
        fetcher.close()
    if not existed:
        delete_if_no_article(db, db_path)  # nothing stored: leave no empty database behind
    print_summary(stats, db_path, listings=urls is None)
    sys.exit(run_status(stats.failed, stats.new + stats.updated + stats.unchanged))


@click.command()
@click.option(
    "--site",
    metavar="NAME|HOST",
    callback=site_callback,
    help="Only this site's pages: fetched for the adapter NAME, or from HOST or a host of that "
    "domain (ent.163.com, 163.com); with it, the page files `clean` stored its articles from too.",
)
@db_option("SQLite database holding the fetched pages.")
@click.option(
    "--no-profiles", is_flag=True, help="Extract each page alone: neither learn nor apply site profiles."
)
def reclean(site: str | None, db_path: str, no_profiles: bool) -> None:
    """Re-extract every stored raw page with the current adapters and update the articles.

    Use it after an adapter was fixed: nothing is fetched again. The hosts' site profiles are
    learned again from the pages and applied to the pages they change (see `clean`). With
    --site, the page files `clean` stored the site's articles from are extracted again too
    (those still there unchanged), so that a profile learned since reaches them.

    Example: newsclean reclean --site hnr --db news.db

    Exit status: 0 every page gave an article; 2 some did not; 1 none did, or nothing could
    run; 2 usage error.
    """
    from newsclean.db.fetchstore import open_fetch_db
    from newsclean.ingest.crawl import reclean as reclean_pages

    try:
        require_corpus(db_path)  # a missing database is an error here, never created
        db = open_fetch_db(db_path)
    except (StoreError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    status = StatusLine("reclean", fetching=False)
    try:
        stats = reclean_pages(db, site, on_progress=status, profiles=not no_profiles)
    finally:
        status.close()
    click.echo(
        f"{pages_done(stats)} stored pages re-cleaned: "
        f"{stats.new} new, {stats.updated} updated, {stats.unchanged} unchanged, "
        f"{stats.failed} failed  → {db_path}  ({stats.seconds:.1f} s)"
    )
    for url, detail in stats.failed_urls[:LISTED_FAILURES]:
        click.echo(f"failed: {one_line(url)}: {one_line(detail)}", err=True)
    sys.exit(run_status(stats.failed, stats.new + stats.updated + stats.unchanged))
