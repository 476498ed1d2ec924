"""The list stage of a refresh: fetch the source's list page(s) with stored validators
(a 304 costs no parsing; a manual refresh sends none, since it needs the list to know which
articles to re-check), find the article links off the event loop, follow pagination on
the first refresh only (backfill), and dedupe the links by normalized URL."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from feedsvc.errors import ExtractError, ListDriftError
from feedsvc.extract import extract_list
from feedsvc.extract.zone import ZoneChoice
from feedsvc.models import DroppedLink, ListItem, ListPage, PageValidators, Selectors, SourceState
from feedsvc.normalize import normalize_url
from feedsvc.refresh.context import RefreshContext, allow_private, extract_in_pool, page_zone
from feedsvc.refresh.pagelog import PageLog

log = logging.getLogger(__name__)


def parse_list_page(
    html: str, page_url: str, selectors: Selectors | None, zone_name: str, now: datetime
) -> ListPage:
    """Extraction entry point for the offloader (module-level, so it pickles)."""
    return extract_list(html, page_url, selectors=selectors, tz=ZoneInfo(zone_name), now=now)


@dataclass
class ListScan:
    items: list[ListItem] = field(default_factory=list)
    validators: list[tuple[str, PageValidators]] = field(default_factory=list)
    pages_fetched: int = 0
    pages_not_modified: int = 0
    zone: ZoneChoice | None = None  # the first list page's, for the report


async def scan_lists(
    ctx: RefreshContext, state: SourceState, now: datetime, pages: PageLog, *, manual: bool = False
) -> ListScan:
    source = state.config
    stored = {} if manual else await ctx.store.page_validators(source.id)
    # Backfill: follow pagination on the first successful refresh only.
    max_pages = 1 if state.backfilled else max(1, source.max_pages)
    scan = ListScan()
    seen: set[str] = set()
    for start_url in source.urls:
        url: str | None = start_url
        for page_no in range(max_pages):
            if url is None or url in seen:
                break
            seen.add(url)
            result = await pages.fetch(
                "list",
                url,
                validators=stored.get(url) if page_no == 0 else None,
                allow_private=allow_private(source, ctx.settings),
                encoding=source.encoding,
            )
            if page_no == 0:
                scan.validators.append(
                    (url, PageValidators(etag=result.etag, last_modified=result.last_modified))
                )
            if result.not_modified:
                scan.pages_not_modified += 1
                break
            scan.pages_fetched += 1
            zone = page_zone(source, ctx.settings, result)
            scan.zone = scan.zone or zone
            page = await extract_in_pool(
                ctx,
                result.final_url,
                parse_list_page,
                result.text,
                result.final_url,
                source.selectors,
                zone.name,
                now,
            )
            if not page.items and page_no == 0:
                if state.last_items_seen:
                    raise ListDriftError(url, state.last_items_seen)
                raise ExtractError(url, "no article links found on the list page")
            scan.items.extend(page.items)
            url = page.next_page_url
    return scan


def dedupe_links(items: list[ListItem], dropped: list[DroppedLink]) -> list[tuple[str, ListItem]]:
    out: dict[str, ListItem] = {}
    for item in items:
        try:
            link = normalize_url(item.url)
        except ValueError:
            log.info("skipping link that is not http(s): %s", item.url)
            dropped.append(DroppedLink(item.url, "not an http(s) link"))
            continue
        if link in out:
            dropped.append(DroppedLink(item.url, f"duplicate: the same article as {link}"))
            continue
        out[link] = item
    return list(out.items())
