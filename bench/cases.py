"""The golden cases of tests/fixtures/<site>/<case>/ as the benchmarks read them.

Each case is listed under its flat name (a seed's file name, else `<site>_<case>`: the names
the fixtures had before they moved into case folders), sorted by that name, so that the
benchmarks read the pages in the order they always did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED_NAME = re.compile(r"\d{3}_[0-9a-f]{16}$")


@dataclass(frozen=True)
class Case:
    name: str  # `000_16834f47284e46b2`, `hnr_2020_000`
    page: Path
    gold: Path  # expected.json


def case_of(gold: Path) -> Case:
    """The case whose expected.json is `gold`."""
    folder = gold.parent
    [page] = [p for p in folder.iterdir() if p.suffix in (".html", ".txt")]
    name = page.stem if SEED_NAME.match(page.stem) else f"{folder.parent.name}_{folder.name}"
    return Case(name, page, gold)


def cases(suffix: str = "") -> list[Case]:
    """Every case whose page ends with `suffix` ('' for all), by flat name."""
    found = [case_of(gold) for gold in FIXTURES.glob("*/*/expected.json")]
    return sorted((c for c in found if c.page.name.endswith(suffix)), key=lambda c: c.name)
