"""The cleaning pipeline: bytes → page → adapter → checked article → database row.

Its stages, in order, are listed in db/stages.py: read (gunzip, size bound) → decode →
extract (detect the adapter, extract, check mandatory fields and warnings) → derive (the
derived indexes' text work, in the worker) → write (a transaction per batch) → the derived
indexes the database carries (search index → stories), which the store syncs after the write.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import signal
import sqlite3
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsclean.db.store import (
    DerivedIndex,
    derive,
    forget_derived,
    offer_derived,
    record_input,
    stored_digest,
    sync_indexes,
    upsert_article,
)
from newsclean.extract.profiles import PageSample, Profile, apply_template_lines
from newsclean.extract.record import Article, NotAnArticle
from newsclean.extract.text import has_han
from newsclean.ingest.decode import DecodeError, decode_text
from newsclean.ingest.inputs import (
    STDIN,
    Found,
    InputError,
    bound_page,
    display_path,
    find_inputs,
    read_input,
    saved_url,
)
from newsclean.ingest.mhtml import is_mhtml, saved_page
from newsclean.ingest.select import Selection
from newsclean.ingest.urls import http_url
from newsclean.sites import Page, adapter_named, detect

if TYPE_CHECKING:
    import sqlite_utils

    from newsclean.db.writable import CorpusDatabase
    from newsclean.ingest.profiling import Learner

_HTML_RE = re.compile(r"<(?:!doctype\s+html|html|head|body|div|p|meta|title)\b", re.IGNORECASE)
# A body shorter than this many Han characters is no article (a list page, an error page).
MIN_BODY_HAN = 30
# A body with more than this share of U+FFFD / private-use characters was decoded wrongly.
MAX_UNDECODABLE_SHARE = 0.05
_UNDECODABLE_RE = re.compile("[\ufffd\ue000-\uf8ff]")
# A title longer than this is page text swallowed by broken markup, not a headline.
MAX_TITLE_CHARS = 200
# Inputs read and extracted per window (a worker reads its own page files; WARC records
# are read by the main process): what is in flight is a few windows.
BATCH_SIZE = 64
# Extracted rows written per transaction: what a killed run has to redo. The derived
# indexes (search, stories) read what they need once per transaction, so larger batches cost less
# per article (on 10,000 generated pages, 256 rather than 64 took 20% less CPU).
WRITE_SIZE = 4 * BATCH_SIZE


@dataclass
class Outcome:
    """What happened to one input."""

    path: str
    status: str  # cleaned | updated | unchanged | merged | failed
    site: str | None = None
    error: str | None = None
    key: str | None = None


@dataclass
class Summary:
    """Counts for the end-of-run report (failures kept one by one, the rest only counted)."""

    counts: Counter = field(default_factory=Counter)
    per_site: Counter = field(default_factory=Counter)
    failures: list[Outcome] = field(default_factory=list)
    stopped: str | None = None  # why the run stopped early (a full disk), if it did
    profiled: int = 0  # rows updated by their host's learned profile
    interrupted: bool = False  # stopped by Ctrl-C (SIGINT): what was extracted before is stored
    not_pages: list[tuple[str, str]] = field(default_factory=list)  # (file, reason) not read

    def add(self, outcome: Outcome) -> None:
        """Count one input's outcome."""
        self.counts[outcome.status] += 1
        if outcome.status in ("cleaned", "updated", "merged"):
            self.per_site[outcome.site] += 1
        if outcome.status == "failed":
            self.failures.append(outcome)


def looks_like_html(text: str) -> bool:
    """True when the text is markup rather than a plain-text rendering."""
    return bool(_HTML_RE.search(text[:4096]))


def extract_page(data: bytes, **options: Any) -> Article:
    """Extract one article from raw bytes; raises DecodeError, NotAnArticle or ValueError.
    `options` are extract_sampled's (url, path, site, charset, fetched_at, profile)."""
    return extract_sampled(data, **options)[0]


