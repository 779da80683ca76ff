"""Issue 22, section 2: `clean` chooses files by content. Pages are read whatever their name
(wget's `s?id=123`, .php, .asp, .jsp, .xhtml), MHTML as browsers save it is read, and what is
no page is skipped with a reason (-v) and counted; an empty selection is an error; --include
and --exclude choose by glob."""

from __future__ import annotations

import quopri
import sqlite3
from pathlib import Path

import pytest

from conftest import fixture, invoke
from newsclean.ingest.select import Selection, skip_reason

HNR_PAGE = fixture("hnr/2020_000")  # hnr.cn 2020 template, UTF-8, saved with its canonical URL
HNR_TITLE = "荥阳：一面锦旗“众人织” 万人同心“共战疫”"
GB_PAGE = fixture("chinanews/ha_2018_gb2312")  # ha.chinanews.com.cn 2018 layout, GB2312 bytes
GB_URL = "http://www.ha.chinanews.com.cn/news/hnxw/2018/0912/31264.shtml"
GB_TITLE = "南阳西峡：猕猴桃进入采摘期 电商订单“飞”向全国"
BOUNDARY = "----MultipartBoundary--u3zGZsWbJ1tZWfKZc4iO4bIhFb8ORk6HXGvyBvzmOV----"


def titles(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("select title from articles order by title")]


def chrome_mhtml(html: bytes, charset: str, url: str) -> bytes:
    """An MHTML file as Chrome's "Save page as… Webpage, Single File" writes it: Blink's
    headers, a multipart/related body, the page quoted-printable, then an image part."""
    head = (
        "From: <Saved by Blink>\r\n"
        f"Snapshot-Content-Location: {url}\r\n"
        "Subject: =?utf-8?Q?page?=\r\n"
        "Date: Mon, 7 Dec 2026 10:00:00 -0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/related;\r\n"
        '\ttype="text/html";\r\n'
        f'\tboundary="{BOUNDARY}"\r\n\r\n\r\n'
        f"--{BOUNDARY}\r\n"
        f'Content-Type: text/html; charset="{charset}"\r\n'
        "Content-ID: <frame-7A1B@mhtml.blink>\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        f"Content-Location: {url}\r\n\r\n"
    ).encode("ascii")
    image = (
        f"\r\n--{BOUNDARY}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Location: http://www.ha.chinanews.com.cn/logo.png\r\n\r\niVBORw0KGgo=\r\n\r\n--{BOUNDARY}--\r\n"
    ).encode("ascii")
    return head + quopri.encodestring(html).replace(b"\n", b"\r\n") + image


def test_pages_are_read_whatever_their_name(tmp_path: Path) -> None:
    folder = tmp_path / "wget"
    folder.mkdir()
    page = HNR_PAGE.read_bytes()
    for name in ("s?id=123", "show.php", "a.asp", "b.jsp", "c.xhtml"):
        (folder / name).write_bytes(page.replace(b"731862", name.encode().replace(b"?", b"")))
    result = invoke("clean", folder, "--db", tmp_path / "n.db", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("5 inputs: 1 cleaned") and "0 failed" in result.output
    with sqlite3.connect(tmp_path / "n.db") as conn:  # the copies of one article: one row, five inputs
        assert conn.execute("select count(*) from inputs where status = 'cleaned'").fetchone() == (5,)


def test_mhtml_is_read_with_its_charset_and_url(tmp_path: Path) -> None:
    saved = tmp_path / "page.mhtml"
    saved.write_bytes(chrome_mhtml(GB_PAGE.read_bytes(), "gb2312", GB_URL))
    unnamed = tmp_path / "saved_page"  # no extension: found by its content
    unnamed.write_bytes(
        chrome_mhtml(HNR_PAGE.read_bytes(), "utf-8", "https://news.hnr.cn/202003/19/731862.html")
    )
    db = tmp_path / "n.db"
    result = invoke("clean", saved, unnamed, "--db", db, "--jobs", "1")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("select title, url from articles").fetchall())
    assert rows == {GB_TITLE: GB_URL, HNR_TITLE: "https://news.hnr.cn/202003/19/731862.html"}


