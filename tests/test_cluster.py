"""`clean --cluster`: the same database as a local clean, killed workers, failed merges, --out."""

from __future__ import annotations

import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, fixture, run_cli

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")
pytest.importorskip("fastwarc")

import pyarrow.parquet as pq

from newsclean.db import search
from newsclean.db.store import open_db
from newsclean.ingest.warc import WarcWriter, warc_record

pytestmark = pytest.mark.slow  # local Dask clusters: about two minutes

_spec = importlib.util.spec_from_file_location("warc_bench", ROOT / "bench" / "warc_bench.py")
warc_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(warc_bench)  # type: ignore[union-attr]

PAGES = 300
INPUTS = 15 + PAGES + 5  # the fixtures, the generated WARC, the broken WARC


def snapshot(db: Path) -> dict[str, object]:
    """Everything a clean writes, but the times: article rows, inputs, what the search index
    holds, table sizes."""
    con = sqlite3.connect(db)
    cols = [
        c for (c,) in con.execute("select name from pragma_table_info('articles')") if c != "extracted_at"
    ]
    tables = [
        t
        for (t,) in con.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name"
        )
    ]
    segments = {f"{t}_{s}" for t in (search.FTS_TABLE, search.CHARS_TABLE) for s in ("data", "idx")}
    return {
        "articles": con.execute(f"select {', '.join(cols)} from articles order by id").fetchall(),
        "inputs": con.execute(
            "select path, sha256, status, error, article_key, site from inputs order by path"
        ).fetchall(),
        "stories": con.execute("select * from story_articles order by 1").fetchall()
        if "story_articles" in tables
        else None,
        "profiles": con.execute(
            "select host, template, pages, template_lines, locations, confidence, url_shapes from site_profiles "
            "order by host, template"
        ).fetchall()
        if "site_profiles" in tables
        else None,
        # The search index by what it holds: a merge builds it in other segments (db/aside.py).
        "search": dict(search.index_content(con)) if search.FTS_TABLE in tables else None,
        "counts": {
            t: con.execute(f"select count(*) from [{t}]").fetchone()[0] for t in tables if t not in segments
        },
    }


def broken_archive(path: Path) -> int:
    """A small .warc.gz of five fixture pages whose third record is corrupt; its offset."""
    pages = [
        fixture(name)
        for name in (
            "chinanews/ha_2018_gb2312",
            "chinanews/ha_2022_004",
            "chinanews/main_2020",
            "ddsb/2020_001",
            "generic/county_2021",
        )
    ]
    offsets = []
    with path.open("wb") as fh:
        writer = WarcWriter(fh, gz=True)
        for n, page in enumerate(pages):
            url = f"http://broken.example.com/{n}.html"
            offsets.append(
                writer.write(warc_record(url, page.read_bytes(), http_headers={"Content-Type": "text/html"}))
            )
    data = bytearray(path.read_bytes())
    middle = (offsets[2] + offsets[3]) // 2
    data[middle : middle + 4] = bytes(b ^ 0xFF for b in data[middle : middle + 4])
    path.write_bytes(bytes(data))
    return offsets[2]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Inputs (fixtures, a generated WARC, a broken WARC) and the database of a local clean."""
    base = tmp_path_factory.mktemp("cluster")
    inputs = base / "in"
    inputs.mkdir()
    warc_bench.build_warc(inputs / "gen.warc.gz", PAGES)
    broken = broken_archive(inputs / "broken.warc.gz")
    paths = [str(FIXTURES), str(inputs)]
    local = base / "local.db"
    done = run_cli("clean", *paths, "--db", str(local), "--jobs", "2")
    assert done.returncode == 2, done.stderr  # the broken record
    return {
        "base": base,
        "paths": paths,
        "local": local,
        "stdout": done.stdout,
        "broken": f"{inputs / 'broken.warc.gz'}#{broken}",
    }


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of two worker processes shared by the tests, and a client to watch it."""
    import logging

    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as local,
        Client(local) as client,
    ):
        yield local, client


def test_cluster_local_gives_the_database_of_a_local_clean(corpus):
    db = corpus["base"] / "cluster.db"
    done = run_cli(
        "clean",
        *corpus["paths"],
        "--db",
        str(db),
        "--cluster",
        "local",
        "--workers",
        "2",
        "--task-inputs",
        "40",
    )
    assert done.returncode == 2, done.stderr
    assert "Dask dashboard: http" in done.stderr
    assert f"failed: {corpus['broken']}: broken WARC record" in done.stderr
    assert done.stdout == corpus["stdout"].replace(str(corpus["local"]), str(db))
    assert snapshot(db) == snapshot(corpus["local"])
    assert not Path(f"{db}.shards").exists()  # removed after the merge
    again = run_cli("clean", *corpus["paths"], "--db", str(db), "--cluster", "local", "--workers", "1")
    assert again.returncode == 2
    assert f"{INPUTS} inputs: 0 cleaned, 0 updated, {INPUTS - 1} unchanged, 1 failed" in again.stdout
    assert snapshot(db) == snapshot(corpus["local"])


