"""An HTML page and the text rendering of the same article give the same record.

The text renderings were made with full-width ASCII folded (`，` as `,`) while the HTML pages
keep the punctuation as published, so fields are compared folded, as the merge does.
"""

from __future__ import annotations

import pytest

from conftest import fixture
from newsclean.extract.text import fold_width
from newsclean.ingest.pipeline import extract_page

# (text rendering, HTML twin in its site's real template)
TWINS = [
    ("hnr/seed_000", "hnr/2020_000"),
    ("ddsb/seed_001", "ddsb/2020_001"),
    ("hnr/seed_003", "hnr/2020_003"),
    ("chinanews/seed_004", "chinanews/ha_2022_004"),
]
# Fields a saved HTML page has and its text rendering cannot (the URL, where it came from).
PAGE_ONLY = {"url", "host", "input_path", "extractor"}  # host: from the URL


def folded(value):
    """The value with full-width ASCII folded in every string it holds."""
    if isinstance(value, str):
        return fold_width(value)
    if isinstance(value, list):
        return [folded(v) for v in value]
    return value


@pytest.mark.parametrize("text_name,html_name", TWINS)
def test_html_twin_gives_the_text_record(text_name, html_name):
    text = extract_page(fixture(text_name).read_bytes())
    html = extract_page(fixture(html_name).read_bytes())
    assert html.url and html.url.startswith("http")
    for field in text.__dataclass_fields__:
        if field in PAGE_ONLY or (field == "section" and text.section is None):
            continue
        assert folded(getattr(html, field)) == folded(getattr(text, field)), field
    assert html.fingerprint == text.fingerprint  # so one clean run stores them as one row
