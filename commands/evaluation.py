"""The `eval` command: extraction accuracy on a folder of pages with gold records."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from newsclean.commands.options import output_path_callback
from newsclean.commands.output import run_status
from newsclean.ingest.evaluate import PageScore, evaluate, totals
from newsclean.sites import ADAPTERS

FIELD_COLUMNS = (
    ("title", "title"),
    ("published_at", "date"),
    ("source", "source"),
    ("authors", "authors"),
    ("correspondents", "corr"),
    ("editor", "editor"),
)


def mark(score: PageScore, name: str) -> str:
    """✓, ✗ or - (the gold does not give this field)."""
    if name not in score.fields:
        return "-"
    return "✓" if score.fields[name] else "✗"


def page_row(score: PageScore, against: bool) -> str:
    """One table row for a page."""
    cells = [f"{score.name[:34]:<34}"] + [f"{mark(score, n):^{len(h) + 1}}" for n, h in FIELD_COLUMNS]
    p, r, f = score.body or (float("nan"),) * 3
    cells.append(f"{p:6.3f} {r:6.3f} {f:6.3f} {score.seconds * 1000:7.1f}")
    if against:
        base = score.baseline_f1
        seconds = score.baseline_seconds or 0.0
        cells.append(f"{base:8.3f} {seconds * 1000:7.1f}" if base is not None else f"{'-':>8} {'-':>7}")
    if score.error:
        cells.append(f"  {score.error}")
    return " ".join(cells)


def header(against: bool) -> str:
    """The table header."""
    heads = [f"{'page':<34}"] + [f"{h:^{len(h) + 1}}" for _, h in FIELD_COLUMNS]
    heads.append(f"{'P':>6} {'R':>6} {'F1':>6} {'ms':>7}")
    if against:
        heads.append(f"{'traf. F1':>8} {'ms':>7}")
    return " ".join(heads)


def total_line(summary: dict, against: bool) -> str:
    """The totals row: match rates per field, mean body scores and time."""
    rates = [f"{name} {summary[name]:.2f}" for name, _ in FIELD_COLUMNS if name in summary]
    line = (
        f"total ({summary['pages']} pages): "
        + ", ".join(rates)
        + f"; body P {summary.get('body_precision', 0):.3f} R {summary.get('body_recall', 0):.3f}"
        + f" F1 {summary.get('body_f1', 0):.3f}; {summary['seconds_per_page'] * 1000:.1f} ms/page"
    )
    if against and "trafilatura_body_f1" in summary:
        line += (
            f"\ntrafilatura on the same pages: body F1 {summary['trafilatura_body_f1']:.3f}; "
            f"{summary['trafilatura_seconds_per_page'] * 1000:.1f} ms/page"
        )
    return line


@click.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--against", type=click.Choice(["trafilatura"]), help="Also score this extractor's body.")
@click.option(
    "--site",
    type=click.Choice(sorted(ADAPTERS), case_sensitive=False),
    help="Force this adapter on every page.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False),
    callback=output_path_callback,
    help="Write per-page scores and totals to this JSON file ('-' for stdout).",
)
def eval_command(gold_dir: str, against: str | None, site: str | None, json_path: str | None) -> None:
    """Measure extraction on pages with gold records (NAME.html|NAME.txt + NAME.json).

    Example: newsclean eval tests/fixtures --against trafilatura

    Prints, per page and in total: title/date/source/author/correspondent/editor matches,
    body precision/recall/F1 over character bigrams, and milliseconds per page.
    """
    scores = evaluate(Path(gold_dir), site=site, against=against)
    if not scores:
        raise click.ClickException(f"{gold_dir}: no NAME.json gold record next to a NAME.html/.txt page")
    summary = totals(scores)
    if json_path:
        payload = json.dumps(
            {"pages": [asdict(s) for s in scores], "total": summary}, ensure_ascii=False, indent=2
        )
        if json_path == "-":
            click.echo(payload)
        else:
            Path(json_path).write_text(payload, encoding="utf-8")
    if json_path != "-":
        click.echo(header(bool(against)))
        for score in scores:
            click.echo(page_row(score, bool(against)))
        click.echo(total_line(summary, bool(against)))
    sys.exit(run_status(summary["errors"], summary["pages"] - summary["errors"]))
