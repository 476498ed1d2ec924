"""WebSub publishing: tell the hub which feeds changed, so subscribers get them at once.

After a refresh commits, the worker hands the changed ``FeedKey``s to
:meth:`WebSubPublisher.publish`, which POSTs ``hub.mode=publish&hub.url=<topic>`` to the
configured hub for every format of every changed feed (the topics are exactly the
``rel="self"`` URLs the plain feeds advertise). Publishing is best effort: each POST has a
timeout and a bounded number of attempts, failures are logged, and nothing here ever
raises into the refresh — the feeds are already saved, and subscribers still poll.

The POSTs go through the :class:`~feedsvc.fetch.Fetcher` (the one guarded client), so a hub
on a private, loopback or link-local address is refused unless ``allow_private_networks``
is set, and a redirect from the hub is never followed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from feedsvc.config import Settings
from feedsvc.errors import BlockedAddressError, FetchError
from feedsvc.fetch import Fetcher
from feedsvc.models import FeedInfo, FeedKey, FeedKind
from feedsvc.web.urls import feed_urls

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0  # seconds per POST
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF = 0.5  # seconds before the second attempt, doubled after each failure
MAX_PARALLEL = 4  # POSTs in flight to the hub at once


class FeedInfoSource(Protocol):
    async def feed_info(self, key: FeedKey) -> FeedInfo | None: ...


@dataclass
class PublishReport:
    published: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class WebSubPublisher:
    """``async with WebSubPublisher(settings, store) as publisher: await publisher.publish(keys)``

    Sends through ``fetcher`` (the service's own), else through a Fetcher it opens and
    closes itself. ``feeds`` supplies category slugs, since a category's public URL uses
    its slug when it has one.
    """

    def __init__(
        self,
        settings: Settings,
        feeds: FeedInfoSource,
        *,
        fetcher: Fetcher | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff: float = DEFAULT_BACKOFF,
    ) -> None:
        if not settings.websub_hub:
            raise ValueError("WebSubPublisher needs settings.websub_hub")
        if attempts < 1 or timeout <= 0:
            raise ValueError(f"need attempts >= 1 and timeout > 0, got {attempts}, {timeout}")
        self.hub = settings.websub_hub
        self.settings = settings
        self.feeds = feeds
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self._fetcher = fetcher
        self._owned: Fetcher | None = None

    async def __aenter__(self) -> WebSubPublisher:
        if self._fetcher is None:
            self._owned = self._fetcher = await Fetcher(self.settings).__aenter__()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owned is not None:
            await self._owned.close()
            self._owned = self._fetcher = None

    async def topic_urls(self, changed: Sequence[FeedKey]) -> list[str]:
        """The public URL of every changed feed in every format, in a stable order."""
        urls: list[str] = []
        for key in sorted(set(changed), key=str):
            slug = None
            if key.kind is FeedKind.CATEGORY:
                info = await self.feeds.feed_info(key)
                slug = info.slug if info else None
            urls.extend(feed_urls(self.settings, key, slug).values())
        return urls

    async def publish(self, changed: Sequence[FeedKey]) -> PublishReport:
        """Publish every changed feed to the hub. Never raises (except cancellation)."""
        report = PublishReport()
        if not changed:
            return report
        try:
            urls = await self.topic_urls(changed)
        except Exception:
            log.exception("websub: could not build the feed URLs to publish")
            return report
        limit = asyncio.Semaphore(MAX_PARALLEL)

        async def one(url: str) -> None:
            async with limit:
                ok = await self._post(url)
            (report.published if ok else report.failed).append(url)

        await asyncio.gather(*(one(url) for url in urls))
        if report.failed:
            log.warning(
                "websub: %d of %d publishes to %s failed (first: %s)",
                len(report.failed),
                len(urls),
                self.hub,
                report.failed[0],
            )
        return report

    async def _post(self, url: str) -> bool:
        fetcher = self._fetcher
        if fetcher is None:
            raise RuntimeError("WebSubPublisher used outside 'async with'")
        delay = self.backoff
        form = {"hub.mode": "publish", "hub.url": url}
        for attempt in range(1, self.attempts + 1):
            try:
                status = await fetcher.post_form(self.hub, form, seconds=self.timeout)
                if 200 <= status < 300:
                    return True
                problem = f"HTTP {status}"
                # A hub that refuses the request (or redirects it) will do so again.
                retry = status >= 500 or status == 429
            except FetchError as exc:
                # A blocked address stays blocked; a timeout or a reset may pass.
                problem, retry = str(exc), not isinstance(exc, BlockedAddressError)
            log.info("websub: publish %s to %s, attempt %d: %s", url, self.hub, attempt, problem)
            if not retry or attempt == self.attempts:
                return False
            await asyncio.sleep(delay)
            delay *= 2
        return False
