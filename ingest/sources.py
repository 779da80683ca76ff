"""The inputs of a run in order: one per page file, one per page record of a WARC archive."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from newsclean.db.store import known_input
from newsclean.ingest.inputs import InputFile, display_path
from newsclean.ingest.pipeline import FileJob, Job, Outcome, prepare, sha256_of
from newsclean.ingest.warc import Broken, Skipped, is_warc, read_archive, record_name

if TYPE_CHECKING:
    import sqlite_utils

T = TypeVar("T")

# A window of inputs closes at this many bytes of page data held in this process (WARC
# records and standard input are read here, page files by the workers)...
WINDOW_BYTES = 32 * 1024 * 1024
# ...and windows are collected, oldest first, while more than this many bytes are in flight:
# 320 records of 19 MB held at once took 6.4 GB.
FLIGHT_BYTES = 4 * WINDOW_BYTES


def prepared_inputs(
    db: sqlite_utils.Database, files: list[InputFile], urls: dict[Path, str], site: str | None, force: bool
) -> Iterator[FileJob | Job | Outcome]:
    """Each input of the files in file and record order: page files to be read by the workers
    (see `prepare`), WARC records read and hashed here."""
    for path in files:
        if is_warc(path):
            yield from prepare_archive(db, path, site, force)
        else:
            assert isinstance(path, Path)  # URLs name WARC archives only (ingest/remote.py)
            yield prepare(db, path, urls.get(path), site, force)


def prepare_archive(
    db: sqlite_utils.Database | None,
    archive: InputFile,
    site: str | None,
    force: bool,
    start: int = 0,
    stop: int | None = None,
) -> Iterator[Job | Outcome]:
    """A Job per page record of `archive` starting in [start, stop) (not known yet unless
    `force`; every record when `db` is None), an Outcome for the others: skipped, broken,
    unchanged, or the whole archive failed when it cannot be opened."""
    try:
        for item in read_archive(archive, start, stop):
            if isinstance(item, Skipped):
                yield Outcome(record_name(archive, item.offset), "skipped", error=item.reason)
            elif isinstance(item, Broken):
                yield Outcome(item.path, "failed", error=item.error)
            else:
                digest = sha256_of(item.data)
                if db is not None and not force and known_input(db, item.path, digest):
                    yield Outcome(item.path, "unchanged")
                else:
                    yield Job(
                        item.path,
                        item.data,
                        digest,
                        item.url,
                        site,
                        charset=item.charset,
                        fetched_at=item.fetched_at,
                    )
    except OSError as exc:  # the archive cannot be opened or read at all
        yield Outcome(display_path(archive), "failed", error=f"cannot read: {exc.strerror or exc}")


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def held_bytes(item: FileJob | Job | Outcome) -> int:
    """Bytes of page data an input holds in this process: a record's or standard input's
    (a page file is read by the worker that extracts it)."""
    return len(item.data) if isinstance(item, Job) else 0


def windows(items: Iterable[FileJob | Job | Outcome], size: int) -> Iterator[list[FileJob | Job | Outcome]]:
    """Consecutive lists of at most `size` inputs, each closed once its inputs hold
    WINDOW_BYTES (see held_bytes): a window of large WARC records holds a few of them."""
    window: list[FileJob | Job | Outcome] = []
    held = 0
    for item in items:
        window.append(item)
        held += held_bytes(item)
        if len(window) == size or held >= WINDOW_BYTES:
            yield window
            window, held = [], 0
    if window:
        yield window
