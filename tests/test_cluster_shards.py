"""Shard-folder errors of `clean --cluster` (issue 24, item 39) name the shard folder; they
were reported as "cannot reach the Dask scheduler" although the scheduler was reached."""

from __future__ import annotations

import pytest

from conftest import fixture
from conftest import run_cli as run

pytest.importorskip("dask.distributed")


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
