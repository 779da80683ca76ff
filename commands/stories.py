"""The `stories` command: the largest stories (copies of one article), and one story's copies."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import click

from newsclean.commands.options import (
    MAX_COUNT,
    db_option,
    format_option,
    limit_option,
    nl_option,
    open_db,
    show_notes,
)
from newsclean.commands.output import echo_json, format_table, plural, terminal_safe
from newsclean.db import stories

# Paragraphs longer than this are shortened in `stories show`.
SHOWN_CHARS = 40


def _readable(db_path: str) -> Any:
    """The database opened read-only. Its story index is read as it is: a missing one is
    refused, and articles changed outside newsclean since it was synced are noted, each with
    the `reindex` command; it is never brought up to date in a copy made in memory (which
    costs the database's size in RAM on every call)."""
    from newsclean.db import query

    db = open_db(db_path)
    show_notes(lambda: query.index_notes(db, db_path, with_stories=True, with_search=False))
    return db


def _day(value: str | None) -> str:
    return (value or "no date")[:10]


@click.group("stories", invoke_without_command=True)
@db_option()
@click.option(
    "--min-copies",
    default=2,
    show_default=True,
    type=click.IntRange(1, MAX_COUNT),
    help="Only stories with at least this many copies.",
)
@limit_option("Show at most N stories.")
@format_option(["table", "json"], "table")
@nl_option
@click.pass_context
def stories_cmd(ctx: click.Context, db_path: str, min_copies: int, limit: int, fmt: str, nl: bool) -> None:
    """The largest stories: articles reprinted (转载) across sites and editions.

    Copies whose bodies are near-duplicates share a story; its first copy is the
    earliest-published one. `stories show ID` lists a story's copies and how they differ.

    Example: newsclean stories --db news.db --min-copies 3
    """
    if ctx.invoked_subcommand:
        return
    db = _readable(db_path)
    found = stories.list_stories(db, min_copies, limit)
    if fmt == "json" or nl:
        records = [{**s, "sites": s["sites"].split(", ") if s["sites"] else []} for s in found]
        echo_json(records, nl)
        return
    articles, total, with_copies = stories.story_counts(db)
    click.echo(
        f"{plural(articles, 'article')} in {plural(total, 'story', 'stories')}; "
        f"{with_copies} with 2 or more copies"
    )
    if not found:
        click.echo(f"no story has {min_copies} or more copies", err=True)
        return
    click.echo(
        format_table(
            ["story", "copies", "sites", "first", "last", "title of the first copy"],
            [
                (s["id"], s["copies"], s["sites"], _day(s["first_seen"]), _day(s["last_seen"]), s["title"])
                for s in found
            ],
        )
    )


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


@stories_cmd.command("show")
@click.argument("ref", metavar="ID", type=click.IntRange(1, 2**63 - 1))
@db_option()
@format_option(["text", "json"], "text")
def show_cmd(ref: int, db_path: str, fmt: str) -> None:
    """List the copies of one story (by story id, or the id of any copy) and what each
    added to or removed from the first copy.

    Example: newsclean stories show 12 --db news.db
    """
    found = stories.story_copies(_readable(db_path), ref)
    if found is None:
        raise click.ClickException(f"no story or article with id {ref} in {db_path}")
    info, copies = found
    if fmt == "json":
        click.echo(
            json.dumps(
                {**info, "copies": [dataclasses.asdict(c) for c in copies]}, ensure_ascii=False, indent=2
            )
        )
        return
    first = copies[0]
    lines = [
        f"story {info['id']}: {plural(info['copies'], 'copy', 'copies')} on {info['sites'] or 'no site'}, "
        f"first seen {_day(info['first_seen'])} (#{first.id} {first.site})",
        "",
    ]
    for n, c in enumerate(copies):
        lines.append(f"#{c.id} · {c.site} · {_day(c.published_at)} · {c.title}")
        lines.append(f"    {c.url or 'no url'}")
        if n == 0:
            lines.append("    first copy")
        else:
            n_par = len(c.added)
            lines.append(
                f"    similarity {c.similarity:.2f} · {n_par} paragraph{'s' * (n_par != 1)} "
                f"added, {len(c.removed)} removed, {len(c.changed)} changed"
            )
            lines += [
                f"    {mark} {_short(p)}"
                for mark, group in (("+", c.added), ("-", c.removed), ("~", c.changed))
                for p in group
            ]
        lines.append("")
    click.echo(terminal_safe("\n".join(lines).rstrip("\n")))
