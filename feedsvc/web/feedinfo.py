"""A short-lived per-process memo of ``FeedInfo`` (title, slug, language, interval).

A feed response needs the refresh interval of the feed's sources for ``max-age`` even
when it answers 304, and reading it from the database each time would double the cost
of the cheapest request. The memo is keyed by the feed and its version: a change to the
feed's entries or name bumps the version and reads the info afresh; other changes
(an interval edited in the config) show within ``ttl`` seconds.
"""

from __future__ import annotations

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
        self._clock = clock
        self._items: dict[FeedKey, tuple[int, float, FeedInfo | None]] = {}

    async def get(self, reader: FeedReader, version: FeedVersion) -> FeedInfo | None:
        now = self._clock()
        found = self._items.get(version.key)
        if found is not None:
            seen_version, fetched_at, info = found
            if seen_version == version.version and now - fetched_at < self.ttl:
                return info
        info = await reader.feed_info(version.key)
        if len(self._items) >= MAX_ENTRIES:
            self._items.clear()  # crude, but keyed by feeds: only a flood of feeds gets here
        self._items[version.key] = (version.version, now, info)
        return info

    def clear(self) -> None:
        self._items.clear()
