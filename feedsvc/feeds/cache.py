"""Per-process cache of rendered feeds, keyed by the stored feed version.

The key is ``(feed key, version, variant)``; the variant names the format and the query
(limit, cursor, filters), so every representation of a feed has its own entry. A refresh
that changes a feed bumps its version in the database, so a new request simply misses;
nothing has to invalidate anything, and a ``feedsvc refresh`` in another process is
picked up by the next request. The ETag is computed from the same stored data, never from
process state, so every replica and every restart agrees on it and a 304 needs no
rendering at all.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from feedsvc.feeds.render import ATOM_MEDIA_TYPE, RENDER_REVISION
from feedsvc.metrics.instruments import current
from feedsvc.models import FeedKey

CacheKey = tuple[str, int, str]  # (str(FeedKey), version, variant)


def feed_etag(key: FeedKey | str, version: int, variant: str, *, base_url: str) -> str:
    """The strong ETag (quoted) of a feed at ``version`` in ``variant`` (format, limit,
    cursor, filters, hub: everything besides the data that shapes the bytes).

    ``base_url`` is part of it because the feed's links are; ``RENDER_REVISION`` because a
    new rendering of the same data is a different representation.
    """
    material = f"{RENDER_REVISION}\n{base_url}\n{key}\n{variant}".encode()
    digest = hashlib.sha256(material).hexdigest()[:16]
    return f'"v{version}-{digest}"'


def gzip_bytes(body: bytes) -> bytes:
    """``body`` gzipped deterministically (mtime=0): equal bodies give equal bytes."""
    return gzip.compress(body, compresslevel=6, mtime=0)


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    gzip_body: bytes
    etag: str  # quoted strong ETag of the identity-encoded body
    last_modified: datetime
    content_type: str = ATOM_MEDIA_TYPE  # without parameters; the charset is always UTF-8

    @classmethod
    def build(
        cls,
        body: bytes,
        *,
        etag: str,
        last_modified: datetime,
        content_type: str = ATOM_MEDIA_TYPE,
    ) -> RenderedFeed:
        return cls(body, gzip_bytes(body), etag, last_modified, content_type)

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzip_body)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    joined: int = 0  # requests that waited for a render another request had started
    renders: int = 0
    failures: int = 0
    evictions: int = 0


class FeedCache:
    """An LRU bounded by entry count and total bytes. Concurrent requests for the same
    missing key share one render."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 64 * 1024 * 1024) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError(
                f"FeedCache needs max_entries >= 1 and max_bytes >= 1, "
                f"got {max_entries} and {max_bytes}"
            )
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self._items: OrderedDict[CacheKey, RenderedFeed] = OrderedDict()
        self._bytes = 0
        self._inflight: dict[CacheKey, asyncio.Task[RenderedFeed]] = {}

    def __len__(self) -> int:
        return len(self._items)

    @property
    def total_bytes(self) -> int:
        return self._bytes

    def get(self, key: CacheKey) -> RenderedFeed | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def lookup(self, key: CacheKey) -> RenderedFeed | None:
        """:meth:`get`, counted in the statistics (a hit, or nothing: the caller renders
        through :meth:`get_or_render`, which counts the miss)."""
        found = self.get(key)
        if found is not None:
            self.stats.hits += 1
            current().render_cache_hits.inc()
        return found

    async def get_or_render(
        self, key: CacheKey, render: Callable[[], Awaitable[RenderedFeed]]
    ) -> RenderedFeed:
        """The cached rendering for ``key``, calling ``render`` at most once at a time."""
        found = self.get(key)
        if found is not None:
            self.stats.hits += 1
            current().render_cache_hits.inc()
            return found
        task = self._inflight.get(key)
        if task is None:
            self.stats.misses += 1
            current().render_cache_misses.inc()
            task = asyncio.ensure_future(self._run(render))
            self._inflight[key] = task
            task.add_done_callback(partial(self._settle, key))
        else:
            self.stats.joined += 1
        # shield: a client that disconnects must not cancel the render others wait for.
        return await asyncio.shield(task)

    def clear(self) -> None:
        self._items.clear()
        self._bytes = 0

    async def _run(self, render: Callable[[], Awaitable[RenderedFeed]]) -> RenderedFeed:
        self.stats.renders += 1
        return await render()

    def _settle(self, key: CacheKey, task: asyncio.Task[RenderedFeed]) -> None:
        self._inflight.pop(key, None)
        if task.cancelled():
            return
        # Reading the exception marks it retrieved even when every waiter went away.
        if task.exception() is not None:
            self.stats.failures += 1
            return
        self._put(key, task.result())

    def _put(self, key: CacheKey, rendered: RenderedFeed) -> None:
        if rendered.size > self.max_bytes:
            return
        feed, version, variant = key
        for other in list(self._items):
            if other[0] == feed and other[2] == variant and other != key:
                if other[1] > version:
                    return  # a newer version landed while this one rendered
                self._evict(other)  # an older version is never asked for again
        if key in self._items:
            self._evict(key)
        self._items[key] = rendered
        self._bytes += rendered.size
        while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
            self._evict(next(iter(self._items)))

    def _evict(self, key: CacheKey) -> None:
        removed = self._items.pop(key)
        self._bytes -= removed.size
        self.stats.evictions += 1
