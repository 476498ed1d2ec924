"""Migrations and sources-file syncs run by several processes at once (each Store here
has its own engine and connections, as another process would), on both engines."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text
from store_factories import T0, config

from feedsvc.errors import SchemaMismatchError
from feedsvc.store import Store
from feedsvc.store.migrate import head_revision
from feedsvc.store.schema import audit, sources

PROCESSES = 4


async def _unmigrated(database_url: str, count: int) -> list[Store]:
    return [await Store.open(database_url, check=False) for _ in range(count)]


async def _close(stores: list[Store]) -> None:
    for store in stores:
        await store.close()


async def test_migrate_reports_what_it_did_and_a_second_run_is_a_no_op(database_url: str) -> None:
    [store] = await _unmigrated(database_url, 1)
    try:
        first = await store.migrate()
        assert (first.before, first.after, first.changed) == (None, head_revision(), True)
        second = await store.migrate()
        assert (second.before, second.after, second.changed) == (head_revision(),) * 2 + (False,)
    finally:
        await store.close()


async def test_concurrent_migrations_take_turns(database_url: str) -> None:
    stores = await _unmigrated(database_url, PROCESSES)
    try:
        done = await asyncio.gather(*(s.migrate() for s in stores))
        assert sorted(d.changed for d in done) == [False] * (PROCESSES - 1) + [True]
        assert {d.after for d in done} == {head_revision()}
        await stores[0].check_schema()
    finally:
        await _close(stores)


async def test_a_revision_newer_than_the_code_is_refused(store: Store) -> None:
    async with store.engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_future'"))
    with pytest.raises(SchemaMismatchError) as raised:
        await store.migrate()
    assert raised.value.too_new and raised.value.current == "9999_from_future"
    assert "9999_from_future" in str(raised.value) and head_revision() in str(raised.value)
    assert await store.schema_revision() == "9999_from_future"  # untouched
    with pytest.raises(SchemaMismatchError, match="does not know"):
        await store.check_schema()


async def test_an_unmigrated_schema_is_named_with_both_revisions(database_url: str) -> None:
    with pytest.raises(SchemaMismatchError) as raised:
        await Store.open(database_url)
    assert raised.value.current is None and not raised.value.too_new
    assert f"needs {head_revision()}" in str(raised.value)


async def test_concurrent_syncs_of_one_file_write_each_source_once(
    store: Store, database_url: str
) -> None:
    configs = [config(f"s{i}") for i in range(20)]
    others = [await Store.open(database_url) for _ in range(PROCESSES)]
    try:
        reports = await asyncio.gather(*(s.sync_sources(configs, T0) for s in others))
    finally:
        await _close(others)
    # Exactly one of them added the sources; the others found nothing to write.
    assert sorted(len(r.ids) for r in reports) == [0] * (PROCESSES - 1) + [20]
    async with store.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(sources)) == 20
        assert await conn.scalar(select(func.count()).select_from(audit)) == 20
