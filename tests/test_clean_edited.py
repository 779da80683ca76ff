"""Re-cleaning a page without a URL after it was edited (issue 24, item 33): such a page is
keyed by its content, so its edit has another key; the old article must not stay behind.

The pages follow a county news site's article layout (a headline, then paragraphs), saved
without any URL, as tests/fixtures/generic_county_2021.html is.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import invoke


def page(city: str, first: str = "原来的第一段") -> str:
    paragraphs = "".join(
        f"<p>{first if i == 0 else f'第{i}段'}：{city}市民生工程建设进展顺利，记者深入现场采访了施工单位和周边居民。</p>"
        for i in range(6)
    )
    return (
        f"<html><head><meta charset='utf-8'><title>{city}民生工程</title></head><body>"
        f"<h1>{city}民生工程建设进展顺利</h1><div class='content'>{paragraphs}</div></body></html>"
    )


def clean(folder: Path, db: Path) -> str:
    result = invoke("clean", str(folder), "--db", str(db), "--jobs", "1")
    assert result.exit_code == 0, result.output
    return result.output


def cleaned(tmp_path: Path, pages: dict[str, str]) -> tuple[Path, Path]:
    """(folder, database): these pages written to a folder and cleaned once."""
    folder, db = tmp_path / "pages", tmp_path / "news.db"
    folder.mkdir()
    for name, html in pages.items():
        (folder / name).write_text(html, encoding="utf-8")
    clean(folder, db)
    return folder, db


def articles(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select id, title from articles order by id").fetchall()


def search_csv(db: Path, words: str) -> str:
    return invoke("search", words, "--db", str(db), "--format", "csv").output


def test_an_edited_url_less_page_updates_its_article_in_place(tmp_path):
    folder, db = cleaned(tmp_path, {"a.html": page("郑州"), "b.html": page("洛阳")})
    before = articles(db)
    (folder / "a.html").write_text(page("郑州", first="修改后的第一段"), encoding="utf-8")
    assert "1 updated, 1 unchanged" in clean(folder, db)
    assert articles(db) == before  # same ids, no orphan
    assert "郑州民生工程" in search_csv(db, "修改后")
    assert "郑州" not in search_csv(db, "原来")


def test_an_edit_that_copies_another_page_leaves_one_article(tmp_path):
    folder, db = cleaned(tmp_path, {"a.html": page("郑州"), "b.html": page("洛阳")})
    (folder / "a.html").write_text(page("洛阳"), encoding="utf-8")
    clean(folder, db)
    assert [title for _, title in articles(db)] == ["洛阳民生工程建设进展顺利"]
    assert "郑州" not in search_csv(db, "民生工程")


def test_an_article_another_input_still_holds_is_kept(tmp_path):
    folder, db = cleaned(tmp_path, {"a.html": page("郑州"), "copy.html": page("郑州")})
    (folder / "a.html").write_text(page("开封"), encoding="utf-8")
    clean(folder, db)
    titles = sorted(title for _, title in articles(db))
    assert titles == ["开封民生工程建设进展顺利", "郑州民生工程建设进展顺利"]
