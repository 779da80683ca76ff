"""`browse` as a journalist sees it: Datasette on a dev-set corpus, read in headless Chromium.

The corpus is real: ../shared/devset/html and html2 cleaned with their URLs (as a folder saved
with wget is), plus one reprint of a dev article on another outlet, so that one story has
copies. Pages are checked by their text and DOM against counts taken from the database, and
by screenshots: Chinese glyphs must be real glyphs (not tofu boxes), and the chart must draw
coloured bars. The screenshots (search, article, story, stories, chart) are kept in the
test's temporary folder, or in $NEWSCLEAN_SCREENSHOTS when set. Without the dev set, or
without Chromium, the tests are skipped.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from newsclean.db import browse_pages
from newsclean.db.store import ReadOnlyDatabase
from newsclean.extract.text import fold_script

pytestmark = pytest.mark.slow  # cleans the dev set, then runs Datasette and Chromium

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"
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
        ("the dev set (../shared/devset)", DEVSET.is_dir()),
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
REPRINT_URL = "https://news.reprint-daily.cn/2020/a1.html"
WORD = "中国"  # in more than 20 of the dev articles: more than one page of results
Site = tuple[str, Path]  # the base URL, the database file


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


def dev_pages(folder: Path) -> list[dict[str, str]]:
    """Manifest lines for the dev pages of a folder: each page with its gold record's URL."""
    lines = []
    for gold in sorted(folder.glob("*.json")):
        page, url = gold.with_suffix(".html"), json.loads(gold.read_text(encoding="utf-8")).get("url")
        if page.exists() and url:
            lines.append({"path": str(page), "url": url})
    return lines


