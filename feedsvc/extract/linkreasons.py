"""Why each link on a list page was kept or dropped, for the admin preview.

The reasons are the list detector's own (``listdetect.url_rejection`` / ``title_rejection``:
off-site, pagination, site furniture, …), then list membership: in the detected list, in a
lower-scored candidate, or in none; links in ``<nav>``, ``<header>``, ``<footer>`` or
``<aside>`` say so. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html

from feedsvc.extract.dom import absolute_url, iter_elements, registrable_domain
from feedsvc.extract.listdetect import (
    ListDetection,
    anchor_title,
    title_rejection,
    url_rejection,
)

_REGIONS = {
    "nav": "navigation",
    "header": "page header",
    "footer": "page footer",
    "aside": "sidebar",
}


@dataclass(frozen=True)
class LinkVerdict:
    url: str
    kept: bool
    reason: str


def _region(anchor: lxml.html.HtmlElement) -> str | None:
    for ancestor in anchor.iterancestors():
        region = _REGIONS.get(str(ancestor.tag))
        if region is not None:
            return region
    return None


def explain_links(
    root: lxml.html.HtmlElement, page_url: str, found: ListDetection, limit: int = 1000
) -> list[LinkVerdict]:
    """Every distinct link on the page in page order (at most ``limit``), kept or not, why."""
    site, page = registrable_domain(page_url), page_url.split("#", 1)[0]
    kept = {item.url for item in found.winner.items} if found.winner else set()
    rule = found.winner.rule if found.winner else ""
    lesser = {item.url: c.rule for c in found.candidates[1:] for item in c.items}
    verdicts: list[LinkVerdict] = []
    seen: set[str] = set()
    for anchor in iter_elements(root, "a"):
        href = anchor.get("href")
        if href is None or len(verdicts) >= limit:
            continue
        url = absolute_url(page_url, href)
        shown = url or href
        if shown in seen:
            continue
        seen.add(shown)
        if url is not None and url in kept:
            verdicts.append(LinkVerdict(url, True, f"in the detected list ({rule})"))
            continue
        if url is not None and url == found.next_page_url:
            verdicts.append(LinkVerdict(url, False, "the next list page (followed, not stored)"))
            continue
        reason = url_rejection(url, page, site) or title_rejection(anchor_title(anchor))
        if reason is None and url in lesser:
            reason = f"in a lower-scored list ({lesser[url]})"
        region = _region(anchor)
        if reason is None:
            reason = f"in the {region}" if region else "not in the detected list"
        elif region:
            reason = f"{reason}; in the {region}"
        verdicts.append(LinkVerdict(shown, False, reason))
    return verdicts
