"""Articles listed by several sources, at the store: linking, categories, edits."""

from __future__ import annotations

from dataclasses import replace

from store_factories import T0, article, at, config, outcome

from feedsvc.adminmodels import ArticleFilter
from feedsvc.models import FeedKey, FeedKind
from feedsvc.store import Store

SPORT = FeedKey(FeedKind.CATEGORY, "体育")
MONEY = FeedKey(FeedKind.CATEGORY, "财经")


async def _versions(store: Store, *keys: FeedKey) -> dict[str, int]:
    out = {}
    for key in keys:
        found = await store.feed_version(key)
        out[str(key)] = 0 if found is None else found.version
    return out


async def test_an_edit_bumps_every_listing_source_and_category(store: Store) -> None:
    await store.sync_sources([config("a"), config("b", category="体育")], T0)
    await store.claim_source("a", "w", T0, 60)
    await store.save_refresh(outcome("a", "w", at(1), article("x")))  # own category 财经
    await store.claim_source("b", "w", at(2), 60)
    listed = replace(outcome("b", "w", at(3)), listed_link_urls=(article("x").link_url,))
    saved = await store.save_refresh(listed)
    assert {str(k) for k in saved.feeds_changed} == {"source:b", "category:体育"}
    assert [e.canonical_url for e in await store.feed_entries(SPORT, 10)] == [
        article("x").canonical_url
    ]

    keys = (SPORT, MONEY, FeedKey(FeedKind.SOURCE, "a"), FeedKey(FeedKind.SOURCE, "b"))
    before = await _versions(store, *keys, FeedKey(FeedKind.LATEST))
    await store.claim_source("a", "w", at(4), 60)
    saved = await store.save_refresh(outcome("a", "w", at(5), article("x", content="v2")))
    assert saved.updated == 1
    after = await _versions(store, *keys, FeedKey(FeedKind.LATEST))
    assert after == {k: v + 1 for k, v in before.items()}


async def test_an_unknown_listed_url_is_ignored(store: Store) -> None:
    await store.sync_sources([config("b", category="体育")], T0)
    await store.claim_source("b", "w", T0, 60)
    listed = replace(outcome("b", "w", at(1)), listed_link_urls=("https://example.cn/gone",))
    saved = await store.save_refresh(listed)
    assert saved.feeds_changed == ()
    assert await store.feed_version(SPORT) is None


async def test_hiding_a_shared_article_bumps_every_category_holding_it(store: Store) -> None:
    await store.sync_sources([config("a"), config("b", category="体育")], T0)
    await store.claim_source("a", "w", T0, 60)
    await store.save_refresh(outcome("a", "w", at(1), article("x")))
    await store.claim_source("b", "w", at(2), 60)
    await store.save_refresh(
        replace(outcome("b", "w", at(3)), listed_link_urls=(article("x").link_url,))
    )
    found = await store.list_articles(ArticleFilter(category="体育"))
    assert [a.url for a in found] == [article("x").canonical_url]

    keys = (SPORT, MONEY, FeedKey(FeedKind.SOURCE, "a"), FeedKey(FeedKind.SOURCE, "b"))
    before = await _versions(store, *keys)
    await store.set_article_hidden("x", True, actor="test", now=at(4))
    assert await _versions(store, *keys) == {k: v + 1 for k, v in before.items()}
    assert await store.feed_entries(SPORT, 10) == []
