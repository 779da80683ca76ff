"""The `eval` command and its scoring, and the generic adapter's contextual dates."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from conftest import FIXTURES, fixture, invoke
from newsclean.ingest.evaluate import body_scores, date_matches, evaluate, totals
from newsclean.ingest.pipeline import extract_page


def test_every_fixture_scores_exact():
    summary = totals(evaluate(FIXTURES))
    assert summary["pages"] >= 15 and summary["errors"] == 0
    for name in ("title", "published_at", "source", "authors", "correspondents", "editor", "body_f1"):
        assert summary[name] == 1.0, name


@pytest.mark.slow
def test_eval_command_prints_table_and_json(tmp_path):
    out = tmp_path / "scores.json"
    result = invoke("eval", FIXTURES, "--against", "trafilatura", "--json", out)
    assert result.exit_code == 0, result.output
    assert "hnr/2020_000" in result.output and "trafilatura on the same pages" in result.output
    scores = json.loads(out.read_text(encoding="utf-8"))
    assert scores["total"]["body_f1"] == 1.0
    assert 0 < scores["total"]["trafilatura_body_f1"] < 1.0  # it keeps boilerplate our adapters drop


def test_wrong_gold_is_reported(tmp_path):
    shutil.copy(fixture("hnr/2020_000"), tmp_path / "page.html")
    gold = json.loads((FIXTURES / "hnr/2020_000" / "expected.json").read_text(encoding="utf-8"))
    gold["title"] = "另一个标题"
    gold["body"] = "\n".join(gold["body"][:3])  # a string body is accepted too
    (tmp_path / "page.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    [score] = evaluate(tmp_path)
    assert score.fields["title"] is False and score.fields["editor"] is True
    precision, recall, f1 = score.body
    assert recall == 1.0 and precision < 0.5 and f1 < 0.7


def test_eval_on_empty_folder_is_an_error(tmp_path):
    result = invoke("eval", tmp_path)
    assert result.exit_code == 1 and "no NAME.json" in result.output


def test_body_scores_and_date_precision():
    assert body_scores("甲乙丙", "甲乙丙") == (1.0, 1.0, 1.0)
    assert body_scores("", "甲乙") == (0.0, 0.0, 0.0)
    p, r, _ = body_scores("甲乙 丙丁", "甲乙丙")  # whitespace is ignored
    assert r == 1.0 and round(p, 3) == 0.667
    assert date_matches("2020-03-19T17:00:58+08:00", "2020-03-19")
    assert date_matches("2020-03-19T17:00:58+08:00", "2020-03-19T17:00")
    assert not date_matches("2020-03-19T17:00:58+08:00", "2020-03-19T17:01")
    assert not date_matches(None, "2020-03-19") and date_matches(None, None)


# A page of an unknown site whose date line is relative or has no year.
def unknown_site_page(meta: str) -> bytes:
    body = "".join(
        f"<p>这是第{i}段正文，内容足够长，用来测试通用提取器处理相对时间和没有年份的日期。</p>"
        for i in range(5)
    )
    return (
        f"<html><head><title>某县召开春耕生产工作会议_某某网</title></head><body><h1>某县召开春耕生产工作会议</h1>"
        f"<div class=info>{meta}</div><div class=content>{body}</div></body></html>"
    ).encode()


def test_relative_date_needs_fetch_time():
    page = unknown_site_page("3小时前 来源：某某网")
    art = extract_page(page)
    assert art.published_at is None and any("relative date" in w for w in art.warnings)
    fetched = dt.datetime(2021, 5, 6, 8, 0, tzinfo=dt.timezone.utc)
    assert extract_page(page, fetched_at=fetched).published_at == "2021-05-06T13:00:00+08:00"


def test_yearless_date_takes_year_from_url():
    art = extract_page(
        unknown_site_page("04-03 10:20 来源：某某网"), url="http://x.example.com/2021/0403/1.html"
    )
    assert art.published_at == "2021-04-03T10:20:00+08:00" and art.source == "某某网"