def extract_sampled(
    data: bytes,
    *,
    url: str | None = None,
    path: str | None = None,
    site: str | None = None,
    charset: str | None = None,
    fetched_at: dt.datetime | None = None,
    profile: Profile | None = None,
    observe: bool = False,
) -> tuple[Article, PageSample | None]:
    """Extract one article from raw bytes, with what the page tells its host's profile when
    `observe` (None for a page without a host, or one an adapter does not sample); raises
    DecodeError, NotAnArticle or ValueError.

    `charset` is the HTTP header's charset; `fetched_at` (aware) resolves relative dates;
    `profile` is the page's host's learned profile (extract/profiles.py).
    """
    if not data.strip():
        raise NotAnArticle("empty input")
    text, encoding, doubt = decode_text(data, charset)
    notes = [doubt] if doubt else []
    if "\x00" in text:  # lxml turns NULs into U+FFFD; a text page would store them
        text = text.replace("\x00", "")
        notes.append("NUL characters removed")
    if "\ufffd" in text:
        notes.append(f"undecodable bytes shown as U+FFFD (decoded as {encoding})")
    is_html = looks_like_html(text)
    text, cuts = bound_page(text, is_html)  # bounds the memory parsing takes
    notes.extend(cuts)
    if is_html and url is None:
        url = saved_url(text[:65536].encode("utf-8"))  # the decoded head: UTF-16 pages too
    stored_url = http_url(url)  # `url` and `key` hold http(s) URLs only: never `javascript:`
    if url is not None and stored_url is None:
        notes.append("URL not stored: not a well-formed http(s) URL")
    page = Page(text, is_html, stored_url, path, fetched_at, profile, observe and bool(stored_url))
    adapter = adapter_named(site) if site else detect(page)
    art = adapter.extract(page)
    art.input_path = path
    art.warnings.extend(notes)
    check_article(art)
    if profile is not None and page.sample is not None and apply_template_lines(profile, page.sample, art):
        check_body(art)
    return art, page.sample


def undecodable_share(text: str) -> float:
    """The share of replacement and private-use characters: bytes decoded with the wrong codec."""
    return len(_UNDECODABLE_RE.findall(text)) / max(len(text), 1)


def check_article(art: Article) -> None:
    """Refuse pages that hold no article body; note what looks wrong in `warnings`."""
    check_body(art)
    if not art.title:  # an excerpt that starts at the body: stored, with a note
        art.warnings.append("no title found")
    if len(art.title) > MAX_TITLE_CHARS:
        art.warnings.append(f"title is {len(art.title)} characters long (broken markup?)")
    if not art.published_at:
        art.warnings.append("no publication date found")
    if art.site != "generic" and not art.source:
        art.warnings.append("no source (来源) found")


def check_body(art: Article) -> None:
    """Refuse an article without a body: too little Chinese text, or mostly undecodable."""
    if not has_han("".join(art.body), MIN_BODY_HAN):
        raise NotAnArticle("no article body found (a list, index or empty page?)")
    if undecodable_share("".join(art.body)) > MAX_UNDECODABLE_SHARE:
        raise NotAnArticle("body is mostly undecodable characters (wrong or unknown encoding?)")


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of the raw input bytes."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class FileJob:
    """A page file to read, hash and extract in a worker: the main process sends its name, not
    its bytes. `known` is the digest it was cleaned with before (None with --force or new)."""

    path: Path
    name: str  # what is stored (display_path)
    url: str | None
    site: str | None
    known: str | None
    profile: Profile | None = None  # its host's profile, when re-extracted with it


@dataclass
class Job:
    """One input read, ready for extraction in any process."""

    path: str
    data: bytes
    digest: str
    url: str | None
    site: str | None
    charset: str | None = None  # from an HTTP header (a WARC record's)
    fetched_at: dt.datetime | None = None  # from a WARC record's WARC-Date
    profile: Profile | None = None


@dataclass
class Extracted:
    """What a worker sends back: the article row, or the reason the input failed."""

    path: str
    digest: str
    row: dict[str, Any] | None = None
    error: str | None = None
    derived: list[list[Any]] | None = None  # store.derive(row, indexes): the indexes' text work
    sample: PageSample | None = None  # what the page tells its host's profile, when observed


def prepare(
    db: sqlite_utils.Database, path: Path, url: str | None, site: str | None, force: bool
) -> FileJob | Job | Outcome:
    """One input file, with the digest it was cleaned with before; standard input is read
    here (a worker cannot read it)."""
    name = display_path(path)  # the file is read by `path`; `name` is what is stored
    job = FileJob(path, name, url, site, None if force else stored_digest(db, name))
    return read_job(job) if path == STDIN else job


