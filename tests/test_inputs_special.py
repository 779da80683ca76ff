"""PATHs that are neither a file nor a folder (issue 24, item 37): a FIFO, a device, a socket
or a dangling link named on the command line is reported as what it is, skipped without
being opened (a FIFO would wait for a writer forever), and the other inputs are cleaned."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess

from conftest import fixture, run_cli


def clean(*args: str) -> subprocess.CompletedProcess:
    """`clean` in a child process, killed after 60 s: a blocked read must fail the test, not hang it."""
    return run_cli("clean", *args, timeout=60)


def test_a_fifo_a_device_a_socket_and_a_dangling_link_are_named_and_skipped(tmp_path):
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)  # no writer: opening it for reading would block
    dangling = tmp_path / "gone.html"
    dangling.symlink_to(tmp_path / "nowhere.html")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock.html"))
    db = tmp_path / "news.db"
    try:
        result = clean(
            str(fifo), "/dev/null", str(tmp_path / "sock.html"), str(dangling), str(tmp_path / "missing.html"),
            str(fixture("hnr/2020_000")), "--db", str(db), "--jobs", "1",
        )  # fmt: skip
    finally:
        sock.close()
    assert "Traceback" not in result.stderr
    assert f"failed: {fifo}: a FIFO (named pipe), not a file or folder: skipped" in result.stderr
    assert "failed: /dev/null: a character device, not a file or folder: skipped" in result.stderr
    assert f"failed: {tmp_path}/sock.html: a socket, not a file or folder: skipped" in result.stderr
    assert f"failed: {dangling}: a symbolic link to nothing: skipped" in result.stderr
    assert f"failed: {tmp_path}/missing.html: no such file or folder" in result.stderr
    assert result.returncode == 2 and "1 cleaned" in result.stdout  # some inputs failed
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone() == (1,)


def test_a_link_to_a_fifo_is_named_as_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "page.html"
    link.symlink_to(fifo)
    result = clean(str(link), "--db", str(tmp_path / "news.db"))
    assert f"failed: {link}: a FIFO (named pipe), not a file or folder: skipped" in result.stderr
    assert result.returncode == 1  # the only input failed


def test_a_fifo_inside_a_folder_is_skipped_without_blocking(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    os.mkfifo(folder / "a.html")
    (folder / "b.html").write_bytes((fixture("hnr/2020_000")).read_bytes())
    result = clean(str(folder), "--db", str(tmp_path / "news.db"), "--jobs", "1")
    assert f"failed: {folder / 'a.html'}: not a regular file" in result.stderr
    assert "1 cleaned" in result.stdout and result.returncode == 2
