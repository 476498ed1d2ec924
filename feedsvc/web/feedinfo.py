"""A short-lived per-process memo of ``FeedInfo`` (title, slug, language, interval).

A feed response needs the refresh interval of the feed's sources for ``max-age`` even
when it answers 304, and reading it from the database each time would double the cost
of the cheapest request. The memo is keyed by the feed and its version: a change to the
feed's entries or name bumps the version and reads the info afresh; other changes
(an interval edited in the config) show within ``ttl`` seconds. Concurrent misses for one
feed version share one read (a new version is asked for by every waiting request at once).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from feedsvc.models import FeedInfo, FeedKey, FeedVersion
from feedsvc.web.reader import FeedReader

DEFAULT_TTL = 60.0
MAX_ENTRIES = 4096


class FeedInfoMemo:
    def __init__(
        self, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._items: dict[FeedKey, tuple[int, float, FeedInfo | None]] = {}
        self._reading: dict[tuple[FeedKey, int], asyncio.Future[FeedInfo | None]] = {}

    async def get(self, reader: FeedReader, version: FeedVersion) -> FeedInfo | None:
        now = self.clock()
        found = self._items.get(version.key)
        if found is not None:
            seen_version, fetched_at, info = found
            if seen_version == version.version and now - fetched_at < self.ttl:
                return info
        slot = (version.key, version.version)
        shared = self._reading.get(slot)
        if shared is None:
            shared = asyncio.ensure_future(reader.feed_info(version.key))
            self._reading[slot] = shared
            shared.add_done_callback(lambda done: self._settle(slot, now, done))
        # shield: one caller going away must not cancel the read the others wait for.
        return await asyncio.shield(shared)

    def expires(self, key: FeedKey) -> float:
        """When the remembered info of ``key`` goes stale (clock time; 0 if unknown)."""
        found = self._items.get(key)
        return found[1] + self.ttl if found is not None else 0.0

    def clear(self) -> None:
        self._items.clear()

    def _settle(
        self, slot: tuple[FeedKey, int], now: float, done: asyncio.Future[FeedInfo | None]
    ) -> None:
        if self._reading.get(slot) is done:
            del self._reading[slot]
        if done.cancelled() or done.exception() is not None:
            return
        if len(self._items) >= MAX_ENTRIES:
            self._items.clear()  # crude, but keyed by feeds: only a flood of feeds gets here
        key, version = slot
        self._items[key] = (version, now, done.result())
