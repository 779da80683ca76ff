"""Row filters shared by search, export, the CLI and browse: site, date range, author, source,
outlet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

# A date bound is a prefix of an ISO date: 2020, 2020-03 or 2020-03-19.
_DATE_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Sorts after every character that can follow a date prefix in ISO 8601 ("-", "T", "+", digits).
_AFTER_ISO = "~"


class FilterError(ValueError):
    """A filter value is malformed (for example a date that is not YYYY[-MM[-DD]])."""


@dataclass(frozen=True)
class Filters:
    """Which articles to keep; None means "no constraint"."""

    site: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    author: str | None = None
    source: str | None = None
    outlet: str | None = None  # exactly this `outlet` (browse's facet), unlike --site's matching


def check_date(value: str | None, name: str) -> str | None:
    """Return the date prefix unchanged, or raise FilterError naming the option."""
    if value is None or value == "":
        return None
    if not _DATE_PREFIX.match(value):
        raise FilterError(f"{name} must look like 2020, 2020-03 or 2020-03-19, not {value!r}")
    return value


def check_real_date(value: str | None, name: str) -> None:
    """Raise FilterError when a date prefix names no real month or day (2020-13, 2020-02-30)."""
    if not check_date(value, name):
        return
    parts = [int(p) for p in str(value).split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError as exc:
        raise FilterError(f"{name} {value}: no such date ({exc})") from exc


def validate(filters: Filters) -> None:
    """The checks of the command line, stricter than filter_sql: real dates, --from <= --to."""
    check_real_date(filters.date_from, "--from")
    check_real_date(filters.date_to, "--to")
    check_range(filters.date_from, filters.date_to)


def check_range(date_from: str | None, date_to: str | None) -> None:
    """Raise FilterError when --from is after --to (the range would match nothing)."""
    if date_from and date_to and date_from > date_to + _AFTER_ISO:
        raise FilterError(f"--from {date_from} is after --to {date_to}: swap them")


def check_site(value: str | None, known: list[str]) -> str | None:
    """The adapter name matching value case-insensitively; a host or domain (`cjn.cn`) in lower
    case; an outlet name (`长江网`, any text that is not plain ASCII) as given; else
    FilterError listing the adapters."""
    if value is None:
        return None
    wanted = value.strip()
    for name in known:
        if name.lower() == wanted.lower():
            return name
    if "." in wanted:
        return wanted.lower().removeprefix(".")
    if wanted and not wanted.isascii():
        return wanted
    raise FilterError(
        f"--site {value}: no such site; known sites: {', '.join(known)} "
        "(or a host or domain such as cjn.cn, or an outlet name such as 长江网)"
    )


def filter_sql(filters: Filters, alias: str = "a") -> tuple[str, list[Any]]:
    """SQL conditions (joined with AND, "1" when empty) and their parameters.

    Dates compare on the published_at prefix, so --to 2020-03 includes all of March and
    rows without a date are left out whenever a date bound is given.
    """
    conds: list[str] = []
    params: list[Any] = []
    if filters.site:  # an adapter, a host or a domain it ends with, or an outlet (check_site)
        conds.append(
            f"({alias}.site = ? or {alias}.outlet = ? or lower({alias}.host) = ? "
            f"or lower({alias}.host) like '%.' || ?)"
        )
        params.extend([filters.site] * 4)
    date_from = check_date(filters.date_from, "--from")
    date_to = check_date(filters.date_to, "--to")
    if date_from:
        conds.append(f"{alias}.published_at >= ?")
        params.append(date_from)
    if date_to:
        conds.append(f"{alias}.published_at < ?")
        params.append(date_to + _AFTER_ISO)
    if filters.author:
        # case: json_each on a stored value that is not JSON would fail the whole query
        conds.append(
            f"case when json_valid({alias}.authors) "
            f"then exists (select 1 from json_each({alias}.authors) where value = ?) end"
        )
        params.append(filters.author)
    if filters.source:
        conds.append(f"instr({alias}.source, ?) > 0")
        params.append(filters.source)
    if filters.outlet:
        conds.append(f"{alias}.outlet = ?")
        params.append(filters.outlet)
    return (" and ".join(conds) or "1"), params