def test_what_is_no_page_is_skipped_with_a_reason_and_counted(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "101.html").write_bytes(HNR_PAGE.read_bytes())
    (folder / "101.json").write_text(
        '{"title": "荥阳：一面锦旗“众人织”万人同心", "body": "文博社区送来锦旗感谢志愿者"}', "utf-8"
    )
    (folder / "INDEX.md").write_text(
        "# 新闻页面索引\n\n| 页面 | 标题 |\n| 101 | 荥阳：一面锦旗众人织 万人同心共战疫 |\n", "utf-8"
    )
    (folder / "photo").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (folder / "data").write_text('[{"标题": "荥阳：一面锦旗众人织万人同心共战疫"}]', "utf-8")
    db = tmp_path / "n.db"
    plain = invoke("clean", *sorted(folder.iterdir()), "--db", db)  # as a shell glob (g/*) gives them
    assert plain.exit_code == 0, plain.output
    assert titles(db) == [HNR_TITLE]
    assert plain.output.startswith(
        "1 input: 1 cleaned, 0 updated, 0 unchanged, 0 failed, 4 not pages (skipped)  → "
    )
    loud = invoke("clean", folder, "--db", tmp_path / "v.db", "-v")
    for line in (
        "101.json: not a page (a .json file)",
        "INDEX.md: not a page (a .md file)",
        "photo: not a page (a PNG image)",
        "data: not a page (JSON data)",
    ):
        assert line in loud.stderr


def test_an_empty_selection_is_an_error_with_a_hint(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "list.json").write_text("[]", "utf-8")
    result = invoke("clean", folder, "--db", tmp_path / "n.db")
    assert result.exit_code == 1
    assert "no page to clean in" in result.stderr and "1 file skipped as not pages" in result.stderr
    assert "-v lists them" in result.stderr and "--include" in result.stderr
    assert "0 inputs" not in result.output and not (tmp_path / "n.db").exists()
    (tmp_path / "empty").mkdir()
    assert "no file found in" in invoke("clean", tmp_path / "empty", "--db", tmp_path / "n.db").stderr


def test_include_and_exclude_choose_by_glob(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "drafts").mkdir(parents=True)
    page = HNR_PAGE.read_bytes()
    (folder / "a.html").write_bytes(page)
    (folder / "drafts" / "b.html").write_bytes(page.replace(b"731862", b"731863"))
    (folder / "c.dat").write_bytes(GB_PAGE.read_bytes())  # a page under a name that says nothing
    excluded = invoke("clean", folder, "--exclude", "*/drafts/*", "--db", tmp_path / "x.db", "-v")
    assert excluded.output.startswith("2 inputs: 2 cleaned"), excluded.output  # a.html, c.dat
    assert "b.html: excluded by --exclude */drafts/*" in excluded.stderr
    included = invoke("clean", folder, "--include", "*.dat", "--db", tmp_path / "i.db")
    assert included.output.startswith("1 input: 1 cleaned") and titles(tmp_path / "i.db") == [GB_TITLE]


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("s?id=5", "<!DOCTYPE html><html><head><title>新闻</title>", None),
        ("page", "郑州市今日召开会议，部署春季防汛抗旱工作，要求各地各部门落实责任。", None),
        ("notes", "just some English notes, nothing else", "no HTML markup or Chinese text"),
        ("archive.zip", "PK\x03\x04", "a .zip file"),
        ("x", "%PDF-1.4", "a PDF document"),
    ],
)
def test_skip_reason(tmp_path: Path, name: str, content: str, reason: str | None) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    found = skip_reason(path, Selection())
    assert found is None if reason is None else reason in (found or "")
