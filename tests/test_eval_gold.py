"""`eval` over a gold folder with malformed gold records (issue 24, item 23): each bad record
is named on its page's row, the other pages are scored, and the run exits 2."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import FIXTURES, invoke

GOOD = ("hnr/2020_000", "ddsb/2020_001")
BAD_GOLDS = {
    "not_json": ("{not json", "Expecting property name"),
    "not_object": ("[1, 2]", "a JSON list, not an object"),
    "authors_text": ('{"authors": "王文凯"}', "authors is not a list of strings"),
    "body_number": ('{"body": 5}', "body is not a list of strings"),
    "not_utf8": (b"\xff\xfe{}", "codec can't decode"),
}


@pytest.fixture()
def gold_dir(tmp_path):
    for case in GOOD:
        name = case.replace("/", "_")
        shutil.copy(FIXTURES / case / "source.html", tmp_path / f"{name}.html")
        shutil.copy(FIXTURES / case / "expected.json", tmp_path / f"{name}.json")
    for name, (content, _) in BAD_GOLDS.items():
        shutil.copy(FIXTURES / "hnr" / "2020_003" / "source.html", tmp_path / f"{name}.html")
        data = content if isinstance(content, bytes) else content.encode()
        (tmp_path / f"{name}.json").write_bytes(data)
    return tmp_path


def test_a_malformed_gold_record_fails_its_page_alone(gold_dir):
    out = gold_dir / "scores.json"
    result = invoke("eval", str(gold_dir), "--json", str(out))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2  # one page failed, the others were scored
    rows = {line.split()[0]: line for line in result.output.splitlines()}
    for name, (_, reason) in BAD_GOLDS.items():
        assert f"bad gold record {name}.json: " in rows[f"{name}.html"] and reason in rows[f"{name}.html"]
    scores = {page["name"]: page for page in json.loads(out.read_text(encoding="utf-8"))["pages"]}
    for name in (case.replace("/", "_") for case in GOOD):
        assert scores[f"{name}.html"]["error"] is None and scores[f"{name}.html"]["body"][2] > 0.99
    total = json.loads(out.read_text(encoding="utf-8"))["total"]
    assert total["errors"] == len(BAD_GOLDS) and total["title"] == 1.0
