"""Lease heartbeats (migration 0003): a lease whose refresh stopped beating is free for
anyone before its ``lease_until``; a beating one is not. On both engines."""

from __future__ import annotations

from store_factories import T0, at, config, migrate_to, table_columns

from feedsvc.store import Store

LEASE = 600  # seconds: the lease outlives every time below
SILENT = 90.0  # heartbeat timeout, seconds


async def test_a_silent_lease_is_free_before_it_expires(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    [claimed] = await store.claim_due("w1", T0, LEASE, 1, heartbeat_timeout=SILENT)
    assert claimed.lease_heartbeat_at == T0
    # Beating (claimed at T0, silent for 60 s only): not free.
    assert await store.claim_due("w2", at(1), LEASE, 1, heartbeat_timeout=SILENT) == []
    # Silent for 2 minutes: free for anyone, though lease_until is 8 minutes away.
    [taken] = await store.claim_due("w2", at(2), LEASE, 1, heartbeat_timeout=SILENT)
    assert taken.lease_owner == "w2" and taken.lease_heartbeat_at == at(2)
    # Without a heartbeat timeout only lease_until counts (the old rule).
    assert await store.claim_due("w3", at(5), LEASE, 1) == []


async def test_a_heartbeat_keeps_the_lease(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    await store.claim_due("w1", T0, LEASE, 1, heartbeat_timeout=SILENT)
    for minute in (1, 2, 3):
        assert await store.touch_lease("a", "w1", at(minute)) is True
        assert await store.claim_due("w2", at(minute + 1), LEASE, 1, heartbeat_timeout=SILENT) == []
        got = await store.claim_source("a", "w2", at(minute + 1), LEASE, heartbeat_timeout=SILENT)
        assert got is None
    state = await store.get_source("a")
    assert state is not None and state.lease_owner == "w1" and state.lease_heartbeat_at == at(3)


async def test_only_the_holder_beats_and_releasing_clears_the_beat(store: Store) -> None:
    await store.sync_sources([config("a"), config("b")], T0)
    await store.claim_source("a", "w1", T0, LEASE)
    await store.claim_source("b", "w2", T0, LEASE)
    assert await store.held_leases() == [("a", "w1"), ("b", "w2")]
    assert await store.touch_lease("a", "w2", at(1)) is False
    assert await store.touch_lease("missing", "w1", at(1)) is False
    state = await store.get_source("a")
    assert state is not None and state.lease_heartbeat_at == T0  # untouched

    assert await store.release("a", "w1") is True
    state = await store.get_source("a")
    assert state is not None
    assert (state.lease_owner, state.lease_until, state.lease_heartbeat_at) == (None, None, None)
    assert await store.held_leases() == [("b", "w2")]
    assert await store.touch_lease("a", "w1", at(2)) is False  # a released lease stays free


async def test_claim_source_takes_a_silent_lease(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    await store.claim_source("a", "w1", T0, LEASE)
    assert await store.claim_source("a", "cli", at(1), LEASE, heartbeat_timeout=SILENT) is None
    got = await store.claim_source("a", "cli", at(2), LEASE, heartbeat_timeout=SILENT)
    assert got is not None and got.lease_owner == "cli"


async def test_upgrade_from_0002_keeps_leases_which_last_until_they_expire(
    store: Store, database_url: str
) -> None:
    await store.sync_sources([config("a")], T0)
    await migrate_to(database_url, "0002")
    assert "lease_heartbeat_at" not in await table_columns(store, "sources")
    await migrate_to(database_url, "head")
    assert await store.list_sources() != []

    # A lease taken before the migration has no heartbeat: it lasts until lease_until.
    await store.claim_source("a", "old-feedsvc", T0, LEASE)
    async with store.engine.begin() as conn:
        await conn.exec_driver_sql("UPDATE sources SET lease_heartbeat_at = NULL")
    assert await store.claim_due("w2", at(9), LEASE, 1, heartbeat_timeout=SILENT) == []
    [taken] = await store.claim_due("w2", at(11), LEASE, 1, heartbeat_timeout=SILENT)
    assert taken.lease_owner == "w2"
