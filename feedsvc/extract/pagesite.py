"""Where a saved page came from, when nobody said: for ``feedsvc check FILE``.

Links on a page resolve against its URL, and "same site" decides which links can be
articles, so a saved file needs a plausible address. In order: ``<base href>``,
``<link rel=canonical>``, ``og:url``, then the host most of the page's absolute links point
to — but only when those outnumber relative links (a portal that links itself relatively
points its absolute links at other sites).
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import lxml.html

from feedsvc.extract.dom import absolute_url, iter_elements, registrable_domain

__all__ = ["guess_page_url"]


def _declared(root: lxml.html.HtmlElement) -> str | None:
    queries = (
        "//base[@href]/@href",
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href",
        "//meta[@property='og:url']/@content",
    )
    for query in queries:
        for value in root.xpath(query):
            url = absolute_url("http://invalid/", str(value))
            if url and urlsplit(url).hostname != "invalid":
                return url
    return None


def guess_page_url(root: lxml.html.HtmlElement) -> str | None:
    """A URL for a page of unknown origin, or None when it declares and links nothing."""
    declared = _declared(root)
    if declared:
        return declared
    hosts: Counter[str] = Counter()
    sites: Counter[str] = Counter()
    relative = 0
    for anchor in iter_elements(root, "a"):
        href = (anchor.get("href") or "").strip()
        if not href.startswith(("http://", "https://", "//")):
            relative += bool(href) and not href.startswith(("#", "javascript:", "mailto:"))
            continue
        url = absolute_url("http://invalid/", href)
        if url is None:
            continue
        parts = urlsplit(url)
        hosts[f"{parts.scheme}://{parts.netloc}/"] += 1
        sites[registrable_domain(url)] += 1
    if not sites:
        return None
    site, votes = sites.most_common(1)[0]
    if votes < relative:
        return None  # the page links itself relatively: its absolute links go elsewhere
    return next(h for h, _ in hosts.most_common() if registrable_domain(h) == site)
