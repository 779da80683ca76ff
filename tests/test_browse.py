"""`browse` as a user sees it: Datasette on a fixture database, read in headless Chromium.

Pages are checked by their text and DOM, and by screenshots: Chinese glyphs must be real
glyphs (not tofu boxes), and the chart must draw coloured bars. The screenshots are kept
in the test's temporary folder, or in $NEWSCLEAN_SCREENSHOTS when set.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_search import build_fixture_db

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def cjk_font_installed() -> bool:
    """True when fontconfig knows a Chinese font (Chromium would draw tofu otherwise)."""
    if not shutil.which("fc-list"):
        return False
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


MISSING = [
    name
    for name, ok in (
        ("datasette (pip install '.[browse]')", importlib.util.find_spec("datasette")),
        ("vl-convert-python (pip install '.[browse]')", importlib.util.find_spec("vl_convert")),
        ("selenium (pip install '.[test-browser]')", importlib.util.find_spec("selenium")),
        ("Pillow (pip install '.[test-browser]')", importlib.util.find_spec("PIL")),
        ("chromium (apt-get install chromium)", CHROMIUM),
        ("chromedriver (apt-get install chromium-driver)", CHROMEDRIVER),
        ("a Chinese font (apt-get install fonts-noto-cjk)", CHROMIUM and cjk_font_installed()),
    )
    if not ok
]
SKIP_REASON = "browser test needs " + ", ".join(MISSING)

WIDTH, HEIGHT = 1280, 1000
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--force-device-scale-factor=1",
    f"--window-size={WIDTH},{HEIGHT}",
]
SEED_000_TITLE = "荥阳：一面锦旗“众人织” 万人同心“共战疫”"
Site = tuple[str, dict[str, str]]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    """Poll url until it answers; fail if the server exits or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"browse exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def get_json(url: str) -> Any:
    """The JSON document at url."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`python cli.py browse` serving a fixture database: (base URL, seed keys)."""
    if MISSING:
        pytest.skip(SKIP_REASON)
    tmp = tmp_path_factory.mktemp("browse")
    db, seeds = build_fixture_db(tmp / "news.db")
    db.conn.close()
    port = free_port()
    with open(tmp / "browse.log", "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "cli.py",
                "browse",
                "--db",
                str(tmp / "news.db"),
                "--port",
                str(port),
                "--no-open",
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + "/-/versions.json", server)
            yield base, seeds
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=20)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go."""
    folder = os.environ.get("NEWSCLEAN_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Headless Debian Chromium driven by its chromedriver, with a fresh profile."""
    if MISSING:
        pytest.skip(SKIP_REASON)
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_window_size(WIDTH, HEIGHT)
    try:
        yield driver
    finally:
        driver.quit()


def page_text(browser, url: str) -> str:  # type: ignore[no-untyped-def]
    """The visible text of the page at url."""
    from selenium.webdriver.common.by import By

    browser.get(url)
    return browser.find_element(By.TAG_NAME, "body").text


def css(browser, selector: str) -> list[Any]:  # type: ignore[no-untyped-def]
    """The elements matching a CSS selector."""
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, selector)


def submit_and_wait(browser, box, param: str) -> None:  # type: ignore[no-untyped-def]
    """Submit the box's form and wait for the page whose URL carries `param=`."""
    from selenium.webdriver.support.ui import WebDriverWait

    box.submit()
    WebDriverWait(browser, 20).until(
        lambda b: (
            f"{param}=" in b.current_url and b.execute_script("return document.readyState") == "complete"
        )
    )


def screenshot(browser, shots: Path, name: str):  # type: ignore[no-untyped-def]
    """Save the viewport as shots/name.png and return it as a Pillow image."""
    from PIL import Image

    png = browser.get_screenshot_as_png()
    (shots / f"{name}.png").write_bytes(png)
    return Image.open(io.BytesIO(png)).convert("RGB")


# ---------------------------------------------------------------- without a browser


