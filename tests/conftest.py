"""Shared test helpers: the fixture folder and its golden records."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PAGE_SUFFIXES = (".txt", ".html", ".html.gz")

sys.path.insert(0, str(ROOT))


def golden_cases() -> list[tuple[Path, dict]]:
    """(page path, golden record) for every NAME.json in tests/fixtures that has a page."""
    cases = []
    for gold in sorted(FIXTURES.glob("*.json")):
        stem = gold.name[: -len(".json")]
        pages = [FIXTURES / (stem + s) for s in PAGE_SUFFIXES if (FIXTURES / (stem + s)).exists()]
        if pages:
            cases.append((pages[0], json.loads(gold.read_text(encoding="utf-8"))))
    return cases
