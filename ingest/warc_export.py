"""`export --format warc`: the stored raw pages of `fetch` as a WARC archive."""

from __future__ import annotations

import os
import sys
import tempfile

import click

from newsclean.db.filters import Filters
from newsclean.db.store import Queryable
from newsclean.ingest.warc import write_raw_pages


def export_warc(db: Queryable, output: str | None, filters: Filters, query_text: str | None) -> int:
    """Write the raw pages (of --site, if given) to `output` (`.warc.gz`: gzip per record;
    standard output: plain WARC), whole or not at all; the number of pages written."""
    if query_text or any((filters.date_from, filters.date_to, filters.author, filters.source)):
        raise click.UsageError("--format warc exports stored raw pages: only --site applies")
    if not output:
        count = write_raw_pages(db, sys.stdout.buffer, gz=False, site=filters.site)
        sys.stdout.buffer.flush()
        return count
    target = os.path.realpath(output)
    fd, temp = tempfile.mkstemp(
        dir=os.path.dirname(target), prefix=f".{os.path.basename(target)}.", suffix=".part"
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            count = write_raw_pages(db, fh, gz=output.lower().endswith(".gz"), site=filters.site)
        os.replace(temp, target)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    click.echo(f"exported {count} raw pages to {output}", err=True)
    return count