def read_job(job: FileJob) -> Job | Outcome:
    """Read and hash one input file; an Outcome when it needs no extraction (unchanged, unreadable)."""
    try:
        data = read_input(job.path)
    except InputError as exc:
        return Outcome(job.name, "failed", error=str(exc))
    digest = sha256_of(data)
    if digest == job.known:
        return Outcome(job.name, "unchanged")
    if is_mhtml(data):
        saved = saved_page(data)
        if saved is None:
            return Outcome(job.name, "failed", error="MHTML file without an HTML part")
        return Job(
            job.name,
            saved.html,
            digest,
            job.url or saved.url,
            job.site,
            charset=saved.charset,
            profile=job.profile,
        )
    return Job(job.name, data, digest, job.url, job.site, profile=job.profile)


def extract_job(
    job: FileJob | Job, indexes: tuple[DerivedIndex, ...], observe: bool = False
) -> Extracted | Outcome:
    """Read (a FileJob) and extract one input, with what `indexes` derive of it (and, when
    `observe`, its sample for the host's profile); runs in worker processes, never raises for
    bad input."""
    if isinstance(job, FileJob):
        read = read_job(job)
        if isinstance(read, Outcome):
            return read
        job = read
    return extract_read(job, indexes, observe)


def extract_read(job: Job, indexes: tuple[DerivedIndex, ...], observe: bool = False) -> Extracted:
    """Extract one input already read, with what `indexes` derive of it (none: nothing derived)."""
    try:
        art, sample = extract_sampled(
            job.data,
            url=job.url,
            path=job.path,
            site=job.site,
            charset=job.charset,
            fetched_at=job.fetched_at,
            profile=job.profile,
            observe=observe,
        )
    except (DecodeError, NotAnArticle, ValueError, RecursionError) as exc:
        return Extracted(job.path, job.digest, error=str(exc) or type(exc).__name__)
    except Exception as exc:  # a bug met by one input: that input fails, the run goes on
        return Extracted(job.path, job.digest, error=f"unexpected error: {type(exc).__name__}: {exc}")
    row = art.to_row()
    return Extracted(job.path, job.digest, row=row, derived=derive(row, indexes), sample=sample)


def store_batch(
    db: CorpusDatabase, batch: list[Extracted | Outcome], written: set[str] | None = None
) -> list[Outcome]:
    """Write a batch of results in one transaction, in order, then sync the database's derived
    indexes in it; return their outcomes.

    `written` holds the keys the run stored before (updated once the batch is committed): a
    later input with one of them (another copy of a page, same URL) is `merged`, and the first
    copy's row stays, so that the run neither counts it as an update nor flips the row between
    the copies on every --force run."""
    outcomes = []
    changed = False
    keys: set[str] = set()  # stored by this batch
    earlier = written if written is not None else set()
    with db.atomic():  # one BEGIN…COMMIT per batch (sqlite-utils nests its writes as savepoints)
        for item in batch:
            if isinstance(item, Outcome):
                if item.status == "failed":
                    record_input(db, item.path, "", "failed", error=item.error)
                outcomes.append(item)
            elif item.error is not None:
                record_input(db, item.path, item.digest, "failed", error=item.error)
                outcomes.append(Outcome(item.path, "failed", error=item.error))
            else:
                assert item.row is not None
                if item.row["key"] in earlier or item.row["key"] in keys:
                    key = item.row["key"]
                    record_input(
                        db, item.path, item.digest, "cleaned", article_key=key, site=item.row["site"]
                    )
                    outcomes.append(Outcome(item.path, "merged", item.row["site"], key=key))
                    continue
                if item.derived is not None:
                    offer_derived(item.row, item.derived, db.indexes)
                changed |= bool(follow_edited_input(db, item.path, item.row["key"]))
                article_id, stored = upsert_article(db, item.row, update_indexes=False)
                changed |= stored != "unchanged"
                key = db.execute("select key from articles where id = ?", [article_id]).fetchone()[0]
                record_input(db, item.path, item.digest, "cleaned", article_key=key, site=item.row["site"])
                status = "cleaned" if stored == "new" else stored
                outcomes.append(Outcome(item.path, status, item.row["site"], key=key))
                keys |= {key, item.row["key"]}
        if changed:
            sync_indexes(db)
    forget_derived(db.indexes)
    earlier |= keys
    return outcomes


