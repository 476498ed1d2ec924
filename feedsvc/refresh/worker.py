"""``refresh_source``: the one orchestrator that wires the pipeline stages together.

1. fetch the source's list page(s) with stored validators (a 304 costs no parsing)
2. find the article links (``extract.extract_list``, off the event loop)
3. fetch NEW article pages, plus a few known ones re-checked for edits (conditional GET)
4. extract + normalize each article (off the event loop, one round trip per page)
5. save everything in one lease-fenced transaction (``Store.save_refresh``)

A failure of the list page fails the source (recorded, backed off; its stored articles stay
in the feeds). A failure of one article page (fetch, extraction, a parse over
``extract_timeout``, a crashed extraction process) is logged and recorded with the refresh,
and that article is simply retried next time: it was never stored, so it is still "new"
then. Nothing is lost either way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from feedsvc.config import Settings
from feedsvc.errors import ExtractError, FetchError, LeaseLostError, ListDriftError
from feedsvc.extract import extract_article, extract_list
from feedsvc.extract.zone import ZoneChoice, choose_zone
from feedsvc.fetch import Fetcher
from feedsvc.metrics.instruments import current, record_articles, record_refresh
from feedsvc.models import (
    DroppedLink,
    ExtractedArticle,
    FeedKey,
    FetchResult,
    FetchStatus,
    KnownArticle,
    ListItem,
    ListPage,
    NormalizedArticle,
    PageValidators,
    RefreshOutcome,
    Selectors,
    SourceConfig,
    SourceState,
)
from feedsvc.normalize import normalize_article, normalize_url
from feedsvc.pause_points import pause_point
from feedsvc.redact import redact_credentials
from feedsvc.refresh.failures import record_failure
from feedsvc.refresh.offload import JobFailed, Offloader
from feedsvc.refresh.policy import next_check
from feedsvc.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")

# Stop starting new article fetches once this share of the lease has gone, so the save
# still lands while we hold the lease.
LEASE_SAFETY = 0.7


@dataclass
class RefreshContext:
    settings: Settings
    store: Store
    fetcher: Fetcher
    offloader: Offloader
    owner: str
    now: Callable[[], datetime]
    # Told which feeds a committed refresh changed (e.g. WebSubPublisher.publish); its
    # failures are logged and never fail the refresh.
    on_feeds_changed: Callable[[Sequence[FeedKey]], Awaitable[object]] | None = None


@dataclass(frozen=True)
class RefreshReport:
    source_id: str
    status: FetchStatus
    seconds: float
    new: int = 0
    updated: int = 0
    items_seen: int = 0
    error: str | None = None
    article_errors: tuple[str, ...] = field(default=())
    zone: ZoneChoice | None = None  # the list page's zone and why (None: nothing parsed)

    def line(self) -> str:
        if self.status is FetchStatus.FAILED:
            return f"{self.source_id}: FAILED after {self.seconds:.2f}s: {self.error}"
        tail = f", {len(self.article_errors)} article errors" if self.article_errors else ""
        return (
            f"{self.source_id}: {self.status.value}, {self.items_seen} links, "
            f"{self.new} new, {self.updated} updated in {self.seconds:.2f}s{tail}"
        )


def page_zone(source: SourceConfig, settings: Settings, fetch: FetchResult) -> ZoneChoice:
    """The zone for the naive times of a fetched page: configured, else from evidence."""
    return choose_zone(
        fetch.final_url,
        source_zone=source.timezone,
        setting_zone=settings.timezone,
        language=source.language,
        html=fetch.text,
    )


def allow_private(source: SourceConfig, settings: Settings) -> bool:
    if source.allow_private_networks is not None:
        return source.allow_private_networks
    return settings.allow_private_networks


def parse_list_page(
    html: str, page_url: str, selectors: Selectors | None, zone_name: str, now: datetime
) -> ListPage:
    """Extraction entry point for the offloader (module-level, so it pickles)."""
    return extract_list(html, page_url, selectors=selectors, tz=ZoneInfo(zone_name), now=now)


def process_article(
    fetch: FetchResult,
    link_url: str,
    list_item: ListItem | None,
    source: SourceConfig,
    zone_name: str,
    now: datetime,
    first_seen: datetime | None,
    max_content_bytes: int,
) -> NormalizedArticle:
    """Extract and normalize one article page in a single trip off the event loop."""
    pause_point("extract")  # inert outside the crash tests
    extracted = extract_article(
        fetch.text, fetch.final_url, selectors=source.selectors, tz=ZoneInfo(zone_name), now=now
    )
    return normalize_article(
        extracted,
        link_url=link_url,
        list_item=list_item,
        fetch=fetch,
        source=source,
        now=now,
        first_seen=first_seen,
        max_content_bytes=max_content_bytes,
    )


def article_from_list_item(
    item: ListItem, link_url: str, source: SourceConfig, now: datetime, max_content_bytes: int
) -> NormalizedArticle:
    """For sources with ``full_text: false``: the list item is all there is."""
    extracted = ExtractedArticle(
        url=item.url,
        title=item.title,
        published=item.published,
        published_has_time=item.published_has_time,
        summary=item.summary,
        image=item.image,
        provenance={"title": "list", "published": "list"},
    )
    return normalize_article(
        extracted,
        link_url=link_url,
        list_item=item,
        fetch=None,
        source=source,
        now=now,
        max_content_bytes=max_content_bytes,
    )


async def _extract(ctx: RefreshContext, url: str, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in the extraction pool; a job that did not return (over
    ``extract_timeout``, or its process died) is a failure of the page at ``url`` alone."""
    started = time.perf_counter()
    try:
        return await ctx.offloader.run(fn, *args)
    except JobFailed as exc:
        raise ExtractError(url, str(exc)) from exc
    finally:
        current().extraction_seconds.observe(time.perf_counter() - started)


