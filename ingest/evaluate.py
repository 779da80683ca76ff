"""Scoring extraction against gold records: the engine behind `cli.py eval`.

A gold folder holds pages (`NAME.html`, `NAME.htm`, `NAME.txt`, optionally `.gz`) next to
gold records (`NAME.json`), or case folders each holding a page and `expected.json` (as
tests/fixtures/<site>/<case>/ does). A gold record gives any of: url, title, published_at,
source, authors, correspondents, editor, body (a list of paragraphs, or one string with
newlines).
Only the fields a gold gives are scored.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsclean.extract.record import Article
from newsclean.ingest.decode import decode_bytes
from newsclean.ingest.inputs import read_input
from newsclean.ingest.pipeline import extract_page, looks_like_html

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".txt", ".html.gz", ".htm.gz", ".txt.gz")
EXACT_FIELDS = ("title", "source", "editor")
SET_FIELDS = ("authors", "correspondents")


@dataclass
class PageScore:
    """Scores of one page: per-field matches (True/False) and body precision/recall/F1."""

    name: str
    fields: dict[str, bool] = field(default_factory=dict)
    body: tuple[float, float, float] | None = None
    seconds: float = 0.0
    error: str | None = None
    baseline_f1: float | None = None
    baseline_seconds: float | None = None


def bigrams(text: str) -> Counter:
    """Character bigrams of the text with all whitespace removed."""
    s = "".join(text.split())
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


def body_scores(found: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the found body's bigrams against the gold's."""
    f, g = bigrams(found), bigrams(gold)
    if not f and not g:
        return 1.0, 1.0, 1.0
    common = sum((f & g).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(f.values()), common / sum(g.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def date_matches(found: str | None, gold: str | None) -> bool:
    """True when `found` agrees with `gold` to the precision the gold gives (day, minute, second)."""
    if not gold:
        return not found
    if not found:
        return False
    if len(gold) <= 10:  # a date only: the day must agree
        return found[:10] == gold
    return found.startswith(gold.split("+")[0].rstrip("Z"))


def gold_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """(page, gold) pairs in a gold folder, sorted by name: `NAME.json` next to its page, and
    case folders at any depth (tests/fixtures/<site>/<case>/) holding `expected.json` and a page."""
    pairs = []
    for gold in sorted(folder.rglob("*.json")):
        if gold.name == "expected.json":
            pages = sorted(p for p in gold.parent.iterdir() if p.name.endswith(PAGE_SUFFIXES))
        else:
            stem = gold.name[: -len(".json")]
            pages = [gold.parent / (stem + s) for s in PAGE_SUFFIXES if (gold.parent / (stem + s)).exists()]
        if pages:
            pairs.append((pages[0], gold))
    return pairs


def page_label(page: Path, gold_path: Path) -> str:
    """The page's name in scores: its file name, or `<site>/<case>` for a case folder."""
    if gold_path.name == "expected.json":
        return f"{page.parent.parent.name}/{page.parent.name}"
    return page.name


class GoldError(ValueError):
    """A gold record that cannot be read or does not have the shape of one."""


def load_gold(path: Path) -> dict[str, Any]:
    """A gold record, with a string body split into paragraphs; raises GoldError."""
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise GoldError(str(exc)) from exc
    if not isinstance(gold, dict):
        raise GoldError(f"a JSON {type(gold).__name__}, not an object")
    if isinstance(gold.get("body"), str):
        gold["body"] = [p for p in gold["body"].split("\n") if p.strip()]
    check_gold_fields(gold)
    return gold


def check_gold_fields(gold: dict[str, Any]) -> None:
    """Raise GoldError for a field whose value is not text (a list of text for the lists)."""

    def is_text_list(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    for name in (*EXACT_FIELDS, "published_at", "url"):
        if gold.get(name) is not None and not isinstance(gold[name], str):
            raise GoldError(f"{name} is not a string")
    for name in (*SET_FIELDS, "body"):
        if gold.get(name) is not None and not is_text_list(gold[name]):
            raise GoldError(f"{name} is not a list of strings")


def score_article(art: Article, gold: dict[str, Any], score: PageScore) -> None:
    """Compare each field the gold gives."""
    for name in EXACT_FIELDS:
        if name in gold:
            score.fields[name] = getattr(art, name) == gold[name]
    for name in SET_FIELDS:
        if name in gold:
            score.fields[name] = set(getattr(art, name)) == set(gold[name] or [])
    if "published_at" in gold:
        score.fields["published_at"] = date_matches(art.published_at, gold["published_at"])
    if "body" in gold:
        score.body = body_scores("\n".join(art.body), "\n".join(gold["body"]))


def score_page(page: Path, gold_path: Path, site: str | None = None, against: str | None = None) -> PageScore:
    """Extract one page as `clean` does and score it; never raises. A page whose gold record
    is malformed is not scored: its error names the gold file."""
    score = PageScore(page_label(page, gold_path))
    try:
        gold = load_gold(gold_path)
    except GoldError as exc:
        score.error = f"bad gold record {gold_path.name}: {exc}"
        return score
    try:
        data = read_input(page)
        start = time.perf_counter()
        art = extract_page(data, url=gold.get("url"), path=str(page), site=site)
        score.seconds = time.perf_counter() - start
        score_article(art, gold, score)
    except Exception as exc:  # a failed page scores zero on every field the gold gives
        score.error = f"{type(exc).__name__}: {exc}"
        score.fields = {k: False for k in (*EXACT_FIELDS, *SET_FIELDS, "published_at") if k in gold}
        score.body = (0.0, 0.0, 0.0) if "body" in gold else None
        data = b""
    if against == "trafilatura" and "body" in gold and data:
        score.baseline_f1, score.baseline_seconds = trafilatura_body_f1(data, gold)
    return score


def trafilatura_body_f1(data: bytes, gold: dict[str, Any]) -> tuple[float | None, float | None]:
    """Body F1 and time of trafilatura's `extract` on the same page (HTML pages only)."""
    text, _ = decode_bytes(data)
    if not looks_like_html(text):
        return None, None
    import trafilatura  # imported on first use: it costs ~0.2 s of start-up

    start = time.perf_counter()
    found = trafilatura.extract(text, url=gold.get("url")) or ""
    seconds = time.perf_counter() - start
    return body_scores(found, "\n".join(gold["body"]))[2], seconds


def evaluate(folder: Path, site: str | None = None, against: str | None = None) -> list[PageScore]:
    """Score every page of a gold folder."""
    return [score_page(page, gold, site, against) for page, gold in gold_pairs(folder)]


def totals(scores: list[PageScore]) -> dict[str, Any]:
    """Per-field match rates, mean body P/R/F1, mean time (and the baseline's) over all pages."""
    out: dict[str, Any] = {"pages": len(scores)}
    for name in (*EXACT_FIELDS, "published_at", *SET_FIELDS):
        marks = [s.fields[name] for s in scores if name in s.fields]
        if marks:
            out[name] = sum(marks) / len(marks)
    bodies = [s.body for s in scores if s.body is not None]
    if bodies:
        out["body_precision"], out["body_recall"], out["body_f1"] = (
            sum(b[i] for b in bodies) / len(bodies) for i in range(3)
        )
    out["seconds_per_page"] = sum(s.seconds for s in scores) / max(len(scores), 1)
    base = [s for s in scores if s.baseline_f1 is not None]
    if base:
        out["trafilatura_body_f1"] = sum(s.baseline_f1 or 0.0 for s in base) / len(base)
        out["trafilatura_seconds_per_page"] = sum(s.baseline_seconds or 0.0 for s in base) / len(base)
    out["errors"] = sum(1 for s in scores if s.error)
    return out
