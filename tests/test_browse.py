"""`browse` as a user sees it: Datasette on a fixture database, read in headless Chromium."""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from test_search import build_fixture_db

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = [name for name, ok in (
    ("datasette (pip install '.[browse]')", importlib.util.find_spec("datasette")),
    ("selenium (pip install selenium)", importlib.util.find_spec("selenium")),
    ("chromium (apt-get install chromium)", CHROMIUM),
    ("chromedriver (apt-get install chromium-driver)", CHROMEDRIVER),
) if not ok]
pytestmark = pytest.mark.skipif(bool(MISSING), reason="browser test needs " + ", ".join(MISSING))

CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1000"]


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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """`python cli.py browse` serving a fixture database: (base URL, seed keys)."""
    tmp = tmp_path_factory.mktemp("browse")
    db, seeds = build_fixture_db(tmp / "news.db")
    db.conn.close()
    port = free_port()
    log = open(tmp / "browse.log", "w")
    server = subprocess.Popen(
        [sys.executable, "cli.py", "browse", "--db", str(tmp / "news.db"), "--port", str(port),
         "--no-open"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/-/versions.json", server)
        yield base, seeds
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Headless Debian Chromium driven by its chromedriver, with a fresh profile."""
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def page_text(browser, url: str) -> str:  # type: ignore[no-untyped-def]
    """The visible text of the page at url."""
    from selenium.webdriver.common.by import By

    browser.get(url)
    return browser.find_element(By.TAG_NAME, "body").text


def test_search_for_jinqi_shows_seed_000(site, browser):
    base, seeds = site
    text = page_text(browser, f"{base}/news/search?q=" + urllib.parse.quote("锦旗"))
    assert "荥阳：一面锦旗“众人织” 万人同心“共战疫”" in text
    assert "[锦旗]" in text  # the snippet highlights the match
    assert "漯河静谧街道" not in text


def test_search_form_is_usable_by_typing(site, browser):
    from selenium.webdriver.common.by import By

    base, _ = site
    browser.get(f"{base}/news/search")
    box = browser.find_element(By.ID, "qp1")
    box.clear()
    box.send_keys("漯河 党员")
    box.submit()
    text = browser.find_element(By.TAG_NAME, "body").text
    assert '同心战"疫" 漯河静谧街道流动着亮眼"党旗红"' in text
    assert "荥阳：一面锦旗" not in text


def test_bad_query_shows_a_message(site, browser):
    base, _ = site
    text = page_text(browser, f"{base}/news/search?q=" + urllib.parse.quote('"锦旗'))
    assert "Bad query: unbalanced quote" in text


def test_listing_has_facets_and_newest_first(site, browser):
    base, _ = site
    text = page_text(browser, f"{base}/news/articles_list")
    assert "sorted by published_at descending" in text
    for facet in ("site", "source", "month"):
        assert f"\n{facet}" in "\n" + text, facet
    from selenium.webdriver.common.by import By
    dates = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "td.col-published_at")]
    dated = [d for d in dates if d]
    assert len(dated) >= 5 and dated == sorted(dated, reverse=True)
    assert "articles_fts" not in page_text(browser, f"{base}/news")
