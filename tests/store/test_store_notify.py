"""PostgreSQL's change signal (migration 0010, store/notify.py): commits that change feeds
or sources notify every listener; lease writes do not; a lost connection is noticed,
re-established, and never leaves a memo trusting stale data (web/versions.py)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import text
from store_factories import T0, article, at, config, outcome

from feedsvc.adminmodels import SourceChange
from feedsvc.store import Store
from feedsvc.store.notify import FEEDS_CHANNEL, SOURCES_CHANNEL, ChangeListener
from feedsvc.web.versions import NotifyChangeProbe

WAIT = 5.0


@pytest.fixture
async def listener(database_url: str, store: Store) -> AsyncIterator[ChangeListener]:
    if store.dialect != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's (SQLite uses data_version)")
    changes = ChangeListener(database_url, check_every=0.5, backoff=(0.05, 0.2))
    changes.start()
    try:
        assert await changes.wait_connected(WAIT)
        yield changes
    finally:
        await changes.stop()


def _counting(changes: ChangeListener) -> Counter[str]:
    seen: Counter[str] = Counter()
    for channel in (FEEDS_CHANNEL, SOURCES_CHANNEL):
        changes.subscribe(channel, lambda c=channel: seen.update([c]))  # type: ignore[misc]
    return seen


async def _until(what: str, done: Callable[[], bool]) -> float:
    started = time.monotonic()
    while not done():
        if time.monotonic() - started > WAIT:
            raise AssertionError(f"no {what} within {WAIT}s")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


async def test_a_saved_refresh_and_source_edits_notify_but_leases_do_not(
    listener: ChangeListener, store: Store
) -> None:
    seen = _counting(listener)
    await store.sync_sources([config("a")], T0)  # a new source: schedulers claim it
    await _until("source notification", lambda: seen[SOURCES_CHANNEL] == 1)

    feeds_before = seen[FEEDS_CHANNEL]
    assert await store.claim_source("a", "w1", T0, 60) is not None
    assert await store.touch_lease("a", "w1", at(0.5))
    await store.save_refresh(outcome("a", "w1", at(1), article("x")))
    elapsed = await _until("feeds notification", lambda: seen[FEEDS_CHANNEL] > feeds_before)
    assert elapsed < 1.0
    # The claim, the heartbeat and the save's schedule update (next check later) sent
    # nothing on the sources channel; notifications arrive in commit order.
    assert seen[SOURCES_CHANNEL] == 1

    await store.change_source(
        "a", SourceChange(action="source.refresh", actor="t", now=at(2), run_now=True)
    )
    await _until("made-due notification", lambda: seen[SOURCES_CHANNEL] == 2)


async def test_the_probe_is_stable_until_a_change_and_distrusts_a_lost_connection(
    listener: ChangeListener, store: Store, database_url: str
) -> None:
    probe = NotifyChangeProbe(listener, lambda: store.commits)
    first = probe.token()
    assert probe.token() == first
    await store.sync_sources([config("a")], T0)  # this process's own commit: seen at once
    second = probe.token()
    assert second != first
    other = await Store.open(database_url)  # another process's commit: seen when notified
    try:
        await other.claim_source("a", "w1", T0, 60)
        await other.save_refresh(outcome("a", "w1", at(1), article("x")))
    finally:
        await other.close()
    await _until("the probe to move", lambda: probe.token() != second)

    generation = listener.generation
    async with store.engine.connect() as conn:
        await conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'feedsvc-listener' AND datname = current_database()"
            )
        )
    await _until("the lost connection to be noticed", lambda: not listener.connected)
    assert probe.token() != probe.token()  # while down: every request reads the database
    await _until("the listener to reconnect", lambda: listener.connected)
    assert listener.generation > generation  # what was missed meanwhile is read afresh
    steady = probe.token()
    assert probe.token() == steady


async def test_an_unreachable_database_leaves_the_probe_reading_every_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    changes = ChangeListener(
        "postgresql+asyncpg://feedsvc:secret@127.0.0.1:1/feeds", backoff=(0.01, 0.02)
    )
    probe = NotifyChangeProbe(changes, lambda: 0)
    changes.start()
    try:
        assert not await changes.wait_connected(0.3)  # it keeps trying meanwhile
        assert probe.token() != probe.token()
    finally:
        await changes.stop()
    warnings = [
        r
        for r in caplog.records
        if r.name == "feedsvc.store.notify"
        and r.levelname == "WARNING"
        and "127.0.0.1:1" in r.getMessage()
    ]
    assert len(warnings) == 1, "one warning per outage, not one per attempt"
    assert "secret" not in warnings[0].getMessage()
