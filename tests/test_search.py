"""Search, show, export and stats over a database built from the golden fixture records."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from bench.cases import cases
from conftest import invoke
from newsclean.db import query, search, store
from newsclean.db.filters import FilterError, Filters
from newsclean.extract.record import Article

ACCEPTANCE = Path(__file__).resolve().parents[2] / "shared" / "acceptance"
SEED_NAME = re.compile(r"^(\d{3})_[0-9a-f]{16}")
ARTICLE_FIELDS = {f.name for f in fields(Article)}


# ---------------------------------------------------------------- the fixture database


def golden_files() -> dict[str, Path]:
    """Golden records by name (a seed's file name, else `<site>_<case>`): the expected.json of
    every case in tests/fixtures, plus any seed found only in acceptance/."""
    goldens = {case.name: case.gold for case in cases()}
    seeds = {SEED_NAME.match(n).group(1) for n in goldens if SEED_NAME.match(n)}
    for path in sorted(ACCEPTANCE.glob("*.expected.json")):
        name = path.name.split(".")[0]
        if name[:3] not in seeds:
            goldens[name] = path
    return goldens


def golden_row(name: str, path: Path) -> dict[str, Any]:
    """A golden record as an articles row, keyed by its url or else its file name."""
    data = json.loads(path.read_text(encoding="utf-8"))
    row = Article(**{k: v for k, v in data.items() if k in ARTICLE_FIELDS}).to_row()
    row["key"] = data.get("url") or name
    row["input_path"] = name
    return row


def build_fixture_db(path: Path) -> tuple[Any, dict[str, str]]:
    """A database of every golden record; returns it and {seed number: key}."""
    db = store.open_db(path)
    seeds: dict[str, int] = {}
    for name, file in golden_files().items():
        row = golden_row(name, file)
        with db.atomic():
            article_id, _ = store.upsert_article(db, row)
        if SEED_NAME.match(name):
            seeds[name[:3]] = article_id
    # An HTML twin of a seed takes the seed's row over (same id, its URL as key).
    seeds = {
        seed: db.execute("select key from articles where id = ?", [article_id]).fetchone()[0]
        for seed, article_id in seeds.items()
    }
    return db, seeds


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Any, dict[str, str], Path]:
    """(database, seed keys, database path) for one test."""
    db, seeds = build_fixture_db(tmp_path / "news.db")
    return db, seeds, tmp_path / "news.db"


def texts(db: Any) -> dict[str, str]:
    """Title and body of every article by key."""
    return {k: f"{t}\n{b}" for k, t, b in db.execute("select key, title, body from articles")}


def keys(db: Any, q: str, filters: Filters = Filters()) -> set[str]:
    """Keys of every article the search returns."""
    return {h["key"] for h in search.search(db, q, filters, limit=1000)}


def containing(db: Any, *words: str, without: tuple[str, ...] = ()) -> set[str]:
    """Keys whose title or body contains every word and none of `without`."""
    return {
        k for k, t in texts(db).items() if all(w in t for w in words) and not any(w in t for w in without)
    }


def titles(db: Any, found: set[str]) -> set[str]:
    """Titles of the articles with these keys."""
    return {t for k, t in db.execute("select key, title from articles") if k in found}


# ---------------------------------------------------------------- the spec's queries


def test_all_five_seeds_are_in_the_database(corpus):
    _, seeds, _ = corpus
    assert sorted(seeds) == ["000", "001", "002", "003", "004"]


def test_yiqing_finds_all_five_seeds(corpus):
    db, seeds, _ = corpus
    found = keys(db, "疫情")
    assert set(seeds.values()) <= found
    assert found == containing(db, "疫情")


@pytest.mark.parametrize("word, seed", [("锦旗", "000"), ("漯河", "004")])
def test_word_finds_only_its_seed(corpus, word, seed):
    db, seeds, _ = corpus
    found = keys(db, word)
    assert seeds[seed] in found
    assert found == containing(db, word)
    # Other hits may only be copies of the same page (its HTML fixture), never another page.
    assert titles(db, found) == titles(db, {seeds[seed]})
    other_seeds = {k for s, k in seeds.items() if s != seed}
    assert not found & other_seeds


def test_two_words_need_both(corpus):
    db, _, _ = corpus
    found = keys(db, "党员 志愿者")
    assert found == containing(db, "党员", "志愿者")
    assert found != containing(db, "党员") or found != containing(db, "志愿者")


def test_quoted_phrase_matches_the_exact_string(corpus):
    db, _, _ = corpus
    assert keys(db, '"疫情防控工作"') == containing(db, "疫情防控工作")
    assert keys(db, "“党员干部”") == containing(db, "党员干部")  # Chinese quotes too


def test_exclusion(corpus):
    db, seeds, _ = corpus
    found = keys(db, "疫情 -锦旗")
    assert found == containing(db, "疫情", without=("锦旗",))
    assert seeds["000"] not in found and seeds["001"] in found


def test_or(corpus):
    db, seeds, _ = corpus
    found = keys(db, "锦旗 OR 漯河")
    assert found == containing(db, "锦旗") | containing(db, "漯河")
    assert {seeds["000"], seeds["004"]} <= found
    # OR binds tighter than the implicit AND: 疫情 (锦旗 OR 漯河).
    assert keys(db, "疫情 锦旗 OR 漯河") == found & containing(db, "疫情")


def test_one_character_query(corpus):
    db, _, _ = corpus
    for ch in ("旗", "疫", "河", "荥"):
        assert keys(db, ch) == containing(db, ch), ch


@pytest.mark.slow
def test_every_substring_finds_exactly_the_articles_containing_it(corpus):
    """1- to 6-character CJK strings cut from the texts: recall and precision are exact."""
    db, _, _ = corpus
    runs = [r for t in texts(db).values() for r in search.CJK_RUN.findall(t)]
    rng = random.Random(5)
    for _ in range(300):
        run = rng.choice(runs)
        size = rng.randint(1, min(6, len(run)))
        at = rng.randint(0, len(run) - size)
        word = run[at : at + size]
        assert keys(db, word) == containing(db, word), word


def test_phrase_does_not_match_across_punctuation(tmp_path):
    db = store.open_db(tmp_path / "x.db")
    with db.atomic():
        store.upsert_article(db, {"key": "a", "site": "t", "title": "甲", "body": "疫情,防控到位"})
        store.upsert_article(db, {"key": "b", "site": "t", "title": "乙", "body": "疫情防控到位"})
    assert keys(db, "疫情防控") == {"b"}
    assert keys(db, '"疫情,防控"') == {"a"}
    assert keys(db, "疫情 防控") == {"a", "b"}
    assert keys(db, "控") == {"a", "b"} and keys(db, "情") == {"a", "b"}


def test_latin_words_and_numbers(tmp_path):
    db = store.open_db(tmp_path / "x.db")
    with db.atomic():
        store.upsert_article(
            db, {"key": "a", "site": "t", "title": "COVID-19疫苗", "body": "2020年1月中旬接种了Sinovac疫苗"}
        )
    assert keys(db, "covid") == {"a"}
    assert keys(db, "SINOVAC疫苗") == {"a"}
    assert keys(db, "2020年") == {"a"}
    assert keys(db, "年1月") == {"a"}
    assert keys(db, "2021年") == set()


def test_filters_by_site_and_date(corpus):
    db, seeds, _ = corpus
    rows = {k: (s, d) for k, s, d in db.execute("select key, site, published_at from articles")}
    hnr = keys(db, "疫情", Filters(site="hnr"))
    assert hnr == {k for k in containing(db, "疫情") if rows[k][0] == "hnr"}
    assert seeds["000"] in hnr and seeds["001"] not in hnr
    march = keys(db, "疫情", Filters(date_from="2020-03", date_to="2020-04"))
    assert march == {
        k for k in containing(db, "疫情") if rows[k][1] and "2020-03" <= rows[k][1][:7] <= "2020-04"
    }
    assert seeds["000"] in march and seeds["001"] in march and seeds["003"] not in march
    day = keys(db, "疫情", Filters(date_from="2020-03-19", date_to="2020-03-19"))
    assert seeds["000"] in day and seeds["001"] not in day


def test_filters_by_author_and_source(corpus):
    db, seeds, _ = corpus
    assert seeds["000"] in keys(db, "疫情", Filters(author="王文凯"))
    assert keys(db, "疫情", Filters(author="王文")) == set()  # whole names only
    found = keys(db, "疫情", Filters(source="河南日报"))
    assert seeds["004"] in found and seeds["000"] not in found


def test_bad_date_filter(corpus):
    db, _, _ = corpus
    with pytest.raises(FilterError, match="--from"):
        search.search(db, "疫情", Filters(date_from="March"))
    with pytest.raises(FilterError, match="--to"):
        list(query.iter_records(db, Filters(date_to="2020-3")))


@pytest.mark.parametrize(
    "bad, message",
    [
        ('"疫情', "unbalanced quote"),
        ("-锦旗", "at least one term"),
        ("", "empty"),
        ("疫情 OR", "OR needs a term"),
        ("OR 疫情", "OR needs a term"),
        ("锦旗 OR OR 漯河", "OR needs a term"),
        ("疫情 - 锦旗", "'-' must be followed"),
        ("疫情 -锦旗 OR 漯河", "cannot be part of an OR"),
        ("，。", "no letters"),
        ('疫情 ""', "empty phrase"),
    ],
)
def test_malformed_query_gives_query_error(corpus, bad, message):
    db, _, _ = corpus
    with pytest.raises(search.QueryError, match=message):
        search.search(db, bad)


def test_ranking_prefers_title_and_snippet_highlights(corpus):
    db, _, _ = corpus
    hits = search.search(db, "锦旗")
    assert hits[0]["title"].startswith("荥阳：一面锦旗")
    assert "[锦旗]" in hits[0]["snippet"]
    assert hits[0]["authors"] == ["王文凯"]
    scores = [h["score"] for h in search.search(db, "疫情", limit=100)]
    assert scores == sorted(scores, reverse=True)


# ---------------------------------------------------------------- keeping the index in sync


def test_index_follows_updates_deletes_and_reindex(corpus):
    db, seeds, _ = corpus
    row = next(query.iter_dicts(db.execute("select * from articles where key = ?", [seeds["000"]])))
    row.pop("id")
    before = {q: keys(db, q) for q in ("疫情", "锦旗", "党员 志愿者", "旗")}

    row["body"] = row["body"].replace("锦旗", "奖状") + "\n新增段落写到了蓝鲸飞艇码头"
    with db.atomic():
        store.upsert_article(db, row)
    assert search.pending_count(db) == 0
    assert seeds["000"] not in keys(db, "锦旗") or "锦旗" in row["title"]
    assert seeds["000"] in keys(db, "蓝鲸飞艇码头")
    assert keys(db, "奖状") == containing(db, "奖状")

    # A writer that bypasses upsert_article is caught up by the triggers before searching.
    with db.atomic():
        db.execute("update articles set body = body || '\n直接写入的段落' where key = ?", [seeds["001"]])
        db.execute("delete from articles where key = ?", [seeds["004"]])
    assert keys(db, "直接写入") == {seeds["001"]}
    assert seeds["004"] not in keys(db, "漯河")

    after = {q: keys(db, q) for q in before}
    assert search.reindex(db) == db.execute("select count(*) from articles").fetchone()[0]
    assert {q: keys(db, q) for q in before} == after
    assert keys(db, "蓝鲸飞艇码头") == {seeds["000"]}


def test_index_is_built_for_a_database_written_without_it(tmp_path):
    """A database written before the index existed (by a store without derived indexes) gets one."""
    db = store.open_db(tmp_path / "x.db", indexes=())
    with db.atomic():
        store.upsert_article(db, {"key": "a", "site": "t", "title": "标题", "body": "锦旗"})
    assert not search.index_exists(db)
    assert keys(db, "锦旗") == {"a"}


def test_a_new_database_has_its_search_index_before_any_row(tmp_path):
    db = store.open_db(tmp_path / "x.db")
    assert search.index_exists(db) and db["articles"].count == 0


# ---------------------------------------------------------------- show, export, stats


def test_show_reads_like_an_article(corpus):
    db, seeds, _ = corpus
    rec = query.get_article(db, seeds["000"])
    text = query.format_article(rec)
    lines = text.splitlines()
    assert lines[0] == "荥阳：一面锦旗“众人织” 万人同心“共战疫”"
    assert "authors: 王文凯" in text and "correspondents: 王春亮, 荣高洁" in text
    assert "2020-03-19 17:00:58" in text
    assert rec["body"][0] in lines and rec["body"][-1] in lines
    assert query.get_article(db, str(rec["id"]))["key"] == seeds["000"]
    assert query.get_article(db, "no-such-article") is None


def test_export_jsonl_round_trips(corpus):
    db, _, _ = corpus
    out = io.StringIO()
    count = query.write_jsonl(query.iter_records(db), out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(records) == db.execute("select count(*) from articles").fetchone()[0]
    for rec in records:
        row = next(query.iter_dicts(db.execute("select * from articles where id = ?", [rec["id"]])))
        assert rec["body"] == row["body"].split("\n")
        for name in ("authors", "correspondents", "keywords", "warnings"):
            assert rec[name] == json.loads(row[name])
        story = db.execute(
            "select story_id from story_articles where article_id = ?", [rec["id"]]
        ).fetchone()[0]
        assert {k: v for k, v in rec.items() if k not in ARTICLE_FIELDS | {"key", "id"}} == {
            "extracted_at": row["extracted_at"],
            "story_id": story,
        }


def test_export_csv_round_trips_with_filters(corpus):
    db, seeds, _ = corpus
    out = io.StringIO()
    query.write_csv(query.iter_records(db, Filters(site="hnr")), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["site"] for r in rows} == {"hnr"}
    by_key = {r["key"]: r for r in rows}
    golden = query.get_article(db, seeds["000"])
    got = by_key[seeds["000"]]
    assert got["body"].split("\n") == golden["body"]
    assert got["correspondents"].split(query.CSV_LIST_SEPARATOR) == golden["correspondents"]
    assert got["title"] == golden["title"]


@pytest.mark.parametrize("q", ["漯河", "疫", "党员 志愿者 -锦旗"])
def test_export_with_query_streams_every_match_in_id_order(corpus, q):
    db, _, _ = corpus
    recs = list(query.iter_records(db, Filters(), q))
    assert {r["key"] for r in recs} == keys(db, q)
    assert [r["id"] for r in recs] == sorted(r["id"] for r in recs)


def test_stats(corpus):
    db, _, _ = corpus
    figures = query.stats(db)
    total = db.execute("select count(*) from articles").fetchone()[0]
    assert figures["articles"] == total
    assert sum(n for _, _, n, _, _ in figures["sites"]) == total
    assert sum(n for _, n in figures["months"]) == total
    assert (
        "2020-03",
        len([1 for (d,) in db.execute("select published_at from articles") if d and d.startswith("2020-03")]),
    ) in figures["months"]
    assert ("王文凯", 2) in figures["authors"] or ("王文凯", 1) in figures["authors"]


# ---------------------------------------------------------------- the CLI


def test_cli_search_formats(corpus):
    _, seeds, path = corpus
    result = invoke("search", "锦旗", "--db", str(path))
    assert result.exit_code == 0
    assert "荥阳：一面锦旗" in result.output and "[锦旗]" in result.output
    result = invoke("search", "疫情", "--db", str(path), "--format", "json", "--limit", "2")
    hits = json.loads(result.output)
    assert len(hits) == 2 and all("snippet" in h for h in hits)
    result = invoke("search", "漯河", "--db", str(path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert seeds["004"] in {r["key"] for r in rows}
    result = invoke("search", "锦旗", "--db", str(path), "--site", "ddsb")
    assert result.exit_code == 0 and "荥阳" not in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["search", '"疫情', "--db", "{db}"], "bad search query: unbalanced quote"),
        (["search", "疫情", "--db", "{db}", "--from", "2020/03"], "--from must look like"),
        (["search", "疫情", "--db", "{missing}"], "missing.db not found"),
        (["show", "1", "--db", "{missing}"], "missing.db not found"),
        (["export", "--db", "{missing}"], "missing.db not found"),
        (["stats", "--db", "{missing}"], "missing.db not found"),
        (["show", "999999", "--db", "{db}"], "no article with id"),
        (["search", "--db", "{db}"], "Missing argument"),
        (["export", "--db", "{db}", "--format", "xml"], "Invalid value"),
    ],
)
def test_cli_errors_exit_with_a_message(corpus, tmp_path, args, message):
    _, _, path = corpus
    args = [a.format(db=path, missing=tmp_path / "missing.db") for a in args]
    result = invoke(*args)
    usage_error = message in ("Missing argument", "Invalid value")  # click's status 2
    assert result.exit_code == (2 if usage_error else 1), result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "missing.db").exists()


def test_cli_show_and_stats(corpus):
    _, seeds, path = corpus
    result = invoke("show", seeds["004"], "--db", str(path))
    assert result.exit_code == 0
    assert result.output.startswith('同心战"疫" 漯河静谧街道')
    result = invoke("stats", "--db", str(path))
    assert result.exit_code == 0
    assert "per site:" in result.output and "hnr" in result.output and "2022-04" in result.output
    figures = json.loads(invoke("stats", "--db", str(path), "--format", "json").output)
    assert figures["articles"] >= 5


def test_cli_export_to_file_and_reindex(corpus, tmp_path):
    db, seeds, path = corpus
    out = tmp_path / "out.jsonl"
    result = invoke(
        "export", "--db", str(path), "-q", "疫情", "--from", "2020", "--to", "2020", "-o", str(out)
    )
    assert result.exit_code == 0
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["key"] for r in recs} == {
        k for k in keys(db, "疫情", Filters(date_from="2020", date_to="2020"))
    }
    assert all(r["published_at"].startswith("2020") for r in recs)
    result = invoke("export", "--db", str(path), "--format", "csv", "--author", "卢松")
    assert result.exit_code == 0
    assert {r["key"] for r in csv.DictReader(io.StringIO(result.output))} == {
        k for k, a in db.execute("select key, authors from articles") if "卢松" in a
    }
    result = invoke("reindex", "--db", str(path))
    assert result.exit_code == 0 and result.output.startswith("indexed ")
    assert keys(db, "锦旗") >= {seeds["000"]}


# ---------------------------------------------------------------- filters as index tags, paging


def dated_db(path: Path, n: int = 300, seed: int = 2) -> Any:
    """n small articles with random sites and dates, odd dates among them."""
    rng = random.Random(seed)
    db = store.open_db(path)
    odd = [
        None,
        "2020-03",
        "2020",
        "1899-12-31",
        "2100-01-01",
        "2020-02-30T00:00",
        "昨天",
        "2020-13-01",
        "2020-03-19 08:00",
    ]
    words = ["疫情防控", "志愿者", "锦旗", "社区", "党员", "口罩"]
    with db.atomic():
        for i in range(n):
            date = (
                rng.choice(odd)
                if rng.random() < 0.15
                else f"{rng.randint(2017, 2024)}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 31):02d}T10:00:00+08:00"
            )
            store.upsert_article(
                db,
                {
                    "key": f"k{i}",
                    "site": rng.choice(["hnr", "ddsb", "x_y"]),
                    "title": rng.choice(words) + f"第{i}条",
                    "body": "，".join(rng.sample(words, 3)),
                    "published_at": date,
                },
            )
    return db


def sql_keys(db: Any, word: str, filters: Filters) -> set[str]:
    """Keys of the articles containing `word` that filter_sql keeps."""
    from newsclean.db.filters import filter_sql

    where, params = filter_sql(filters, "a")
    return {
        k
        for k, t, b in db.execute(f"select key, title, body from articles a where {where}", params)
        if word in f"{t}\n{b}"
    }


@pytest.mark.slow
def test_filter_tags_select_exactly_what_filter_sql_selects(tmp_path):
    db = dated_db(tmp_path / "x.db")
    rng = random.Random(9)
    bounds = [
        "2020",
        "2020-03",
        "2020-03-19",
        "2020-00",
        "2020-13",
        "2020-02-45",
        "2020-03-00",
        "2019-12-31",
        "2024",
        "1899",
        "2200",
        None,
    ]
    for _ in range(150):
        f = Filters(
            site=rng.choice([None, "hnr", "x_y"]), date_from=rng.choice(bounds), date_to=rng.choice(bounds)
        )
        word = rng.choice(["社区", "锦", "党员 志愿者"])
        expected = sql_keys(db, word.split()[0], f)
        if " " in word:
            expected &= sql_keys(db, "志愿者", f)
        assert keys(db, word, f) == expected, (word, f)
    # without odd dates the tags alone decide (no SQL join)
    with db.atomic():
        db.execute("delete from articles where published_at not like '20__-__-__T%'")
    search.sync(db)
    f = Filters(site="hnr", date_from="2020", date_to="2021-06")
    assert search.make_plan(db, search.parse_query("社区"), f).where is None
    assert keys(db, "社区", f) == sql_keys(db, "社区", f)


def test_date_tags_are_few():
    assert search.date_tags("2020", "2020") == [search.TAG + "y2020"]
    assert len(search.date_tags("2020-03-19", None)) < 40
    assert search.date_tags("2021", "2020") == []


def test_changing_site_or_date_moves_the_article_between_filters(tmp_path):
    db = store.open_db(tmp_path / "x.db")
    with db.atomic():
        store.upsert_article(
            db,
            {
                "key": "a",
                "site": "hnr",
                "title": "锦旗",
                "body": "锦旗",
                "published_at": "2020-03-19T10:00:00+08:00",
            },
        )
    assert keys(db, "锦旗", Filters(site="hnr", date_from="2020")) == {"a"}
    with db.atomic():
        db.execute("update articles set site = 'ddsb', published_at = '2021-01-01' where key = 'a'")
    assert keys(db, "锦旗", Filters(site="hnr")) == set()
    assert keys(db, "锦", Filters(site="ddsb", date_from="2021", date_to="2021")) == {"a"}
    assert search.reindex(db) == 1 and keys(db, "锦旗", Filters(site="ddsb")) == {"a"}


@pytest.mark.slow
@pytest.mark.parametrize("q", ["社区", "疫情防控", "锦", "党员 OR 口罩", '"志愿者，锦旗"'])
def test_pages_cover_every_match_once_and_say_the_total(tmp_path, monkeypatch, q):
    monkeypatch.setattr(search, "RANK_LIMIT", 7)
    db = dated_db(tmp_path / "x.db", 120)
    truth = {k for k in containing(db, *q.replace(" OR ", " ").strip('"').split()[:1])}
    if " OR " in q:
        truth = containing(db, "党员") | containing(db, "口罩")
    ids, page, offset = [], None, 0
    while page is None or page.rows:
        page = search.find(db, q, limit=9, offset=offset)
        ids += [r["key"] for r in page.rows]
        offset += 9
    assert page.total == len(truth) == len(ids) and set(ids) == truth
    first = search.find(db, q, limit=1000)
    assert [r["rank"] for r in first.rows] == list(range(1, len(truth) + 1))
    if first.order == "bm25" and first.total > 7:
        assert first.ranked == 7
        ranked = [r for r in first.rows if r["ranked"]]
        assert len(ranked) == 7 and [r["score"] for r in ranked] == sorted(
            (r["score"] for r in ranked), reverse=True
        )
        tail = [r["id"] for r in first.rows if not r["ranked"]]
        assert tail == sorted(tail, reverse=True)
        assert min(r["id"] for r in ranked) > max(tail)  # the ranked ones are the newest
        assert "ranked by relevance among the 7 newest" in search.summary(search.hits_of(first, None))


def test_single_characters_put_title_matches_first(corpus):
    db, _, _ = corpus
    page = search.find(db, "旗", limit=100)
    in_title = ["旗" in r["title"] for r in page.rows]
    assert in_title == sorted(in_title, reverse=True) and page.order == "title"
    assert page.total == len(containing(db, "旗"))


def test_no_silent_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    db = dated_db(tmp_path / "x.db", 60)
    n = len(containing(db, "社区"))
    assert len(search.search(db, "社区", limit=100_000)) == n > 5
    result = invoke("search", "社区", "--db", str(tmp_path / "x.db"), "--limit", "4", "--offset", "4")
    assert result.output.startswith(f"{n} matches, 5-8 shown (ranked by relevance among the 5 ")
    assert " 5. " in result.output and "more with --offset 8" in result.output
    hits = json.loads(
        invoke(
            "search", "社区", "--db", str(tmp_path / "x.db"), "--format", "json", "--offset", str(n - 1)
        ).output
    )
    assert [(h["rank"], h["total"]) for h in hits] == [(n, n)]


def test_parallel_reindex_builds_the_same_index(corpus, monkeypatch):
    db, _, _ = corpus
    before = {q: [h["id"] for h in search.search(db, q, limit=50)] for q in ("疫情", "旗", "党员")}
    monkeypatch.setattr(search, "PARALLEL_FROM", 0)
    search.reindex(db)
    assert {q: [h["id"] for h in search.search(db, q, limit=50)] for q in before} == before


def test_an_index_in_the_old_layout_is_rebuilt_on_open(tmp_path):
    """An index built before the tags column existed is dropped and rebuilt by open_db."""
    path = tmp_path / "old.db"
    db = store.open_db(path)
    with db.atomic():
        store.upsert_article(db, {"key": "a", "site": "hnr", "title": "锦旗", "body": "漯河"})
        for sql in search._DROP:
            db.execute(sql)
        db.execute(
            f"create virtual table {search.FTS_TABLE} using fts5(title, body, "
            "content='', tokenize='unicode61')"
        )
        db.execute(
            f"create virtual table {search.CHARS_TABLE} using fts5(chars, content='', "
            "detail='none', tokenize='unicode61')"
        )
        db.execute(
            f"create table {search.PENDING_TABLE} (id integer primary key, title text, "
            "body text, indexed integer not null)"
        )
    db.conn.close()
    with pytest.raises(store.StoreError, match="has no search index: build it with `newsclean reindex"):
        query.index_notes(query.open_existing(path), path)  # read-only: cannot rebuild it
    db = store.open_db(path)
    assert search.index_exists(db) and keys(db, "漯河", Filters(site="hnr")) == {"a"}


# ---------------------------------------------------------------- bounded totals, ranking in Python


def fts5_scores(db: Any, q: str) -> dict[int, float]:
    """Every match of q with FTS5's own bm25 (negated: higher is better)."""
    plan = search.make_plan(db, search.parse_query(q), Filters())
    sql = f"select rowid, -{search.RANK_SQL} from {plan.table} where {plan.table} match ?"
    return dict(db.execute(sql, [plan.expr]).fetchall())


def test_bm25_scores_are_fts5s_bm25(tmp_path):
    db = dated_db(tmp_path / "x.db", 200)
    with db.atomic():
        for i, body in enumerate(
            ["哈哈哈，COVID-19疫情", "covid19 疫情防控 COVID", "Sinovac疫苗，志愿者锦旗"]
        ):
            store.upsert_article(db, {"key": f"latin{i}", "site": "t", "title": "疫情 COVID", "body": body})
    queries = [
        "社区",
        "疫情防控 锦旗 OR 口罩",
        '"志愿者，锦旗"',
        "党员 -锦旗",
        "哈哈",
        "covid",
        "COVID-19",
        "疫 社区",
    ]
    for q in queries:
        expected = fts5_scores(db, q)
        assert expected, q
        got = search.bm25_scores(db, search.parse_query(q), list(expected))
        assert got.keys() == expected.keys() and all(got[i] == pytest.approx(expected[i]) for i in got), q


def test_term_counter_counts_what_the_index_matches():
    assert search.term_counter("哈哈")("哈哈哈，哈哈") == 3
    assert search.term_counter("防控")("疫情防控，防控") == 2
    assert search.term_counter("疫情，防控")("疫情防控 疫情，防控") == 1
    assert search.term_counter("covid")("COVID-19 covid19 Covid") == 2
    assert search.term_counter("COVID-19疫情")("covid 19疫情 COVID-19疫情防控") == 2


@pytest.mark.slow
def test_doc_freq_is_exact_up_to_the_sample_then_estimated(tmp_path, monkeypatch):
    db = dated_db(tmp_path / "x.db", 400)
    first, last = db.execute("select min(id), max(id) from articles").fetchone()
    truth = len(containing(db, "社区"))
    assert search._doc_freq(db, "社区", last, last - first + 1) == truth
    monkeypatch.setattr(search, "IDF_SAMPLE", 40)
    estimate = search._doc_freq(db, "社区", last, last - first + 1)
    assert estimate != truth and 0.7 * truth < estimate < 1.4 * truth


@pytest.mark.parametrize("q", ["社区", "锦", "党员 OR 口罩"])
def test_a_bounded_total_says_more_than_and_paging_still_reaches_every_match(tmp_path, monkeypatch, q):
    monkeypatch.setattr(search, "COUNT_LIMIT", 20)
    monkeypatch.setattr(search, "RANK_LIMIT", 7)
    db = dated_db(tmp_path / "x.db", 150)
    truth = containing(db, "党员") | containing(db, "口罩") if " OR " in q else containing(db, q)
    first = search.find(db, q, limit=5)
    assert (first.total, first.exact) == (20, False) and len(truth) > 20
    line = search.summary(search.hits_of(first, None))
    assert line.startswith("more than 20 matches, 1-5 shown") and line.endswith("--count counts them all")
    exact = search.find(db, q, limit=5, exact_count=True)
    assert (exact.total, exact.exact) == (len(truth), True)
    assert [r["id"] for r in exact.rows] == [r["id"] for r in first.rows]
    seen, offset = [], 0
    while page := search.find(db, q, limit=9, offset=offset).rows:
        seen += [r["key"] for r in page]
        bound = page[0]["total"]
        assert page[0]["total_exact"] == (bound == len(truth)) and bound >= min(offset + 9, len(truth))
        offset += 9
    assert len(seen) == len(truth) and set(seen) == truth


def test_cli_count_option(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "COUNT_LIMIT", 10)
    db = dated_db(tmp_path / "x.db", 60)
    n = len(containing(db, "社区"))
    path = str(tmp_path / "x.db")
    assert invoke("search", "社区", "--db", path, "--limit", "5").output.startswith(
        "more than 10 matches, 1-5 shown"
    )
    assert invoke("search", "社区", "--db", path, "--limit", "5", "--count").output.startswith(
        f"{n} matches, 1-5"
    )
    hits = json.loads(invoke("search", "社区", "--db", path, "--format", "json", "--limit", "1").output)
    assert [(h["total"], h["total_exact"]) for h in hits] == [(10, False)]
    assert f"{10_000:,}" in invoke("search", "--help").output and search.COUNT_LIMIT == 10  # patched