def write_manifest(path: Path, lines: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def reprint_of(db_path: Path, folder: Path) -> tuple[int, Path]:
    """A text rendering of the first long dated dev article as another outlet reprints it a day
    later, without its last two paragraphs: (the original's id, the page)."""
    with sqlite3.connect(db_path) as conn:
        article_id, title, published, body = conn.execute(
            "select id, title, published_at, body from articles where url is not null and "
            "published_at glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*' and length(body) > 800 "
            "order by id limit 1"
        ).fetchone()
    paragraphs = [p for p in body.split("\n") if p.strip()][:-2]
    day = dt.date.fromisoformat(published[:10]) + dt.timedelta(days=1)
    text = (
        f"{title}\n\n{day} 09:12 来源：转载\n\n" + "\n\n".join("\u3000\u3000" + p for p in paragraphs) + "\n"
    )
    page = folder / "reprint.txt"
    page.write_text(text, encoding="utf-8")
    return article_id, page


def build_dev_corpus(folder: Path) -> Path:
    """The dev set's html and html2 pages cleaned with their URLs, and one reprint."""
    db_path = folder / "dev.db"
    lines = dev_pages(DEVSET / "html") + dev_pages(DEVSET / "html2")
    manifest = write_manifest(folder / "manifest.jsonl", lines)
    done = run_cli("clean", *(line["path"] for line in lines), "--db", db_path, "--manifest", manifest)
    assert db_path.exists(), done.stderr
    _, page = reprint_of(db_path, folder)
    reprint = write_manifest(folder / "reprint.jsonl", [{"path": page.name, "url": REPRINT_URL}])
    assert run_cli("clean", page, "--db", db_path, "--manifest", reprint).returncode == 0
    return db_path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`python cli.py browse` serving the dev corpus: (base URL, database file)."""
    if MISSING:
        pytest.skip(SKIP_REASON)
    tmp = tmp_path_factory.mktemp("browse")
    db_path = build_dev_corpus(tmp)
    port = free_port()
    with open(tmp / "browse.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "cli.py", "browse", "--db", str(db_path), "--port", str(port), "--no-open"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + "/-/versions.json", server)
            yield base, db_path
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=20)


@pytest.fixture(scope="module")
def dev_db(site: Site) -> Iterator[ReadOnlyDatabase]:
    """The served database, read-only, for the counts the pages must show."""
    conn = sqlite3.connect(f"file:{site[1]}?mode=ro", uri=True)
    yield ReadOnlyDatabase(conn)
    conn.close()


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


def matching(db: ReadOnlyDatabase, word: str) -> list[dict[str, Any]]:
    """The articles whose title or body holds the word (traditional script folded): what a
    search for it must find, counted here without the search index."""
    cursor = db.execute("select id, title, body, outlet, published_at, authors from articles")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor]
    return [r for r in rows if word in fold_script(f"{r['title']}\n{r['body']}")]


def shown_facets(browser) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    """{facet: {label: count}} as the search page shows them."""
    shown: dict[str, dict[str, int]] = {}
    for section in css(browser, "section.facet[data-facet]"):
        values = shown.setdefault(section.get_attribute("data-facet"), {})
        for li in section.find_elements("css selector", "li"):
            count = li.find_element("css selector", ".count").text
            values[li.text.rsplit(count, 1)[0].strip()] = int(count.replace(",", ""))
    return shown


def tally(values: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def result_count(browser) -> int:  # type: ignore[no-untyped-def]
    """The number of matches the page states (`27 articles match …`)."""
    return int(css(browser, ".result-count")[0].text.split()[0].replace(",", ""))


def path_of(element: Any) -> str:
    return urllib.parse.urlparse(element.get_attribute("href")).path


def test_home_page_links_the_pages(site: Site, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    browser.get(base + "/")
    links = {a.text: path_of(a) for a in css(browser, "ul.newsclean-home a")}
    assert links == {
        "Search articles": "/dev/-/search",
        "Stories": "/dev/-/stories",
        "Chart": "/dev/-/chart",
        "All articles (table)": "/dev/articles_list",
    }


def test_search_page(site: Site, browser, shots: Path, dev_db: ReadOnlyDatabase) -> None:  # type: ignore[no-untyped-def]
    """Facet counts, highlighted snippets, links to the articles, paging; the SQL one link away."""
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = site
    expected = matching(dev_db, WORD)
    assert len(expected) > browse_pages.PER_PAGE, "the word must fill more than one page"
    browser.get(f"{base}/dev/-/search?q=" + urllib.parse.quote(WORD))
    assert result_count(browser) == len(expected)
    titles = css(browser, "li.hit a.hit-title")
    assert len(titles) == browse_pages.PER_PAGE
    assert all(re.fullmatch(r"/dev/articles/\d+", path_of(a)) for a in titles)
    # every result shows the word highlighted, in its title or its snippet
    for hit in css(browser, "li.hit"):
        marks = [fold_script(m.text) for m in hit.find_elements("css selector", "mark")]
        assert marks and set(marks) == {WORD}
    assert (problem := glyph_problem(browser, titles[0], shots, "search")) is None, problem
    # facets count every match, not only the page's
    facets = shown_facets(browser)
    outlets = tally([r["outlet"] or browse_pages.UNKNOWN_OUTLET for r in expected])
    assert facets["outlet"] and all(outlets[label] == n for label, n in facets["outlet"].items())
    assert facets["year"] == tally([r["published_at"][:4] for r in expected if r["published_at"]])
    authors = tally([name for r in expected for name in json.loads(r["authors"] or "[]")])
    assert facets["author"] and all(authors[label] == n for label, n in facets["author"].items())
    # the SQL is not on the page, but one link away
    assert "select" not in css(browser, "body")[0].text.lower() and not css(browser, "textarea")
    sql_link = css(browser, ".sql-link a")[0].get_attribute("href")
    # paging: the next page goes on from result 21
    css(browser, "a.next")[0].click()
    WebDriverWait(browser, 20).until(lambda b: "page=2" in b.current_url)
    assert css(browser, "ol.hits")[0].get_attribute("start") == str(browse_pages.PER_PAGE + 1)
    assert len(css(browser, "li.hit")) == min(len(expected) - browse_pages.PER_PAGE, browse_pages.PER_PAGE)
    assert css(browser, "a.previous")
    browser.get(sql_link)
    assert "cjk_match(:q)" in css(browser, "textarea#sql-editor")[0].get_attribute("value")
    assert len(css(browser, "table.rows-and-columns tbody tr")) == browse_pages.PER_PAGE


def test_a_facet_filters_the_results(site: Site, browser, dev_db: ReadOnlyDatabase) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = site
    browser.get(f"{base}/dev/-/search?q=" + urllib.parse.quote(WORD))
    for facet in ("outlet", "year"):
        link = css(browser, f"section.facet[data-facet={facet}] li a")[0]
        label, count = (
            link.text,
            int(link.find_element("xpath", "..").find_element("css selector", ".count").text),
        )
        link.click()
        WebDriverWait(browser, 20).until(
            lambda b, f=facet: ("outlet=" if f == "outlet" else "from=") in b.current_url
        )
        assert result_count(browser) == count
        assert css(browser, f"section.facet[data-facet={facet}] li.selected strong")[0].text == label
        css(browser, f"section.facet[data-facet={facet}] li.selected a.remove")[0].click()
        WebDriverWait(browser, 20).until(
            lambda b: "outlet=" not in b.current_url and "from=" not in b.current_url
        )
        assert result_count(browser) == len(matching(dev_db, WORD))


def test_search_by_typing_and_a_bad_query(site: Site, browser, dev_db: ReadOnlyDatabase) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    browser.get(f"{base}/dev/-/search")
    assert "newest first" in css(browser, ".result-count")[0].text  # no query yet: every article
    box = css(browser, "form.newsclean-search-form input[name=q]")[0]
    box.send_keys("武汉 长假")
    submit_and_wait(browser, box, "q")
    both = {r["id"] for r in matching(dev_db, "武汉")} & {r["id"] for r in matching(dev_db, "长假")}
    hits = {int(path_of(a).rsplit("/", 1)[1]) for a in css(browser, "a.hit-title")}
    assert hits == both and result_count(browser) == len(both) >= 1
    text = page_text(browser, f"{base}/dev/-/search?q=" + urllib.parse.quote('"锦旗'))
    assert "Bad query: unbalanced quote" in text


def test_article_page_links_its_story(site: Site, browser, shots: Path, dev_db: ReadOnlyDatabase) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = site
    (reprint_id,) = dev_db.execute("select id from articles where url = ?", [REPRINT_URL]).fetchone()
    story = browse_pages.story_of_article(dev_db, reprint_id)
    assert story and story["copies"] == 2
    (first_id,) = dev_db.execute(
        "select first_article_id from stories where id = ?", [story["id"]]
    ).fetchone()
    title, body = dev_db.execute("select title, body from articles where id = ?", [first_id]).fetchone()
    browser.get(f"{base}/dev/articles/{first_id}")
    h1 = css(browser, ".newsclean-article h1")[0]
    assert h1.text == title
    assert [p.text for p in css(browser, ".article-body p")] == [
        p.strip() for p in body.split("\n") if p.strip()
    ]
    assert (problem := glyph_problem(browser, h1, shots, "article")) is None, problem
    link = css(browser, ".article-story a.story-link")[0]
    assert "2 copies" in link.text
    link.click()
    WebDriverWait(browser, 20).until(lambda b: "/-/stories/" in b.current_url)
    copies = css(browser, "li.story-copy")
    assert len(copies) == 2 and "first-copy" in copies[0].get_attribute("class")
    assert "2 removed" in copies[1].find_element("css selector", ".copy-diff").text
    assert len(copies[1].find_elements("css selector", "li.removed")) == 2
    assert copies[1].find_element("css selector", ".copy-outlet").text == "reprint-daily.cn"
    assert path_of(copies[1].find_element("css selector", "a.copy-title")) == f"/dev/articles/{reprint_id}"
    screenshot(browser, shots, "story")


def test_stories_page_lists_stories_with_copies(
    site: Site, browser, shots: Path, dev_db: ReadOnlyDatabase
) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    with_copies = dev_db.execute("select count(*) from stories where copies >= 2").fetchone()[0]
    browser.get(f"{base}/dev/-/stories")
    rows = css(browser, "table.newsclean-stories-table tbody tr")
    assert len(rows) == with_copies == 1
    assert [td.text for td in css(browser, "td.story-copies")] == ["2"]
    assert re.fullmatch(r"/dev/-/stories/\d+", path_of(css(browser, "a.story-link")[0]))
    assert (problem := glyph_problem(browser, css(browser, "a.story-link")[0], shots, "stories")) is None, (
        problem
    )
    every = dev_db.execute("select count(*) from stories").fetchone()[0]
    browser.get(f"{base}/dev/-/stories?min=1")
    assert len(css(browser, "table.newsclean-stories-table tbody tr")) == min(
        every, browse_pages.STORIES_PER_PAGE
    )
    assert bool(css(browser, "a.next")) is (every > browse_pages.STORIES_PER_PAGE)


def test_chart_bins_stacks_and_clicks(site: Site, browser, shots: Path, dev_db: ReadOnlyDatabase) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = site
    chart = browse_pages.chart_data(dev_db, browse_pages.SearchForm())
    assert chart.unit == "year" and len(chart.outlets) == browse_pages.CHART_OUTLETS + 1  # 2012-2025
    browser.get(f"{base}/dev/-/chart")
    WebDriverWait(browser, 30).until(lambda b: css(b, "#newsclean-chart[data-rendered='1'] svg"))
    bars = css(browser, "#newsclean-chart svg g.mark-rect path")
    assert len(bars) == len(chart.values)
    labels = [t.text for t in css(browser, "#newsclean-chart svg text")]
    assert set(chart.bins) <= set(labels) and {"year", "articles", *chart.outlets} <= set(labels)
    element = css(browser, "#newsclean-chart")[0]
    png = element.screenshot_as_png
    (shots / "chart.png").write_bytes(png)
    counts: list[tuple[int, Any]] = (
        Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 24) or []
    )
    colours: dict[tuple[int, int, int], int] = {}
    for n, (r, g, b) in counts:  # bars are saturated colours; axes, labels and background grey
        if max(r, g, b) - min(r, g, b) > 60:
            key = (r // 32, g // 32, b // 32)
            colours[key] = colours.get(key, 0) + n
    assert len([c for c, n in colours.items() if n >= 200]) >= 4, colours
    # a click on the tallest bar opens the search for its year and outlet
    tallest = max(bars, key=lambda bar: bar.size["height"])
    ActionChains(browser).move_to_element(tallest).click().perform()
    WebDriverWait(browser, 20).until(lambda b: "/-/search" in b.current_url)
    args = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(browser.current_url).query))
    (bar,) = [v for v in chart.values if v["args"] == args]
    outlet_total = sum(v["articles"] for v in chart.values if v["bin"] == bar["bin"])
    assert result_count(browser) == (
        outlet_total if bar["outlet"] == browse_pages.OTHER_OUTLETS else bar["articles"]
    )


def test_article_list_table_is_readable(site: Site, browser, dev_db: ReadOnlyDatabase) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    text = page_text(browser, f"{base}/dev/articles_list")
    assert "sorted by date descending" in text
    headers = [th.get_attribute("data-column") for th in css(browser, "table.rows-and-columns th")]
    assert headers == ["id", "title", "outlet", "date", "source", "authors", "month"]
    heights = [tr.size["height"] for tr in css(browser, "table.rows-and-columns tbody tr")]
    assert heights and max(heights) < 40, heights  # one line per row
    assert browser.execute_script("return document.documentElement.scrollWidth") <= WIDTH
    # its search box matches as the search page does
    browser.get(f"{base}/dev/articles_list?_search=" + urllib.parse.quote(WORD))
    assert f"{len(matching(dev_db, WORD))} rows where search matches" in css(browser, "body")[0].text
    text = page_text(browser, f"{base}/dev/articles_list?_search=" + urllib.parse.quote('"锦旗'))
    assert "Bad query: unbalanced quote" in text
    browser.get(f"{base}/dev/articles")
    bodies = [td.get_attribute("textContent") for td in css(browser, "td.col-body")]
    assert bodies and all(len(b) <= 61 for b in bodies)
