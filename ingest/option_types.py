"""Option types shared by the commands: numbers that must be finite, offsets that must fit.

Imported when cli.py starts: click and the standard library only.
"""

from __future__ import annotations

import math
from typing import Any

import click

# The largest --offset: offset plus limit must stay a SQLite integer (below 2**63).
MAX_OFFSET = 2**62


class FiniteFloatRange(click.FloatRange):
    """click.FloatRange that refuses nan and inf (nan passes every range comparison)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number
