"""The adapter registry: every site adapter, in detection order, and the generic fallback."""

from __future__ import annotations

from newsclean.sites.base import Adapter, Page
from newsclean.sites.chinanews import Chinanews
from newsclean.sites.ddsb import Ddsb
from newsclean.sites.generic import Generic
from newsclean.sites.hnr import Hnr

SITE_ADAPTERS: tuple[Adapter, ...] = (Hnr(), Chinanews(), Ddsb())
GENERIC = Generic()
ADAPTERS: dict[str, Adapter] = {a.name: a for a in (*SITE_ADAPTERS, GENERIC)}


def adapter_named(name: str) -> Adapter:
    """The adapter with this name; KeyError lists the known names."""
    try:
        return ADAPTERS[name]
    except KeyError:
        raise KeyError(f"unknown site {name!r}; known: {', '.join(ADAPTERS)}") from None


def detect(page: Page) -> Adapter:
    """The adapter for a page: by URL host when known, else by page fingerprints."""
    for adapter in SITE_ADAPTERS:
        if adapter.claims_url(page.url):
            return adapter
    if page.url is None:
        for adapter in SITE_ADAPTERS:
            if adapter.claims_page(page):
                return adapter
    return GENERIC


__all__ = ["ADAPTERS", "GENERIC", "SITE_ADAPTERS", "Adapter", "Page", "adapter_named", "detect"]
