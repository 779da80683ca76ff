"""What the commands print, beyond plain lines: terminal-safe text, aligned tables, and the
progress displays of `clean` (a bar) and of `fetch` and `reclean` (a status line)."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import sys
import time
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from newsclean.ingest.verbosity import quiet

if TYPE_CHECKING:
    from newsclean.ingest.crawl import RunStats

# C0 controls but newline and tab, DEL, C1 controls, and the bidirectional formatting marks:
# printed raw they clear the screen, set the window title or reverse the line.
UNSAFE_ON_TERMINAL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f"
    r"\u202a-\u202e\u2066-\u2069]"
)
# The same and newline and tab too: printed raw in a file name or URL they also start a new
# line that forges a message ("failed: ...").
_NOT_ON_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Show a progress bar from this many inputs on, when stderr is a terminal.
PROGRESS_FROM = 20
# The status line says the run waits for a host's delay when the wait is this long (s).
WAIT_SHOWN_FROM = 0.5

# Exit statuses (docs/cli.md, "Commands"): 2 is click's for usage errors, and also PARTIAL:
# some inputs failed and the others were stored (the status clean has always had for it, which
# the dev-set scorer and users' scripts read as "rows were written"); 1 says nothing could be
# done; INTERRUPTED is 128 + SIGINT, what a shell reports for a run stopped by Ctrl-C.
EXIT_OK = 0
EXIT_NOTHING_DONE = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell shows for `cmd | head` when head leaves


def leave_quietly_on_broken_pipe() -> None:
    """Exit EXIT_BROKEN_PIPE without a message: the reader of standard output (head) has gone.
    Standard output is pointed at /dev/null first, so that Python's final flush is silent."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_BROKEN_PIPE)


def run_status(failed: int, succeeded: int) -> int:
    """The exit status of a run with `failed` inputs failed and `succeeded` stored or unchanged."""
    if not failed:
        return EXIT_OK
    return EXIT_PARTIAL if succeeded else EXIT_NOTHING_DONE


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 input`, `2 inputs` (`nouns` when the plural is not noun + s: `copies`)."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def _escape(character: re.Match[str]) -> str:
    """A matched character as an escape: \\x1b below U+0100, \\u202e above."""
    code = ord(character.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def echo_json(records: list[dict[str, Any]], nl: bool) -> None:
    """Print records as one indented JSON array, or (nl) as JSON Lines: one object a line."""
    if nl:
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
    else:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))


def terminal_safe(text: str) -> str:
    """Text with control characters shown as escapes (\\x1b, \\u202e), safe to print."""
    return UNSAFE_ON_TERMINAL.sub(_escape, text)


def one_line(text: object) -> str:
    """Text for one terminal line: newlines and tabs escaped too (\\n, \\x1b, \\u202e)."""
    return _NOT_ON_ONE_LINE.sub(_escape, str(text))


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


class progress_reporter:
    """A context manager yielding (per-input callback, set-total callback) that drive a progress
    bar on a terminal: position of the total, rate and time left (position and rate alone
    when the total is unknown, as with WARC archives). Not shown with -q/--quiet."""

    def __init__(self) -> None:
        self.bar: Any = None  # click's ProgressBar, once shown
        self.total: int | None = None
        self.count = 0
        self.started = time.monotonic()
        self.shown = sys.stderr.isatty() and not quiet()

    def __enter__(self) -> tuple[Callable[[object], None], Callable[[int | None], None]]:
        return self.report, self.set_total

    def set_total(self, total: int | None) -> None:
        """The number of inputs, once known (None: counted as they come)."""
        self.total = total

    def report(self, done: object) -> None:
        """Advance the bar by one input `done` (shown once PROGRESS_FROM inputs are expected or seen)."""
        self.count += 1
        if not self.shown:
            return
        if self.bar is None and max(self.count, self.total or 0) >= PROGRESS_FROM:
            self.bar = self.new_bar()
            self.bar.__enter__()
            self.bar.update(self.count - 1)
        if self.bar is not None:
            self.bar.update(1, current_item=done)

    def new_bar(self) -> Any:
        """click's progress bar, of the total when known."""
        known = self.total is not None
        return click.progressbar(
            iterable=None if known else itertools.count(),  # no length: position only
            length=self.total if known else None,
            label="cleaning",
            file=sys.stderr,
            show_pos=True,
            show_percent=known,
            show_eta=known,
            item_show_func=lambda _item: self.rate(),
        )

    def rate(self) -> str:
        """Inputs per second so far."""
        return f"{self.count / max(time.monotonic() - self.started, 1e-6):.1f} inputs/s"

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


class StatusLine:
    """A one-line progress display on stderr, redrawn in place, shown on terminals only."""

    def __init__(self, label: str, *, fetching: bool) -> None:
        self.label = label
        self.fetching = fetching
        self.active = sys.stderr.isatty() and not quiet()
        self.width = shutil.get_terminal_size().columns - 1
        self.stats: RunStats | None = None

    def __call__(self, stats: RunStats, url: str) -> None:
        self.stats = stats
        self.show(url)

    def waiting(self, host: str, seconds: float) -> None:
        """Fetcher.on_wait: say that the run waits for the host's delay."""
        if self.stats is not None and seconds >= WAIT_SHOWN_FROM:
            self.show(f"waiting {seconds:.1f} s for {host} (--delay)")

    def show(self, doing: str) -> None:
        """Redraw the line: what was done so far, then `doing` (a URL, or a wait)."""
        if not self.active or self.stats is None:
            return
        stats = self.stats
        if self.fetching:
            sites = ", ".join(f"{site} {n}" for site, n in sorted(stats.per_site.items()))
            done = f"{stats.pages} listing pages, {stats.fetched} articles" + (f" ({sites})" if sites else "")
        else:
            done = f"{pages_done(stats)} pages"
        line = f"{self.label}: {done}, {stats.new} new, {stats.failed} failed  {one_line(doing)}"
        click.echo("\r" + line[: self.width].ljust(self.width), nl=False, err=True)

    def close(self) -> None:
        """Erase the line before the summary is printed."""
        if self.active:
            click.echo("\r" + " " * self.width + "\r", nl=False, err=True)


def pages_done(stats: RunStats) -> int:
    """Stored pages re-extracted so far (reclean)."""
    return stats.new + stats.updated + stats.unchanged + stats.failed
