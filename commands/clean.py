"""The `clean` and `sites` commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from newsclean.commands.options import db_option, open_db
from newsclean.commands.output import (
    EXIT_INTERRUPTED,
    EXIT_NOTHING_DONE,
    format_table,
    one_line,
    plural,
    progress_reporter,
    run_status,
    terminal_safe,
)
from newsclean.db.store import Queryable, StoreError, delete_if_no_article
from newsclean.db.store import open_db as open_db_for_clean
from newsclean.ingest.cluster_client import cluster_options
from newsclean.ingest.inputs import (
    STDIN,
    InputError,
    checked_url,
    display_path,
    load_manifest,
    resolved,
)
from newsclean.ingest.pipeline import Summary, clean_paths
from newsclean.ingest.select import Selection
from newsclean.ingest.verbosity import verbose
from newsclean.ingest.warc import is_warc
from newsclean.sites import ADAPTERS

# --jobs is capped at this many workers per core: more only adds processes and memory.
JOBS_PER_CORE = 4


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def capped_jobs(jobs: int) -> int:
    """`jobs`, at most JOBS_PER_CORE per core; says so on stderr when it caps."""
    limit = JOBS_PER_CORE * cores()
    if jobs > limit:
        click.echo(f"--jobs {jobs} capped at {limit} ({JOBS_PER_CORE} per core, {cores()} cores)", err=True)
    return min(jobs, limit)


site_option = click.option(
    "--site",
    type=click.Choice(sorted(ADAPTERS), case_sensitive=False),
    help="Force this adapter instead of detecting it.",
)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option("SQLite database to write.")
@site_option
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False),
    help='JSONL file of {"path": ..., "url": ...} lines giving saved files\' URLs.',
)
@click.option(
    "--url",
    callback=lambda _ctx, _param, value: http_url_option(value),
    help="The page's http(s) URL, when PATHS is one file or - (one page read from standard input).",
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="Read only the files whose name or path matches GLOB, whatever their content "
    "(repeatable; quote it: '*.dat').",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip the files whose name or path matches GLOB (repeatable).",
)
@click.option("--force", is_flag=True, help="Re-extract inputs already cleaned with the same bytes.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default=True,
    help="Worker processes for extraction (results are written in input order); "
    f"at most {JOBS_PER_CORE} per core.",
)
@click.option(
    "--no-profiles",
    is_flag=True,
    help="Extract each page alone: neither learn nor apply the hosts' profiles (sites --learned).",
)
@cluster_options
def clean(
    paths: tuple[str, ...],
    db_path: str,
    site: str | None,
    manifest: str | None,
    url: str | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    force: bool,
    jobs: int,
    no_profiles: bool,
    **cluster: Any,
) -> None:
    """Clean saved pages (files or folders of .html .htm .shtml .txt, optionally .gz) into SQLite.

    Files are chosen by content: pages whatever their name (wget's s?id=123, .php, .asp,
    .jsp, .xhtml), MHTML (.mhtml, .mht) as browsers save it; what is no page (JSON, Markdown,
    images, archives) is skipped, counted in the summary, each with its reason under -v.
    --include and --exclude choose among the files by glob.

    WARC archives (.warc, .warc.gz) among the PATHs give one input per HTML or text response
    record with status 200, named ARCHIVE#OFFSET. With --cluster, extraction runs on a Dask
    cluster and its Parquet shards are merged into the same database (--out keeps them instead).

    A PATH of - reads one page from standard input (gzip too), stored as <stdin>; --url gives
    its URL (as it does for a single file):
    curl -s URL | newsclean clean - --url URL

    Example: newsclean clean tests/fixtures --db news.db

    Ctrl-C stops the run: what was extracted is stored, and the summary says `interrupted`.

    Exit status: 0 all inputs cleaned or unchanged; 2 some inputs failed (the others are
    stored); 1 nothing could be done (no input found or every one failed: no new database is
    left; database not writable; the disk filled up mid-run: the summary says what was
    stored); 2 usage error (bad option or argument); 130 interrupted by Ctrl-C.
    """
    if cluster["out"] and not cluster["cluster"]:
        raise click.UsageError("--out needs --cluster (try --cluster local)")
    check_stdin(paths, cluster["cluster"])
    try:
        urls = load_manifest(manifest)
        if url:
            urls[url_target(paths)] = url
        existed = os.path.exists(db_path)
        db = None if cluster["out"] else open_db_for_clean(db_path)  # --out writes shards only
    except (InputError, StoreError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    jobs = capped_jobs(jobs)
    with progress_reporter() as (report, set_total):
        if cluster["cluster"]:
            from newsclean.ingest.cluster import clean_on_cluster  # a cluster run's alone

            summary = clean_on_cluster(
                db,
                list(paths),
                **cluster,
                db_path=db_path,
                urls=urls,
                site=site,
                force=force,
                on_progress=report,
                selection=Selection(include, exclude),
                profiles=not no_profiles,
            )
        else:
            assert db is not None  # --out needs --cluster
            summary = clean_paths(
                db,
                list(paths),
                urls=urls,
                site=site,
                force=force,
                jobs=jobs,
                on_progress=report,
                on_total=set_total,
                profiles=not no_profiles,
                selection=Selection(include, exclude),
            )
    if db is not None and not existed:
        delete_if_no_article(db, db_path)  # nothing stored: leave no empty database behind
    if not sum(summary.counts.values()) and not summary.interrupted:
        raise click.ClickException(empty_selection(paths, summary.not_pages))
    print_summary(summary, cluster["out"] or db_path)
    if summary.stopped:
        click.echo(f"error: {one_line(summary.stopped)}", err=True)
        sys.exit(EXIT_NOTHING_DONE)
    if summary.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    done = sum(summary.counts[status] for status in ("cleaned", "updated", "unchanged", "merged"))
    sys.exit(run_status(summary.counts["failed"], done))


def empty_selection(paths: tuple[str, ...], not_pages: list[tuple[str, str]]) -> str:
    """The error for PATHs that hold no page to clean, with a hint; -v lists the skipped files."""
    list_not_pages(not_pages)
    where = " ".join(one_line(p) for p in paths[:3]) + (" …" if len(paths) > 3 else "")
    if not not_pages:
        return f"no file found in {where}"
    hint = "" if verbose() else "; -v lists them with the reason"
    return (
        f"no page to clean in {where}: {plural(len(not_pages), 'file')} skipped as not pages{hint} "
        "(--include GLOB reads files by name)"
    )


def list_not_pages(not_pages: list[tuple[str, str]]) -> None:
    """With -v, each file skipped as no page, with the reason."""
    if verbose():
        for path, reason in not_pages:
            click.echo(f"skipped: {one_line(path)}: {reason}", err=True)


def check_stdin(paths: tuple[str, ...], cluster: str | None) -> None:
    """Usage errors for `-`: with other PATHs, with --cluster, or with no page piped in."""
    if "-" not in paths:
        return
    if len(paths) > 1:
        raise click.UsageError("- (a page on standard input) must be the only PATH")
    if cluster:
        raise click.UsageError("--cluster cannot read standard input (-); save the page to a file")
    if sys.stdin.isatty():
        raise click.UsageError(
            "clean -: standard input is a terminal; pipe a page in (curl -s URL | newsclean clean -)"
        )


def http_url_option(value: str | None) -> str | None:
    """--url's value; a usage error unless it is a well-formed http(s) URL."""
    try:
        return checked_url(value) if value is not None else None
    except InputError as exc:
        raise click.BadParameter(str(exc)) from None