def follow_edited_input(db: sqlite_utils.Database, path: str, key: str) -> list[int]:
    """Before an input is stored again: when its last article was keyed by content (no URL)
    and the page was edited since (another key), that article is the page's old text. It is
    re-keyed, to be updated in place (same id), or deleted when the new text is stored
    already; unless another input holds it too. The ids changed."""
    found = db.execute("select article_key from inputs where path = ?", [path]).fetchone()
    old_key = found[0] if found else None
    if not old_key or old_key == key or not old_key.startswith("sha256:"):
        return []
    shared = "select 1 from inputs where article_key = ? and path != ? limit 1"
    if db.execute(shared, [old_key, path]).fetchone():
        return []
    old = db.execute("select id from articles where key = ?", [old_key]).fetchone()
    if old is None:
        return []
    if db.execute("select 1 from articles where key = ?", [key]).fetchone():
        db.execute("delete from articles where id = ?", [old[0]])
    else:
        db.execute("update articles set key = ? where id = ?", [key, old[0]])
    return [old[0]]


def clean_paths(
    db: CorpusDatabase,
    paths: list[str],
    *,
    urls: dict[Path, str] | None = None,
    site: str | None = None,
    force: bool = False,
    jobs: int = 1,
    on_progress: Callable[[str], None] | None = None,
    on_total: Callable[[int | None], None] | None = None,
    profiles: bool = True,
    selection: Selection | None = None,
) -> Summary:
    """Clean every input under `paths` into the database and summarise what happened.

    With `profiles`, each host's pages are learned from once all are extracted, and the pages
    the learned profile changes are extracted again with it (ingest/profiling.py).

    The files under `paths` are chosen by ingest/select.py (and `selection`'s globs): the
    others are listed in the summary's `not_pages`. `on_total` is told the number of inputs
    once the paths are walked (None when a WARC
    archive is among them: its records are counted only as they are read); `on_progress`
    is told each input's name as its result arrives, before it is written.

    Ctrl-C (SIGINT) stops the run: the results that arrived are written and committed, the
    rest dropped, and the summary says `interrupted` (the workers ignore SIGINT).

    With jobs > 1, the workers read, hash and extract the page files (WARC records and standard
    input are read here) while this process lists the next window of BATCH_SIZE inputs and
    writes the results before it, in input order, WRITE_SIZE inputs per transaction: the
    database ends the same as with jobs = 1, a killed run loses at most one transaction, and
    at most WRITE_SIZE / BATCH_SIZE + 1 windows of inputs are in flight, holding at most
    about sources.FLIGHT_BYTES of page data read here (WARC records, standard input).
    """
    # Forked before the inputs are listed, so that no worker holds a copy of the list.
    pool = None
    if jobs > 1 and not one_page(paths):
        import multiprocessing  # here: a run of one page forks no pool (~4 ms of start-up, issue 23)

        pool = multiprocessing.Pool(jobs, initializer=ignore_sigint)
    learner = None
    if profiles:
        from newsclean.ingest.profiling import Learner, apply_profiles  # it imports this module

        learner = Learner()
    try:
        found = find_inputs(paths, selection)
        summary = _clean_inputs(db, found, pool, urls or {}, site, force, on_progress, on_total, learner)
        if learner is not None and not summary.stopped and not summary.interrupted:
            apply_profiles(learner, db, pool, summary)
        return summary
    finally:
        if pool:
            pool.terminate()
        if learner is not None:
            learner.close()


def one_page(paths: list[str]) -> bool:
    """True when the paths name one page file: workers would only add their start-up (forking,
    the pool's threads) to its extraction."""
    from newsclean.ingest.warc import is_warc

    return len(paths) == 1 and Path(paths[0]).is_file() and not is_warc(paths[0])


