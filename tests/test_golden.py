"""Every fixture page yields exactly its golden record (tests/fixtures/NAME.json)."""

from __future__ import annotations

import pytest

from conftest import golden_cases
from newsclean.ingest.pipeline import extract_page

CASES = golden_cases()


@pytest.mark.parametrize("page,gold", CASES, ids=[p.name for p, _ in CASES])
def test_fixture_matches_golden(page, gold):
    art = extract_page(page.read_bytes(), path=str(page))
    for field, want in gold.items():
        if field.startswith("_"):  # notes for the reader
            continue
        assert getattr(art, field) == want, f"{page.name}: field {field}"


def test_every_golden_case_is_found():
    # The five seeds plus the HTML fixtures: a golden without a page would be skipped silently.
    assert len(CASES) >= 9
