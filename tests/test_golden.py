"""Golden pages: every case in tests/fixtures/<site>/<case>/ yields exactly its expected.json.

`pytest tests/test_golden.py --update-golden` rewrites the expected files from what extraction
gives now (review the diff before committing). The guard tests keep the cases complete: every
adapter and every template it declares has a case, and every case is claimed by its own adapter.
"""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from conftest import FIXTURES, Case, golden_cases
from newsclean.extract.record import ARTICLE_FIELDS, Article
from newsclean.ingest.pipeline import extract_page
from newsclean.sites import ADAPTERS, Page, detect

CASES = golden_cases()
# What expected.json holds: every article field but the path the page was read from.
EXPECTED_FIELDS = [spec.name for spec in ARTICLE_FIELDS if spec.name != "input_path"]
TEXT = "text"  # case.json's template of a text rendering (read by the adapter's text anchors)
NO_TEMPLATE = "html"  # case.json's template of an HTML page read without a template (generic)


def extracted(case: Case) -> dict:
    """The case's page cleaned as `clean tests/fixtures` does: the expected fields only."""
    art = extract_page(case.page.read_bytes(), path=str(case.page))
    return {name: getattr(art, name) for name in EXPECTED_FIELDS}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_matches_expected(case, update_golden):
    found = extracted(case)
    if update_golden:
        text = json.dumps(found, ensure_ascii=False, indent=2) + "\n"
        (case.folder / "expected.json").write_text(text, encoding="utf-8")
        return
    assert list(case.expected) == EXPECTED_FIELDS, f"{case.name}: expected.json must hold every field"
    for name, want in case.expected.items():
        assert found[name] == want, f"{case.name}: field {name}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_json_describes_the_page(case):
    assert set(case.info) == {"url", "template", "why"}, case.name
    assert case.info["url"] == case.expected["url"], f"{case.name}: case.json and expected.json URLs differ"
    adapter = ADAPTERS[case.site]
    template = case.info["template"]
    if template in (TEXT, NO_TEMPLATE):
        assert case.expected["extractor"] == f"{adapter.name}/{adapter.version}", case.name
        assert (template == TEXT) == (case.page.suffix == ".txt"), case.name
    else:
        assert case.expected["extractor"] == f"{adapter.name}/{adapter.version} ({template})", case.name


def test_every_adapter_and_template_has_a_case():
    declared = {(a.name, t) for a in ADAPTERS.values() for t in (TEXT, *(t.name for t in a.templates))}
    declared.add(("generic", NO_TEMPLATE))  # the generic adapter reads HTML without templates
    covered = {(c.site, c.info["template"]) for c in CASES}
    assert declared - covered == set(), "adapters or templates without a golden case"
    assert covered - declared == set(), "cases naming an adapter or template that does not exist"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_is_claimed_by_its_own_adapter(case):
    url = case.info["url"]
    if url:
        assert detect(Page("", is_html=False, url=url)).name == case.site, f"{case.name}: {url}"
    else:  # a page saved without its URL: the adapter recognises the page itself
        assert case.expected["site"] == case.site, case.name


def test_every_case_folder_is_a_case():
    # A folder without expected.json (or a stray file at the top) would be skipped silently.
    folders = sorted(p for p in FIXTURES.glob("*/*") if p.is_dir())
    assert [c.folder for c in CASES] == folders
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(ADAPTERS)


def test_article_fields_are_listed_once():
    assert {f.name for f in fields(Article)} == {spec.name for spec in ARTICLE_FIELDS}
    for spec in ARTICLE_FIELDS:
        assert f"    {spec.name} (" in (Article.__doc__ or ""), spec.name
