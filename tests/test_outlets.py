"""Issue 22, section 1: every article has an outlet (the publisher's name when the page gives
it, else the registered domain) and a host; --site takes an adapter, a host or domain, or an
outlet; stats counts by outlet; export carries both; older databases are filled in."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import fixture, invoke
from newsclean.extract.outlet import copyright_owner, outlet_of, registered_domain

COUNTY = fixture("generic/county_2021")  # county media-centre layout, 版权所有 主办：云溪县融媒体中心
COUNTY_URL = "http://www.yunxixian-rmt.cn/content/xzdt/2021/0615/10832.html"
HNR = fixture("hnr/2020_000")  # hnr.cn 2020 template, canonical URL on news.hnr.cn
CHINANEWS = fixture("chinanews/ha_2018_gb2312")  # ha.chinanews.com.cn 2018 layout


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    db = tmp_path / "news.db"
    manifest = tmp_path / "urls.jsonl"
    manifest.write_text(
        json.dumps({"path": str(COUNTY), "url": COUNTY_URL})
        + "\n"
        + json.dumps(
            {"path": str(CHINANEWS), "url": "http://www.ha.chinanews.com.cn/news/hnxw/2018/0912/31264.shtml"}
        )
        + "\n",
        encoding="utf-8",
    )
    result = invoke("clean", COUNTY, HNR, CHINANEWS, "--manifest", manifest, "--db", db, "--jobs", "1")
    assert result.exit_code == 0, result.output
    return db


def outlets(db: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return {
            site: (outlet, host)
            for site, outlet, host in conn.execute("select site, outlet, host from articles")
        }


@pytest.mark.parametrize(
    "host, domain",
    [
        ("news.cjn.cn", "cjn.cn"),
        ("www.ha.chinanews.com.cn", "chinanews.com.cn"),
        ("www.henan.gov.cn", "henan.gov.cn"),
        ("news.163.com", "163.com"),
        ("127.0.0.1", "127.0.0.1"),
    ],
)
def test_registered_domain(host: str, domain: str) -> None:
    assert registered_domain(host) == domain


def test_outlet_is_the_name_the_page_gives_else_the_domain() -> None:
    assert copyright_owner("版权所有 主办：云溪县融媒体中心 新闻热线：0379-66881234") == "云溪县融媒体中心"
    assert copyright_owner("Copyright &copy; 2003-2020 长江网 All Rights Reserved") == "长江网"
    assert outlet_of(None, "Copyright © 2020 长江网 版权所有", "news.cjn.cn") == "长江网"
    assert outlet_of(None, "<p>about us</p>", "news.cjn.cn") == "cjn.cn"
    assert outlet_of("映象网", "Copyright © 2020 长江网", "news.hnr.cn") == "映象网"
    assert outlet_of(None, "", None) is None


def test_clean_stores_outlet_and_host(corpus: Path) -> None:
    assert outlets(corpus) == {
        "generic": ("云溪县融媒体中心", "www.yunxixian-rmt.cn"),
        "hnr": ("映象网", "news.hnr.cn"),
        "chinanews": ("中国新闻网", "www.ha.chinanews.com.cn"),
    }


@pytest.mark.parametrize(
    "site, expected",
    [
        ("HNR", "hnr"),  # an adapter, any case
        ("yunxixian-rmt.cn", "generic"),  # a domain the host ends with
        ("www.ha.chinanews.com.cn", "chinanews"),  # a host
        ("云溪县融媒体中心", "generic"),  # an outlet name
    ],
)
def test_site_filter_takes_adapter_host_domain_or_outlet(corpus: Path, site: str, expected: str) -> None:
    for option in ("--site", "--outlet"):
        found = invoke("export", option, site, "--db", corpus)
        assert found.exit_code == 0, found.output
        assert [json.loads(line)["site"] for line in found.output.splitlines()] == [expected]
    hits = json.loads(invoke("search", "的", "--site", site, "--format", "json", "--db", corpus).output)
    assert {hit["site"] for hit in hits} == {expected}


def test_stats_counts_by_outlet_and_export_has_both_columns(corpus: Path) -> None:
    figures = json.loads(invoke("stats", "--format", "json", "--db", corpus).output)
    assert sorted(row["outlet"] for row in figures["outlets"]) == ["中国新闻网", "云溪县融媒体中心", "映象网"]
    table = invoke("stats", "--db", corpus).output
    assert "top 10 outlets:" in table and "云溪县融媒体中心" in table
    row = json.loads(invoke("export", "--site", "hnr", "--db", corpus).output)
    assert (row["outlet"], row["host"]) == ("映象网", "news.hnr.cn")


def test_a_database_from_before_outlets_is_filled_in(corpus: Path) -> None:
    with sqlite3.connect(corpus) as conn:
        conn.execute("drop index if exists idx_articles_outlet")
        conn.execute("alter table articles drop column outlet")
        conn.execute("alter table articles drop column host")
    read = json.loads(invoke("export", "--site", "news.hnr.cn", "--db", corpus).output)  # read-only
    assert (read["outlet"], read["host"]) == ("映象网", "news.hnr.cn")
    assert invoke("reclean", "--db", corpus).exit_code == 0  # a writer migrates the file
    assert outlets(corpus)["hnr"] == ("映象网", "news.hnr.cn")
    assert outlets(corpus)["generic"] == ("云溪县融媒体中心", "www.yunxixian-rmt.cn")


def test_a_large_database_from_before_outlets_is_refused_with_the_upgrade(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reading a pre-outlets database goes through an upgraded copy in memory; past a size
    # (64 MB; here made tiny) every query would copy it, so it is refused with the command
    # that upgrades the file once.
    from newsclean.db import store

    with sqlite3.connect(corpus) as conn:
        conn.execute("drop index if exists idx_articles_outlet")
        conn.execute("alter table articles drop column outlet")
        conn.execute("alter table articles drop column host")
    monkeypatch.setattr(store, "IN_MEMORY_UPGRADE_MAX", 1000)
    refused = invoke("export", "--db", corpus)
    assert refused.exit_code == 1
    assert f"upgrade it once with `newsclean reindex --db {corpus}`" in refused.output
    assert invoke("reindex", "--db", corpus).exit_code == 0
    assert json.loads(invoke("export", "--site", "hnr", "--db", corpus).output)["outlet"] == "映象网"


def test_copyright_owner_is_the_first_mark_that_opens_a_match() -> None:
    # the pattern is tried at each mark in turn: a mark without a name after it is passed over
    assert copyright_owner("Copyright notice | 版权所有：长江网 | 大河网") == "长江网"
    assert copyright_owner("© 2020 | © 大河网 | 版权所有：长江网") == "大河网"
    assert copyright_owner("Copyright 2020 All Rights Reserved") is None
