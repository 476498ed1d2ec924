"""Claim on completion: a finished refresh frees its slot for the next due source at once
(no tick needed), and a process never runs more than its slots."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from feedsvc.config import Settings
from feedsvc.models import FetchStatus, SourceConfig, SourceState
from feedsvc.refresh import scheduler as scheduler_module
from feedsvc.refresh.context import RefreshContext, RefreshReport
from feedsvc.refresh.scheduler import Scheduler, refresh_slots

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class FakeStore:
    """Hands out due sources like ``Store.claim_due``: each at most once, oldest first."""

    def __init__(self, count: int) -> None:
        self.due = [
            SourceState(
                config=SourceConfig(
                    id=f"s{n:03d}",
                    name=f"s{n}",
                    urls=(f"https://example.cn/{n}/",),
                    interval_seconds=600,
                ),
                next_check_at=T0 - timedelta(seconds=count - n),
            )
            for n in range(count)
        ]
        self.claims: list[int] = []  # the limit asked for by each claim

    async def claim_due(
        self,
        owner: str,
        now: datetime,
        lease_seconds: int,
        limit: int,
        *,
        heartbeat_timeout: float | None = None,
    ) -> list[SourceState]:
        self.claims.append(limit)
        taken, self.due = self.due[:limit], self.due[limit:]
        return taken


class FakeRefreshes:
    """Refreshes that finish when the test says so; records how many ran at once."""

    def __init__(self) -> None:
        self.gates: dict[str, asyncio.Event] = {}
        self.running: set[str] = set()
        self.most = 0
        self.started: list[str] = []

    async def __call__(self, ctx: RefreshContext, state: SourceState) -> RefreshReport:
        source_id = state.config.id
        gate = self.gates.setdefault(source_id, asyncio.Event())
        self.running.add(source_id)
        self.started.append(source_id)
        self.most = max(self.most, len(self.running))
        try:
            await gate.wait()
        finally:
            self.running.discard(source_id)
        return RefreshReport(source_id, FetchStatus.OK, 0.0)

    def finish(self, source_id: str) -> None:
        self.gates.setdefault(source_id, asyncio.Event()).set()


def _scheduler(
    store: FakeStore, monkeypatch: pytest.MonkeyPatch, **settings: float
) -> tuple[Scheduler, FakeRefreshes]:
    fake = FakeRefreshes()
    monkeypatch.setattr(scheduler_module, "refresh_leased", fake)
    ctx = RefreshContext(
        settings=Settings(scheduler_tick=3600, **settings),  # type: ignore[arg-type]
        store=store,  # type: ignore[arg-type]  # claim_due is all the scheduler asks of it
        fetcher=None,  # type: ignore[arg-type]  # the fake refresh fetches nothing
        offloader=None,  # type: ignore[arg-type]
        owner="w1",
        now=lambda: T0,
    )
    return Scheduler(ctx), fake


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def _until(predicate: object, what: str) -> None:
    for _ in range(200):
        if callable(predicate) and predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


async def test_a_finished_refresh_frees_its_slot_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    store = FakeStore(10)
    scheduler, fake = _scheduler(store, monkeypatch, refresh_concurrency=3, claim_batch=2)
    scheduler.start()  # one tick now, then not for an hour
    try:
        await _until(lambda: len(fake.running) == 3, "three refreshes")
        await _settle()
        assert fake.started == ["s000", "s001", "s002"]  # batch of 2, full, so one more
        for done in range(3, 10):
            fake.finish(fake.started[done - 3])
            await _until(lambda done=done: len(fake.started) == done + 1, f"refresh {done}")
            await _settle()
            assert len(fake.running) == 3  # the freed slot was refilled, no tick since
        assert scheduler.slots == 3
        for source_id in fake.started:
            fake.finish(source_id)
        await _until(lambda: not fake.running and not scheduler.in_flight, "all finished")
        await scheduler.wait_idle()
        assert sorted(fake.started) == [f"s{n:03d}" for n in range(10)]
        assert fake.most == 3  # never more than the slots
        assert max(store.claims) <= 2  # one claim never takes more than claim_batch
    finally:
        await scheduler.stop(grace=1)


async def test_slots_stay_full_when_many_finish_together(monkeypatch: pytest.MonkeyPatch) -> None:
    store = FakeStore(40)
    scheduler, fake = _scheduler(store, monkeypatch, refresh_concurrency=5, claim_batch=4)
    scheduler.start()
    try:
        await _until(lambda: len(fake.running) == 5, "five refreshes")
        while store.due:
            for source_id in list(fake.running):
                fake.finish(source_id)  # everything finishes at once
            await _until(
                lambda: (
                    len(fake.running) == min(5, len(store.due) + len(fake.running))
                    and not any(fake.gates.get(s, asyncio.Event()).is_set() for s in fake.running)
                ),
                "slots refilled",
            )
            await _settle()
            assert len(fake.running) <= 5
        for source_id in list(fake.started):
            fake.finish(source_id)
        await scheduler.wait_idle()
        assert len(fake.started) == 40 and len(set(fake.started)) == 40
        assert fake.most == 5
    finally:
        await scheduler.stop(grace=1)


async def test_without_start_only_ticks_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    store = FakeStore(6)
    scheduler, fake = _scheduler(store, monkeypatch, refresh_concurrency=2, claim_batch=2)
    assert await scheduler.tick() == 2
    await _settle()
    fake.finish("s000")
    await _settle()
    assert fake.started == ["s000", "s001"]  # a manual scheduler (tests, tools) just ticks
    fake.finish("s001")
    await scheduler.wait_idle()
    assert await scheduler.tick() == 2


def test_auto_slots_follow_the_machine_and_the_fetch_limits() -> None:
    assert refresh_slots(Settings(), cpus=2) == 16  # max_concurrency caps 8 x 2
    assert refresh_slots(Settings(), cpus=1) == 8
    assert refresh_slots(Settings(max_concurrency=64), cpus=4) == 32
    assert refresh_slots(Settings(max_concurrency=4), cpus=8) == 4
    assert refresh_slots(Settings(max_concurrency=4, claim_batch=10), cpus=8) == 10
    assert refresh_slots(Settings(refresh_concurrency=50), cpus=1) == 50
