"""Issue 24, item 27: the WARC records that `clean` reads in its main process are streamed, and
what is in flight (read, not yet extracted and written) is bounded by bytes, not only by
count: 5 windows of 64 records each were held at once, 6.4 GB for 320 records of 19 MB. The
archive here follows a crawler's WARC of large article pages (warcinfo, then one response
record per page), with the byte bounds scaled down so that 120 records of 17 KB show it:
16 records are held at most, where all 120 were."""

from __future__ import annotations

import weakref
from pathlib import Path

import pytest

from newsclean.db import store
from newsclean.ingest import pipeline, sources
from newsclean.ingest.warc import WarcWriter, warc_record

pytest.importorskip("fastwarc")
pytestmark = pytest.mark.slow  # 120 pages of 17 KB extracted: about 5 s

RECORDS = 120
KIB = 1024


def large_page(n: int) -> bytes:
    """An article page of about 17 KB: a title and 80 paragraphs of its own."""
    paragraphs = "".join(
        f"<p>第{n}篇报道第{p}段：记者从当地有关部门获悉，社区防控工作有序推进，居民生活保障到位，"
        f"各项措施落实落细，群众反映良好，相关工作将持续开展下去。</p>"
        for p in range(80)
    )
    html = f"<html><head><title>第{n}篇长篇报道</title></head><body><h1>第{n}篇长篇报道</h1>{paragraphs}</body></html>"
    return html.encode("utf-8")


def write_archive(path: Path) -> int:
    """RECORDS response records of large pages; the size of one."""
    with path.open("wb") as fh:
        writer = WarcWriter(fh, gz=True)
        writer.write(warc_record("", b"software: test", record_type="warcinfo"))
        for n in range(RECORDS):
            page = large_page(n)
            url = f"https://news.example.cn/{n}.html"
            writer.write(warc_record(url, page, http_headers={"Content-Type": "text/html; charset=utf-8"}))
    return len(page)


def test_records_in_flight_are_bounded_by_bytes(tmp_path, monkeypatch):
    size = write_archive(tmp_path / "crawl.warc.gz")
    assert size > 15 * KIB
    monkeypatch.setattr(sources, "WINDOW_BYTES", 64 * KIB)  # about 4 records a window
    monkeypatch.setattr(sources, "FLIGHT_BYTES", 256 * KIB)  # about 16 records in flight
    held = {"now": 0, "peak": 0}

    def release(n: int) -> None:
        held["now"] -= n

    read = sources.prepare_archive

    def watched(*args, **kwargs):
        """prepare_archive, counting the record bytes alive in this process."""
        for item in read(*args, **kwargs):
            if isinstance(item, pipeline.Job):
                held["now"] += len(item.data)
                held["peak"] = max(held["peak"], held["now"])
                weakref.finalize(item, release, len(item.data))
            yield item

    monkeypatch.setattr(sources, "prepare_archive", watched)
    db = store.open_db(tmp_path / "news.db")
    summary = pipeline.clean_paths(db, [str(tmp_path / "crawl.warc.gz")], jobs=1, profiles=False)
    assert summary.counts["cleaned"] == RECORDS, summary
    assert db.execute("select count(*) from articles").fetchone()[0] == RECORDS
    # In flight: 256 KiB, the window being filled and the one being collected (before: all 120, up to 320).
    assert held["peak"] <= 256 * KIB + 2 * (64 * KIB + size), held["peak"] // size
