"""Issue 24, items 6, 7, 8 and 10: a cluster run loses nothing. Two runs on one database
(or one beside a local clean) store every input once; a shard folder holding the user's
own files is refused, and only the names the tool wrote are deleted; shards made against
another database are not trusted; shards the client cannot see are an error, not "0 inputs".
The inputs are the fixtures and a generated WARC of a regional news crawl
(bench/warc_bench.py), as in tests/test_cluster.py."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_cluster import warc_bench

from conftest import FIXTURES, ROOT, run_cli
from newsclean.db.store import open_db

pytestmark = pytest.mark.slow  # local Dask clusters and shard runs: about a minute

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")
pytest.importorskip("fastwarc")

PAGES = 60


def stored(db: Path) -> tuple[list[tuple], list[tuple]]:
    """The inputs (path, status) and article keys of a database."""
    with sqlite3.connect(db) as con:
        inputs = con.execute("select path, sha256 from inputs order by path").fetchall()
        articles = con.execute("select key, title from articles order by key").fetchall()
    return inputs, articles


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The inputs and the database of a local clean of them."""
    base = tmp_path_factory.mktemp("cluster-safety")
    (base / "in").mkdir()
    warc_bench.build_warc(base / "in" / "gen.warc.gz", PAGES)
    paths = [str(FIXTURES), str(base / "in")]
    local = base / "local.db"
    assert run_cli("clean", *paths, "--db", str(local)).returncode == 0
    return {"base": base, "paths": paths, "local": local}


@pytest.fixture(scope="module")
def address():
    """The scheduler address of a LocalCluster of one worker process shared by the tests."""
    import logging

    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
    ) as local:
        yield local.scheduler_address


def cluster_args(corpus: dict, db: Path, address: str, *extra: str) -> list[str]:
    return [*corpus["paths"], "--db", str(db), "--cluster", address, "--task-inputs", "15", *extra]


def test_two_cluster_runs_and_a_local_clean_on_one_database_store_every_input_once(corpus, address):
    db = corpus["base"] / "shared.db"
    runs = [
        cluster_args(corpus, db, address),
        cluster_args(corpus, db, address),
        [*corpus["paths"], "--db", str(db)],
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "cli.py", "clean", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in runs
    ]
    results = [(p.wait(timeout=180), *p.communicate()) for p in procs]
    for code, _out, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    assert stored(db) == stored(corpus["local"])
    assert not Path(f"{db}.shards").exists()


def test_a_folder_of_the_users_own_files_is_refused_and_left_alone(corpus, address):
    mine = corpus["base"] / "mine"
    mine.mkdir()
    (mine / "sales.parquet").write_bytes(b"the user's data")
    (mine / "plan.json").write_text("{}")
    for option in ("--out", "--shards"):
        done = run_cli(
            "clean", *cluster_args(corpus, corpus["base"] / "never.db", address, option, str(mine))
        )
        assert done.returncode == 1, done.stderr
        assert f"the shard folder {mine} is not empty and was not made by newsclean" in done.stderr
        assert sorted(p.name for p in mine.iterdir()) == ["plan.json", "sales.parquet"]


def test_only_the_names_the_tool_wrote_are_deleted(corpus, address):
    out = corpus["base"] / "kept"
    assert (
        run_cli(
            "clean", *cluster_args(corpus, corpus["base"] / "x.db", address, "--out", str(out))
        ).returncode
        == 0
    )
    (out / "notes.parquet").write_bytes(b"the user's notes, put among the shards")
    db = corpus["base"] / "merged.db"
    done = run_cli("clean", str(FIXTURES), "--db", str(db), "--cluster", address, "--shards", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.parquet"]  # the run's own files went
    assert (out / "notes.parquet").read_bytes() == b"the user's notes, put among the shards"


def test_shards_made_against_another_database_are_run_again(corpus, address):
    db, shards = corpus["base"] / "replaced.db", corpus["base"] / "replaced.shards"
    args = cluster_args(corpus, db, address, "--shards", str(shards))
    assert run_cli("clean", str(FIXTURES), "--db", str(db)).returncode == 0  # the fixtures are stored
    con = sqlite3.connect(db)
    con.execute(
        "create trigger fail_merge before insert on articles begin select raise(abort, 'injected'); end"
    )
    con.commit()
    con.close()
    failed = run_cli("clean", *args)  # the fixtures are unchanged; the merge fails at the first WARC page
    assert failed.returncode == 1 and "injected" in failed.stderr
    for leftover in db.parent.glob(db.name + "*"):
        leftover.unlink()  # the database is deleted; the shards stay
    open_db(db).conn.close()
    again = run_cli("clean", *args)
    assert again.returncode == 0, again.stderr
    assert " 0 unchanged" in again.stdout  # nothing trusted from the shards of the old database
    assert stored(db) == stored(corpus["local"])


def test_shards_the_client_cannot_see_are_an_error(corpus, address):
    db = corpus["base"] / "memory.db"
    done = run_cli("clean", *cluster_args(corpus, db, address, "--shards", "memory://shards"))
    assert done.returncode == 1, done.stdout
    assert "are not in memory://shards as this machine sees it" in done.stderr
    assert "Traceback" not in done.stderr