def url_target(paths: tuple[str, ...]) -> Path:
    """The one input --url names: `-` or a single page file (not a folder or WARC archive)."""
    if paths == ("-",):
        return STDIN
    path = Path(paths[0])
    if len(paths) != 1 or not path.is_file() or is_warc(path):
        raise click.UsageError("--url needs exactly one page: one file, or - for standard input")
    return resolved(path)


def print_summary(summary: Summary, db_path: str) -> None:
    """Print the end-of-run report: counts, per-site counts, each failure with its reason."""
    counts = summary.counts
    seen = sum(counts.values()) - counts["skipped"]  # skipped WARC records are no inputs
    merged = f", {counts['merged']} merged (same article as another input)" if counts["merged"] else ""
    not_pages = f", {len(summary.not_pages)} not pages (skipped)" if summary.not_pages else ""
    interrupted = ", interrupted" if summary.interrupted else ""
    click.echo(
        f"{plural(seen, 'input')}: {counts['cleaned']} cleaned, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged{merged}, {counts['failed']} failed{not_pages}{interrupted}  "
        f"→ {one_line(display_path(db_path))}"
    )
    if counts["skipped"]:
        click.echo(
            f"WARC records skipped: {counts['skipped']} (not an HTML or text response with status 200)"
        )
    list_not_pages(summary.not_pages)
    if summary.profiled:
        click.echo(f"site profiles: {summary.profiled} rows updated by their host's learned profile")
    if summary.per_site:
        click.echo("per site: " + ", ".join(f"{s} {n}" for s, n in sorted(summary.per_site.items())))
    for failure in summary.failures:
        click.echo(f"failed: {one_line(failure.path)}: {one_line(failure.error)}", err=True)


