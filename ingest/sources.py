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
