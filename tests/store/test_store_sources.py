"""Sources: config sync, claims and leases, failures, on both engines."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.exc import DBAPIError
from store_factories import T0, StoreOpener, at, config, outcome

from feedsvc.errors import LeaseLostError, PruneRefusedError
from feedsvc.models import FeedKey, FeedKind, FetchRun, FetchStatus, PageValidators, Selectors
from feedsvc.store import Store


async def test_sync_sources_inserts_and_round_trips_the_config(store: Store) -> None:
    full = replace(
        config("a", category="财经", language="zh-CN"),
        selectors=Selectors(item="ul.news > li", link="a@href"),
        timezone="Asia/Shanghai",
    )
    await store.sync_sources([full, config("b")], T0)
    state = await store.get_source("a")
    assert state is not None
    assert state.config == full
    assert state.next_check_at == T0
    assert state.error_count == 0 and state.lease_owner is None and not state.backfilled
    assert [s.config.id for s in await store.list_sources()] == ["a", "b"]
    assert await store.get_source("missing") is None


async def test_sync_sources_keeps_schedule_state_and_disables_missing(store: Store) -> None:
    await store.sync_sources([config("a", interval=3600), config("b")], T0)
    await store.claim_source("a", "w1", T0, 60)
    await store.save_refresh(outcome("a", "w1", at(1)))  # next check at(11)

    renamed = config("a", name="Renamed", interval=3600)
    await store.sync_sources([renamed], at(5))
    a = await store.get_source("a")
    assert a is not None
    assert a.config.name == "Renamed"
    assert a.next_check_at == at(11)  # schedule kept
    assert a.last_success_at == at(1)
    # b is gone from the config: disabled, never deleted.
    assert [s.config.id for s in await store.list_sources()] == ["a"]
    all_sources = await store.list_sources(include_disabled=True)
    assert [s.config.id for s in all_sources] == ["a", "b"]
    # The refresh saved no entries (no bump); the rename changed the feed's title (bump).
    version = await store.feed_version(FeedKey(FeedKind.SOURCE, "a"))
    assert version is not None and version.version == 1 and version.updated_at == at(5)

    # Coming back re-enables it with its old schedule.
    await store.sync_sources([renamed, config("b")], at(6))
    assert len(await store.list_sources()) == 2


async def test_shorter_interval_pulls_the_next_check_in(store: Store) -> None:
    await store.sync_sources([config("a", interval=3600)], T0)
    await store.claim_source("a", "w1", T0, 60)
    await store.save_refresh(replace(outcome("a", "w1", at(0)), next_check_at=at(60)))
    await store.sync_sources([config("a", interval=300)], at(1))
    state = await store.get_source("a")
    assert state is not None and state.next_check_at == at(6)
    # A longer interval does not push it out.
    await store.sync_sources([config("a", interval=7200)], at(2))
    state = await store.get_source("a")
    assert state is not None and state.next_check_at == at(6)


async def test_sync_sources_rejects_duplicate_ids(store: Store) -> None:
    with pytest.raises(ValueError, match="'a' appears twice"):
        await store.sync_sources([config("a"), config("a")], T0)


async def test_claim_due_respects_due_time_limit_and_leases(store: Store) -> None:
    await store.sync_sources([config(s) for s in ("a", "b", "c", "d")], T0)
    # Make them due at different times: d later than now.
    for sid, due in (("a", at(-3)), ("b", at(-2)), ("c", at(-1)), ("d", at(30))):
        await store.claim_source(sid, "setup", T0, 60)
        await store.save_refresh(replace(outcome(sid, "setup", T0), next_check_at=due))

    first = await store.claim_due("w1", T0, 120, 2)
    assert [s.config.id for s in first] == ["a", "b"]  # most overdue first, limit 2
    assert all(s.lease_owner == "w1" and s.lease_until == at(2) for s in first)
    assert all(s.last_attempt_at == T0 for s in first)

    second = await store.claim_due("w2", T0, 120, 10)
    assert [s.config.id for s in second] == ["c"]  # a, b leased; d not due
    assert await store.claim_due("w3", T0, 120, 10) == []
    assert await store.claim_due("w3", T0, 120, 0) == []


async def test_disabled_sources_are_not_claimed(store: Store) -> None:
    await store.sync_sources([config("a"), config("b")], T0)
    await store.sync_sources([config("b")], T0)
    assert [s.config.id for s in await store.claim_due("w1", T0, 60, 10)] == ["b"]


async def test_an_expired_lease_can_be_reclaimed(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    assert len(await store.claim_due("w1", T0, 60, 10)) == 1
    assert await store.claim_due("w2", at(0.5), 60, 10) == []  # lease still live
    [state] = await store.claim_due("w2", at(2), 60, 10)  # lease ran out at at(1)
    assert state.lease_owner == "w2"
    # The first worker's late save is fenced off.
    with pytest.raises(LeaseLostError, match=r"'a'.*'w1'"):
        await store.save_refresh(outcome("a", "w1", at(3)))


async def test_concurrent_claimers_never_share_a_source(open_store: StoreOpener) -> None:
    one, two = await open_store(), await open_store()
    ids = [f"s{i:02d}" for i in range(20)]
    await one.sync_sources([config(s) for s in ids], T0)
    for _ in range(3):  # several rounds, so the race has chances to show
        got_one, got_two = await asyncio.gather(
            one.claim_due("w1", at(10), 60, 7), two.claim_due("w2", at(10), 60, 7)
        )
        a = {s.config.id for s in got_one}
        b = {s.config.id for s in got_two}
        assert not a & b
        for sid in a:
            await one.release(sid, "w1")
        for sid in b:
            await two.release(sid, "w2")
    got = await asyncio.gather(
        *(store.claim_due(f"w{i}", at(10), 60, 3) for i, store in enumerate([one, two] * 4))
    )
    claimed = [s.config.id for batch in got for s in batch]
    assert len(claimed) == len(set(claimed)) == 20


async def test_claim_source_ignores_due_time_but_respects_live_leases(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    await store.claim_source("a", "w1", T0, 60)
    await store.save_refresh(outcome("a", "w1", at(1)))  # next check at(11): not due

    state = await store.claim_source("a", "cli", at(2), 60)
    assert state is not None and state.lease_owner == "cli"
    assert await store.claim_source("a", "other", at(2.5), 60) is None
    again = await store.claim_source("a", "cli", at(2.5), 60)  # the holder may extend
    assert again is not None and again.lease_until == at(3.5)
    assert await store.claim_source("missing", "cli", T0, 60) is None


async def test_release_only_by_the_owner(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    await store.claim_due("w1", T0, 600, 1)
    assert await store.release("a", "w2") is False
    assert await store.release("a", "w1") is True
    state = await store.get_source("a")
    assert state is not None and state.lease_owner is None and state.lease_until is None
    assert [s.config.id for s in await store.claim_due("w2", T0, 600, 1)] == ["a"]


def _failed_run(source_id: str, finished_minutes: float, error: str) -> FetchRun:
    return FetchRun(
        source_id=source_id,
        started_at=at(finished_minutes) - timedelta(seconds=3),
        finished_at=at(finished_minutes),
        status=FetchStatus.FAILED,
        error=error,
    )


async def test_record_failure_counts_errors_and_releases(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    for n in (1, 2):
        await store.claim_due("w1", at(n * 10), 60, 1)
        await store.record_failure(
            "a",
            "w1",
            error=f"https://example.cn/a/: HTTP 50{n}",
            finished_at=at(n * 10),
            next_check_at=at(n * 10 + 5),
            run=_failed_run("a", n * 10, f"HTTP 50{n}"),
        )
    state = await store.get_source("a")
    assert state is not None
    assert state.error_count == 2
    assert state.last_error == "https://example.cn/a/: HTTP 502"
    assert state.next_check_at == at(25)
    assert state.lease_owner is None
    runs = await store.recent_runs("a", 10)
    assert [r.error for r in runs] == ["HTTP 502", "HTTP 501"]  # newest first
    assert runs[0].status is FetchStatus.FAILED
    assert len(await store.recent_runs("a", 1)) == 1

    # A success resets the error state.
    await store.claim_due("w1", at(30), 60, 1)
    await store.save_refresh(outcome("a", "w1", at(31)))
    state = await store.get_source("a")
    assert state is not None and state.error_count == 0 and state.last_error is None


async def test_record_failure_is_lease_fenced(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    await store.claim_due("w1", T0, 60, 1)
    with pytest.raises(LeaseLostError):
        await store.record_failure(
            "a",
            "stale",
            error="boom",
            finished_at=at(1),
            next_check_at=at(5),
            run=_failed_run("a", 1, "boom"),
        )
    state = await store.get_source("a")
    assert state is not None and state.error_count == 0 and state.lease_owner == "w1"
    assert await store.recent_runs("a", 10) == []


async def test_page_validators_are_saved_per_url(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    page = "https://example.cn/a/"
    await store.claim_due("w1", T0, 60, 1)
    await store.save_refresh(
        outcome("a", "w1", at(1), validators=((page, PageValidators('"v1"', "Sat, 18 May")),))
    )
    assert await store.page_validators("a") == {page: PageValidators('"v1"', "Sat, 18 May")}
    await store.claim_due("w1", at(20), 60, 1)
    await store.save_refresh(
        outcome("a", "w1", at(21), validators=((page, PageValidators('"v2"', None)),))
    )
    assert await store.page_validators("a") == {page: PageValidators('"v2"', None)}
    assert await store.page_validators("other") == {}


async def test_a_sync_that_disables_every_enabled_source_needs_prune(store: Store) -> None:
    await store.sync_sources([config("a"), config("b")], T0)
    for kept in ([], [config("c")]):
        with pytest.raises(PruneRefusedError, match=r"none of the 2 sources enabled.*\(a, b\)"):
            await store.sync_sources(kept, at(1))
        assert sorted(s.config.id for s in await store.list_sources()) == ["a", "b"]
    await store.sync_sources([config("c")], at(1), prune=True)
    assert [s.config.id for s in await store.list_sources()] == ["c"]
    await store.sync_sources([], at(2), prune=True)
    await store.sync_sources([], at(3))  # nothing enabled is left to lose


async def test_a_read_only_store_reads_and_cannot_write(store: Store, database_url: str) -> None:
    await store.sync_sources([config("a")], T0)
    reader = await Store.open(database_url, read_only=True)
    try:
        assert [s.config.id for s in await reader.list_sources()] == ["a"]
        with pytest.raises(DBAPIError, match=r"read-only|readonly"):
            await reader.sync_sources([config("b")], T0, prune=True)
    finally:
        await reader.close()
    assert [s.config.id for s in await store.list_sources()] == ["a"]
