"""What one refresh works with and reports: its context (settings, store, fetcher,
extraction pool, clock), its report, and the small per-page helpers every stage shares
(the page's time zone, private-network permission, running a job in the extraction pool)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from feedsvc.config import Settings
from feedsvc.errors import ExtractError
from feedsvc.extract.zone import ZoneChoice, choose_zone
from feedsvc.fetch import Fetcher
from feedsvc.metrics.instruments import current
from feedsvc.models import FeedKey, FetchResult, FetchStatus, SourceConfig
from feedsvc.refresh.offload import JobFailed, Offloader
from feedsvc.store import Store

T = TypeVar("T")


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
    manual: bool = False  # asked for (CLI, admin API), not scheduled
    rechecked: int = 0  # known articles re-fetched for edits that answered

    def line(self) -> str:
        kind = " (manual)" if self.manual else ""
        if self.status is FetchStatus.FAILED:
            return f"{self.source_id}: FAILED after {self.seconds:.2f}s{kind}: {self.error}"
        tail = f", {len(self.article_errors)} article errors" if self.article_errors else ""
        return (
            f"{self.source_id}: {self.status.value}, {self.items_seen} links, "
            f"{self.new} new, {self.updated} updated, {self.rechecked} re-checked "
            f"in {self.seconds:.2f}s{tail}{kind}"
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


async def extract_in_pool(ctx: RefreshContext, url: str, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in the extraction pool; a job that did not return (over
    ``extract_timeout``, or its process died) is a failure of the page at ``url`` alone."""
    started = time.perf_counter()
    try:
        return await ctx.offloader.run(fn, *args)
    except JobFailed as exc:
        raise ExtractError(url, str(exc)) from exc
    finally:
        current().extraction_seconds.observe(time.perf_counter() - started)
