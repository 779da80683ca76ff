"""Shard folders of `clean --cluster`: errors (issue 24, item 39) name the shard folder; they
were reported as "cannot reach the Dask scheduler" although the scheduler was reached."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, fixture
from conftest import run_cli as run

pytest.importorskip("dask.distributed")
pytestmark = pytest.mark.slow  # each test starts a local Dask cluster (seconds)


def test_a_file_given_as_the_shard_folder_is_named(tmp_path):
    taken = tmp_path / "afile.txt"
    taken.write_text("the user's notes")
    result = run(
        "clean", str(fixture("hnr/2020_000")), "--db", str(tmp_path / "news.db"),
        "--cluster", "local", "--workers", "1", "--out", str(taken),
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"the shard folder {taken} is a file" in result.stderr
    assert "Dask scheduler" not in result.stderr
    assert taken.read_text() == "the user's notes"


def test_a_damaged_shard_folder_runs_its_broken_tasks_again(tmp_path):
    # Issue 24, item 15: shards kept with --out, then one cut short (a killed writer, a full
    # disk), and a stray shard-like file beside them. The re-run merging that folder runs
    # the broken task again, reads no file outside the plan, and stores every input.
    pages = FIXTURES / "hnr"  # six cases of one site
    shards = tmp_path / "shards"
    cluster = ("--cluster", "local", "--workers", "1")
    kept = run("clean", str(pages), *cluster, "--out", str(shards))
    assert kept.returncode == 0, kept.stderr
    cut = sorted(shards.glob("articles-*.parquet"))[0]
    cut.write_bytes(cut.read_bytes()[:100])
    (shards / "inputs-abc.parquet").write_bytes((shards / "inputs-000000.parquet").read_bytes())
    merged = run("clean", str(pages), "--db", str(tmp_path / "news.db"), *cluster, "--shards", str(shards))
    assert merged.returncode == 0 and "Traceback" not in merged.stderr, merged.stderr
    local = run("clean", str(pages), "--db", str(tmp_path / "local.db"))
    assert merged.stdout.splitlines()[-2:] == [
        line.replace("local.db", "news.db") for line in local.stdout.splitlines()[-2:]
    ]


def test_shards_read_ahead_give_the_items_and_the_errors_of_reading_them_here(tmp_path):
    # The client reads its shards in read_ahead's process (the merge, the profiles, --out's
    # report): the same items in the same order; a shard cut short (a killed writer) fails
    # in the client with the error that reading it here gives.
    from newsclean.ingest import cluster

    shards = tmp_path / "shards"
    kept = run("clean", str(FIXTURES / "hnr"), "--cluster", "local", "--workers", "1", "--out", str(shards))
    assert kept.returncode == 0, kept.stderr
    tasks = cluster.planned_tasks(str(shards))
    here = list(cluster.shard_items(str(shards), tasks, samples=True))
    ahead = list(cluster.read_ahead(lambda: cluster.shard_items(str(shards), tasks, samples=True), size=2))
    assert [(i.path, getattr(i, "row", None), getattr(i, "sample", None)) for i in ahead] == [
        (i.path, getattr(i, "row", None), getattr(i, "sample", None)) for i in here
    ]
    cut = sorted(shards.glob("articles-*.parquet"))[0]
    cut.write_bytes(cut.read_bytes()[:100])
    with pytest.raises(Exception) as direct:
        list(cluster.shard_items(str(shards), tasks))
    with pytest.raises(type(direct.value)):
        list(cluster.read_ahead(lambda: cluster.shard_items(str(shards), tasks)))
