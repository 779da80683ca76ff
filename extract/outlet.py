"""Who published a page: its outlet (the publisher's name when the page names it, else the
registered domain of its URL) and its host."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from newsclean.extract.text import lazy_pattern

# Second-level labels under which a .cn (.hk, .tw) name is registered one level down:
# `hnr.cn` is registered, `ha.chinanews.com.cn` is a name under `chinanews.com.cn`.
SECOND_LEVEL = frozenset(
    "com net org gov edu ac mil "  # generic
    "bj sh tj cq he sx nm ln jl hl js zj ah fj jx sd ha hb hn gd gx hi sc gz yn xz sn gs qh nx xj".split()
)
COUNTRY_CODES = frozenset({"cn", "hk", "tw", "mo", "uk", "jp"})
# A copyright line naming its owner: `版权所有：长江网`, `Copyright © 2020 大河网 All Rights Reserved`,
# opening with one of its marks.
_COPYRIGHT_MARKS = ("版权所有", "版权归", "Copyright", "©", "&copy;")
_copyright_re = lazy_pattern(
    f"(?:{'|'.join(map(re.escape, _COPYRIGHT_MARKS))})"
    r"(?:\s|&copy;|&#169;|主办|[©:：\d\-–—,()Cc])*"
    r"([\u4e00-\u9fff][\u4e00-\u9fff·]{1,15}?(?:新闻网|网站|网|报社|日报|晚报|报|电视台|广播电视台|台|传媒|中心))"
)


def host_of(url: str | None) -> str | None:
    """The URL's host name, lower case (`news.cjn.cn`); None without a URL."""
    if not url:
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:
        return None


def on_host(url: str | None, site: str) -> bool:
    """True when the URL's host is `site` or ends with `.site` (a domain: `163.com`)."""
    host = host_of(url) or ""
    return host == site or host.endswith("." + site)


def registered_domain(host: str) -> str:
    """The name under which a host is registered (`news.cjn.cn` → `cjn.cn`,
    `www.ha.chinanews.com.cn` → `chinanews.com.cn`); an IP address as it is."""
    labels = host.split(".")
    if host.replace(".", "").isdigit() or len(labels) <= 2:
        return host
    if labels[-1] in COUNTRY_CODES and labels[-2] in SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def copyright_owner(text: str) -> str | None:
    """The publisher a copyright line names (`版权所有：长江网` → `长江网`), if any: the first
    match, tried only where one of its marks stands (str.find is many times faster than the
    pattern's own scan of the text)."""
    for at in sorted(mark_positions(text)):
        match = _copyright_re().match(text, at)
        if match:
            return match.group(1)
    return None


def mark_positions(text: str) -> list[int]:
    """Where each copyright mark stands in the text (every occurrence)."""
    found = []
    for mark in _COPYRIGHT_MARKS:
        at = text.find(mark)
        while at >= 0:
            found.append(at)
            at = text.find(mark, at + 1)
    return found


def outlet_of(site_name: str | None, edges: str, host: str | None) -> str | None:
    """The outlet: the site's own name, else the owner a copyright line at the page's edges
    names, else the registered domain of its host; None when nothing tells."""
    return site_name or copyright_owner(edges) or (registered_domain(host) if host else None)
