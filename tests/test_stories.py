"""Story detection: reprints share a story, other stories never do, incremental equals rebuild."""

from __future__ import annotations

import importlib.util
import json
import random
import sqlite3
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, ROOT, invoke
from newsclean.db import store, stories

_spec = importlib.util.spec_from_file_location("stories_pairs", ROOT / "bench" / "stories_pairs.py")
sp = sys.modules.setdefault("stories_pairs", importlib.util.module_from_spec(_spec))  # type: ignore[arg-type]
_spec.loader.exec_module(sp)  # type: ignore[union-attr]

TO_TRADITIONAL = str.maketrans(stories._SIMPLIFIED, stories._TRADITIONAL)


def to_traditional(text: str) -> str:
    return text.translate(TO_TRADITIONAL)


def write(db: Any, doc: Any, key: str | None = None) -> int:
    """Store a Doc through the normal write path (derived indexes synced); its id."""
    row = {
        "key": key or doc.name,
        "title": doc.title or "无题",
        "body": doc.text,
        "site": doc.site,
        "published_at": doc.published_at,
    }
    with db.atomic():
        return store.upsert_article(db, row)[0]


def snapshot(db: Any) -> tuple[list[Any], list[Any]]:
    return (
        db.execute("select article_id, story_id from story_articles order by 1").fetchall(),
        db.execute("select * from stories order by 1").fetchall(),
    )


def story(db: Any, article_id: int) -> int:
    return db.execute("select story_id from story_articles where article_id = ?", [article_id]).fetchone()[0]


# ---------------------------------------------------------------- signatures


def test_normalize_folds_width_script_and_punctuation():
    assert stories.normalize("映象網訊（記者 王文凱）ＡＢ12,疫情。") == "映象网讯记者王文凯ab12疫情"


def test_short_bodies_get_no_signature():
    caption = sp.CAPTIONS[0]
    assert len(stories.normalize(caption)) < stories.MIN_CHARS
    assert stories.signature(caption) is None
    assert stories.signature(caption * 3) is not None


