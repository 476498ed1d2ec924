"""FeedCache: single-flight renders, LRU bounds, version supersession; stable ETags."""

from __future__ import annotations

import asyncio
import gzip
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from feedsvc.feeds.cache import FeedCache, RenderedFeed, feed_etag
from feedsvc.models import FeedKey, FeedKind

WHEN = datetime(2024, 5, 18, 2, 20, tzinfo=UTC)


def rendered(body: bytes = b"<feed/>", etag: str = '"v1-x"') -> RenderedFeed:
    return RenderedFeed.build(body, etag=etag, last_modified=WHEN)


def renderer(result: RenderedFeed, calls: list[int]) -> Callable[[], Awaitable[RenderedFeed]]:
    async def render() -> RenderedFeed:
        calls.append(1)
        await asyncio.sleep(0)
        return result

    return render


async def test_concurrent_misses_for_one_key_render_once() -> None:
    cache = FeedCache()
    release = asyncio.Event()
    calls: list[int] = []

    async def slow_render() -> RenderedFeed:
        calls.append(1)
        await release.wait()
        return rendered()

    waiters = [
        asyncio.create_task(cache.get_or_render(("latest", 1, "atom?limit=50"), slow_render))
        for _ in range(10)
    ]
    await asyncio.sleep(0.01)
    release.set()
    results = await asyncio.gather(*waiters)
    assert calls == [1]
    assert all(r is results[0] for r in results)
    assert (cache.stats.renders, cache.stats.misses, cache.stats.joined) == (1, 1, 9)
    # And later requests are hits.
    assert await cache.get_or_render(("latest", 1, "atom?limit=50"), slow_render) is results[0]
    assert cache.stats.hits == 1
    assert calls == [1]


async def test_different_limits_and_versions_are_different_entries() -> None:
    cache = FeedCache()
    calls: list[int] = []
    await cache.get_or_render(("latest", 1, "atom?limit=50"), renderer(rendered(), calls))
    await cache.get_or_render(("latest", 1, "atom?limit=10"), renderer(rendered(), calls))
    await cache.get_or_render(("source:a", 1, "atom?limit=50"), renderer(rendered(), calls))
    assert len(calls) == 3
    assert len(cache) == 3


async def test_a_failed_render_reaches_every_waiter_and_is_not_cached() -> None:
    cache = FeedCache()
    release = asyncio.Event()

    async def failing() -> RenderedFeed:
        await release.wait()
        raise RuntimeError("database went away")

    waiters = [
        asyncio.create_task(cache.get_or_render(("latest", 1, "atom?limit=50"), failing))
        for _ in range(3)
    ]
    await asyncio.sleep(0.01)
    release.set()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert len(cache) == 0
    assert cache.stats.failures == 1
    calls: list[int] = []
    await cache.get_or_render(("latest", 1, "atom?limit=50"), renderer(rendered(), calls))
    assert calls == [1]


async def test_a_cancelled_requester_does_not_cancel_the_render_others_await() -> None:
    cache = FeedCache()
    release = asyncio.Event()

    async def slow_render() -> RenderedFeed:
        await release.wait()
        return rendered()

    first = asyncio.create_task(cache.get_or_render(("latest", 1, "atom?limit=50"), slow_render))
    second = asyncio.create_task(cache.get_or_render(("latest", 1, "atom?limit=50"), slow_render))
    await asyncio.sleep(0.01)
    first.cancel()
    release.set()
    assert (await second).body == b"<feed/>"
    with pytest.raises(asyncio.CancelledError):
        await first
    assert cache.get(("latest", 1, "atom?limit=50")) is not None


async def test_lru_is_bounded_by_entries() -> None:
    cache = FeedCache(max_entries=2)
    calls: list[int] = []
    for name in ("a", "b"):
        await cache.get_or_render(
            (f"source:{name}", 1, "atom?limit=50"), renderer(rendered(), calls)
        )
    cache.get(("source:a", 1, "atom?limit=50"))  # a is now the most recently used
    await cache.get_or_render(("source:c", 1, "atom?limit=50"), renderer(rendered(), calls))
    assert cache.get(("source:b", 1, "atom?limit=50")) is None
    assert cache.get(("source:a", 1, "atom?limit=50")) is not None
    assert cache.get(("source:c", 1, "atom?limit=50")) is not None
    assert cache.stats.evictions == 1


