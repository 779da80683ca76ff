"""URL rules: which URLs may be stored as an article's URL, and which a fetch may request.

A URL is parsed for its host once, the way requests parses it before connecting (its
prepare step, then urllib3's `parse_url`), so the host a rule checks is the host the
connection goes to. `urlsplit` reads some URLs differently (`http://a:1\\@b/` is host `b` to
it and host `a` to requests), so it is used only for messages and never decides a host.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

HTTP_SCHEMES = ("http", "https")
# What a fetch sends as User-Agent unless told otherwise (here, not in fetcher.py, so that
# `fetch --help` shows it without importing requests).
DEFAULT_USER_AGENT = (
    "newsclean/0.1 (regional news corpus builder; polite incremental fetcher; obeys robots.txt)"
)
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Target:
    """Where a request for a URL goes: the prepared URL, its scheme, host and port."""

    url: str  # the URL as requests sends it (IDNA host, percent-encoded path)
    scheme: str
    host: str  # lower-case, no IPv6 brackets, no trailing dot
    port: int

    @property
    def origin(self) -> str:
        """scheme://host[:port], the port only when it is not the scheme's default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if self.port == DEFAULT_PORTS.get(self.scheme) else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


def target_of(url: str) -> Target:
    """The request target of an http(s) URL; ValueError when requests could not send it, or
    when its authority holds a backslash (parsers disagree on where such a host ends)."""
    import requests
    from urllib3.util import parse_url

    if "\\" in urlsplit(url).netloc:
        raise ValueError("backslash in the host part")
    try:
        prepared = requests.Request("GET", url).prepare().url or ""
        parts = parse_url(prepared)
    except (requests.RequestException, ValueError) as exc:  # InvalidURL, LocationParseError
        raise ValueError(str(exc) or type(exc).__name__) from exc
    scheme = (parts.scheme or "").lower()
    host = (parts.host or "").strip("[]").rstrip(".").lower()
    if scheme not in HTTP_SCHEMES or not host:
        raise ValueError("not an http(s) URL with a host")
    return Target(prepared, scheme, host, parts.port or DEFAULT_PORTS[scheme])


def origin_of(url: str) -> str:
    """scheme://host[:port] of an http(s) URL: the unit of politeness and of robots.txt."""
    return target_of(url).origin


def host_port(url: str) -> tuple[str, int]:
    """(host, port) a request for the URL connects to; ValueError if it cannot be sent."""
    target = target_of(url)
    return target.host, target.port


def url_problem(url: str) -> str | None:
    """Why a URL cannot be fetched or stored (malformed, not http(s), no host, not UTF-8), or
    None when it can."""
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError as exc:  # bad IPv6 brackets, a port out of range
        return f"malformed URL ({exc})"
    if parts.scheme.lower() not in HTTP_SCHEMES:
        return "not an http(s) URL"
    if not host:
        return "no host in URL"
    if any("\udc80" <= c <= "\udcff" for c in url):  # surrogate escapes of bytes that are not UTF-8
        return "not UTF-8"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return "control character in URL"
    if "\\" in parts.netloc:
        return "backslash in the host part"
    return None


def http_url(url: str | None) -> str | None:
    """The URL without surrounding spaces when it is a well-formed http(s) URL, else None:
    what may be stored as an article's `url` (never `javascript:` or `data:`)."""
    url = (url or "").strip()
    return url if url and url_problem(url) is None else None


def same_host(url: str) -> Callable[[str], bool]:
    """A redirect rule for a URL no adapter owns: stay on its host (http to https is fine)."""
    host = host_port(url)[0]
    return lambda target: host_port(target)[0] == host


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host name spells out, if it is one: dotted, IPv6, or a legacy form
    (2130706433, 0x7f.1)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        import socket  # here: ~3 ms of start-up, for the runs that check a URL (issue 23)

        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))  # the forms getaddrinfo accepts too
        except (OSError, UnicodeError):
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_internal(host: str) -> bool:
    """True for localhost and for loopback, private, link-local and other non-public addresses."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    address = ip_literal(host)
    return address is not None and (not address.is_global or address.is_multicast)


def url_refusal(url: str, allowed: Callable[[str], bool], trusted: tuple[str, ...]) -> str | None:
    """Why a request for `url` must not be sent, or None when it may.

    Only http(s) URLs requests can send; only to a `trusted` origin (a --base-url mirror, the
    URL the user named) or to a URL `allowed` accepts; and never to a loopback, private or
    link-local address unless that origin is trusted, or `allowed` accepts the URL on a
    trusted origin's host (an intranet mirror's http to https, or another port of the host
    the user named: same_host's rule). The answer completes "redirect …" or "link …":
    "not http(s)", "to a bad URL", "to a private address", "off site".
    """
    if urlsplit(url).scheme.lower() not in HTTP_SCHEMES:
        return "not http(s)"
    try:
        target = target_of(url)
        origins = {host_port(t) for t in trusted}
    except ValueError:
        return "to a bad URL"
    if (target.host, target.port) in origins:
        return None
    on_trusted_host = any(target.host == host for host, _port in origins)
    if is_internal(target.host) and not (on_trusted_host and allowed(target.url)):
        return "to a private address"
    return None if allowed(target.url) else "off site"