def test_old_listing_view_is_replaced(tmp_path: Path) -> None:
    """A database made by an earlier version gets the new articles_list columns."""
    from newsclean.db import browse

    db, _ = build_fixture_db(tmp_path / "news.db")
    db.execute("create view articles_list as select id, title, url from articles")
    browse.prepare_database(db)
    browse.prepare_database(db)  # a second run keeps it
    assert [c.name for c in db["articles_list"].columns] == [
        "id",
        "title",
        "site",
        "date",
        "source",
        "authors",
        "month",
    ]


def test_chart_spec_and_cell_helpers() -> None:
    pytest.importorskip("datasette")
    from newsclean.db.datasette_plugins import article_views, chart

    assert chart.count_ticks(0) == [0, 1]
    assert chart.count_ticks(17) == [0, 5, 10, 15, 20]
    rows = [
        {"month": "2020-03", "site": "hnr", "articles": 2},
        {"month": "2020-03", "site": "ddsb", "articles": 1},
    ]
    spec = chart.monthly_spec(rows)
    assert spec["data"]["values"] == rows
    assert spec["encoding"]["y"]["axis"]["values"] == [0, 1, 2, 3]
    assert "</script" not in chart.spec_json([{**rows[0], "site": "</script>"}])
    assert article_views.names('["王文凯", "李四"]') == "王文凯、李四"
    assert article_views.names("[]") == "" and article_views.names("张三") == "张三"
    assert article_views.paragraphs("第一段\n\n  第二段 \n") == ["第一段", "第二段"]


# ---------------------------------------------------------------- glyph check

# Boxes of the first `limit` distinct CJK characters inside the element, scrolled into view.
_GLYPH_BOXES_JS = """
const [el, limit] = arguments;
el.scrollIntoView({block: "center"});
const boxes = [], seen = new Set();
const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node && boxes.length < limit; node = walker.nextNode()) {
  const text = node.textContent;
  for (let i = 0; i < text.length && boxes.length < limit; i++) {
    const ch = text[i];
    if (!/[\\u3400-\\u9fff\\ue000-\\uf8ff]/.test(ch) || seen.has(ch)) continue;
    seen.add(ch);
    const range = document.createRange();
    range.setStart(node, i); range.setEnd(node, i + 1);
    const r = range.getBoundingClientRect();
    boxes.push([ch, r.left, r.top, r.right, r.bottom]);
  }
}
return boxes;
"""


