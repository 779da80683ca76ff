"""Issue 24, items 26 and 28: `clean --cluster` with a scheduler that is no Dask scheduler, or a
scheduler file that does not exist, returns with a clear error within its timeout (it waited
for ever); `--cluster local --workers N` starts at most one worker per core (48 workers on 2
cores took 3 GB). Each run is a process of its own, its timeout shortened to 4 s: a client
left waiting must not linger in the test process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

TIMEOUT_S = 4
PAGE = FIXTURES / "hnr" / "seed_000"


def clean_on(address: str, tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess, float]:
    """`newsclean clean` of one fixture page on this cluster address, with the connect
    timeout at TIMEOUT_S; its result and its wall time."""
    program = (
        "import sys; from newsclean.ingest import cluster_client; "
        f"cluster_client.CONNECT_TIMEOUT_S = {TIMEOUT_S}; cluster_client.DASK_MARGIN_S = 1; "
        "sys.argv[0] = 'newsclean'; from newsclean.cli import main; main()"
    )
    args = ["clean", str(PAGE), "--db", str(tmp_path / "news.db"), "--cluster", address, *extra]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", program, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done, time.monotonic() - started


@pytest.fixture()
def silent_server() -> Iterator[str]:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in [*held, server]:
        conn.close()


@pytest.fixture()
def http_server() -> Iterator[str]:
    """An HTTP server on 127.0.0.1 (a web server's port given as the scheduler)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>hello</html>")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
@pytest.mark.parametrize("server", ["silent_server", "http_server"])
def test_a_server_that_is_no_dask_scheduler_is_given_up_at_the_timeout(request, tmp_path, server):
    address = request.getfixturevalue(server)
    done, took = clean_on(address, tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"cannot reach the Dask scheduler {address}: " in done.stderr
    assert "Traceback" not in done.stderr
    assert took < TIMEOUT_S + 15  # the connect gives up at 4 s; the rest is start-up


@pytest.mark.slow
@pytest.mark.parametrize(
    "address, reason",
    [
        ("nonsense", "missing port number"),
        ("http://127.0.0.1:9/", "unknown address scheme 'http'"),
        ("udp://127.0.0.1:9", "unknown address scheme 'udp'"),
    ],
)
def test_an_address_dask_cannot_read_is_named(tmp_path, address, reason):
    done, _ = clean_on(address, tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot reach the Dask scheduler {address}: " in done.stderr and reason in done.stderr


@pytest.mark.slow
def test_a_missing_scheduler_file_is_waited_for_until_the_timeout_only(tmp_path):
    scheduler = tmp_path / "scheduler.json"
    done, took = clean_on(str(scheduler), tmp_path)
    assert done.returncode == 1, done.stderr
    assert (
        f"cannot reach the Dask scheduler {scheduler}: the scheduler file does not exist "
        f"(waited {TIMEOUT_S} s for it to appear)"
    ) in done.stderr
    assert took < TIMEOUT_S + 15


@pytest.mark.slow
def test_local_workers_are_capped_at_the_cores(tmp_path):
    cores = os.cpu_count() or 1
    done, _ = clean_on("local", tmp_path, "--workers", str(cores + 46))
    assert done.returncode == 0, done.stderr
    assert f"--workers {cores + 46}: using {cores}, the cores of this machine" in done.stderr
    assert "leaked semaphore" not in done.stderr
