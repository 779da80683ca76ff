"""Issue 24, item 11: answers that carry no page are failures worth another try, never a
stored empty page. A raw server on 127.0.0.1 sends each answer as a broken or confused
server does: a connection cut inside the headers, a 304 to a request without validators,
a 200 with an empty body."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from newsclean.db.fetchstore import open_fetch_db
from newsclean.ingest.crawl import Crawler, CrawlOptions
from newsclean.ingest.fetcher import FetchConfig, Fetcher, FetchError

FAST = dict(delay=0.0, backoff=0.01, max_backoff=0.02, connect_timeout=1.0, read_timeout=1.0, max_tries=2)

ANSWERS = {
    "/cut.html": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n",  # then the connection closes
    "/not-modified.html": b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n',
    "/empty.html": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n",
}


class AnswerServer:
    """Sends the answer of the requested path (404 for robots.txt and others), then closes;
    `hits` counts the requests per path."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.origin = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.hits: dict[str, int] = {}

    def __enter__(self) -> AnswerServer:
        threading.Thread(target=self.serve, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                request = b""
                while b"\r\n\r\n" not in request:
                    request += conn.recv(4096) or b"\r\n\r\n"
                path = request.split(b" ")[1].decode()
                self.hits[path] = self.hits.get(path, 0) + 1
                conn.sendall(ANSWERS.get(path, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/cut.html", "http 200 with an empty body"),
        ("/not-modified.html", "http 304 to an unconditional request"),
        ("/empty.html", "http 200 with an empty body"),
    ],
)
def test_an_answer_without_a_page_is_a_retried_failure(path: str, reason: str) -> None:
    with AnswerServer() as server, Fetcher(FetchConfig(**FAST)) as fetcher:
        with pytest.raises(FetchError) as failed:
            fetcher.get(server.origin + path)
        assert failed.value.reason == reason
        assert server.hits[path] == 2  # retried, as a network error is


def test_an_empty_answer_is_not_stored_and_is_fetched_again_next_run(tmp_path: Path) -> None:
    with AnswerServer() as server:
        urls = [server.origin + path for path in ANSWERS]
        for run in (1, 2):
            db = open_fetch_db(tmp_path / "news.db")
            with Fetcher(FetchConfig(**{**FAST, "max_tries": 1, "mirrors": (server.origin,)})) as fetcher:
                stats = Crawler(db, fetcher, CrawlOptions()).run_urls(urls, [])
            stored = db.execute("select count(*) from raw_pages where body is not null").fetchone()[0]
            db.close()
            assert stats.fetched == 0 and stats.failed == len(urls)
            assert stored == 0
            assert all(server.hits[path] == run for path in ANSWERS)
