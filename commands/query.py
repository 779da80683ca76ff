"""The query commands: search, show, export, stats and reindex."""

from __future__ import annotations

import csv
import functools
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

import click

from newsclean.commands.options import (
    MAX_COUNT,
    db_option,
    filter_options,
    format_option,
    limit_option,
    make_filters,
    nl_option,
    open_db,
    open_db_for_writing,
    output_path_callback,
    show_notes,
)
from newsclean.commands.output import echo_json, format_table, leave_quietly_on_broken_pipe, terminal_safe
from newsclean.db import query, search, stories, values
from newsclean.db.filters import FilterError, Filters, filter_sql, validate
from newsclean.ingest.option_types import MAX_OFFSET, FiniteFloatRange

if TYPE_CHECKING:
    from newsclean.db import store

ANSI_MARK = ("\x1b[1;31m", "\x1b[0m")
PLAIN_MARK = ("[", "]")
# Beside the database file, SQLite keeps these: an export must never overwrite one of them.
DB_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def fail_on_bad_input(fn: Callable[[], Any]) -> Any:
    """Run fn, turning query and filter errors into a clean message and exit status 1."""
    try:
        return fn()
    except search.QueryError as exc:
        raise click.ClickException(f"bad search query: {exc}") from exc
    except FilterError as exc:
        raise click.ClickException(str(exc)) from exc


def check_input(filters: Filters, query_text: str | None) -> None:
    """Raise FilterError or QueryError now rather than halfway through the output."""
    filter_sql(filters)
    validate(filters)
    if query_text is not None:
        search.parse_query(query_text)


# ---------------------------------------------------------------- search

HIT_FIELDS = [
    "id",
    "title",
    "site",
    "published_at",
    "authors",
    "source",
    "url",
    "key",
    "score",
    "snippet",
    "rank",
    "ranked",
    "total",
    "total_exact",
]


