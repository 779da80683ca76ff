"""The query commands: search, show, export, stats, reindex and browse."""

from __future__ import annotations

import csv
import errno
import functools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from newsclean.db import browse as browse_setup
from newsclean.db import query, search, stories
from newsclean.db.filters import FilterError, Filters, check_site, filter_sql, validate
from newsclean.db.store import StoreError, open_existing_db

if TYPE_CHECKING:
    from newsclean.db import store

ANSI_MARK = ("\x1b[1;31m", "\x1b[0m")
PLAIN_MARK = ("[", "]")
# The most results `search --limit` and `stats --top` accept (larger numbers are mistakes).
MAX_COUNT = 1_000_000
# C0 controls but newline and tab, DEL, C1 controls, and the bidirectional formatting marks:
# printed raw they clear the screen, set the window title or reverse the line.
UNSAFE_ON_TERMINAL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f"
    r"\u202a-\u202e\u2066-\u2069]"
)
# Beside the database file, SQLite keeps these: an export must never overwrite one of them.
DB_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def command(name: str | None = None, **settings: Any) -> Callable[[Callable[..., Any]], click.Command]:
    """A click command (usage errors exit 1: see cli.py)."""
    return click.command(name, **settings)


db_option = click.option(
    "--db",
    "db_path",
    default="news.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="SQLite database to read.",
)


nl_option = click.option(
    "--nl", is_flag=True, help="JSON Lines: one JSON object per line (same as --format jsonl)."
)


def filter_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The --site --from --to --author --source options shared by search and export."""
    options = [
        click.option(
            "--site", callback=site_callback, help="Only this site (its short name, e.g. hnr; any case)."
        ),
        click.option(
            "--from",
            "date_from",
            metavar="DATE",
            help="Published on or after DATE (2020, 2020-03 or 2020-03-19).",
        ),
        click.option(
            "--to",
            "date_to",
            metavar="DATE",
            help="Published on or before DATE (a month or year includes all of it).",
        ),
        click.option("--author", help="Only articles with this name among the authors."),
        click.option("--source", help="Only articles whose source contains this text."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def site_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--site: a known adapter name, matched case-insensitively."""
    if value is None:  # click calls back for an absent option too: no need to load the adapters
        return None
    from newsclean.sites import ADAPTERS

    try:
        return check_site(value, sorted(ADAPTERS))
    except FilterError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1], ctx, param) from exc


def output_path_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An output file option: its folder must exist and be writable ("-" is standard output)."""
    if not value or value == "-":
        return value
    folder = os.path.dirname(os.path.abspath(value))
    if not os.path.isdir(folder):
        raise click.BadParameter(f"{value}: folder {folder} does not exist", ctx, param)
    if not os.access(folder, os.W_OK | os.X_OK) and not os.access(value, os.W_OK):
        raise click.BadParameter(f"{value}: cannot write in folder {folder}", ctx, param)
    return value


def make_filters(kwargs: dict[str, Any]) -> Filters:
    """Filters from the command's options."""
    return Filters(
        site=kwargs.get("site"),
        date_from=kwargs.get("date_from"),
        date_to=kwargs.get("date_to"),
        author=kwargs.get("author"),
        source=kwargs.get("source"),
    )


