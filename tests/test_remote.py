"""Issue 12: WARC archives read by URL from an fsspec filesystem (object storage in real use;
memory:// and file:// here), locally and on a Dask LocalCluster. The archive is the fixtures
as response records (tests/test_warc.py writes it, the layout of a Heritrix/wget crawl)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_warc import write_fixture_warc

from conftest import ROOT, invoke
from newsclean.ingest.inputs import find_inputs

pytestmark = pytest.mark.slow  # an HTTP server, and a Dask cluster reading by URL

fsspec = pytest.importorskip("fsspec")

COLUMNS = "key, url, title, body, authors, published_at, site"


def articles(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select {COLUMNS} from articles order by key").fetchall()


def inputs(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select path, status from inputs order by rowid").fetchall()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "crawl.warc.gz"
    write_fixture_warc(path)
    return path


def test_a_folder_url_gives_the_archives_under_it(archive: Path) -> None:
    fs = fsspec.filesystem("memory")
    fs.pipe("/bucket/run1/crawl.warc.gz", archive.read_bytes())
    fs.pipe("/bucket/run1/notes.txt", b"not an archive")
    try:
        found = find_inputs(["memory://bucket/run1/", "memory://bucket/nothing/"])
        assert found.files == ["memory:///bucket/run1/crawl.warc.gz"]
        assert found.missing == [("memory://bucket/nothing/", "no such file or folder")]
        assert find_inputs(["memory://bucket/run*/*.warc.gz"]).files == found.files
    finally:
        fs.rm("/bucket", recursive=True)


def test_clean_reads_an_archive_by_url_like_the_local_file(archive: Path, tmp_path: Path) -> None:
    local, remote = tmp_path / "local.db", tmp_path / "remote.db"
    fs = fsspec.filesystem("memory")
    fs.pipe("/bucket/crawl.warc.gz", archive.read_bytes())
    try:
        assert invoke("clean", archive, "--db", local, "--jobs", "1").exit_code == 0
        done = invoke("clean", "memory://bucket/", "--db", remote, "--jobs", "1")
        assert done.exit_code == 0, done.output
        again = invoke("clean", "memory://bucket/crawl.warc.gz", "--db", remote, "--jobs", "1")
    finally:
        fs.rm("/bucket", recursive=True)
    assert articles(remote) == articles(local) and len(articles(local)) >= 6
    names = [path for path, _ in inputs(remote)]
    assert names and all(n.startswith("memory:///bucket/crawl.warc.gz#") for n in names)
    assert " 0 cleaned" in again.output and "unchanged" in again.output  # a rerun skips the records


def test_a_url_that_names_no_archive_fails_alone(archive: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "cli.py",
            "clean",
            "nosuchproto://x/y.warc.gz",
            archive.as_uri(),
            "--db",
            str(tmp_path / "n.db"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "failed: nosuchproto://x/y.warc.gz: cannot open this kind of URL" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith("11 inputs: 10 cleaned")  # the file:// archive: 10 pages with URLs


def test_cluster_workers_read_the_archive_by_url(archive: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    local, clustered = tmp_path / "local.db", tmp_path / "cluster.db"
    args = ["--jobs", "1"]
    assert (
        subprocess.run(
            [sys.executable, "cli.py", "clean", str(archive), "--db", str(local), *args],
            cwd=ROOT,
            check=False,
        ).returncode
        == 0
    )
    done = subprocess.run(
        [
            sys.executable,
            "cli.py",
            "clean",
            archive.as_uri(),
            "--db",
            str(clustered),
            "--cluster",
            "local",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert articles(clustered) == articles(local)
    assert all(path.startswith("file://") for path, _ in inputs(clustered))
