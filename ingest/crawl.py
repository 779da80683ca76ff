"""A fetch run: walk the adapters' listings, fetch the articles not stored yet, store and clean them."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsclean.db.fetchstore import (
    FINAL_STATUSES,
    RawPage,
    finish_run,
    is_stored,
    iter_raw_pages,
    raw_page_of_article,
    read_raw_page,
    save_failure,
    save_raw_page,
    save_validators,
    set_extraction,
    start_run,
    validators,
    was_walked,
)
from newsclean.db.profiles import stored_samples
from newsclean.db.store import upsert_article
from newsclean.extract.profiles import Profile, drops_lines, effect, moves_body, sample_from_json
from newsclean.extract.record import Article, NotAnArticle
from newsclean.ingest.decode import DecodeError, decode_bytes
from newsclean.ingest.fetcher import Fetcher, FetchError, Response
from newsclean.ingest.listing import ListedArticle, read_listing
from newsclean.ingest.pipeline import extract_read, extract_sampled, store_batch
from newsclean.ingest.profiling import Learner, Seen, stored_inputs
from newsclean.ingest.urls import url_problem
from newsclean.ingest.verbosity import describe
from newsclean.sites import Adapter

if TYPE_CHECKING:
    from newsclean.db.writable import CorpusDatabase


@dataclass
class CrawlOptions:
    """The limits of one run."""

    max_articles: int = 200  # article fetches per site (in all, for a URL list)
    max_pages: int = 5  # listing pages followed from each start point
    since: str | None = None  # YYYY-MM-DD: older listed articles are skipped
    refresh: bool = False  # fetch stored articles again, ignore listing validators


@dataclass
class RunStats:
    """What a run did, for the progress display, the summary and the `runs` row."""

    pages: int = 0  # listing pages fetched and read
    not_modified: int = 0  # listing pages answered 304
    fetched: int = 0  # article pages fetched
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: Counter = field(default_factory=Counter)  # reason -> count
    failed_urls: list[tuple[str, str]] = field(default_factory=list)
    per_site: Counter = field(default_factory=Counter)  # site -> article pages fetched
    notes: list[str] = field(default_factory=list)  # limits applied, for the summary
    started: float = field(default_factory=time.monotonic)

    def fail(self, url: str, reason: str, detail: str | None = None) -> None:
        """Count one failure under its reason and keep the URL for the report."""
        self.failures[reason] += 1
        self.failed_urls.append((url, detail or reason))

    def count_extraction(self, url: str, stored: str | None, error: Exception | None) -> None:
        """Count a page's outcome: its article "new", "updated" or "unchanged", or the error."""
        if error is not None:
            self.fail(url, extraction_reason(error), error_text(error))
        elif stored == "new":
            self.new += 1
        elif stored in ("updated", "merged"):  # merged: a URL-less copy stored earlier took the URL
            self.updated += 1
        else:
            self.unchanged += 1

    @property
    def failed(self) -> int:
        """How many URLs failed, whatever the reason."""
        return sum(self.failures.values())

    @property
    def seconds(self) -> float:
        """Time since the run started."""
        return time.monotonic() - self.started

    def counts(self) -> dict[str, int]:
        """The counters as stored in the `runs` row."""
        return {
            "pages": self.pages,
            "not_modified": self.not_modified,
            "fetched": self.fetched,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
        }


def extraction_reason(exc: Exception) -> str:
    """A short, groupable reason for a page that gave no article."""
    if isinstance(exc, NotAnArticle):
        return "not an article"
    if isinstance(exc, DecodeError):
        return "undecodable"
    return "extraction error"


def error_text(exc: Exception | None) -> str | None:
    """The message stored for a page that gave no article."""
    return (str(exc) or type(exc).__name__) if exc else None


def extract(
    body: bytes,
    url: str,
    site: str | None,
    charset: str | None,
    profile: Profile | None = None,
    learner: Learner | None = None,
) -> tuple[Article | None, Exception | None]:
    """The article of a fetched page with the same code `clean` uses (with its host's learned
    `profile`, if any), or why there is none; the page's sample goes to `learner` when given."""
    try:
        art, sample = extract_sampled(
            body, url=url, site=site, charset=charset, profile=profile, observe=learner is not None
        )
    except (DecodeError, NotAnArticle, ValueError, RecursionError) as exc:
        return None, exc
    if learner is not None and sample is not None:
        learner.keep(url, Seen(sample, art.fingerprint, None))
    return art, None


