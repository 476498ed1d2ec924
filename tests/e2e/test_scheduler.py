"""The scheduler claims due sources through the database, never twice at once."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from pipeline_support import pipeline_context

from feedsvc.models import FetchStatus
from feedsvc.refresh.scheduler import Scheduler


async def test_tick_refreshes_due_sources_once(tmp_path: Path) -> None:
    async for p in pipeline_context(tmp_path, extra_settings="  claim_batch: 8\n"):
        scheduler = Scheduler(p.ctx)
        assert await scheduler.tick() == 4
        await scheduler.wait_idle()
        assert sorted(r.source_id for r in scheduler.reports) == sorted(
            s.id for s in p.config.sources
        )
        assert all(r.status is FetchStatus.OK for r in scheduler.reports)
        # Nothing is due again until the interval has passed.
        assert await scheduler.tick() == 0
        p.clock.advance(seconds=45)
        assert await scheduler.tick() == 4
        await scheduler.wait_idle()


async def test_two_workers_never_refresh_the_same_source_together(tmp_path: Path) -> None:
    async for p in pipeline_context(tmp_path, extra_settings="  claim_batch: 8\n"):
        first = Scheduler(p.ctx)
        second = Scheduler(dataclasses.replace(p.ctx, owner="second-worker"))
        claimed = await asyncio.gather(first.tick(), second.tick())
        assert sum(claimed) == 4
        await asyncio.gather(first.wait_idle(), second.wait_idle())
        refreshed = [r.source_id for r in first.reports + second.reports]
        assert sorted(refreshed) == sorted(s.id for s in p.config.sources)


async def test_refresh_concurrency_bounds_concurrent_refreshes(tmp_path: Path) -> None:
    async for p in pipeline_context(tmp_path, extra_settings="  refresh_concurrency: 1\n"):
        scheduler = Scheduler(p.ctx)
        assert await scheduler.tick() == 1
        assert await scheduler.tick() == 0  # the one slot is busy
        await scheduler.wait_idle()
        assert await scheduler.tick() == 1


async def test_health_reports_a_running_metronome(tmp_path: Path) -> None:
    async for p in pipeline_context(tmp_path, extra_settings="  scheduler_tick: 0.2\n"):
        scheduler = Scheduler(p.ctx)
        assert scheduler.health()["ok"] is False  # not started
        scheduler.start()
        try:
            await asyncio.wait_for(scheduler.next_report(), timeout=10)
            health = scheduler.health()
            assert health["ok"] is True and health["scheduler"] == "ok"
        finally:
            await scheduler.stop()
        assert scheduler.health()["ok"] is False


async def _reports(scheduler: Scheduler, count: int, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if len(scheduler.reports) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{len(scheduler.reports)} reports, not {count}, in {seconds}s")


async def test_wake_claims_at_once_between_beats(tmp_path: Path) -> None:
    # A beat an hour apart: only the first (at start) and wake() can claim anything.
    settings = "  claim_batch: 8\n  scheduler_tick: 3600\n"
    async for p in pipeline_context(tmp_path, extra_settings=settings):
        scheduler = Scheduler(p.ctx)
        scheduler.wake()  # not started: nothing to wake
        scheduler.start()
        try:
            await _reports(scheduler, 4)
            await scheduler.wait_idle()
            p.clock.advance(seconds=45)  # every source is due again
            scheduler.wake()
            scheduler.wake()  # a wake-up already under way covers this one
            await _reports(scheduler, 8, seconds=5.0)
            await scheduler.wait_idle()
            assert len(scheduler.reports) == 8
        finally:
            await scheduler.stop()
