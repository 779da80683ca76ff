"""Stories at scale (issue 24, items 24 and 25): clustering is exact (the connected components
of the match graph, as a brute-force check finds them, after inserts, changes and deletes),
and `reindex` and a change to one copy grow about linearly with the size of a story, where
they grew with its square (1,000 copies: 5.2 s of story rebuild and 7.9 s for `clean` of one
changed copy before; bench/stories_bench.py --story)."""

from __future__ import annotations

import importlib.util
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import ROOT
from newsclean.db import store, stories

_spec = importlib.util.spec_from_file_location("stories_pairs", ROOT / "bench" / "stories_pairs.py")
sp = sys.modules.setdefault("stories_pairs", importlib.util.module_from_spec(_spec))  # type: ignore[arg-type]
_spec.loader.exec_module(sp)  # type: ignore[union-attr]

# Characters the synthetic bodies are drawn from: the fixture articles' own.
HAN = sorted({c for d in sp.fixture_docs() for c in d.text if "\u4e00" <= c <= "\u9fff"})


def mutated(text: str, rate: float, rng: random.Random) -> str:
    """`text` with a `rate` share of its characters replaced: 5-character shingles survive at
    (1 - rate)^5, so rates of 0.02-0.14 give similarities on both sides of the threshold."""
    chars = list(text)
    for i in rng.sample(range(len(chars)), int(rate * len(chars))):
        chars[i] = rng.choice(HAN)
    return "".join(chars)


def components(db: Any) -> set[frozenset[int]]:
    """The stories as stored: sets of article ids."""
    groups: dict[int, set[int]] = {}
    for aid, sid in db.execute("select article_id, story_id from story_articles"):
        groups.setdefault(sid, set()).add(aid)
    return {frozenset(g) for g in groups.values()}


def brute_force(db: Any) -> set[frozenset[int]]:
    """The connected components of "shares a band and reaches the threshold", every pair
    compared."""
    rows = db.execute("select id, body from articles order by id").fetchall()
    sigs = {aid: stories.signature(body) for aid, body in rows}
    groups = stories.UnionFind()
    signed = [a for a in sigs if sigs[a] is not None]
    keys = {a: set(stories.band_keys(sigs[a])) for a in signed}
    for n, a in enumerate(signed):
        for b in signed[n + 1 :]:
            if keys[a] & keys[b] and stories.similarity(sigs[a], sigs[b]) >= stories.THRESHOLD:
                groups.union(a, b)
    for aid, _ in rows:
        groups.find(aid)
    found: dict[int, set[int]] = {}
    for aid in groups.parent:
        found.setdefault(groups.find(aid), set()).add(aid)
    return {frozenset(g) for g in found.values()}


def write(db: Any, key: str, body: str) -> int:
    with db.atomic():
        return store.upsert_article(db, {"key": key, "title": key, "body": body, "site": "generic"})[0]


def test_stories_are_the_exact_components_through_inserts_changes_and_deletes(tmp_path):
    rng = random.Random(7)
    db = store.open_db(tmp_path / "news.db")
    bodies: dict[int, str] = {}
    bases = ["".join(rng.choices(HAN, k=400)) for _ in range(4)]
    for base in bases:
        bodies[write(db, f"base{len(bodies)}", base)] = base
    for n in range(160):  # chains of copies of copies: stories with near misses and bridges
        body = mutated(rng.choice(list(bodies.values())), rng.uniform(0.01, 0.11), rng)
        bodies[write(db, f"copy{n}", body)] = body
    assert components(db) == brute_force(db)
    sizes = sorted(len(c) for c in components(db))
    assert sizes[-1] >= 20 and sizes.count(1) >= 5, sizes
    for _ in range(3):  # batches of changes and deletes, synced once each
        with db.atomic():
            for aid in rng.sample(sorted(bodies), 12):
                if rng.random() < 0.5:
                    db.execute("delete from articles where id = ?", [aid])
                    del bodies[aid]
                else:
                    bodies[aid] = mutated(bodies[aid], rng.uniform(0.05, 0.3), rng)
                    db.execute("update articles set body = ? where id = ?", [bodies[aid], aid])
            store.sync_indexes(db)
        incremental = components(db)
        assert incremental == brute_force(db)
        stories.rebuild(db)
        assert components(db) == incremental


def test_a_bucket_is_linked_through_third_articles_and_not_below_the_threshold():
    """One bucket's linking joins two copies that match only through a third one reached
    later, and leaves out the articles that match nothing in it."""
    rng = np.random.default_rng(3)

    def values() -> np.ndarray:
        return rng.integers(0, 2**32, stories.NUM_PERM, dtype=np.uint32)

    x, y, z, far, alone = values(), values(), values(), values(), values()
    y[:70] = x[:70]  # x-y 70/128 = 0.55
    z[50:120] = y[50:120]  # y-z 0.55, x-z 20/128 = 0.16
    far[:40] = x[:40]  # 0.31 with x and y
    matrix = np.stack([x, z, far, y, alone])
    groups = stories.UnionFind()
    stories.link_bucket(groups, [10, 11, 12, 13, 14], lambda ids: matrix, stories.THRESHOLD)
    assert {a: groups.find(a) for a in range(10, 15)} == {10: 10, 11: 10, 12: 12, 13: 10, 14: 14}


def large_story_db(path: Path, copies: int) -> Any:
    """A database holding one story of `copies` reprints (bench/stories_pairs.py's large_story),
    with the story index alone (no search index to bring up to date)."""
    docs = sp.large_story(sp.fixture_docs()[0], copies, lambda text: text)
    db = store.open_db(path, indexes=[stories.STORIES])
    with db.atomic():
        db.conn.executemany(
            "insert into articles (key, site, title, body) values (?, ?, ?, ?)",
            [(d.name, d.site, d.title, d.text) for d in docs],
        )
    return db


def cpu_seconds(fn: Any) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def change_one_copy(db: Any) -> None:
    with db.atomic():
        db.execute("update articles set body = body || '记者补充:此文有更正。' where id = 2")
        store.sync_indexes(db)


@pytest.mark.slow
def test_reindex_and_a_changed_copy_grow_about_linearly_with_the_story(tmp_path):
    """4 times the copies cost well under 16 times the time (the square's ratio)."""
    rebuild, change = {}, {}
    for copies in (1000, 4000):
        db = large_story_db(tmp_path / f"{copies}.db", copies)
        rebuild[copies] = cpu_seconds(lambda db=db: stories.rebuild(db))
        assert stories.story_counts(db) == (copies, 1, 1)
        change[copies] = cpu_seconds(lambda db=db: change_one_copy(db))
        assert stories.story_counts(db)[1] == 1
        db.conn.close()
    assert rebuild[4000] / rebuild[1000] < 7, rebuild
    assert change[4000] / change[1000] < 7, change
