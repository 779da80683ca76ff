"""Issue 24, item 13: an input that trips the extractor (a relative date past the calendar's
ends, or any unexpected error) fails alone, named, and the run goes on. The pages follow a
regional news article (title, a source line with the date, paragraphs) inside a WARC
response record, as a wget --warc-file crawl stores them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from conftest import invoke
from newsclean.extract.dates import parse_date
from newsclean.ingest import pipeline
from newsclean.ingest.pipeline import Job, extract_read

pytest.importorskip("fastwarc")

from newsclean.ingest.warc import WarcWriter, warc_record

PARAGRAPH = "本市今日召开会议，部署全年重点工作任务，要求各部门认真落实。" * 2
UTC = dt.timezone.utc


def page(date_line: str, title: str = "全市召开重点工作部署会议") -> bytes:
    body = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(4))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<h1>{title}</h1><div>来源：本站 {date_line}</div>{body}</body></html>"
    ).encode()


def test_relative_dates_past_the_calendar_give_no_date() -> None:
    now = dt.datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_date("99999999999天前", now=now) is None
    assert parse_date("1天前", now=dt.datetime(1, 1, 1, tzinfo=UTC)) is None
    assert parse_date("3天前", now=now) == "2023-12-29T08:00:00+08:00"


def test_a_warc_of_overflowing_relative_dates_is_cleaned_whole(tmp_path: Path) -> None:
    archive, db = tmp_path / "crawl.warc", tmp_path / "news.db"

    def record(number: int, date_line: str) -> bytes:
        return warc_record(
            f"http://example.com/{number}.html",
            page(date_line, f"全市召开第{number}次重点工作部署会议"),
            date="2024-01-01T00:00:00Z",
            http_headers={"Content-Type": "text/html; charset=utf-8"},
        )

    year_one = record(1, "1天前").replace(b"WARC-Date: 2024-", b"WARC-Date: 0001-")
    with archive.open("wb") as fh:
        writer = WarcWriter(fh, gz=False)
        for data in (year_one, record(2, "99999999999天前"), record(3, "3天前")):
            writer.write(data)
    result = invoke("clean", str(archive), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "3 inputs: 3 cleaned" in result.output
    with sqlite3.connect(db) as conn:
        dates = [r[0] for r in conn.execute("select published_at from articles order by url")]
    assert dates == [None, None, "2023-12-29T08:00:00+08:00"]


def test_an_unexpected_error_fails_that_input_and_names_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("layout")

    monkeypatch.setattr(pipeline, "extract_sampled", broken)  # what extract_read calls
    done = extract_read(Job("page.html", page("3天前"), "digest", None, None), ())
    assert done.row is None
    assert done.error == "unexpected error: KeyError: 'layout'"