async def test_lru_is_bounded_by_bytes() -> None:
    big = rendered(b"x" * 1000)
    cache = FeedCache(max_entries=100, max_bytes=big.size * 2)
    calls: list[int] = []
    for name in ("a", "b", "c"):
        await cache.get_or_render((f"source:{name}", 1, "atom?limit=50"), renderer(big, calls))
    assert len(cache) == 2
    assert cache.total_bytes <= cache.max_bytes
    assert cache.get(("source:a", 1, "atom?limit=50")) is None


async def test_an_item_larger_than_the_cache_is_served_but_not_kept() -> None:
    cache = FeedCache(max_bytes=10)
    calls: list[int] = []
    result = await cache.get_or_render(
        ("latest", 1, "atom?limit=50"), renderer(rendered(b"y" * 500), calls)
    )
    assert result.body == b"y" * 500
    assert len(cache) == 0


async def test_a_new_version_evicts_older_ones_and_never_the_reverse() -> None:
    cache = FeedCache()
    calls: list[int] = []
    await cache.get_or_render(("latest", 1, "atom?limit=50"), renderer(rendered(), calls))
    await cache.get_or_render(("latest", 2, "atom?limit=50"), renderer(rendered(), calls))
    assert cache.get(("latest", 1, "atom?limit=50")) is None
    assert cache.get(("latest", 2, "atom?limit=50")) is not None
    # A slow render of an older version that finishes late is not stored.
    await cache.get_or_render(("latest", 1, "atom?limit=50"), renderer(rendered(), calls))
    assert cache.get(("latest", 1, "atom?limit=50")) is None
    assert cache.get(("latest", 2, "atom?limit=50")) is not None


def test_invalid_bounds_are_rejected_with_both_values() -> None:
    with pytest.raises(ValueError, match="got 0 and 5"):
        FeedCache(max_entries=0, max_bytes=5)


def test_etag_is_strong_stable_and_depends_on_every_input() -> None:
    key = FeedKey(FeedKind.CATEGORY, "财经")
    etag = feed_etag(key, 7, "atom?limit=50", base_url="http://a.test")
    assert etag == feed_etag("category:财经", 7, "atom?limit=50", base_url="http://a.test")
    assert etag.startswith('"v7-') and etag.endswith('"') and not etag.startswith("W/")
    others = {
        feed_etag(key, 8, "atom?limit=50", base_url="http://a.test"),
        feed_etag(key, 7, "atom?limit=10", base_url="http://a.test"),
        feed_etag(key, 7, "atom?limit=50", base_url="http://b.test"),
        feed_etag(FeedKey(FeedKind.CATEGORY, "体育"), 7, "atom?limit=50", base_url="http://a.test"),
        feed_etag(key, 7, "rss?limit=50", base_url="http://a.test"),
        feed_etag(key, 7, "atom?limit=50&q=经济", base_url="http://a.test"),
    }
    assert etag not in others and len(others) == 6


def test_etag_does_not_depend_on_the_process() -> None:
    # Fresh interpreters with different hash seeds: a hash()-based ETag would differ.
    code = (
        "from feedsvc.feeds.cache import feed_etag;"
        "print(feed_etag('latest', 3, 'atom?limit=50', base_url='http://127.0.0.1:8080'))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outputs == {feed_etag("latest", 3, "atom?limit=50", base_url="http://127.0.0.1:8080")}


def test_gzip_body_is_deterministic_and_round_trips() -> None:
    body = "潍坊".encode() * 200
    first, second = rendered(body), rendered(body)
    assert first.gzip_body == second.gzip_body
    assert gzip.decompress(first.gzip_body) == body
    assert len(first.gzip_body) < len(body)
