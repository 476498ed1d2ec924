"""``refresh_source``: the one orchestrator that wires the pipeline stages together
(:mod:`~feedsvc.refresh.listscan`, :mod:`~feedsvc.refresh.articles`; the shared context
and report live in :mod:`~feedsvc.refresh.context`).

1. fetch the source's list page(s) with stored validators (a 304 costs no parsing)
2. find the article links (``extract.extract_list``, off the event loop)
3. fetch NEW article pages, plus known ones re-checked for edits (conditional GET): a few
   per interval, or, on a manual refresh, the recent ones still on the list page
4. extract + normalize each article (off the event loop, one round trip per page)
5. save everything in one lease-fenced transaction (``Store.save_refresh``)

A failure of the list page fails the source (recorded, backed off; its stored articles stay
in the feeds). A failure of one article page (fetch, extraction, a parse over
``extract_timeout``, a crashed extraction process) is logged and recorded with the refresh,
and that article is simply retried next time: it was never stored, so it is still "new"
then. Nothing is lost either way.
"""

from __future__ import annotations

import logging
import time

from feedsvc.errors import LeaseLostError
from feedsvc.metrics.instruments import record_articles, record_refresh
from feedsvc.models import DroppedLink, FetchStatus, RefreshOutcome, SourceState
from feedsvc.refresh.articles import collect_articles
from feedsvc.refresh.context import RefreshContext, RefreshReport
from feedsvc.refresh.failures import record_failure
from feedsvc.refresh.listscan import dedupe_links, scan_lists
from feedsvc.refresh.pagelog import PageLog
from feedsvc.refresh.policy import next_check

__all__ = ["refresh_source"]

log = logging.getLogger(__name__)

# Stop starting new article fetches once this share of the lease has gone, so the save
# still lands while we hold the lease.
LEASE_SAFETY = 0.7


async def refresh_source(
    ctx: RefreshContext, state: SourceState, *, manual: bool = False
) -> RefreshReport:
    """Refresh one claimed source and record the outcome. Never raises for source errors.

    ``manual`` (``feedsvc refresh``), or a refresh request stored with the source (the
    admin API, ``sources refresh``), makes it a manual refresh: the list pages are fetched
    in full and the recent articles still on them re-checked (``manual_recheck_max``)."""
    source = state.config
    manual = manual or state.refresh_requested_at is not None
    started = ctx.now()
    t0 = time.monotonic()
    deadline = t0 + ctx.settings.lease_seconds * LEASE_SAFETY
    pages = PageLog(ctx.fetcher)
    try:
        scan = await scan_lists(ctx, state, started, pages, manual=manual)
        dropped: list[DroppedLink] = []
        links = dedupe_links(scan.items, dropped)
        found = await collect_articles(
            ctx, state, links, started, deadline, dropped, pages, manual=manual
        )
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
            pages=tuple(pages.pages),
            template_state=found.template_state,
            template_note=found.template_note,
            manual=manual,
            rechecked=found.rechecked,
            request_served=state.refresh_requested_at,
        )
        saved = await ctx.store.save_refresh(outcome)
    except LeaseLostError as exc:
        log.warning("%s", exc)
        record_refresh(FetchStatus.FAILED.value)
        return RefreshReport(
            source.id, FetchStatus.FAILED, time.monotonic() - t0, error=str(exc), manual=manual
        )
    except Exception as exc:
        message = await record_failure(ctx, state, started, exc, tuple(pages.pages), manual=manual)
        record_refresh(FetchStatus.FAILED.value)
        return RefreshReport(
            source.id, FetchStatus.FAILED, time.monotonic() - t0, error=message, manual=manual
        )
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
        manual=manual,
        rechecked=found.rechecked,
    )
    log.info("%s", report.line())
    if scan.zone is not None:
        log.debug("%s: page times in %s (%s)", source.id, scan.zone.name, scan.zone.evidence)
    return report