def open_db(db_path: str) -> store.Queryable:
    """Open an existing newsclean database read-only, or exit 1 with a message naming the file."""
    try:
        return query.open_existing(db_path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def open_db_for_writing(db_path: str) -> store.Queryable:
    """Open an existing newsclean database to write to it, or exit 1 with a message."""
    try:
        return open_existing_db(db_path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def terminal_safe(text: str) -> str:
    """Text with control characters shown as escapes (\\x1b, \\u202e), safe to print."""
    return UNSAFE_ON_TERMINAL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


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


def width(text: str) -> int:
    """Terminal columns taken by text (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(headers: list[str], rows: list[tuple[Any, ...]]) -> str:
    """A plain aligned text table that respects double-width characters."""
    cells = [[str(h) for h in headers]] + [
        ["" if v is None else terminal_safe(str(v)) for v in r] for r in rows
    ]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(v + " " * (w - width(v)) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


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
        for rank, h in enumerate(hits, 1):
            rank = h.get("rank", rank)
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


@command("search", context_settings={"ignore_unknown_options": True})
@click.argument("query_words", metavar="QUERY...", nargs=-1, required=True)
@db_option
@filter_options
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(1, MAX_COUNT),
    help="Show at most N results.",
)
@click.option(
    "--offset",
    default=0,
    show_default=True,
    type=click.IntRange(0, None),
    help="Skip the first N results (page on with --offset 20, 40, ...).",
)
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "json", "jsonl", "csv"]),
    help="Output format (jsonl: one JSON object per line).",
)
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
      -锦旗, NOT 锦旗   exclude a word (python cli.py search 疫情 -锦旗 works)
    Column filters such as title: are refused with a message: a query matches title and
    body, and --site, --author, --source, --from and --to filter the rest. One- and
    two-character words work.

    Example: python cli.py search '党员 志愿者 -锦旗' --site hnr --from 2020-01 --to 2020-06
    """
    query_text = fail_on_bad_input(lambda: normalize_query(query_from_words(query_words)))
    fmt = "jsonl" if nl else fmt
    filters = make_filters(kwargs)
    fail_on_bad_input(lambda: check_input(filters, query_text))
    db = query.searchable(open_db(db_path))
    wanted = search.RANK_WINDOW if collapse else limit  # collapsed: the best of each story
    start = 0 if collapse else offset  # collapsed, --offset counts stories
    if fmt == "table":
        mark = ANSI_MARK if sys.stdout.isatty() else PLAIN_MARK
        hits = fail_on_bad_input(
            lambda: terminal_hits(db, query_text, filters, wanted, mark, start, count_all)
        )
    else:
        hits = fail_on_bad_input(
            lambda: search.search(db, query_text, filters, wanted, offset=start, exact_count=count_all)
        )
    if collapse:
        hits = collapsed_page(db, hits, limit, offset)
    if not hits and fmt == "table":
        click.echo(
            f"no article matches {' '.join(query_words)!r}"
            + (f" from --offset {offset} on" if offset else ""),
            err=True,
        )
        return
    print_hits(hits, fmt, sys.stdout)


def collapsed_page(
    db: store.Queryable, hits: list[dict[str, Any]], limit: int, offset: int
) -> list[dict[str, Any]]:
    """The best hit of each story among `hits` (best first), from the `offset`-th story on, at
    most `limit`; each ranked among the stories, with the number of stories found."""
    every = stories.collapse(stories.readable(db), hits, len(hits))
    page = every[offset : offset + limit]
    for rank, hit in enumerate(page, offset + 1):
        hit.update(rank=rank, stories=len(every))
    return page


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
        authors = [terminal_safe(a) for a in json.loads(row["authors"] or "[]")]
        hit = {k: terminal_safe(v) if isinstance(v, str) else v for k, v in row.items()}
        hit.update(authors=authors, snippet=search.make_snippet(body, pattern, mark=mark))
        hits.append(hit)
    return hits


# ---------------------------------------------------------------- show


@command()
@click.argument("ref", metavar="ID|URL|KEY")
@db_option
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "jsonl"]),
    help="Output format (jsonl: the record on one line).",
)
@nl_option
def show(ref: str, db_path: str, fmt: str, nl: bool) -> None:
    """Print one article as a reader reads it: title, meta lines, body.

    Example: python cli.py show 1
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


@command()
@db_option
@filter_options
@click.option(
    "--query",
    "-q",
    "query_text",
    metavar="QUERY",
    help="Only articles matching this search (same syntax as `search`).",
)
@click.option(
    "--format",
    "fmt",
    default="jsonl",
    show_default=True,
    type=click.Choice(["jsonl", "csv", "warc"]),
    help="Output format (warc: the stored raw pages of `fetch`, not the articles).",
)
@nl_option
@click.option(
    "--raw-csv",
    is_flag=True,
    help="CSV: keep every cell's exact text. By default a cell starting with = + - @ tab or "
    "carriage return gets a leading ' so that a spreadsheet shows it as text, not a formula.",
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
    output: str | None,
    **kwargs: Any,
) -> None:
    """Stream the selected articles as JSON lines or CSV (constant memory).

    JSONL keeps lists (authors, correspondents, keywords, warnings, body paragraphs) as JSON
    arrays; CSV joins lists with "; " and body paragraphs with newlines, and puts a ' before
    a cell starting with = + - @ tab or carriage return (formula injection; --raw-csv keeps
    the exact text).

    Example: python cli.py export --site hnr --from 2020 -q 疫情 --format csv -o hnr.csv
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
        db = query.searchable(db)
    writer = functools.partial(query.write_csv, exact=raw_csv) if fmt == "csv" else query.write_jsonl
    try:
        with open_output(output) as out:
            count = fail_on_bad_input(lambda: writer(query.iter_records(db, filters, query_text), out))
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


