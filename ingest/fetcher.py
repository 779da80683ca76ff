"""Polite HTTP fetching: one session, retries, robots.txt, per-host delays, size, time and redirect limits."""

from __future__ import annotations

import contextlib
import email.utils
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urljoin
from urllib.robotparser import RobotFileParser

import requests
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_exponential, wait_random
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool

from newsclean.ingest.urls import DEFAULT_USER_AGENT, origin_of, same_host, url_problem, url_refusal

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Headers kept with a stored page: what decoding and conditional requests need later.
KEPT_HEADERS = ("content-type", "etag", "last-modified")
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_CHUNK = 64 * 1024
DISALLOW_ALL = ["User-agent: *", "Disallow: /"]


@dataclass(frozen=True)
class FetchConfig:
    """Every fetching knob in one place, with the defaults a daily run uses."""

    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0  # seconds between two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # longest silence while reading
    response_timeout: float = 120.0  # wall clock for one response, headers and body, however slow
    url_timeout: float = 300.0  # wall clock for one URL: every try, wait and redirect
    max_bytes: int = 10 * 1024 * 1024  # a news page is well under 1 MB; this bounds memory
    robots_max_bytes: int = 512 * 1024  # robots.txt is read this far (RFC 9309: at least 500 KiB)
    max_tries: int = 4  # requests in all for one URL (Scrapy's default is 3)
    backoff: float = 1.0  # first retry wait; doubles each try, plus up to this much jitter
    max_backoff: float = 30.0
    max_retry_after: float = 60.0  # a longer Retry-After (or Crawl-delay) is cut to this, and said so
    max_redirects: int = 5
    # Origins of the --base-url mirrors: the only loopback or private addresses a link from content
    # or a redirect may reach.
    mirrors: tuple[str, ...] = ()


class FetchError(Exception):
    """A URL that could not be fetched; `reason` is short and groupable ("http 404", "timeout")."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class RetryableError(FetchError):
    """A failure worth another try: connection error, timeout, 429 or 5xx."""


@dataclass
class Response:
    """A fetched page: raw bytes, the charset the HTTP header names (None if it names none)."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    charset: str | None

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request."""
        return self.status == 304


def header_charset(content_type: str | None) -> str | None:
    """The charset a Content-Type header names; None when it names none (never ISO-8859-1 by default)."""
    match = _CHARSET_RE.search(content_type or "")
    return match.group(1).lower() if match else None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def content_length(resp: requests.Response) -> int:
    """The Content-Length a response declares; 0 when it declares none or nonsense."""
    value = (resp.headers.get("content-length") or "").strip()
    return int(value) if value.isdigit() else 0


def unusable_answer(
    status: int, body: bytes, sent: dict[str, str], expired: bool, empty_ok: bool
) -> str | None:
    """Why an answer read without error is still no page, or None.

    The deadline passed (a connection cut inside the headers ends them early, and the body
    then reads as empty); a 304 to a request without validators (nothing to reuse); an
    empty 2xx body where a page was asked for. Each is worth another try, now or next run.
    """
    if expired:
        return "timeout"
    if status == 304 and not any(k in sent for k in ("If-None-Match", "If-Modified-Since")):
        return "http 304 to an unconditional request"
    if 200 <= status < 300 and not body and not empty_ok:
        return f"http {status} with an empty body"
    return None


def short_seconds(value: float) -> str:
    """Seconds for a message: 3600, 60, 0.3."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def network_reason(exc: requests.RequestException) -> str:
    """ "timeout" or "connection error" for a requests exception."""
    if isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower():
        return "timeout"
    return "connection error"


_watched = threading.local()  # .current: the Watchdog of the request running in this thread