def print_hits(hits: list[dict[str, Any]], fmt: str, out: TextIO) -> None:
    """Write hits as readable blocks (table), a JSON array, or CSV."""
    fields = HIT_FIELDS + (["story_id", "copies"] if hits and "copies" in hits[0] else [])
    if fmt == "json":
        out.write(json.dumps([{k: h[k] for k in fields} for h in hits], ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        for h in hits:
            out.write(json.dumps({k: h[k] for k in fields}, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(fields)
        for h in hits:
            writer.writerow([query.csv_value(k, h[k]) for k in fields])
    else:
        if hits and "total" in hits[0]:
            out.write(search.summary(hits) + "\n\n")
        for position, h in enumerate(hits, 1):
            rank = h.get("rank", position)
            meta = [f"#{h['id']}", h["site"], (h["published_at"] or "no date")[:10]]
            meta += [", ".join(h["authors"])] if h["authors"] else []
            meta += [f"story {h['story_id']}: {h['copies']} copies"] if h.get("copies", 1) > 1 else []
            out.write(f"{rank:>2}. {h['title']}\n    {' · '.join(meta)}\n    {h['snippet']}\n\n")


# A query token: a (negated) quoted phrase, or a run of non-space characters.
QUERY_TOKEN = re.compile(r'-?(?:"[^"]*"|“[^”]*”)|\S+')
# Column filters people try from other search engines; the index has no columns to name.
COLUMN_FILTER = re.compile(r"^-?(title|body|source|author|authors|site|url|editor):", re.IGNORECASE)


def normalize_query(text: str) -> str:
    """The query with `NOT word` as `-word`; column filters (title:) refused with a hint."""
    tokens = QUERY_TOKEN.findall(text)
    for token in tokens:
        match = COLUMN_FILTER.match(token)
        if match:
            raise search.QueryError(
                f"{token}: column filters ({match.group(1).lower()}:) are not supported; a "
                "query matches title and body (titles rank higher), and --site, --author, "
                "--source, --from and --to filter the rest"
            )
    if "NOT" not in tokens:
        return text
    out: list[str] = []
    negate = False
    for token in tokens:
        if token == "NOT" and not negate:
            negate = True
            continue
        if negate and token in ("OR", "AND", "NOT"):
            raise search.QueryError(f"NOT needs a term after it, not {token}")
        out.append("-" + token if negate and not token.startswith("-") else token)
        negate = False
    if negate:
        raise search.QueryError("NOT needs a term after it, e.g. 疫情 NOT 锦旗")
    return " ".join(out)


def query_from_words(words: tuple[str, ...]) -> str:
    """QUERY words joined by spaces; a word like --name is an option typo, not a term."""
    for word in words:
        if word.startswith("--") and len(word) > 2:
            raise click.NoSuchOption(word.split("=", 1)[0])
    return " ".join(words)


@click.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("query_words", metavar="QUERY...", nargs=-1, required=True)
@db_option()
@filter_options
@limit_option("Show at most N results.")
@click.option(
    "--offset",
    default=0,
    show_default=True,
    type=click.IntRange(0, MAX_OFFSET),
    help="Skip the first N results (page on with --offset 20, 40, ...).",
)
@format_option(["table", "json", "jsonl", "csv"], "table", "Output format (jsonl: one JSON object per line).")
@nl_option
@click.option(
    "--collapse",
    is_flag=True,
    help="One result per story (copies of one article), with its number of copies.",
)
@click.option(
    "--count",
    "count_all",
    is_flag=True,
    help="Count every match (without it, counting stops past 10,000 and says 'more than 10,000').",
)
def search_cmd(
    query_words: tuple[str, ...],
    db_path: str,
    limit: int,
    offset: int,
    fmt: str,
    nl: bool,
    collapse: bool,
    count_all: bool,
    **kwargs: Any,
) -> None:
    """Full-text search in Chinese (and Latin) text, best matches first.

    \b
    Syntax (one quoted argument or several words):
      疫情 锦旗         both words (AND is implicit; AND may be written)
      锦旗 OR 党旗      either word (OR binds tighter than AND)
      "战斗 堡垒"       a phrase: the words together, in this order
      -锦旗, NOT 锦旗   exclude a word (newsclean search 疫情 -锦旗 works)
    Column filters such as title: are refused with a message: a query matches title and
    body, and --site, --author, --source, --from and --to filter the rest. One- and
    two-character words work.

    Example: newsclean search '党员 志愿者 -锦旗' --site hnr --from 2020-01 --to 2020-06
    """
    query_text = fail_on_bad_input(lambda: normalize_query(query_from_words(query_words)))
    fmt = "jsonl" if nl else fmt
    filters = make_filters(kwargs)
    fail_on_bad_input(lambda: check_input(filters, query_text))
    db = open_db(db_path)
    show_notes(lambda: query.index_notes(db, db_path, with_stories=collapse))
    if fmt == "table":
        mark = ANSI_MARK if sys.stdout.isatty() else PLAIN_MARK

        def fetch(size: int, start: int) -> list[dict[str, Any]]:
            return terminal_hits(db, query_text, filters, size, mark, start, count_all)
    else:

        def fetch(size: int, start: int) -> list[dict[str, Any]]:
            return search.search(db, query_text, filters, size, offset=start, exact_count=count_all)

    if collapse:  # one hit per story, --offset counts stories
        hits = fail_on_bad_input(lambda: query.collapsed_hits(db, fetch, limit, offset))
    else:
        hits = fail_on_bad_input(lambda: fetch(limit, offset))
    if not hits and fmt == "table":
        click.echo(
            f"no article matches {' '.join(query_words)!r}"
            + (f" from --offset {offset} on" if offset else ""),
            err=True,
        )
        return
    print_hits(hits, fmt, sys.stdout)


def terminal_hits(
    db: store.Queryable,
    query_text: str,
    filters: Filters,
    limit: int,
    mark: tuple[str, str],
    offset: int = 0,
    exact_count: bool = False,
) -> list[dict[str, Any]]:
    """search.search's hits with control characters escaped before the snippet is marked."""
    pattern = search.needle_pattern(search.parse_query(query_text).needles())
    hits = []
    page = search.find(db, query_text, filters, limit, offset, exact_count=exact_count)
    for row in page.rows:
        row["total"] = page.total
        body = terminal_safe(row.pop("body") or "")
        authors = [terminal_safe(a) for a in values.stored_list(row["authors"])]
        hit = {k: terminal_safe(v) if isinstance(v, str) else v for k, v in row.items()}
        hit.update(authors=authors, snippet=search.make_snippet(body, pattern, mark=mark))
        hits.append(hit)
    return hits


# ---------------------------------------------------------------- show


@click.command()
@click.argument("ref", metavar="ID|URL|KEY")
@db_option()
@format_option(["text", "json", "jsonl"], "text", "Output format (jsonl: the record on one line).")
@nl_option
def show(ref: str, db_path: str, fmt: str, nl: bool) -> None:
    """Print one article as a reader reads it: title, meta lines, body.

    Example: newsclean show 1
    """
    db = open_db(db_path)
    rec = query.get_article(db, ref)
    if rec is None:
        raise click.ClickException(f"no article with id, url or key {ref!r} in {db_path}")
    if fmt == "json" and not nl:
        click.echo(json.dumps(rec, ensure_ascii=False, indent=2))
    elif fmt == "jsonl" or nl:
        click.echo(json.dumps(rec, ensure_ascii=False))
    else:
        click.echo(terminal_safe(query.format_article(rec)), nl=False)


# ---------------------------------------------------------------- export


@click.command()
@db_option()
@filter_options
@click.option(
    "--query",
    "-q",
    "query_text",
    metavar="QUERY",
    help="Only articles matching this search (same syntax as `search`).",
)
@format_option(
    ["jsonl", "csv", "warc"],
    "jsonl",
    "Output format (warc: the stored raw pages of `fetch`, not the articles).",
)
@nl_option
@click.option(
    "--raw-csv",
    is_flag=True,
    help="CSV: keep every cell's exact text. By default a cell starting with = + - @ tab or "
    "carriage return gets a leading ' so that a spreadsheet shows it as text, not a formula.",
)
@click.option(
    "--bom",
    is_flag=True,
    help="CSV: start with a UTF-8 byte order mark, so that Excel reads the Chinese as UTF-8.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    callback=output_path_callback,
    help="Write to this file instead of standard output.",
)
def export(
    db_path: str,
    query_text: str | None,
    fmt: str,
    nl: bool,
    raw_csv: bool,
    bom: bool,
    output: str | None,
    **kwargs: Any,
) -> None:
    """Stream the selected articles as JSON lines or CSV (constant memory).

    JSONL keeps lists (authors, correspondents, keywords, warnings, body paragraphs) as JSON
    arrays; CSV joins lists with "; " and body paragraphs with newlines, and puts a ' before
    a cell starting with = + - @ tab or carriage return (formula injection; --raw-csv keeps
    the exact text). --bom starts the CSV with a byte order mark for Excel, which otherwise
    shows UTF-8 Chinese as mojibake.

    Example: newsclean export --site hnr --from 2020 -q 疫情 --format csv -o hnr.csv
    """
    fmt = "jsonl" if nl else fmt
    output = None if output == "-" else output  # -o - is standard output, as in eval --json -
    if output and is_database_file(output, db_path):
        raise click.ClickException(
            f"refusing to export to {output}: it is the database "
            f"{db_path} or one of its files; choose another -o file"
        )
    db = open_db(db_path)
    filters = make_filters(kwargs)
    if query_text:
        query_text = fail_on_bad_input(lambda: normalize_query(query_text or ""))
    fail_on_bad_input(lambda: check_input(filters, query_text))  # before creating the file
    if fmt == "warc":  # raw pages, not articles: ingest/warc_export.py
        from newsclean.ingest.warc_export import export_warc

        export_warc(db, output, filters, query_text)
        return
    if query_text:
        show_notes(lambda: query.index_notes(db, db_path))
    writer = functools.partial(query.write_csv, exact=raw_csv) if fmt == "csv" else query.write_jsonl
    try:
        with open_output(output) as out:
            if bom and fmt == "csv":
                out.write("\ufeff")
            count = fail_on_bad_input(lambda: writer(query.iter_records(db, filters, query_text), out))
            out.flush()  # a closed pipe shows here, not at exit
    except BrokenPipeError:
        leave_quietly_on_broken_pipe()
    except OSError as exc:
        raise click.ClickException(
            f"cannot write {output or 'the standard output'}: {exc.strerror or exc}"
        ) from exc
    if output:
        click.echo(f"exported {count} articles to {output}", err=True)


def is_database_file(output: str, db_path: str) -> bool:
    """True when `output` is (a link to) the database or one of its -wal/-shm/-journal files."""
    target = os.path.realpath(output)
    for base in {db_path, os.path.realpath(db_path)}:
        for name in (base + suffix for suffix in DB_FILE_SUFFIXES):
            if os.path.realpath(name) == target:
                return True
            if os.path.exists(name) and os.path.exists(output) and os.path.samefile(name, output):
                return True
    return False


class open_output:
    """A UTF-8 text stream to standard output, or to a file written whole or not at all.

    The file is written under a temporary name in its folder and renamed into place on
    success, so a failed export leaves the previous file (or none) and no partial output.
    Devices and pipes (/dev/stdout, a FIFO) are written directly.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.fh: TextIO | None = None
        self.temp: str | None = None

    def __enter__(self) -> TextIO:
        if not self.path:
            return sys.stdout
        target = os.path.realpath(self.path)
        if os.path.exists(target) and not os.path.isfile(target):
            self.fh = open(target, "w", encoding="utf-8", newline="")
            return self.fh
        fd, self.temp = tempfile.mkstemp(
            dir=os.path.dirname(target), prefix=f".{os.path.basename(target)}.", suffix=".part"
        )
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self.fh

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if not self.fh:
            return
        try:
            self.fh.close()
            if self.temp and exc_type is None:
                target = os.path.realpath(str(self.path))
                os.chmod(self.temp, file_mode(target))
                os.replace(self.temp, target)
                self.temp = None
        finally:
            if self.temp:
                os.unlink(self.temp)


def file_mode(path: str) -> int:
    """The permission bits for a new export file: those of the file it replaces, else umask's."""
    if os.path.exists(path):
        return os.stat(path).st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


# ---------------------------------------------------------------- stats


@click.command()
@db_option()
@click.option(
    "--top",
    default=10,
    show_default=True,
    type=click.IntRange(1, MAX_COUNT),
    help="How many outlets, sources and authors to list.",
)
@format_option(["table", "json"], "table", "Output format (json: each table's rows as objects).")
@nl_option
def stats(db_path: str, top: int, fmt: str, nl: bool) -> None:
    """Articles per site and per month, top sources and authors, records with warnings.

    Example: newsclean stats --db news.db
    """
    figures = query.stats(open_db(db_path), top)
    sections = [
        ("per site", ["site", "name", "articles", "first", "last"], "sites"),
        (f"top {top} outlets", ["outlet", "site", "articles", "first", "last"], "outlets"),
        ("per month", ["month", "articles"], "months"),
        (f"top {top} sources", ["source", "articles"], "sources"),
        (f"top {top} authors", ["author", "articles"], "authors"),
    ]
    if fmt == "json" or nl:
        echo_stats_json(figures, sections, nl)
        return
    click.echo(
        f"{figures['articles']} articles, {figures['with_warnings']} with warnings, "
        f"{figures['without_date']} without a date\n"
    )
    for title, headers, key in sections:
        click.echo(f"{title}:\n{format_table(headers, figures[key])}\n")


def echo_stats_json(figures: dict[str, Any], sections: list[tuple[str, list[str], str]], nl: bool) -> None:
    """The figures with each table row as an object named by the table's headers; with --nl,
    one object a line: the totals (`"table": "totals"`), then each row with its table's key."""
    totals = {key: figures[key] for key in ("articles", "with_warnings", "without_date")}
    tables = {key: [dict(zip(headers, row)) for row in figures[key]] for _, headers, key in sections}
    if nl:
        echo_json([{"table": "totals", **totals}], nl=True)
        for key, rows in tables.items():
            echo_json([{"table": key, **row} for row in rows], nl=True)
    else:
        click.echo(json.dumps({**totals, **tables}, ensure_ascii=False, indent=2))


# ---------------------------------------------------------------- reindex


@click.command()
@db_option()
@click.option(
    "--story-threshold",
    type=FiniteFloatRange(0.3, 1.0),
    metavar="0.3-1.0",
    help=f"Similarity that makes two articles copies of one story, kept for later "
    f"writes (default {stories.THRESHOLD}, or the one set before).",
)
def reindex(db_path: str, story_threshold: float | None) -> None:
    """Rebuild the full-text index and the stories from the articles table.

    Not needed in normal use (every write keeps the index in sync); use it after editing
    articles with other tools, or to compact the index.

    Example: newsclean reindex --db news.db
    """
    db = open_db_for_writing(db_path)
    started = time.perf_counter()
    count = search.reindex(db)
    elapsed = time.perf_counter() - started
    size = index_bytes(db)
    click.echo(f"indexed {count} articles in {elapsed:.2f} s; index {size / 1e6:.1f} MB")
    started = time.perf_counter()
    found = stories.rebuild(db, story_threshold)
    click.echo(
        f"stories: {found['articles']} articles in {found['stories']} stories, "
        f"{found['with_copies']} with copies (threshold {stories.threshold(db)}) "
        f"in {time.perf_counter() - started:.2f} s"
    )


def index_bytes(db: store.Queryable) -> int:
    """Bytes used by the FTS index tables (0 when SQLite lacks the dbstat table)."""
    try:
        row = db.execute(
            "select sum(pgsize) from dbstat where name like ?", [search.FTS_TABLE + "%"]
        ).fetchone()
    except Exception:  # dbstat is a compile-time option
        return 0
    return row[0] or 0
