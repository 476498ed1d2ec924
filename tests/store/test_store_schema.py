"""Migrations, engine setup and persistence, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import StatementError
from store_factories import T0, StoreOpener, article, at, config, outcome

from feedsvc.errors import StoreError
from feedsvc.models import FeedKey, FeedKind
from feedsvc.store import Store
from feedsvc.store.migrate import downgrade, head_revision
from feedsvc.store.schema import metadata


async def test_migrations_create_every_table_at_head(store: Store) -> None:
    assert await store.schema_revision() == head_revision() == "0014_claim_order_index"
    async with store.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert set(metadata.tables) <= tables
    assert "alembic_version" in tables


async def test_migrated_schema_matches_the_metadata(store: Store) -> None:
    def diff(conn: Connection) -> list[object]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with store.engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_migrate_twice_is_a_no_op(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    await store.migrate()
    assert await store.get_source("a") is not None


async def test_data_survives_close_and_reopen(open_store: StoreOpener) -> None:
    first = await open_store()
    await first.sync_sources([config("a")], T0)
    await first.claim_source("a", "w1", T0, 60)
    await first.save_refresh(outcome("a", "w1", at(1), article("x")))
    await first.close()

    second = await open_store()
    entries = await second.feed_entries(FeedKey(FeedKind.LATEST), 10)
    assert [e.canonical_url for e in entries] == ["https://example.cn/news/x.html"]
    version = await second.feed_version(FeedKey(FeedKind.SOURCE, "a"))
    assert version is not None and version.version == 1


async def test_returned_datetimes_are_aware_utc(store: Store) -> None:
    # A non-UTC input zone must come back as the same instant, labelled UTC.
    shanghai = timezone(timedelta(hours=8))
    now = datetime(2024, 5, 18, 10, 0, tzinfo=shanghai)
    await store.sync_sources([config("a")], now)
    state = await store.claim_source("a", "w1", now, 60)
    assert state is not None
    for value in (state.next_check_at, state.last_attempt_at, state.lease_until):
        assert value is not None and value.tzinfo is UTC
    assert state.next_check_at == now
    assert state.next_check_at.hour == 2

    await store.save_refresh(outcome("a", "w1", now, article("x", published=now)))
    [entry] = await store.feed_entries(FeedKey(FeedKind.LATEST), 10)
    for value in (entry.published, entry.updated, entry.first_seen):
        assert value.tzinfo is UTC
    assert entry.published == now
    [run] = await store.recent_runs("a", 5)
    assert run.started_at.tzinfo is UTC and run.finished_at.tzinfo is UTC


async def test_naive_datetimes_are_refused(store: Store) -> None:
    # SQLAlchemy wraps the type's ValueError, keeping its message and the statement.
    with pytest.raises(StatementError, match="naive datetime 2024-05-18T10:00:00") as info:
        await store.sync_sources([config("a")], datetime(2024, 5, 18, 10, 0))
    assert isinstance(info.value.orig, ValueError)
    assert await store.get_source("a") is None


async def test_sqlite_connections_use_wal_and_foreign_keys(store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("SQLite connection setup")
    async with store.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 30000


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql+aiomysql://u@h/db", "not supported"),
        ("sqlite+aiosqlite:///:memory:", "needs a file path"),
        ("not a url", "database_url"),
    ],
)
async def test_bad_database_urls_are_named_in_the_error(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        await Store.open(url)


async def test_sqlite_writes_begin_immediate_and_reads_plain_begin(store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("SQLite transaction control")
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(store.engine.sync_engine, "before_cursor_execute", record)
    try:
        await store.sync_sources([config("a")], T0)
        await store.claim_due("w1", T0, 60, 1)
        await store.get_source("a")
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", record)
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE", "BEGIN"]


async def test_open_without_migrate_refuses_an_unmigrated_database(database_url: str) -> None:
    with pytest.raises(StoreError, match=r"revision none \(empty database\).*feedsvc migrate"):
        await Store.open(database_url)
    store = await Store.open(database_url, migrate=True)
    await store.close()
    async with await Store.open(database_url) as reopened:
        await reopened.ping()
        assert reopened.dialect in ("sqlite", "postgresql")


async def test_downgrade_to_base_and_upgrade_again(store: Store) -> None:
    async with store.engine.begin() as conn:
        await conn.run_sync(downgrade, "base")
    assert await store.schema_revision() is None
    async with store.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert not set(metadata.tables) & tables
    await store.migrate()
    assert await store.schema_revision() == head_revision()
