"""MHTML (`.mhtml`, `.mht`): a page saved by a browser as one MIME message, its HTML in a
text/html part beside the images and style sheets. The standard library's email package
parses it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The head of an MHTML file: MIME headers, a multipart/related body (Chrome, Firefox, Edge
# and Internet Explorer all write these).
_MHTML_HEAD_RE = re.compile(rb"^\s*(?:[\w-]+:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*)*?MIME-Version:", re.IGNORECASE)
_MULTIPART_RE = re.compile(rb"content-type:\s*multipart/related", re.IGNORECASE)


@dataclass
class SavedPage:
    """The HTML part of an MHTML file, with the charset its part declares and the page's URL."""

    html: bytes
    charset: str | None
    url: str | None


def is_mhtml(head: bytes) -> bool:
    """True when bytes start like an MHTML file: MIME headers with a multipart/related body."""
    return bool(_MHTML_HEAD_RE.match(head[:4096]) and _MULTIPART_RE.search(head[:4096]))


def saved_page(data: bytes) -> SavedPage | None:
    """The page an MHTML file holds (its first text/html part); None when there is none."""
    import email  # imported on first use: email.policy costs ~15 ms of start-up
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    url = message.get("Snapshot-Content-Location") or message.get("Content-Location")
    for part in message.walk():
        if part.get_content_type() == "text/html":
            html = part.get_payload(decode=True)
            if isinstance(html, bytes):
                location = part.get("Content-Location") or url
                return SavedPage(html, part.get_content_charset(), str(location) if location else None)
    return None