class Watchdog:
    """Shuts the socket of this thread's request down at a wall-clock deadline.

    requests' timeouts bound each socket read, so a server sending a byte a second, in the
    headers or in a body with Content-Length, never trips them. The shut-down socket makes
    the blocked read return at once; `expired` then tells the caller it was a timeout.
    """

    def __init__(self, until: float) -> None:
        self.until = until
        self.expired = False
        self.conn: Any = None
        self._lock = threading.Lock()
        self._done = False
        self._timer: threading.Timer | None = None

    def __enter__(self) -> Watchdog:
        _watched.current = self
        self._arm(self.until - time.monotonic())
        return self

    def __exit__(self, *exc: object) -> None:
        _watched.current = None
        with self._lock:
            self._done = True
            if self._timer:
                self._timer.cancel()
        if self.expired and self.conn is not None:
            self.conn.close()  # a half-read connection must not be used again

    def attach(self, conn: Any) -> None:
        """Watch this connection (the pool calls this as it hands the connection out)."""
        with self._lock:
            self.conn = conn

    def _arm(self, delay: float) -> None:
        self._timer = threading.Timer(max(0.0, delay), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        """The deadline passed: shut the socket down (once it exists)."""
        with self._lock:
            if self._done:
                return
            self.expired = True
            sock = getattr(self.conn, "sock", None)
            if sock is None:  # still connecting (bounded by the connect timeout): look again soon
                self._arm(0.05)
                return
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's, below any TLS layer


class _WatchedPoolMixin:
    """A connection pool that shows each connection it hands out to the thread's Watchdog."""

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        watch = getattr(_watched, "current", None)
        if watch is not None:
            watch.attach(conn)
        return conn


class _WatchedHTTPPool(_WatchedPoolMixin, HTTPConnectionPool):
    pass


class _WatchedHTTPSPool(_WatchedPoolMixin, HTTPSConnectionPool):
    pass


class WatchedAdapter(HTTPAdapter):
    """requests' adapter with pools whose connections a Watchdog can cut (proxies included, SOCKS not)."""

    pools: ClassVar[dict[str, type[HTTPConnectionPool]]] = {
        "http": _WatchedHTTPPool,
        "https": _WatchedHTTPSPool,
    }

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self.pools

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = self.pools
        return manager


class Fetcher:
    """One requests.Session used politely: robots.txt, a per-host delay, one request per host at a time."""

    def __init__(self, config: FetchConfig | None = None) -> None:
        self.config = config or FetchConfig()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = self.config.user_agent
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, WatchedAdapter())
        self.capped: dict[tuple[str, str], float] = {}  # (what, host) -> the longest wait asked
        self._backoff = wait_exponential(
            multiplier=self.config.backoff, max=self.config.max_backoff
        ) + wait_random(0, self.config.backoff)
        self._robots: dict[str, RobotFileParser] = {}
        self._robots_unreachable: dict[str, str] = {}  # host -> why its robots.txt could not be read
        self._robots_errors: dict[str, FetchError] = {}
        self._last_request: dict[str, float] = {}
        self._host_locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        # Told (host, seconds) before each wait for a host's turn (fetch's progress line).
        self.on_wait: Callable[[str, float], None] | None = None

    def close(self) -> None:
        """Close the session's connections."""
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        allowed: Callable[[str], bool] | None = None,
    ) -> Response:
        """GET a page, following at most `max_redirects` redirects by hand.

        Returns a 2xx or 304 response; raises FetchError otherwise. `allowed` is the rule of a
        URL read from content (a listing's links and next page): the URL and every redirect
        must pass it, or be on a mirror (see `url_refusal`). Without it the caller names the
        URL: its own origin is trusted like a mirror, and redirects stay on its host.
        """
        rule, trusted = self.rules(url, allowed)
        headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        response = self.follow(url, headers, rule, trusted, robots=True)
        response.url = url
        return response

    def rules(
        self, url: str, allowed: Callable[[str], bool] | None
    ) -> tuple[Callable[[str], bool], tuple[str, ...]]:
        """The host rule and the trusted origins for a request chain starting at `url`."""
        if allowed is not None:
            return allowed, self.config.mirrors
        problem = url_problem(url)
        try:
            rule = same_host(url)
        except ValueError as exc:  # requests cannot send it: an IDNA error in the host
            problem = problem or f"malformed URL ({exc})"
        if problem:
            raise FetchError(f"bad URL: {problem}")
        return rule, (*self.config.mirrors, url)

    def follow(
        self,
        url: str,
        headers: dict[str, str],
        allowed: Callable[[str], bool],
        trusted: tuple[str, ...],
        *,
        robots: bool,
        truncate_at: int | None = None,
        empty_ok: bool = False,
    ) -> Response:
        """GET `url` and the redirects it leads to; robots.txt first when `robots`.

        Every URL of the chain passes the gate (`url_refusal` with `allowed` and the `trusted`
        origins) before any request to its host, robots.txt included. All of it, tries and
        waits included, within `url_timeout` (robots.txt has its own).
        A body longer than `truncate_at` is cut there instead of refused. An empty 2xx body
        is a retryable failure unless `empty_ok` (see `unusable_answer`).
        """
        deadline = time.monotonic() + self.config.url_timeout
        seen = {url}
        current = url
        status = None  # the status of the redirect that led to `current`
        for hop in range(self.config.max_redirects + 1):
            refusal = url_refusal(current, allowed, trusted)
            if refusal:
                raise FetchError(f"{'redirect' if hop else 'link'} {refusal}", status=status)
            if robots and not self.robots_allow(current, allowed, trusted):
                why = self._robots_unreachable.get(origin_of(current))
                raise FetchError(
                    f"robots.txt unreachable ({why})" if why else "robots.txt disallows"
                ) from self._robots_errors.get(origin_of(current))
            response = self.get_once(current, headers, deadline, truncate_at, empty_ok)
            if response.status not in REDIRECT_STATUSES:
                return response
            status = response.status
            current = self.next_hop(current, response, seen)
        raise FetchError("too many redirects", status=status)

    def next_hop(self, current: str, response: Response, seen: set[str]) -> str:
        """The redirect target, refused when it loops or is missing (`follow` checks its host)."""
        location = response.headers.get("location")
        if not location:
            raise FetchError("redirect without Location", status=response.status)
        try:
            target = urljoin(current, location.strip())
        except ValueError:
            raise FetchError("redirect to a bad URL", status=response.status) from None
        if target in seen:
            raise FetchError("redirect loop", status=response.status)
        seen.add(target)
        return target

    def get_once(
        self,
        url: str,
        headers: dict[str, str],
        deadline: float,
        truncate_at: int | None = None,
        empty_ok: bool = False,
    ) -> Response:
        """One URL, no redirects followed, retried (tenacity) on network errors, 429 and 5xx
        while the next try can start before `deadline`."""

        def out_of_tries_or_time(state: RetryCallState) -> bool:
            return (
                state.attempt_number >= self.config.max_tries
                or time.monotonic() + self.retry_wait(url, state) >= deadline
            )

        retrying = Retrying(
            stop=out_of_tries_or_time,
            wait=lambda state: self.retry_wait(url, state),
            retry=retry_if_exception_type(RetryableError),
            reraise=True,
        )
        return retrying(self.request, url, headers, deadline, truncate_at, empty_ok)

    def retry_wait(self, url: str, state: RetryCallState) -> float:
        """Retry-After when the server gave one (capped, and noted), else exponential backoff with jitter."""
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, FetchError) and exc.retry_after is not None:
            return self.cap("Retry-After", origin_of(url), exc.retry_after)
        return self._backoff(state)

    def cap(self, what: str, host: str, asked: float) -> float:
        """`asked` seconds cut to `max_retry_after`; a cut is remembered for the run's summary."""
        if asked > self.config.max_retry_after:
            self.capped[(what, host)] = max(asked, self.capped.get((what, host), 0.0))
        return min(asked, self.config.max_retry_after)

    def notes(self) -> list[str]:
        """Lines for the run's summary: the waits a host asked for that were cut."""
        cap = short_seconds(self.config.max_retry_after)
        return [
            f"{what} capped: {host} asked for {short_seconds(asked)} s, {cap} s used"
            for (what, host), asked in sorted(self.capped.items())
        ]

    def request(
        self,
        url: str,
        headers: dict[str, str],
        deadline: float,
        truncate_at: int | None = None,
        empty_ok: bool = False,
    ) -> Response:
        """A single GET after the host's turn, answered within `response_timeout` and `deadline`."""
        problem = url_problem(url)
        if problem:
            raise FetchError(f"bad URL: {problem}")
        host = origin_of(url)
        with self.host_lock(host):
            self.wait_turn(host)
            until = min(deadline, time.monotonic() + self.config.response_timeout)
            if until <= time.monotonic():
                raise RetryableError("timeout")
            try:
                return self.send(url, headers, until, truncate_at, empty_ok)
            except requests.RequestException as exc:
                raise RetryableError(network_reason(exc)) from exc
            except ValueError as exc:  # requests parses a redirect's Location even when not following it
                raise FetchError("redirect to a bad URL") from exc
            finally:
                self._last_request[host] = time.monotonic()

    def send(
        self,
        url: str,
        headers: dict[str, str],
        until: float,
        truncate_at: int | None = None,
        empty_ok: bool = False,
    ) -> Response:
        """Send the GET and read a 2xx answer's body, all before `until` and within `max_bytes`;
        a retryable failure for an answer that is no page (`unusable_answer`)."""
        left = max(until - time.monotonic(), 0.001)
        timeout = (min(self.config.connect_timeout, left), min(self.config.read_timeout, left))
        with Watchdog(until) as watch:
            try:
                with self.session.get(
                    url, headers=headers, timeout=timeout, stream=True, allow_redirects=False
                ) as resp:
                    status = resp.status_code
                    if status == 429 or status >= 500:
                        raise RetryableError(
                            f"http {status}",
                            status=status,
                            retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                        )
                    if status >= 400:
                        raise FetchError(f"http {status}", status=status)
                    kept = {
                        name: resp.headers[name]
                        for name in (*KEPT_HEADERS, "location")
                        if name in resp.headers
                    }
                    body = self.read_body(resp, until, truncate_at) if 200 <= status < 300 else b""
            except OSError as exc:  # requests' exceptions too
                if watch.expired:
                    raise RetryableError("timeout") from exc
                raise
        problem = unusable_answer(status, body, headers, watch.expired, empty_ok)
        if problem:
            raise RetryableError(problem)
        return Response(url, url, status, kept, body, header_charset(resp.headers.get("content-type")))

    def read_body(self, resp: requests.Response, until: float, truncate_at: int | None = None) -> bytes:
        """The raw body before the deadline `until`: refused past `max_bytes`, or cut at `truncate_at`.

        A cut body ends at its last complete line; no more than one chunk past the cut is read.
        """
        limit = truncate_at or self.config.max_bytes
        if truncate_at is None and content_length(resp) > limit:
            raise FetchError("too large")
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_content(_CHUNK):
            if time.monotonic() > until:
                raise RetryableError("timeout")
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                if truncate_at is None:
                    raise FetchError("too large")
                body = b"".join(chunks)[:limit]
                return body[: body.rfind(b"\n") + 1] or body
        return b"".join(chunks)

    def host_lock(self, host: str) -> threading.Lock:
        """The lock that keeps requests to one host one at a time."""
        with self._locks_lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def wait_turn(self, host: str) -> None:
        """Sleep until the host's minimum delay (or its robots.txt Crawl-delay) has passed."""
        last = self._last_request.get(host)
        if last is not None:
            wait = last + self.host_delay(host) - time.monotonic()
            if wait > 0 and self.on_wait:
                self.on_wait(host, wait)
            time.sleep(max(0.0, wait))

    def host_delay(self, host: str) -> float:
        """The configured delay, raised to the host's Crawl-delay when robots.txt asks for more."""
        robots = self._robots.get(host)
        asked = robots.crawl_delay(self.config.user_agent) if robots else None
        return max(self.config.delay, self.cap("Crawl-delay", host, float(asked or 0)))

    def robots_allow(
        self, url: str, allowed: Callable[[str], bool] | None = None, trusted: tuple[str, ...] = ()
    ) -> bool:
        """True when the host's robots.txt (fetched once per host and cached) lets us fetch the URL.

        robots.txt and its redirects pass the page's gate: the same host, `allowed`, a mirror or
        a `trusted` origin. Without `allowed`, the URL is one the caller names (as in `get`).
        """
        if allowed is None:
            allowed, trusted = self.rules(url, None)
        host = origin_of(url)
        if host not in self._robots:
            self._robots[host] = self.load_robots(host, allowed, trusted)
        return self._robots[host].can_fetch(self.config.user_agent, url)

    def load_robots(
        self, host: str, allowed: Callable[[str], bool], trusted: tuple[str, ...]
    ) -> RobotFileParser:
        """The host's robots.txt rules, as RFC 9309 says.

        2xx: the rules of its first `robots_max_bytes` (the rest is not read). 4xx (but 429):
        no rules, everything allowed. Unreachable (5xx or 429 after the retries, a timeout, a
        connection error, a refused or endless redirect): everything disallowed for this run.
        """
        url = f"{host}/robots.txt"
        parser = RobotFileParser(url)
        try:
            response = self.follow(
                url,
                {},
                lambda t: origin_of(t) == host or allowed(t),
                trusted,
                robots=False,
                truncate_at=self.config.robots_max_bytes,
                empty_ok=True,  # an empty robots.txt allows everything
            )
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                parser.parse([])
            else:
                self._robots_unreachable[host] = exc.reason
                self._robots_errors[host] = exc  # its cause, for --verbose
                parser.parse(DISALLOW_ALL)
            return parser
        if not 200 <= response.status < 300:  # a 3xx that is no redirect
            self._robots_unreachable[host] = f"http {response.status}"
            parser.parse(DISALLOW_ALL)
            return parser
        parser.parse(response.body.decode("utf-8-sig", errors="replace").splitlines())
        return parser
