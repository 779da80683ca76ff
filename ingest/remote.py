"""WARC archives on object storage or any other fsspec filesystem, named by URL
(s3://bucket/crawl/, gs://…, hdfs://…, file:///…): found, opened and identified by URL.

fsspec comes with the `cluster` extra (Dask needs it); each store needs its own package
(s3fs for s3://, gcsfs for gs://). Only WARC archives are read this way: a folder URL gives
the archives under it, and glob patterns (s3://bucket/cc-news/2024-*.warc.gz) are expanded.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO

_URL_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_GLOB_CHARS = "*?["
# Filesystems that hold WARC archives (memory: in-process, for tests and notebooks).
# Others are refused before fsspec parses the URL: chained (zip://…::file://…) and archive
# filesystems read local files by another name, and some (github://) reach the network
# while parsing.
PROTOCOLS = frozenset(
    {"file", "memory", "s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "hdfs", "http", "https"}
)


class RemoteError(OSError):
    """A URL among the PATHs that cannot be listed or read."""


class RemoteFile(str):
    """A file on an fsspec filesystem, by its URL. Like a Path, it has `name` and `open()`."""

    @property
    def name(self) -> str:
        """The last part of the URL."""
        return self.rstrip("/").rsplit("/", 1)[-1]

    def open(self, mode: str = "rb") -> BinaryIO:
        """The file, opened for reading (seekable: WARC records are read by offset)."""
        fs, path = _filesystem(self)
        return fs.open(path, mode)

    def identity(self) -> list[Any]:
        """What tells this version of the file from another: size and a modification stamp."""
        fs, path = _filesystem(self)
        info = fs.info(path)
        stamps = ("mtime", "LastModified", "ETag", "updated", "created")  # by store
        stamp = next((info[k] for k in stamps if k in info), None)
        return [info.get("size"), str(stamp)]


def is_url(raw: str) -> bool:
    """True for PATHs that are URLs with a scheme (s3://, file://…), not local paths."""
    return bool(_URL_RE.match(raw))


def _filesystem(url: str) -> tuple[Any, str]:
    """fsspec's filesystem and path for a URL; RemoteError when fsspec or the store's
    package is missing."""
    protocol = url.split("://", 1)[0].lower()
    if protocol not in PROTOCOLS or "::" in url:
        allowed = ", ".join(sorted(PROTOCOLS))
        raise RemoteError(f"cannot open this kind of URL: {protocol}:// (only {allowed}; no :: chains)")
    try:
        from fsspec.core import url_to_fs
    except ImportError as exc:
        raise RemoteError("reading URLs needs fsspec: pip install 'newsclean[cluster]'") from exc
    try:
        return url_to_fs(url)
    except Exception as exc:  # no package for the protocol, a bad URL: a store raises anything
        raise RemoteError(f"cannot open this URL: {type(exc).__name__}: {exc}") from exc


def expand(url: str, is_archive: Any) -> list[RemoteFile]:
    """The WARC archives a URL names: the file, the archives under a folder, or a glob's
    matches, sorted. RemoteError when there is nothing (or the store cannot be listed)."""
    fs, path = _filesystem(url)
    try:
        if any(c in path for c in _GLOB_CHARS):
            found = fs.glob(path)
        elif fs.isdir(path):
            found = fs.find(path)
        else:
            found = [path] if fs.isfile(path) else None
    except Exception as exc:  # stores raise their own errors, not only OSError
        raise RemoteError(f"cannot list: {type(exc).__name__}: {exc}") from exc
    if found is None:
        raise RemoteError("no such file or folder")
    archives = sorted(RemoteFile(fs.unstrip_protocol(p)) for p in found if is_archive(p))
    if not archives:
        raise RemoteError("no WARC archive (.warc, .warc.gz) there: only archives are read from URLs")
    return archives
