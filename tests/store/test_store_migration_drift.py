"""Migration 0006 (source drift state, a category per source link) upgrades a 0005
database that holds data, on both engines, leaving every feed as it was."""

from __future__ import annotations

from store_factories import T0, article, at, config, migrate_to, outcome, table_columns

from feedsvc.models import FeedKey, FeedKind
from feedsvc.store import Store
from feedsvc.store.migrate import head_revision


async def test_upgrade_from_0005_keeps_feeds_and_takes_link_counts_from_runs(
    store: Store, database_url: str
) -> None:
    await store.sync_sources([config("a", category="财经"), config("b")], T0)
    await store.claim_source("a", "w", T0, 60)
    await store.save_refresh(outcome("a", "w", at(1), article("x"), article("y")))
    keys = [FeedKey(FeedKind.LATEST), FeedKey(FeedKind.CATEGORY, "财经")]
    before = {k: await store.feed_entries(k, 10) for k in keys}

    await migrate_to(database_url, "0005")
    assert "drift_since" not in await table_columns(store, "sources")
    assert "category" not in await table_columns(store, "article_sources")
    await migrate_to(database_url, "head")
    assert await store.schema_revision() == head_revision()

    assert {k: await store.feed_entries(k, 10) for k in keys} == before
    a, b = await store.list_sources()
    assert (a.last_items_seen, a.drift_since) == (2, None)
    assert (b.last_items_seen, b.drift_since) == (0, None)
