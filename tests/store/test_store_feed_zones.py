"""The zone, language and site URL that list_feeds and feed_info give each feed."""

from __future__ import annotations

import dataclasses

from store_factories import T0, article, at, config, outcome

from feedsvc.models import FeedInfo, FeedKey, FeedKind
from feedsvc.store import Store

LATEST = FeedKey(FeedKind.LATEST)
FINANCE = FeedKey(FeedKind.CATEGORY, "财经")


async def _two_sources(store: Store, zone_b: str | None, read_b: str | None = None) -> None:
    """Source a configures Asia/Shanghai; b configures ``zone_b`` and its last refresh
    read its page times in ``read_b`` (a "ZONE: evidence" record)."""
    await store.sync_sources(
        [
            config("a", timezone="Asia/Shanghai", language="zh-CN"),
            config("b", timezone=zone_b, language="zh-CN"),
        ],
        T0,
    )
    for source_id, read in (("a", "Asia/Shanghai: the source's timezone"), ("b", read_b)):
        await store.claim_source(source_id, "w", T0, 600)
        done = outcome(source_id, "w", at(1), article(f"{source_id}1"))
        await store.save_refresh(dataclasses.replace(done, zone=read))


async def _both_ways(store: Store, key: FeedKey) -> tuple[FeedInfo, FeedInfo]:
    one = await store.feed_info(key)
    assert one is not None
    listed = {f.key: f for f in await store.list_feeds()}
    return one, listed[key]


async def test_a_source_feed_carries_its_zone_and_first_list_page(store: Store) -> None:
    await _two_sources(store, None)
    for info in await _both_ways(store, FeedKey(FeedKind.SOURCE, "a")):
        assert info.timezone == "Asia/Shanghai"
        assert info.site_url == "https://example.cn/a/"
        assert info.language == "zh-CN"
    for info in await _both_ways(store, FeedKey(FeedKind.SOURCE, "b")):
        assert info.timezone is None and info.site_url == "https://example.cn/b/"


async def test_shared_feeds_carry_the_zone_all_their_sources_share(store: Store) -> None:
    await _two_sources(store, "Asia/Shanghai")
    for key in (LATEST, FINANCE):
        for info in await _both_ways(store, key):
            assert info.timezone == "Asia/Shanghai", key
            assert info.language == "zh-CN", key
            assert info.site_url is None, key


async def test_shared_feeds_have_no_zone_when_sources_differ(store: Store) -> None:
    await _two_sources(store, "Asia/Tokyo")
    for key in (LATEST, FINANCE):
        for info in await _both_ways(store, key):
            assert info.timezone is None, key


async def test_a_source_without_a_zone_breaks_the_agreement(store: Store) -> None:
    await _two_sources(store, None)
    for key in (LATEST, FINANCE):
        for info in await _both_ways(store, key):
            assert info.timezone is None, key


async def test_page_zone_is_the_zone_a_refresh_read_times_in(store: Store) -> None:
    await _two_sources(store, None, "Asia/Shanghai: host www.example.cn (.cn)")
    for info in await _both_ways(store, FeedKey(FeedKind.SOURCE, "b")):
        assert info.timezone is None  # nothing configured
        assert info.page_zone == "Asia/Shanghai"  # but that is what its times were read in
    for key in (LATEST, FINANCE):
        for info in await _both_ways(store, key):
            assert (info.timezone, info.page_zone) == (None, "Asia/Shanghai"), key


async def test_page_zone_of_shared_feeds_needs_every_source(store: Store) -> None:
    await _two_sources(store, None)  # b never recorded a zone
    for key in (LATEST, FINANCE):
        for info in await _both_ways(store, key):
            assert info.page_zone is None, key
    for info in await _both_ways(store, FeedKey(FeedKind.SOURCE, "a")):
        assert info.page_zone == "Asia/Shanghai"
