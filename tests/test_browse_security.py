"""Hostile values met by `browse`: a database file name and stored URLs never become markup.

Datasette runs in process with the metadata, plugins and templates `browse` gives it; the
database holds the golden records (tests/fixtures), as tests/test_browse.py's does.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from test_search import build_fixture_db

pytest.importorskip("datasette")

from newsclean.db import browse

# Names with `#` or `?` are left out: Datasette 0.65 opens a database as an unquoted
# `file:` URI, so it cannot open such a file at all.
HOSTILE_NAMES = ['x"><img src=x onerror=alert(55)>', "my news 1", "a&b=<c>'d", "100%~tilde"]


def served(db_path: Path, paths: list[str], immutable: bool = False) -> list[Any]:
    """Datasette's answers to `paths`, set up as `browse` sets it up (`immutable`: as it
    serves a read-only database)."""
    from datasette.app import Datasette

    ds = Datasette(
        [] if immutable else [str(db_path)],
        immutables=[str(db_path)] if immutable else [],
        metadata=browse.metadata(db_path.stem),
        plugins_dir=str(browse.PLUGINS_DIR),
        template_dir=str(browse.TEMPLATES_DIR),
    )

    async def get_all() -> list[Any]:
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(get_all())


def home_links(html: str) -> list[str]:
    """The hrefs of the newsclean home list, unescaped as a browser reads them."""
    import html as html_lib

    block = re.search(r'<ul class="newsclean-home">(.*?)</ul>', html, re.DOTALL)
    assert block, "the home links are missing"
    return [html_lib.unescape(h) for h in re.findall(r'href="([^"]*)"', block.group(1))]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_home_page_escapes_the_database_name_and_its_links_work(tmp_path, name):
    db_path = tmp_path / f"{name}.db"
    db, _ = build_fixture_db(db_path)
    browse.prepare_database(db)
    db.conn.close()
    (home,) = served(db_path, ["/"])
    assert home.status_code == 200
    assert "<img src=x" not in home.text and 'x"><' not in home.text
    links = home_links(home.text)
    assert len(links) == 4
    answers = served(db_path, links)
    assert [a.status_code for a in answers] == [200] * 4, links


@pytest.mark.parametrize("url", ["javascript:alert(1)", "  JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>"])
def test_the_article_page_links_only_http_urls(tmp_path, url):
    db_path = tmp_path / "news.db"
    db, _ = build_fixture_db(db_path)
    browse.prepare_database(db)
    article_id = db.execute("select min(id) from articles").fetchone()[0]
    with db.conn:  # a database written before URLs were checked, or edited with plain SQL
        db.execute("update articles set url = ? where id = ?", [url, article_id])
    db.conn.close()
    hostile, plain = served(db_path, [f"/news/articles/{article_id}", f"/news/articles/{article_id + 1}"])
    assert hostile.status_code == 200 and '<p class="article-url">' in hostile.text
    assert not re.search(r"href=\"\s*(javascript|data):", hostile.text, re.IGNORECASE)
    assert re.search(r'<p class="article-url"><a href="https?://', plain.text)


HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


def test_the_journalist_pages_escape_stored_values_and_the_query(tmp_path):
    """A title, outlet, author and URL holding markup, and a query holding it, stay text on the
    search, stories, story and chart pages; the story page links only http(s) URLs."""
    from test_browse_pages import add_reprint

    db_path = tmp_path / "news.db"
    db, _ = build_fixture_db(db_path)
    db.conn.row_factory = sqlite3.Row
    reprint = add_reprint(db)
    db.conn.row_factory = None
    with db.conn:  # values written by another tool, or by plain SQL
        db.execute(
            "update articles set title = title || ?, outlet = ?, authors = json_array(?), url = ? where id = ?",
            [HOSTILE, HOSTILE, HOSTILE, "javascript:alert(3)", reprint],
        )
    browse.prepare_database(db)
    story = db.execute("select story_id from story_articles where article_id = ?", [reprint]).fetchone()[0]
    db.conn.close()
    query = urllib.parse.quote("社区 " + HOSTILE)
    pages = served(
        db_path,
        [
            f"/news/-/search?q={query}",
            f"/news/-/search?outlet={urllib.parse.quote(HOSTILE)}",
            "/news/-/stories",
            f"/news/-/stories/{story}",
            f"/news/-/chart?q={query}",
            "/news/-/chart",
        ],
    )
    for page in pages:
        assert page.status_code == 200
        assert "<img src=x" not in page.text and "<script>alert" not in page.text
        assert not re.search(r"href=\"\s*javascript:", page.text, re.IGNORECASE)
    assert "&lt;img src=x" in pages[1].text  # the outlet filter is shown, as text
    assert "javascript:alert(3)" in pages[3].text  # shown, not linked