@dataclass
class _Collected:
    """What the article stage found: articles to save, known ones re-checked unchanged,
    known ones on the list (to link to this source), per-article errors."""

    articles: list[NormalizedArticle] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class _ListScan:
    items: list[ListItem] = field(default_factory=list)
    validators: list[tuple[str, PageValidators]] = field(default_factory=list)
    pages_fetched: int = 0
    pages_not_modified: int = 0
    zone: ZoneChoice | None = None  # the first list page's, for the report


async def _scan_lists(ctx: RefreshContext, state: SourceState, now: datetime) -> _ListScan:
    source = state.config
    stored = await ctx.store.page_validators(source.id)
    # Backfill: follow pagination on the first successful refresh only.
    max_pages = 1 if state.backfilled else max(1, source.max_pages)
    scan = _ListScan()
    seen: set[str] = set()
    for start_url in source.urls:
        url: str | None = start_url
        for page_no in range(max_pages):
            if url is None or url in seen:
                break
            seen.add(url)
            result = await ctx.fetcher.fetch(
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
            page = await _extract(
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


def _dedupe_links(items: list[ListItem], dropped: list[DroppedLink]) -> list[tuple[str, ListItem]]:
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


async def _fetch_and_process(
    ctx: RefreshContext,
    source: SourceConfig,
    link_url: str,
    item: ListItem | None,
    known: KnownArticle | None,
    now: datetime,
) -> NormalizedArticle | None:
    """One article: None means "checked, unchanged" (304)."""
    validators = (
        PageValidators(etag=known.etag, last_modified=known.last_modified) if known else None
    )
    fetch = await ctx.fetcher.fetch(
        item.url if item else link_url,
        validators=validators,
        allow_private=allow_private(source, ctx.settings),
        encoding=source.encoding,
    )
    if fetch.not_modified:
        return None
    return await _extract(
        ctx,
        fetch.final_url,
        process_article,
        fetch,
        link_url,
        item,
        source,
        page_zone(source, ctx.settings, fetch).name,
        now,
        known.first_seen if known else None,
        ctx.settings.max_content_bytes,
    )


async def _collect_articles(
    ctx: RefreshContext,
    state: SourceState,
    links: list[tuple[str, ListItem]],
    now: datetime,
    deadline: float,
    dropped: list[DroppedLink],
) -> _Collected:
    source = state.config
    settings = ctx.settings
    known = await ctx.store.known_articles([link for link, _ in links])
    new_links = [(link, item) for link, item in links if link not in known]
    found = _Collected(listed=[link for link, _ in links if link in known])
    if not source.full_text:
        cap = settings.max_content_bytes
        found.articles = [
            article_from_list_item(i, link, source, now, cap) for link, i in new_links
        ]
        return found

    jobs: list[tuple[str, ListItem | None, KnownArticle | None]] = [
        (link, item, None) for link, item in new_links[: settings.max_new_per_refresh]
    ]
    dropped.extend(
        DroppedLink(link, f"deferred: over max_new_per_refresh ({settings.max_new_per_refresh})")
        for link, _ in new_links[settings.max_new_per_refresh :]
    )
    if settings.recheck_per_refresh > 0:
        since = now - timedelta(hours=settings.recheck_hours)
        min_gap = timedelta(seconds=source.interval_seconds)
        on_list = dict(links)
        for art in await ctx.store.articles_to_recheck(
            source.id, since, settings.recheck_per_refresh
        ):
            if art.last_checked_at <= now - min_gap:
                jobs.append((art.link_url, on_list.get(art.link_url), art))

    errors = found.errors

    async def run(link: str, item: ListItem | None, prior: KnownArticle | None) -> None:
        if time.monotonic() > deadline:
            postponed = f"{link}: postponed, refresh ran out of its lease time"
            errors.append(redact_credentials(postponed))
            dropped.append(DroppedLink(link, "postponed: the refresh ran out of its lease time"))
            return
        try:
            article = await _fetch_and_process(ctx, source, link, item, prior, now)
        except (FetchError, ExtractError) as exc:
            errors.append(str(exc))
            dropped.append(DroppedLink(link, f"{type(exc).__name__}: {exc}"))
            log.warning("source %s: article skipped: %s", source.id, exc)
            return
        except Exception as exc:  # a bug in one page's handling must not sink the source
            errors.append(redact_credentials(f"{link}: {type(exc).__name__}: {exc}"))
            dropped.append(
                DroppedLink(link, redact_credentials(f"unexpected {type(exc).__name__}"))
            )
            log.exception("source %s: unexpected error on %s", source.id, link)
            return
        if article is None:
            found.checked.append(link)
        else:
            found.articles.append(article)

    await asyncio.gather(*(run(*job) for job in jobs))
    return found


async def refresh_source(ctx: RefreshContext, state: SourceState) -> RefreshReport:
    """Refresh one claimed source and record the outcome. Never raises for source errors."""
    source = state.config
    started = ctx.now()
    t0 = time.monotonic()
    deadline = t0 + ctx.settings.lease_seconds * LEASE_SAFETY
    try:
        scan = await _scan_lists(ctx, state, started)
        dropped: list[DroppedLink] = []
        links = _dedupe_links(scan.items, dropped)
        found = await _collect_articles(ctx, state, links, started, deadline, dropped)
        finished = ctx.now()
        unchanged = scan.pages_fetched == 0 and not found.articles
        status = FetchStatus.NOT_MODIFIED if unchanged else FetchStatus.OK
        outcome = RefreshOutcome(
            source_id=source.id,
            owner=ctx.owner,
            started_at=started,
            finished_at=finished,
            next_check_at=next_check(
                interval_seconds=source.interval_seconds,
                now=finished,
                jitter=ctx.settings.jitter,
            ),
            status=status,
            articles=tuple(found.articles),
            checked_link_urls=tuple(found.checked),
            listed_link_urls=tuple(found.listed),
            validators=tuple(scan.validators),
            backfilled=state.backfilled or scan.pages_fetched > 0,
            items_seen=len(links),
            errors=tuple(found.errors),
            dropped=tuple(dropped),
            zone=scan.zone.describe() if scan.zone is not None else None,
        )
        saved = await ctx.store.save_refresh(outcome)
    except LeaseLostError as exc:
        log.warning("%s", exc)
        record_refresh(FetchStatus.FAILED.value)
        return RefreshReport(source.id, FetchStatus.FAILED, time.monotonic() - t0, error=str(exc))
    except Exception as exc:
        message = await record_failure(ctx, state, started, exc)
        record_refresh(FetchStatus.FAILED.value)
        return RefreshReport(source.id, FetchStatus.FAILED, time.monotonic() - t0, error=message)
    record_refresh(status.value)
    record_articles(saved.new, saved.updated, saved.unchanged)
    if saved.feeds_changed and ctx.on_feeds_changed is not None:
        try:
            await ctx.on_feeds_changed(saved.feeds_changed)
        except Exception:
            log.exception("source %s: feeds-changed callback failed", source.id)
    report = RefreshReport(
        source_id=source.id,
        status=status,
        seconds=time.monotonic() - t0,
        new=saved.new,
        updated=saved.updated,
        items_seen=len(links),
        article_errors=tuple(found.errors),
        zone=scan.zone,
    )
    log.info("%s", report.line())
    if scan.zone is not None:
        log.debug("%s: page times in %s (%s)", source.id, scan.zone.name, scan.zone.evidence)
    return report