def _clean_inputs(
    db: CorpusDatabase,
    found: Found,
    pool: Any,
    urls: dict[Path, str],
    site: str | None,
    force: bool,
    on_progress: Callable[[str], None] | None,
    on_total: Callable[[int | None], None] | None,
    learner: Learner | None,
) -> Summary:
    """clean_paths' work, extracting in `pool` (a multiprocessing.Pool) or in this process;
    `learner` takes each page's sample for its host's profile."""
    # WARC archives: many inputs a file
    from newsclean.ingest.sources import FLIGHT_BYTES, held_bytes, prepared_inputs, windows
    from newsclean.ingest.warc import is_warc

    summary = Summary(not_pages=found.skipped)
    files, missing = found.files, found.missing
    for raw, error in missing:
        summary.add(Outcome(raw, "failed", error=error))
    if on_total:
        on_total(None if any(is_warc(f) for f in files) else len(files))

    results: list[Extracted | Outcome] = []  # in input order, not yet written
    written: set[str] = set()  # the keys this run stored

    def collect(prepared: list[FileJob | Job | Outcome], extracted: Iterator[Extracted | Outcome]) -> None:
        """Take a window's results as they arrive; write a transaction once there are WRITE_SIZE
        of them (the same boundaries as the cluster merge's, so both give the same database)."""
        for item in prepared:
            result = item if isinstance(item, Outcome) else next(extracted)
            results.append(result)
            if learner is not None:
                learner.take(item, result)
            if on_progress:
                on_progress(result.path)
            if len(results) == WRITE_SIZE:  # windows cut by bytes end anywhere
                write()

    def write() -> None:
        outcomes = store_batch(db, results, written)
        results.clear()
        for outcome in outcomes:
            summary.add(outcome)

    # The workers derive the indexes' values of what they extract (the writer then has less to
    # do); in this process the store's sync derives them, for the rows that changed alone.
    indexes = db.indexes if pool else ()
    extract = functools.partial(extract_job, indexes=indexes, observe=learner is not None)
    # Windows handed to the workers and not yet collected: a transaction's worth, so that
    # the workers have work while this process writes one, and at most FLIGHT_BYTES of the
    # page data read here (sources.windows).
    in_flight: deque[tuple[list[FileJob | Job | Outcome], Iterator[Extracted | Outcome]]] = deque()
    flying = 0
    try:
        for prepared in windows(prepared_inputs(db, files, urls, site, force), BATCH_SIZE):
            todo = [p for p in prepared if not isinstance(p, Outcome)]
            # imap: submitted now, results taken one by one in input order as they arrive
            extracted = pool.imap(extract, todo, chunksize=2) if pool else map(extract, todo)
            in_flight.append((prepared, extracted))
            flying += sum(map(held_bytes, prepared))
            while len(in_flight) > WRITE_SIZE // BATCH_SIZE or (flying > FLIGHT_BYTES and len(in_flight) > 1):
                flying -= sum(map(held_bytes, in_flight[0][0]))
                collect(*in_flight.popleft())  # then written while the workers extract the rest
        while in_flight:
            collect(*in_flight.popleft())
        if results:
            write()
    except KeyboardInterrupt:
        summary.interrupted = True
        write_on_interrupt(write, results)
    except sqlite3.OperationalError as exc:
        if not is_disk_full(exc):
            raise
        left = len(files) + len(missing) - sum(summary.counts.values())
        summary.stopped = (
            f"disk full ({exc}): stopped with {left} inputs not stored; the rows stored before are intact"
        )
    return summary


def ignore_sigint() -> None:
    """A worker's initializer: Ctrl-C is the main process's to handle (no worker tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def write_on_interrupt(write: Callable[[], None], results: list[Extracted | Outcome]) -> None:
    """Write the results that arrived before Ctrl-C, a second Ctrl-C ignored meanwhile."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if results:
            write()
    finally:
        signal.signal(signal.SIGINT, previous)


def is_disk_full(exc: sqlite3.Error) -> bool:
    """True for SQLite's SQLITE_FULL: no room left on the disk (or past max_page_count)."""
    return getattr(exc, "sqlite_errorcode", None) == 13 or "is full" in str(exc)  # 13: SQLITE_FULL


def windows(items: list[Path], size: int) -> Iterator[list[Path]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