def test_signature_is_stable_and_similarity_tracks_overlap():
    doc = sp.fixture_docs()[0]
    a, b = stories.signature(doc.text), stories.signature(doc.text)
    assert a is not None and len(a) == 4 * stories.NUM_PERM and a == b
    half = stories.signature("\n".join(doc.body[: len(doc.body) // 2]))
    assert half is not None and 0.2 < stories.similarity(a, half) < 0.8


@pytest.mark.slow
def test_signature_equals_datasketchs_minhash():
    """Signatures stored by earlier versions (computed with datasketch) stay comparable: the
    fixture bodies, their halves and traditional-script copies give datasketch's values."""
    datasketch = pytest.importorskip("datasketch")
    texts = []
    for doc in sp.fixture_docs():
        texts += [doc.text, "\n".join(doc.body[: len(doc.body) // 2]), to_traditional(doc.text)]
    compared = 0
    for text in texts:
        grams = stories.shingles(text)
        ours = stories.signature(text)
        if not grams:
            assert ours is None
            continue
        reference = datasketch.MinHash(
            num_perm=stories.NUM_PERM, seed=1, hashfunc=zlib.crc32, scheme="affine32"
        )
        reference.update_batch(grams)
        assert ours is not None and values(ours) == reference.hashvalues.tolist()
        compared += 1
    assert compared >= 10


def values(sig: bytes) -> list[int]:
    return list(struct.unpack(f"<{stories.NUM_PERM}I", sig))


def test_permutations_are_numpys_draws():
    """The pure-Python permutations are numpy's RandomState(1) draws, which datasketch uses."""
    np = pytest.importorskip("numpy")
    gen = np.random.RandomState(1)
    a = gen.randint(0, 1 << 31, stories.NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, stories.NUM_PERM, dtype=np.uint32)
    assert stories._permutations() == (tuple(a.tolist()), tuple(b.tolist()))


def test_signature_without_numpy_equals_numpys():
    """The first pages a process signs are signed in pure Python (no numpy import for a page
    or two), the others with numpy: the two give the same bytes, on every fixture body, its
    half and its traditional-script copy."""
    compared = 0
    for doc in sp.fixture_docs():
        for text in (doc.text, "\n".join(doc.body[: len(doc.body) // 2]), to_traditional(doc.text)):
            grams = stories.shingles(text)
            if grams:
                assert stories._python_signature(grams) == stories._numpy_signature(grams)
                compared += 1
    assert compared >= 10


SIGNING_PROBE = """
import sys
from newsclean.db import stories
body = sys.stdin.read()
first, second = stories.signature(body), stories.signature(body)
print("numpy" in sys.modules, first == second == stories._numpy_signature(stories.shingles(body)))
"""


def test_a_process_turns_to_numpy_after_its_budget():
    """A fresh process signs a body in pure Python, without importing numpy, until the
    shingles it signed so exceed PYTHON_SHINGLES; then it signs with numpy."""
    body = sp.fixture_docs()[0].text
    count = len(stories.shingles(body))
    assert 2 * count < stories.PYTHON_SHINGLES
    once = f"stories._PythonBudget.left = {count}\n"
    for budget, imported in ((once, "True True"), ("", "False True")):
        probe = SIGNING_PROBE.replace("body = ", budget + "body = ")
        done = subprocess.run(
            [sys.executable, "-c", probe], input=body, cwd=ROOT, capture_output=True, text=True, check=True
        )
        assert done.stdout.split() == imported.split()


# ---------------------------------------------------------------- the labelled pairs


@pytest.mark.slow
def test_precision_and_recall_on_the_fixture_pairs():
    pairs = sp.labelled_pairs(sp.fixture_docs(), to_traditional)
    assert sum(p.same for p in pairs) >= 60 and sum(not p.same for p in pairs) >= 60
    tp = fp = fn = 0
    for p in pairs:
        a, b = stories.signature(p.a.text), stories.signature(p.b.text)
        matched = (
            a is not None
            and b is not None
            and bool(set(stories.band_keys(a)) & set(stories.band_keys(b)))
            and stories.similarity(a, b) >= stories.THRESHOLD
        )
        tp += matched and p.same
        fp += matched and not p.same
        fn += p.same and not matched
    assert tp / (tp + fp) >= 0.98
    assert tp / (tp + fn) >= 0.95


# ---------------------------------------------------------------- the database


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Any, dict[str, int], list[Any]]:
    """Every fixture article and its reprints, written in a shuffled order, plus captions."""
    db = store.open_db(tmp_path / "news.db")
    rng = random.Random(3)
    docs = sp.fixture_docs()
    edits = sp.edits(to_traditional)
    written = [*docs, *(edit(d, rng) for d in docs for edit in edits.values()), *sp.caption_docs()]
    rng.shuffle(written)
    ids = {d.name: write(db, d) for d in written}
    return db, ids, docs


@pytest.mark.slow
def test_reprints_share_a_story_and_other_stories_do_not(corpus):
    db, ids, docs = corpus
    by_story: dict[int, set[str]] = {}
    for name, aid in ids.items():
        by_story.setdefault(story(db, aid), set()).add(name)
    groups = sorted(sorted(g) for g in by_story.values())
    expected = sorted(sorted(n for n in ids if n.split("+")[0] == d.name) for d in docs)
    captions = [[n] for n in ids if n.startswith("caption")]
    assert groups == sorted(expected + captions)


@pytest.mark.slow
def test_story_rows(corpus):
    db, ids, docs = corpus
    doc = docs[0]
    sid = story(db, ids[doc.name])
    members = [ids[n] for n in ids if n.split("+")[0] == doc.name]
    assert sid == min(members)
    row = db.execute(
        "select first_article_id, first_seen, copies, sites from stories where id = ?", [sid]
    ).fetchone()
    assert row[2] == len(members) == 1 + len(sp.edits(to_traditional))
    assert row[1] == doc.published_at  # every copy has the original's date
    assert row[3] == ", ".join(sorted({doc.site, "reprint"}))
    dated = db.execute(
        f"select min(published_at) from articles where id in ({','.join(map(str, members))})"
    ).fetchone()[0]
    assert db.execute("select published_at from articles where id = ?", [row[0]]).fetchone()[0] == dated


def test_first_seen_is_the_earliest_published_copy(tmp_path):
    db = store.open_db(tmp_path / "news.db")
    doc = sp.fixture_docs()[1]
    late = write(db, sp.Doc("late", doc.title, doc.body, "hnr", "2021-05-02T08:00:00+08:00"))
    early = write(db, sp.Doc("early", "另一个标题", doc.body[:-1], "ddsb", "2021-05-01"))
    undated = write(db, sp.Doc("undated", doc.title, doc.body, "generic", None))
    sid = story(db, late)
    assert story(db, early) == story(db, undated) == sid == min(late, early, undated)
    assert db.execute(
        "select first_article_id, first_seen, last_seen from stories where id = ?", [sid]
    ).fetchone() == (early, "2021-05-01", "2021-05-02T08:00:00+08:00")


@pytest.mark.slow
def test_incremental_equals_rebuild_after_inserts_updates_and_deletes(corpus):
    db, ids, docs = corpus
    incremental = snapshot(db)
    stories.rebuild(db)
    assert snapshot(db) == incremental
    # A copy rewritten into another story moves; a story losing its first copy is renamed.
    moved = ids[docs[0].name + "+note"]
    with db.atomic():
        db.execute("update articles set body = ? where id = ?", [docs[1].text + "\n补充。", moved])
        store.sync_indexes(db)
    assert story(db, moved) == story(db, ids[docs[1].name])
    first = story(db, ids[docs[2].name])
    with db.atomic():
        db.execute("delete from articles where id = ?", [first])
        store.sync_indexes(db)
    left = [ids[n] for n in ids if n.split("+")[0] == docs[2].name and ids[n] != first]
    assert {story(db, a) for a in left} == {min(left)}
    assert db.execute("select count(*) from stories where id = ?", [first]).fetchone()[0] == 0
    incremental = snapshot(db)
    stories.rebuild(db)
    assert snapshot(db) == incremental


def test_a_bridge_removed_splits_the_story(tmp_path):
    db = store.open_db(tmp_path / "news.db")
    a, b = sp.fixture_docs()[:2]
    first = write(db, a)
    bridge = write(db, sp.Doc("bridge", "合辑", a.body + b.body[:2]))
    second = write(db, sp.Doc("second", b.title, a.body[len(a.body) // 2 :] + b.body[:2]))
    before = {story(db, x) for x in (first, bridge, second)}
    with db.atomic():
        db.execute("update articles set body = ? where id = ?", [sp.CAPTIONS[0], bridge])
        store.sync_indexes(db)
    incremental = snapshot(db)
    stories.rebuild(db)
    assert snapshot(db) == incremental
    assert len(before) == 1 and story(db, bridge) == bridge


def test_a_new_article_bridging_two_stories_merges_them_as_rebuild_does(tmp_path):
    """The insert-only path joins stories without re-clustering them; the result must be the
    one a rebuild gives: one story, named by its smallest id."""
    db = store.open_db(tmp_path / "news.db")
    docs = sp.fixture_docs()
    paragraphs = [p for d in docs for p in d.body if len(p) > 40][:6]
    assert len(paragraphs) == 6

    def doc(name: str, parts: list[str]) -> Any:
        return sp.Doc(name, name, tuple(parts))

    left = write(db, doc("left", paragraphs[0:4]))
    right = write(db, doc("right", paragraphs[2:6]))
    left_copy = write(db, doc("left copy", paragraphs[0:4]))
    assert story(db, left) == story(db, left_copy) == left and story(db, right) == right
    bridge = write(db, doc("bridge", paragraphs[1:5]))
    assert {story(db, a) for a in (left, right, left_copy, bridge)} == {left}
    incremental = snapshot(db)
    stories.rebuild(db)
    assert snapshot(db) == incremental
    assert db.execute("select id, copies from stories").fetchall() == [(left, 4)]


def test_an_existing_database_gets_its_stories(tmp_path):
    path = tmp_path / "old.db"
    db = store.open_db(path)
    doc = sp.fixture_docs()[0]
    write(db, doc)
    write(db, sp.Doc("copy", "x", doc.body, "hnr"))
    for table in stories.TABLES:
        db.execute(f"drop table {table}")
    db.conn.commit()
    db.conn.close()
    db = store.open_db(path)
    assert stories.story_counts(db) == (2, 1, 1)


# ---------------------------------------------------------------- commands


@pytest.fixture()
def cleaned(tmp_path: Path) -> Path:
    """The fixtures cleaned, then two reprints of page 000 (new lead, note, trimmed ending;
    traditional script)."""
    db_path = tmp_path / "news.db"
    assert invoke("clean", FIXTURES, "--db", db_path, "--jobs", "1").exit_code == 0
    gold = json.loads((FIXTURES / "hnr/seed_000" / "expected.json").read_text(encoding="utf-8"))
    body = gold["body"]
    reprint = [
        "荥阳一社区收到确诊患者家属送来的锦旗",
        "2020-03-20 09:12 来源:郑州日报",
        sp.EDITOR_NOTES[0],
        "本报讯(记者 李明)" + body[0],
        *body[1:-1],
    ]
    traditional = [
        to_traditional(gold["title"]),
        "2020-03-21 15:30 來源:華夏新聞網",
        *map(to_traditional, body),
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "reprint.txt").write_text("\n\n".join(reprint), encoding="utf-8")
    (tmp_path / "in" / "traditional.txt").write_text("\n\n".join(traditional), encoding="utf-8")
    assert invoke("clean", tmp_path / "in", "--db", db_path).exit_code == 0
    return db_path


HNR_000_URL = "https://news.hnr.cn/202003/19/731862.html"  # fixture 000 (its HTML twin's URL)


def reprinted_story(db_path: Path) -> tuple[int, list[int]]:
    """The story of fixture 000 and its reprints: its id and its articles' ids."""
    conn = sqlite3.connect(db_path)
    [(story_id,)] = conn.execute(
        "select story_id from story_articles join articles on id = article_id where key = ?", [HNR_000_URL]
    )
    ids = [i for (i,) in conn.execute("select article_id from story_articles where story_id = ?", [story_id])]
    conn.close()
    return story_id, sorted(ids)


@pytest.mark.slow
def test_stories_command_lists_the_reprinted_story(cleaned):
    out = invoke("stories", "--db", cleaned).output
    assert "13 articles in 11 stories; 1 with 2 or more copies" in out
    story_id, _ = reprinted_story(cleaned)
    line = next(l for l in out.splitlines() if l.startswith(f"{story_id} "))
    assert line.split()[:2] == [str(story_id), "3"] and "2020-03-19" in line and "2020-03-21" in line
    assert "荥阳：一面锦旗" in line
    data = json.loads(invoke("stories", "--db", cleaned, "--format", "json").output)
    assert [(s["id"], s["copies"]) for s in data] == [(story_id, 3)]


@pytest.mark.slow
def test_stories_show_summarises_the_differences(cleaned):
    story_id, article_ids = reprinted_story(cleaned)
    out = invoke("stories", "show", str(story_id), "--db", cleaned).output
    assert out.startswith(f"story {story_id}: 3 copies")
    assert "+ 编者按" in out and "- 文博社区全体工作人员" in out and "~ 本报讯(记者李明)" in out
    assert invoke("stories", "show", str(article_ids[-1]), "--db", cleaned).output == out  # any copy's id
    missing = invoke("stories", "show", "999", "--db", cleaned)
    assert missing.exit_code == 1 and "no story or article with id 999" in missing.output


@pytest.mark.slow
def test_search_collapse_and_export(cleaned):
    plain = json.loads(invoke("search", "李先生", "--db", cleaned, "--format", "json").output)
    collapsed = json.loads(
        invoke("search", "李先生", "--collapse", "--db", cleaned, "--format", "json").output
    )
    assert len(plain) == 3
    story_id, _ = reprinted_story(cleaned)
    assert [(h["story_id"], h["copies"]) for h in collapsed] == [(story_id, 3)]
    # --offset counts stories: past the only story there is nothing (not another copy of it)
    later = invoke("search", "李先生", "--collapse", "--offset", "1", "--db", cleaned, "--format", "json")
    assert json.loads(later.output or "[]") == []
    table = invoke("search", "李先生", "--collapse", "--db", cleaned).output
    assert table.startswith("1 story among 3 matches, 1-1 shown\n") and "--offset" not in table
    records = [json.loads(l) for l in invoke("export", "--db", cleaned, "-q", "李先生").output.splitlines()]
    assert sorted(r["story_id"] for r in records) == [story_id] * 3


@pytest.mark.slow
def test_query_commands_do_not_write(cleaned):
    conn = sqlite3.connect(cleaned)
    conn.execute(
        "insert into articles (key, title, body) values ('sql', 't', ?)",
        ["\n".join(sp.fixture_docs()[0].body)],
    )
    conn.commit()
    result = invoke("stories", "--db", cleaned)
    # Read as indexed, with a note (tests/test_stories_stale.py), never synced in memory.
    assert "13 articles in 11 stories" in result.stdout
    assert "1 article changes are not in the story index yet" in result.stderr
    assert conn.execute("select count(*) from story_pending").fetchone()[0] == 1
    conn.close()


@pytest.mark.slow
def test_reindex_rebuilds_and_keeps_the_threshold(cleaned):
    out = invoke("reindex", "--db", cleaned, "--story-threshold", "0.95").output
    assert "stories: 13 articles in" in out and "(threshold 0.95)" in out
    db = store.open_db(cleaned)
    assert stories.threshold(db) == 0.95
    assert stories.story_counts(db)[2] == 1  # the traditional copy is still identical
    assert "threshold 0.95" in invoke("reindex", "--db", cleaned).output
    bad = invoke("reindex", "--db", cleaned, "--story-threshold", "0.1")
    assert bad.exit_code == 2  # a usage error