def glyph_problem(browser, element, shots: Path, name: str, limit: int = 8) -> str | None:  # type: ignore[no-untyped-def]
    """Why the element's Chinese characters do not look like real glyphs, or None.

    From a screenshot, each distinct character's box is cut out and binarised. A missing
    font draws every character as the same hollow box (tofu), so real glyphs must (1) have
    ink in the middle of their ink box, and (2) differ from each other in shape.
    """
    boxes = browser.execute_script(_GLYPH_BOXES_JS, element, limit)
    if len(boxes) < 3:
        return f"only {len(boxes)} distinct CJK characters to check"
    shot = screenshot(browser, shots, name).convert("L")
    shapes, hollow = set(), []
    for ch, left, top, right, bottom in boxes:
        glyph = shot.crop((round(left), round(top), round(right), round(bottom)))
        ink = glyph.point(lambda v: 255 if v < 140 else 0)
        bbox = ink.getbbox()
        if bbox is None:
            return f"{ch!r} left no ink at all"
        ink = ink.crop(bbox)
        w, h = ink.size
        middle = ink.crop((w // 4, h // 4, w - w // 4, h - h // 4))
        if middle.getbbox() is None:
            hollow.append(ch)
        shapes.add(ink.resize((8, 8)).point(lambda v: 255 if v > 64 else 0).tobytes())
    if len(hollow) > len(boxes) // 4:
        return f"hollow boxes (tofu?) for {''.join(hollow)}"
    if len(shapes) < 0.75 * len(boxes):
        return f"{len(boxes)} different characters drawn as only {len(shapes)} shapes (tofu?)"
    return None


def test_glyph_check_catches_tofu(site: Site, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    """The check itself: real Chinese passes, private-use characters (no font) fail."""
    base, _ = site
    browser.get(base + "/")
    browser.execute_script(
        "const h = document.createElement('h1'); h.id = 'probe';"
        "h.innerHTML = '<span id=real>锦旗荥阳万众</span> <span id=tofu>'"
        " + String.fromCharCode(0xe000, 0xe001, 0xe002, 0xe003, 0xe004, 0xe005) + '</span>';"
        "document.body.prepend(h);"
    )
    assert glyph_problem(browser, css(browser, "#real")[0], shots, "probe-real") is None
    assert glyph_problem(browser, css(browser, "#tofu")[0], shots, "probe-tofu") is not None


# ---------------------------------------------------------------- pages


def test_home_page_links_search_list_and_chart(site: Site, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    browser.get(base + "/")
    links = {
        a.text: urllib.parse.urlparse(a.get_attribute("href")).path
        for a in css(browser, "ul.newsclean-home a")
    }
    assert links["Search articles"] == "/news/search"
    assert links["Article list"] == "/news/articles_list"
    assert links["Articles per month"] == "/news/articles_per_month"
    assert "articles_fts" not in page_text(browser, f"{base}/news")
    screenshot(browser, shots, "home")


def test_search_for_jinqi_shows_seed_000(site: Site, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    base, seeds = site
    text = page_text(browser, f"{base}/news/search?q=" + urllib.parse.quote("锦旗"))
    assert SEED_000_TITLE in text
    assert "[锦旗]" in text  # the snippet highlights the match, uncut
    assert "漯河静谧街道" not in text
    titles = css(browser, "td.col-title a.article-link")
    assert [a.text for a in titles] == [SEED_000_TITLE]
    assert (problem := glyph_problem(browser, titles[0], shots, "search-jinqi")) is None, problem
    # The canned query's SQL is hidden, from the page and from its title.
    assert not css(browser, "#sql-editor, #sql-query")
    assert "cjk_match" not in css(browser, "body")[0].text
    assert "select" not in browser.title.lower()
    # The title opens seed 000's article page.
    from selenium.webdriver.support.ui import WebDriverWait

    titles[0].click()
    WebDriverWait(browser, 20).until(lambda b: css(b, ".article-url a"))
    assert css(browser, ".article-url a")[0].text == seeds["000"]


def test_search_form_is_usable_by_typing(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    browser.get(f"{base}/news/search")
    box = css(browser, "#qp1")[0]
    box.clear()
    box.send_keys("漯河 党员")
    submit_and_wait(browser, box, "q")
    text = css(browser, "body")[0].text
    assert '同心战"疫" 漯河静谧街道流动着亮眼"党旗红"' in text
    assert "荥阳：一面锦旗" not in text


def test_bad_query_shows_a_message(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    text = page_text(browser, f"{base}/news/search?q=" + urllib.parse.quote('"锦旗'))
    assert "Bad query: unbalanced quote" in text
    text = page_text(browser, f"{base}/news/articles_list?_search=" + urllib.parse.quote('"锦旗'))
    assert "Bad query: unbalanced quote" in text


def test_article_list_is_readable(site: Site, browser, shots: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    db, _ = build_fixture_db(tmp_path / "count.db")  # the served database's twin
    articles = db["articles"].count
    db.conn.close()
    text = page_text(browser, f"{base}/news/articles_list")
    assert "sorted by date descending" in text
    for facet in ("site", "source", "month"):
        assert f"\n{facet}" in "\n" + text, facet
    headers = [th.get_attribute("data-column") for th in css(browser, "table.rows-and-columns th")]
    assert headers == ["id", "title", "site", "date", "source", "authors", "month"]
    dates = [d for d in (td.text for td in css(browser, "td.col-date")) if d]
    assert len(dates) >= 5 and dates == sorted(dates, reverse=True)
    # One line per row, no sideways scrolling, authors as names, long cells cut.
    heights = [tr.size["height"] for tr in css(browser, "table.rows-and-columns tbody tr")]
    assert len(heights) == articles and max(heights) < 40, heights
    assert browser.execute_script("return document.documentElement.scrollWidth") <= WIDTH
    authors = [td.text for td in css(browser, "td.col-authors")]
    assert "王文凯" in authors and not any("[" in a or '"' in a for a in authors)
    title = css(browser, "td.col-title")[0]
    assert (title.value_of_css_property("white-space"), title.value_of_css_property("text-overflow")) == (
        "nowrap",
        "ellipsis",
    )
    assert (problem := glyph_problem(browser, title, shots, "article-list")) is None, problem
    link = title.find_element("css selector", "a").get_attribute("href")
    assert urllib.parse.urlparse(link).path.startswith("/news/articles/")


def test_raw_table_cells_are_cut(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    browser.get(f"{base}/news/articles")
    bodies = [td.get_attribute("textContent") for td in css(browser, "td.col-body")]
    assert bodies and all(len(b) <= 61 and b.endswith("…") for b in bodies)


def test_table_page_search(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    """The search box of the article list is Chinese-aware, like the CLI."""
    base, _ = site
    browser.get(f"{base}/news/articles_list")
    box = css(browser, "input[name=_search]")[0]
    box.send_keys("锦旗")
    submit_and_wait(browser, box, "_search")
    assert [td.text for td in css(browser, "td.col-title")] == [SEED_000_TITLE]
    browser.get(f"{base}/news/articles?_search=" + urllib.parse.quote("党员 -锦旗"))
    titles = [td.text for td in css(browser, "td.col-title")]
    assert titles and not any("锦旗" in t for t in titles)


def test_article_page_has_paragraphs(site: Site, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    base, seeds = site
    article = get_json(f"{base}/news/articles.json?_shape=array&key=" + urllib.parse.quote(seeds["000"]))[0]
    browser.get(f"{base}/news/articles/{article['id']}")
    assert css(browser, ".newsclean-article h1")[0].text == SEED_000_TITLE
    meta = css(browser, ".article-meta")[0].text
    assert "2020-03-19 17:00" in meta and "记者 王文凯" in meta and "通讯员 王春亮、荣高洁" in meta
    paragraphs = [p.text for p in css(browser, ".article-body p")]
    expected = [line.strip() for line in article["body"].splitlines() if line.strip()]
    assert len(paragraphs) >= 5 and paragraphs == expected
    h1 = css(browser, ".newsclean-article h1")[0]
    assert (problem := glyph_problem(browser, h1, shots, "article")) is None, problem
    assert not css(browser, "details.article-fields")[0].get_attribute("open")


def test_chart_of_articles_per_month(site: Site, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = site
    rows = get_json(f"{base}/news/articles_per_month.json?_shape=array")
    assert len(rows) >= 5 and {r["site"] for r in rows} == {"hnr", "chinanews", "ddsb", "generic"}
    browser.get(f"{base}/news/articles_per_month")
    WebDriverWait(browser, 20).until(lambda b: css(b, "#newsclean-chart[data-rendered='1'] svg"))
    bars = css(browser, "#newsclean-chart svg g.mark-rect path")
    assert len(bars) == len(rows)
    chart = css(browser, "#newsclean-chart")[0]
    png = chart.screenshot_as_png
    (shots / "chart.png").write_bytes(png)
    counts: list[tuple[int, Any]] = (
        Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 24) or []
    )
    # Bars are saturated colours, one per site; axes, labels and background are grey.
    colours: dict[tuple[int, int, int], int] = {}
    for n, (r, g, b) in counts:
        if max(r, g, b) - min(r, g, b) > 60:
            key = (r // 32, g // 32, b // 32)
            colours[key] = colours.get(key, 0) + n
    big = [c for c, n in colours.items() if n >= 200]
    assert len(big) >= 4, colours
    labels = [t.text for t in css(browser, "#newsclean-chart svg text")]
    assert {"month", "articles", "hnr", "chinanews"} <= set(labels)