@click.command()
@click.argument("host", required=False)
@click.option(
    "--learned", is_flag=True, help="List the site profiles learned from the --db corpus (HOST: one)."
)
@db_option("SQLite database whose learned profiles --learned shows.")
def sites(host: str | None, learned: bool, db_path: str) -> None:
    """List the site adapters, the sites they claim and the layouts each knows.

    With --learned, the profiles `clean` and `fetch` learned from each host's pages instead (HOST: one
    profile in full: where the body is found and its template lines).

    Example: newsclean sites --learned --db news.db ent.163.com
    """
    if host and not learned:
        raise click.UsageError("HOST goes with --learned (sites --learned HOST)")
    if learned:
        show_learned(open_db(db_path), host)
        return
    for adapter in ADAPTERS.values():
        hosts = ", ".join(adapter.hosts) or "any other site"
        name = adapter.site_name or "(the page's own name)"
        click.echo(f"{adapter.name:<10} {name}  [{hosts}]")
        for layout in adapter.layouts:
            click.echo(f"{'':<12}- {layout}")


def show_learned(db: Queryable, host: str | None) -> None:
    """Print the learned profiles as a table, or one host's in full; exit 1 when there is none."""
    from newsclean.db.profiles import load_profiles

    found = load_profiles(db, host)
    if not found:
        where = f" for {one_line(host)}" if host else ""
        raise click.ClickException(
            f"no learned site profile{where} (clean and fetch learn them from 5 distinct articles of a host)"
        )
    if host is None:
        rows = [
            (
                p.host,
                p.template,
                p.pages,
                len(p.lines),
                p.locations[0].signature if p.locations else "",
                p.confidence,
                updated,
            )
            for p, updated in found
        ]
        headers = ["host", "template", "pages", "template lines", "body at", "confidence", "updated"]
        click.echo(format_table(headers, rows))
        return
    for profile, updated in found:
        click.echo(
            f"{terminal_safe(profile.host)} · {profile.template} · {profile.pages} distinct articles · "
            f"confidence {profile.confidence} · updated {updated}"
        )
        click.echo(
            "body found in:" if profile.locations else "body found in: (no location shared by 5 articles)"
        )
        for loc in profile.locations:
            click.echo(
                f"  {terminal_safe(loc.signature)}  ({loc.pages} articles, confidence {loc.confidence})"
            )
        shapes = ", ".join(sorted(profile.shapes)) or "(none shared by 5 articles)"
        click.echo(f"article URLs (a body line linking to one is related reading): {terminal_safe(shapes)}")
        click.echo(f"template lines ({len(profile.lines)}):")
        for line in sorted(profile.lines):
            click.echo(f"  {one_line(line)}")
