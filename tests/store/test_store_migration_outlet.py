"""Migration 0009 (articles.outlet, the 来源 beside a named reporter) upgrades a 0008
database that holds data, on both engines; rows stored before it have no outlet, and the
outlet then round-trips through the store like the editor does."""

from __future__ import annotations

from dataclasses import replace

from store_factories import T0, article, at, config, migrate_to, outcome, table_columns

from feedsvc.models import FeedKey, FeedKind
from feedsvc.store import Store
from feedsvc.store.migrate import head_revision

LATEST = FeedKey(FeedKind.LATEST)


async def test_upgrade_from_0008_keeps_rows_without_an_outlet(
    store: Store, database_url: str
) -> None:
    await store.sync_sources([config("a")], T0)
    await store.claim_source("a", "w1", T0, 60)
    await store.save_refresh(outcome("a", "w1", at(1), article("old")))

    await migrate_to(database_url, "0008")
    assert "outlet" not in await table_columns(store, "articles")
    assert await store.schema_revision() == "0008"

    await migrate_to(database_url, "head")
    assert await store.schema_revision() == head_revision()
    assert "outlet" in await table_columns(store, "articles")

    (old,) = await store.feed_entries(LATEST, 10)
    assert old.canonical_url == "https://example.cn/news/old.html"
    assert old.author == "记者 王五" and old.outlet is None

    await store.claim_source("a", "w1", at(2), 60)
    await store.save_refresh(outcome("a", "w1", at(3), replace(article("new"), outlet="新华社")))
    entries = {e.canonical_url: e for e in await store.feed_entries(LATEST, 10)}
    assert entries["https://example.cn/news/new.html"].outlet == "新华社"
    assert entries["https://example.cn/news/old.html"].outlet is None


async def test_the_outlet_changes_with_an_edit_and_is_no_edit_by_itself(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    await store.claim_source("a", "w1", T0, 60)
    await store.save_refresh(outcome("a", "w1", at(1), article("x")))
    (before,) = await store.feed_entries(LATEST, 10)

    # The outlet is outside the content hash, as the editor is: alone it changes nothing.
    await store.claim_source("a", "w1", at(2), 60)
    result = await store.save_refresh(outcome("a", "w1", at(3), replace(article("x"), outlet="甲")))
    assert (result.updated, result.unchanged) == (0, 1)
    assert await store.feed_entries(LATEST, 10) == [before]

    await store.claim_source("a", "w1", at(4), 60)
    edited = replace(article("x", content="v2"), outlet="潍坊日报")
    result = await store.save_refresh(outcome("a", "w1", at(5), edited))
    assert result.updated == 1
    (entry,) = await store.feed_entries(LATEST, 10)
    assert entry.outlet == "潍坊日报"