class Crawler:
    """One run over a database: listings → new article URLs → fetch → store raw → clean → upsert."""

    def __init__(
        self,
        db: CorpusDatabase,
        fetcher: Fetcher,
        options: CrawlOptions,
        on_progress: Callable[[RunStats, str], None] | None = None,
        profiles: bool = True,
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.options = options
        self.on_progress = on_progress or (lambda stats, url: None)
        self.stats = RunStats()
        self.seen: set[str] = set()
        self.budget = options.max_articles  # article fetches left for the current site
        # The pages are extracted alone and leave their sample; the hosts are learned from at
        # the end of the run (or when it is interrupted), as `clean` does (see `learn`).
        self.learner = Learner() if profiles else None
        self.fetched_pages: list[str] = []  # this run's stored pages (raw_pages' URLs), in order

    def run_sites(self, adapters: Iterable[Adapter]) -> RunStats:
        """Crawl every start point of the adapters, one site after another."""
        adapters = list(adapters)
        run_id = start_run(self.db, {"sites": [a.name for a in adapters], **vars(self.options)})
        try:
            for adapter in adapters:
                self.budget = self.options.max_articles
                for start in adapter.listing_urls():
                    if self.budget <= 0:
                        break
                    self.walk_listing(adapter, start)
        finally:
            self.learn()
        self.stats.notes = self.fetcher.notes()
        finish_run(self.db, run_id, self.stats.counts(), dict(self.stats.failures))
        return self.stats

    def run_urls(self, urls: Iterable[str | tuple[str, str]], adapters: Iterable[Adapter]) -> RunStats:
        """Fetch a plain list of article URLs (bounded by max_articles in all).

        An item is a URL or a (where, URL) pair, `where` ("FILE:LINE") naming the URL in its
        failure. A URL that cannot be fetched (malformed, not http(s)) fails alone; the run goes on.
        """
        adapters = list(adapters)
        run_id = start_run(self.db, {"urls": True, **vars(self.options)})
        try:
            for item in urls:
                if self.budget <= 0:
                    break
                self.fetch_listed_url(item, adapters)
        finally:
            self.learn()
        self.stats.notes = self.fetcher.notes()
        finish_run(self.db, run_id, self.stats.counts(), dict(self.stats.failures))
        return self.stats

    def fetch_listed_url(self, item: str | tuple[str, str], adapters: list[Adapter]) -> None:
        """Fetch one URL of a plain list (see run_urls); a bad one fails alone."""
        where, raw = item if isinstance(item, tuple) else (item, item)
        problem = url_problem(raw)
        if problem:
            self.stats.fail(where, "bad URL", f"{problem}: {raw!r}")
            return
        adapter = next((a for a in adapters if a.claims_url(raw) or a.owns(raw)), None)
        url = adapter.on_mirror(raw) if adapter else raw
        if self.wanted(ListedArticle(url)):
            self.budget -= 1
            self.fetch_article(url, adapter)

    def learn(self) -> None:
        """Learn the profiles of the hosts whose pages this run stored, from all their kept
        samples, and bring the pages they change in line (apply_learned); runs also when the
        run is interrupted, over the pages stored until then."""
        learner, self.learner = self.learner, None
        if learner is None:
            return
        try:
            if learner.count:
                pages = (page for url in self.fetched_pages if (page := read_raw_page(self.db, url)))
                with self.db.atomic():
                    apply_learned(self.db, learner, pages)
        finally:
            learner.close()

    def walk_listing(self, adapter: Adapter, start: str) -> None:
        """Read a start point and its next pages until a page brings nothing new.

        Paging stops at a page whose articles are all older than --since, or all known
        when the last walk of this start point was complete. Validators are saved only
        when the walk handled everything it found, so an interrupted or budget-cut walk
        is read again in full by the next run (which then pages past known articles).
        """
        url: str | None = start
        answered: dict[str, dict[str, str]] = {}  # page URL -> its response headers
        walked_before = was_walked(self.db, start)
        complete = True
        for _page in range(self.options.max_pages):
            if url is None or url in answered:
                break
            response = self.fetch_listing(adapter, url)
            if response is None:
                return
            if response.not_modified:
                break
            answered[url] = response.headers
            listing = self.read_listing(adapter, response)
            if listing is None:
                return
            recent = [item for item in listing.articles if not self.too_old(item)]
            wanted = [item for item in recent if self.wanted(item)]
            for item in wanted:
                if self.budget <= 0:
                    return
                self.budget -= 1
                complete = self.fetch_article(item.url, adapter) and complete
            if not recent or (not wanted and walked_before):
                break
            url = listing.next_url
        if complete:
            for page_url, headers in answered.items():
                save_validators(self.db, page_url, headers)

    def fetch_listing(self, adapter: Adapter, url: str) -> Response | None:
        """A listing page, conditional on the stored validators; None when it failed."""
        etag, last_modified = (None, None) if self.options.refresh else validators(self.db, url)
        try:
            response = self.fetcher.get(url, etag=etag, last_modified=last_modified, allowed=adapter.owns)
        except FetchError as exc:
            self.stats.fail(url, f"listing {exc.reason}", describe(exc, f"listing {exc.reason}"))
            return None
        if response.not_modified:
            self.stats.not_modified += 1
        else:
            self.stats.pages += 1
        self.on_progress(self.stats, url)
        return response

    def read_listing(self, adapter: Adapter, response: Response):
        """The listing's links; None (and a failure) when the page cannot be read."""
        try:
            text, _encoding = decode_bytes(response.body, response.charset)
            # links are read as on the site, so a mirror's relative links keep the site's host
            return read_listing(adapter, text, adapter.off_mirror(response.final_url, response.url))
        except ValueError as exc:  # DecodeError and unparseable pages
            self.stats.fail(response.url, "listing unreadable", str(exc))
            return None

    def too_old(self, item: ListedArticle) -> bool:
        """True when the listing dates the article before --since."""
        return bool(self.options.since and item.published and item.published < self.options.since)

    def wanted(self, item: ListedArticle) -> bool:
        """True for an article not seen in this run and not stored yet (or --refresh)."""
        if item.url in self.seen:
            return False
        self.seen.add(item.url)
        return self.options.refresh or not is_stored(self.db, item.url)

    def fetch_article(self, url: str, adapter: Adapter | None) -> bool:
        """Fetch, store and clean one article; True when the URL needs no retry next run."""
        try:
            response = self.fetcher.get(url, allowed=adapter.owns if adapter else None)
        except FetchError as exc:
            save_failure(
                self.db,
                url=url,
                site=adapter.name if adapter else "",
                status=exc.status or 0,
                error=exc.reason,
            )
            self.stats.fail(url, exc.reason, describe(exc, exc.reason))
            self.on_progress(self.stats, url)
            return exc.status in FINAL_STATUSES
        self.stats.fetched += 1
        self.stats.per_site[adapter.name if adapter else "other"] += 1
        site_url = adapter.off_mirror(response.final_url, response.url) if adapter else response.final_url
        self.store_article(response, adapter.name if adapter else None, site_url)
        self.on_progress(self.stats, url)
        return True

    def store_article(self, response: Response, site: str | None, site_url: str) -> None:
        """Extract the article as the page at `site_url` (the site's URL of a page fetched
        from a mirror) and write it with its raw page in one transaction."""
        art, error = extract(response.body, site_url, site, response.charset, learner=self.learner)
        with self.db.atomic():
            save_raw_page(
                self.db,
                url=response.url,
                final_url=response.final_url,
                site_url=site_url if site_url != response.final_url else None,
                site=site or (art.site if art else ""),
                status=response.status,
                headers=response.headers,
                encoding=response.charset,
                body=response.body,
                article_key=art.key if art else None,
                error=error_text(error),
            )
            stored = upsert_article(self.db, art.to_row())[1] if art else None
        self.fetched_pages.append(response.url)
        self.stats.count_extraction(response.url, stored, error)


def reclean(
    db: CorpusDatabase,
    site: str | None = None,
    on_progress: Callable[[RunStats, str], None] | None = None,
    profiles: bool = True,
) -> RunStats:
    """Re-extract every stored raw page with the current adapters and upsert its article; then
    learn the hosts' profiles from them (as `clean` does: ingest/profiling.py) and extract again,
    with its profile, each page a profile changes. `profiles` False: pages alone, nothing learned.

    `site` (an adapter name, a host or a domain) limits it to that site's raw pages, and adds
    the page files `clean` stored its articles from (those still there unchanged): a profile
    learned since then is applied to them too."""
    stats = RunStats()
    learner = Learner() if profiles else None
    if site:
        reclean_inputs(db, site, stats, learner, on_progress)
    for page in iter_raw_pages(db, site):
        art, error = extract(
            page.body,
            page.article_url,
            page.site or None,
            page.encoding,
            learner=learner,
        )
        with db.atomic():
            set_extraction(db, page.url, art.key if art else None, error_text(error))
            stored = upsert_article(db, art.to_row())[1] if art else None
        stats.count_extraction(page.url, stored, error)
        if on_progress:
            on_progress(stats, page.url)
    if learner is not None:
        if learner.count:
            with db.atomic():
                apply_learned(db, learner, iter_raw_pages(db, site))
        learner.close()
    return stats


def reclean_inputs(
    db: CorpusDatabase,
    site: str,
    stats: RunStats,
    learner: Learner | None,
    on_progress: Callable[[RunStats, str], None] | None,
) -> None:
    """Extract again, alone, the page files `clean` stored the site's articles from (see
    profiling.stored_inputs), each stored as `clean` stores it; its sample goes to `learner`."""
    for job, read in stored_inputs(db, site):
        done = extract_read(read, db.indexes, observe=learner is not None)
        (outcome,) = store_batch(db, [done])
        if learner is not None:
            learner.take(job, done)
        status = {"cleaned": "new", "merged": "updated"}.get(outcome.status, outcome.status)
        error = NotAnArticle(outcome.error or "") if outcome.status == "failed" else None
        stats.count_extraction(job.name, status, error)
        if on_progress:
            on_progress(stats, job.name)


def apply_learned(db: CorpusDatabase, learner: Learner, pages: Iterable[RawPage]) -> None:
    """Learn the profiles of the run's pages (`pages`: the raw pages among them) and extract
    again the pages they change: the page files as `clean` does (Learner.bring_in_line), the
    run's raw pages, then the raw pages of earlier runs that a changed profile changes."""
    learned = learner.learn(db)
    learner.bring_in_line(db, None, learned)
    for page in pages:
        seen = learner.seen(page.article_url)
        profile = learned.get((seen.sample.host, seen.sample.kind)) if seen else None
        if seen and profile and (moves_body(profile, seen.sample) or drops_lines(profile, seen.sample)):
            extract_raw_again(db, page, profile)
    for (host, kind), old in sorted(learner.changed.items()):
        for name in earlier_fetched_pages(learner, db, host, kind, learned[host, kind], old):
            earlier = raw_page_of_article(db, name)
            if earlier is not None:
                extract_raw_again(db, earlier, learned[host, kind])


def earlier_fetched_pages(
    learner: Learner, db: CorpusDatabase, host: str, kind: str, new: Profile, old: Profile | None
) -> Iterator[str]:
    """The article URLs of the host's kept samples of fetched pages (no page file) from earlier
    runs whose row the `new` profile changes otherwise than the `old` one did (`effect`)."""
    for name, _fingerprint, url, _site, data in stored_samples(db, host, kind):
        if url is None and learner.seen(name) is None:
            sample = sample_from_json(data)
            if effect(new, sample) != effect(old, sample):
                yield name


def extract_raw_again(db: CorpusDatabase, page: RawPage, profile: Profile) -> None:
    """Extract a stored raw page again with its host's profile and store its article (a page
    that fails with it keeps the article it was stored with alone)."""
    art, _ = extract(page.body, page.article_url, page.site or None, page.encoding, profile)
    if art:
        upsert_article(db, art.to_row())
