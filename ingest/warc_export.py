"""`export --format warc`: the stored raw pages of `fetch` as a WARC archive."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

import click

from newsclean.db.filters import Filters
from newsclean.db.store import Queryable
from newsclean.ingest.inputs import display_path, resolved
from newsclean.ingest.warc import write_raw_pages


def export_warc(db: Queryable, output: str | None, filters: Filters, query_text: str | None) -> int:
    """Write the raw pages (of --site, if given) to `output` (`.warc.gz`: gzip per record;
    standard output: plain WARC), whole or not at all; the number of pages written.

    An `output` that is one of the database's recorded inputs is refused, and so is replacing
    a non-empty file with an archive of no pages; a replaced file keeps its permissions."""
    if query_text or any((filters.date_from, filters.date_to, filters.author, filters.source)):
        raise click.UsageError("--format warc exports stored raw pages: only --site applies")
    if not output:
        count = write_raw_pages(db, sys.stdout.buffer, gz=False, site=filters.site)
        sys.stdout.buffer.flush()
        return count
    target = os.path.realpath(output)
    if is_recorded_input(db, target):
        raise click.ClickException(
            f"refusing to export to {output}: the database records it as an input it cleaned; "
            "choose another -o file"
        )
    fd, temp = tempfile.mkstemp(
        dir=os.path.dirname(target), prefix=f".{os.path.basename(target)}.", suffix=".part"
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            count = write_raw_pages(db, fh, gz=output.lower().endswith(".gz"), site=filters.site)
        if count == 0 and os.path.exists(target) and os.path.getsize(target) > 0:
            raise click.ClickException(
                f"no raw pages to export: {output} is left as it was (it is not empty); "
                "raw pages are stored by `fetch`"
            )
        os.chmod(temp, mode_for(target))
        os.replace(temp, target)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    click.echo(f"exported {count} raw pages to {output}", err=True)
    return count


def is_recorded_input(db: Queryable, target: str) -> bool:
    """True when `target` is an input the database recorded: a page file, or an archive
    whose records (ARCHIVE#OFFSET) were cleaned."""
    if not db.execute("select 1 from sqlite_master where type = 'table' and name = 'inputs'").fetchone():
        return False
    name = display_path(resolved(Path(target)))
    prefix = name + "#"
    found = db.execute(
        "select 1 from inputs where path = ? or substr(path, 1, ?) = ? limit 1",
        [name, len(prefix), prefix],
    ).fetchone()
    return found is not None


def mode_for(target: str) -> int:
    """The permissions of the file being replaced, or those a new file gets under the umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
