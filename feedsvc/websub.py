"""WebSub publishing: tell the hub which feeds changed, so subscribers get them at once.

After a refresh commits, the worker hands the changed ``FeedKey``s to
:meth:`WebSubPublisher.publish`, which POSTs ``hub.mode=publish&hub.url=<topic>`` to the
configured hub for every format of every changed feed (the topics are exactly the
``rel="self"`` URLs the plain feeds advertise). Publishing is best effort: each POST has a
timeout and a bounded number of attempts, failures are logged, and nothing here ever
raises into the refresh — the feeds are already saved, and subscribers still poll.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import aiohttp

from feedsvc.config import Settings
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

    Owns one ``aiohttp.ClientSession`` unless given one. ``store`` supplies category slugs,
    since a category's public URL uses its slug when it has one.
    """

    def __init__(
        self,
        settings: Settings,
        feeds: FeedInfoSource,
        *,
        session: aiohttp.ClientSession | None = None,
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
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> WebSubPublisher:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

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
        session = self._session
        if session is None:
            raise RuntimeError("WebSubPublisher used outside 'async with'")
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                async with session.post(
                    self.hub,
                    data={"hub.mode": "publish", "hub.url": url},
                    timeout=aiohttp.ClientTimeout(total=self.timeout),
                    allow_redirects=False,
                ) as response:
                    await response.read()
                    if 200 <= response.status < 300:
                        return True
                    problem = f"HTTP {response.status}"
                    # A hub that refuses the request will refuse it again.
                    retry = response.status >= 500 or response.status == 429
            except (aiohttp.ClientError, TimeoutError) as exc:
                problem, retry = f"{type(exc).__name__}: {exc}", True
            log.info("websub: publish %s to %s, attempt %d: %s", url, self.hub, attempt, problem)
            if not retry or attempt == self.attempts:
                return False
            await asyncio.sleep(delay)
            delay *= 2
        return False