def test_cluster_learns_and_applies_site_profiles_as_a_local_clean(tmp_path):
    from test_profiles import PROMO, rows, write_corpus  # one host's template pages (see there)

    _, manifest = write_corpus(tmp_path / "site")
    args = [tmp_path / "site", "--manifest", manifest]
    local = run_cli("clean", *args, "--db", tmp_path / "local.db", "--jobs", "2")
    assert local.returncode == 0, local.stderr
    on_cluster = ["--cluster", "local", "--workers", "2", "--task-inputs", "3"]
    done = run_cli("clean", *args, "--db", tmp_path / "c.db", *on_cluster)
    assert done.returncode == 0, done.stderr
    # learned after the merge: the template line dropped, a body moved to the profile's location
    assert "site profiles: 3 rows updated" in done.stdout
    assert done.stdout == local.stdout.replace("local.db", "c.db")
    assert snapshot(tmp_path / "c.db") == snapshot(tmp_path / "local.db")
    learned = rows(tmp_path / "c.db")
    assert PROMO not in learned["a0.html"][0] and learned["pick.html"][1] == "generic/1 +profile"


def test_a_worker_killed_mid_task_is_retried_without_duplicate_rows(corpus, cluster):
    local, client = cluster
    db = corpus["base"] / "killed.db"
    shards = corpus["base"] / "killed.shards"
    proc = subprocess.Popen(
        [
            sys.executable,
            "cli.py",
            "clean",
            *corpus["paths"],
            "--db",
            str(db),
            "--cluster",
            local.scheduler_address,
            "--shards",
            str(shards),
            "--task-inputs",
            "10",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pids = client.run(os.getpid)
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and proc.poll() is None and time.monotonic() < deadline:
        busy = [w for w, tasks in client.processing().items() if any("run_task" in t for t in tasks)]
        if busy and list(shards.glob("inputs-*.parquet")):  # some tasks done, others running
            killed = pids[busy[0]]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.005)
    _, err = proc.communicate(timeout=120)
    assert killed is not None, "the run ended before a worker could be killed"
    assert proc.returncode == 2, err
    assert snapshot(db) == snapshot(corpus["local"])
    client.wait_for_workers(2, timeout=30)  # the nanny restarted the killed worker
    assert killed not in client.run(os.getpid).values()


def test_a_rerun_after_a_failed_merge_finishes_the_merge(corpus, cluster):
    local, _client = cluster
    db = corpus["base"] / "merge.db"
    args = [*corpus["paths"], "--db", str(db), "--cluster", local.scheduler_address, "--task-inputs", "50"]
    open_db(db).conn.close()  # the schema, then a trigger that fails the merge halfway
    con = sqlite3.connect(db)
    con.execute(
        "create trigger fail_merge before insert on articles when "
        "(select count(*) from articles) >= 100 begin select raise(abort, 'injected failure'); end"
    )
    con.commit()
    failed = run_cli("clean", *args)
    assert failed.returncode == 1
    assert "merge failed" in failed.stderr and "injected failure" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert len(list(Path(f"{db}.shards").glob("inputs-*.parquet"))) > 1
    con.execute("drop trigger fail_merge")
    con.commit()
    con.close()
    again = run_cli("clean", *args)
    assert again.returncode == 2, again.stderr
    assert "reusing the shards of" in again.stderr
    assert snapshot(db)["articles"] == snapshot(corpus["local"])["articles"]
    assert snapshot(db)["inputs"] == snapshot(corpus["local"])["inputs"]
    assert not Path(f"{db}.shards").exists()


def test_out_keeps_the_shards_and_writes_no_database(corpus, cluster):
    local, _client = cluster
    out = corpus["base"] / "shards-out"
    db = corpus["base"] / "never.db"
    done = run_cli(
        "clean",
        *corpus["paths"],
        "--db",
        str(db),
        "--cluster",
        local.scheduler_address,
        "--out",
        str(out),
        "--task-inputs",
        "100",
    )
    assert done.returncode == 2, done.stderr
    assert not db.exists()
    articles = pq.read_table(sorted(out.glob("articles-*.parquet"))).num_rows
    inputs = pq.read_table(sorted(out.glob("inputs-*.parquet"))).to_pylist()
    assert articles == sum(i["status"] == "extracted" for i in inputs) == INPUTS - 1
    assert [i["path"] for i in inputs if i["status"] == "failed"] == [corpus["broken"]]
    assert run_cli("clean", str(FIXTURES), "--out", str(out)).returncode == 2  # usage: no --cluster
