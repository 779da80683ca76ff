"""A threaded HTTP server on 127.0.0.1 or another loopback address (random free port) serving scripted routes and logging requests."""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What one path answers.

    `failures` are (status, headers) answers given once each, in order, before the normal
    answer; `stall` holds the answer back that many seconds; `validators` adds ETag and
    Last-Modified and answers matching conditional requests with 304.
    """

    body: bytes = b""
    content_type: str = "text/html"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = False
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    stall: float = 0.0
    modified: str = field(default_factory=lambda: formatdate(time.time(), usegmt=True))

    @property
    def etag(self) -> str:
        """A strong ETag from the body's hash."""
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass
class Hit:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    at: float
    status: int = 0


class MirrorServer:
    """Serve `routes` on HOST:<free port> from a daemon thread; unknown paths give 404.

    HOST is 127.0.0.1, or 127.0.0.2 / 127.0.0.3 standing in for another host."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer((host, 0), self.handler_class())
        self.httpd.daemon_threads = True
        self.httpd.handle_error = self.handle_error
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def origin(self) -> str:
        """http://HOST:<port>"""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return self.origin + path

    def __enter__(self) -> MirrorServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore clients that hang up (timeouts, refused bodies); report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            ThreadingHTTPServer.handle_error(self.httpd, request, client_address)

    def set(self, path: str, body: bytes = b"", **options) -> Route:
        """Answer `path` with this body (and Route options) from now on."""
        route = Route(body=body, **options)
        with self.lock:
            self.routes[path] = route
        return route

    def hits_for(self, path: str) -> list[Hit]:
        """The requests received for one path, in order."""
        with self.lock:
            return [h for h in self.hits if h.path == path]

    def paths_hit(self) -> list[str]:
        """Every path requested, in order."""
        with self.lock:
            return [h.path for h in self.hits]

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes, float]:
        """(status, headers, body, stall) for a request; logs it."""
        with self.lock:
            hit = Hit(path, headers, time.monotonic())
            self.hits.append(hit)
            route = self.routes.get(path)
            if route is None:
                hit.status = 404
                return 404, {"Content-Type": "text/html"}, b"<html><body>404</body></html>", 0.0
            if route.failures:
                status, extra = route.failures.pop(0)
                hit.status = status
                return status, {"Content-Type": "text/html", **extra}, b"<html>error</html>", 0.0
            out = {"Content-Type": route.content_type, **route.headers}
            if route.validators:
                out.update({"ETag": route.etag, "Last-Modified": route.modified})
                if headers.get("if-none-match") == route.etag or (
                    "if-none-match" not in headers and headers.get("if-modified-since") == route.modified
                ):
                    hit.status = 304
                    return 304, out, b"", route.stall
            hit.status = route.status
            return route.status, out, route.body, route.stall

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """A request handler bound to this server's routes."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out apart: no 40 ms delayed-ACK stall

            def do_GET(self) -> None:  # http.server's naming
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, out, body, stall = server.answer(self.path, headers)
                if stall and server.stopping.wait(stall):
                    return
                try:
                    self.send_response(status)
                    for name, value in out.items():
                        self.send_header(name, value)
                    if status != 304:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if status != 304:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        return Handler