@command()
@db_option
@click.option(
    "--top",
    default=10,
    show_default=True,
    type=click.IntRange(1, MAX_COUNT),
    help="How many sources and authors to list.",
)
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "json"]),
    help="Output format.",
)
def stats(db_path: str, top: int, fmt: str) -> None:
    """Articles per site and per month, top sources and authors, records with warnings.

    Example: python cli.py stats --db news.db
    """
    figures = query.stats(open_db(db_path), top)
    if fmt == "json":
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{figures['articles']} articles, {figures['with_warnings']} with warnings, "
        f"{figures['without_date']} without a date\n"
    )
    sections = [
        ("per site", ["site", "name", "articles", "first", "last"], "sites"),
        ("per month", ["month", "articles"], "months"),
        (f"top {top} sources", ["source", "articles"], "sources"),
        (f"top {top} authors", ["author", "articles"], "authors"),
    ]
    for title, headers, key in sections:
        click.echo(f"{title}:\n{format_table(headers, figures[key])}\n")


# ---------------------------------------------------------------- reindex


@command()
@db_option
@click.option(
    "--story-threshold",
    type=click.FloatRange(0.3, 1.0),
    metavar="0.3-1.0",
    help=f"Similarity that makes two articles copies of one story, kept for later "
    f"writes (default {stories.THRESHOLD}, or the one set before).",
)
def reindex(db_path: str, story_threshold: float | None) -> None:
    """Rebuild the full-text index and the stories from the articles table.

    Not needed in normal use (every write keeps the index in sync); use it after editing
    articles with other tools, or to compact the index.

    Example: python cli.py reindex --db news.db
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
    except Exception:  # noqa: BLE001 - dbstat is a compile-time option
        return 0
    return row[0] or 0


# ---------------------------------------------------------------- browse


@command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to serve on (0: any free port).",
)
@click.option(
    "--open/--no-open",
    "open_browser",
    default=True,
    show_default=True,
    help="Open a web browser on the page.",
)
def browse(db_path: str, host: str, port: int, open_browser: bool) -> None:
    """Explore the database in Datasette (install it with: pip install '.[browse]').

    Opens with facets by site, source and month, articles newest first, and a
    Chinese-aware "search" query (same syntax as the search command).

    Example: python cli.py browse --db news.db --port 8001
    """
    if not browse_setup.datasette_installed():
        raise click.ClickException("Datasette is not installed: pip install '.[browse]'")
    port = port or free_port(host)
    check_port(host, port)
    browse_setup.prepare_database(open_db_for_writing(db_path))
    with tempfile.TemporaryDirectory() as tmp:
        meta = browse_setup.write_metadata(db_path, Path(tmp) / "metadata.json")
        cmd = browse_setup.datasette_command(db_path, meta, host, port, open_browser)
        click.echo(f"serving {db_path} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
        sys.exit(run_until_stopped(cmd, browse_setup.datasette_env()))


def run_until_stopped(cmd: list[str], env: dict[str, str]) -> int:
    """Run cmd; on Ctrl-C or SIGTERM stop it too, so no server is left behind."""
    child = subprocess.Popen(cmd, env=env)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.terminate()
        child.wait(timeout=10)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_port(host: str, port: int) -> None:
    """Exit 1 with a message when host:port cannot be served on (in use, no such address)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind((host, port))
        except OSError as exc:
            reason = "already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise click.ClickException(
                f"cannot serve on {host}:{port}: {reason}; choose another --port (0: any free port)"
            ) from exc


def free_port(host: str) -> int:
    """A port free on `host` now (for --port 0), so the address printed is the real one."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


QUERY_COMMANDS: tuple[click.Command, ...] = (search_cmd, show, export, stats, reindex, browse)
