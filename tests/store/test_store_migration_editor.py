"""Migration 0002 (articles.editor) upgrades a 0001 database that holds data, on both
engines, and the editor then round-trips through the store."""

from __future__ import annotations

from dataclasses import replace

from store_factories import T0, article, at, config, migrate_to, outcome, table_columns

from feedsvc.models import FeedKey, FeedKind
from feedsvc.store import Store
from feedsvc.store.migrate import head_revision


async def test_upgrade_from_0001_keeps_rows_and_adds_the_editor(
    store: Store, database_url: str
) -> None:
    await store.sync_sources([config("a")], T0)
    await store.claim_source("a", "w1", T0, 60)
    await store.save_refresh(outcome("a", "w1", at(1), article("old")))

    await migrate_to(database_url, "0001")
    assert "editor" not in await table_columns(store, "articles")
    assert await store.schema_revision() == "0001"

    await migrate_to(database_url, "head")
    assert await store.schema_revision() == head_revision()
    assert "editor" in await table_columns(store, "articles")

    (old,) = await store.feed_entries(FeedKey(FeedKind.LATEST), 10)
    assert old.canonical_url == "https://example.cn/news/old.html"
    assert old.author == "记者 王五" and old.editor is None

    await store.claim_source("a", "w1", at(2), 60)
    edited = replace(article("new"), editor="张蕊")
    await store.save_refresh(outcome("a", "w1", at(3), edited))
    entries = {e.canonical_url: e for e in await store.feed_entries(FeedKey(FeedKind.LATEST), 10)}
    assert entries["https://example.cn/news/new.html"].editor == "张蕊"


async def test_an_edit_updates_the_editor(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    await store.claim_source("a", "w1", T0, 60)
    await store.save_refresh(outcome("a", "w1", at(1), replace(article("x"), editor="甲")))
    await store.claim_source("a", "w1", at(2), 60)
    changed = replace(article("x", content="v2"), editor="乙")
    await store.save_refresh(outcome("a", "w1", at(3), changed))
    (entry,) = await store.feed_entries(FeedKey(FeedKind.LATEST), 10)
    assert entry.editor == "乙"
