"""APScheduler keeps time; the database coordinates.

APScheduler 3.x job stores must not be shared between processes, so its job store stays in
memory and holds one job: a tick every ``scheduler_tick`` seconds. Each tick claims due
sources from the database in one statement (a lease per source) and refreshes them as
tasks. Any number of worker processes can tick against one database; the leases make sure
a source is never refreshed twice at once, and schedule state (``next_check_at``) lives in
the database, so it survives restarts without a stampede.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from feedsvc.metrics.instruments import current
from feedsvc.refresh.context import RefreshContext, RefreshReport
from feedsvc.refresh.health import refresh_problems
from feedsvc.refresh.leases import heartbeat_timeout, refresh_leased

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, ctx: RefreshContext) -> None:
        self._ctx = ctx
        self._aps: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[RefreshReport]] = set()
        self._last_tick: float | None = None
        self._tick_errors = 0
        self.reports: list[RefreshReport] = []  # recent reports, newest last (bounded)
        self._report_added = asyncio.Event()
        self._tick_lock = asyncio.Lock()  # a wake() and the metronome never claim at once
        self._woken: asyncio.Task[int] | None = None

    @property
    def in_flight(self) -> int:
        return len(self._running)

    def start(self) -> None:
        interval = self._ctx.settings.scheduler_tick
        self._aps = AsyncIOScheduler(timezone=UTC)
        self._aps.add_job(
            self.tick,
            "interval",
            seconds=interval,
            id="feedsvc-tick",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(interval)),
            next_run_time=datetime.now(UTC),
        )
        self._aps.start()
        log.info("scheduler started: tick every %ss, owner %s", interval, self._ctx.owner)

    def wake(self) -> None:
        """Tick now, not at the next beat: a source was added, edited or made due
        elsewhere (PostgreSQL's change signal, store/notify.py). A tick already running
        or about to run covers it."""
        if self._aps is None or (self._woken is not None and not self._woken.done()):
            return
        self._woken = asyncio.create_task(self.tick(), name="feedsvc-wake-tick")

    async def tick(self) -> int:
        """Claim what is due (up to the free slots) and start refreshing it."""
        async with self._tick_lock:
            return await self._tick()

    async def _tick(self) -> int:
        self._last_tick = time.monotonic()
        ctx = self._ctx
        free = ctx.settings.claim_batch - len(self._running)
        if free <= 0:
            return 0
        now = ctx.now()
        try:
            claimed = await ctx.store.claim_due(
                ctx.owner,
                now,
                ctx.settings.lease_seconds,
                free,
                heartbeat_timeout=heartbeat_timeout(ctx.settings),
            )
        except Exception:
            self._tick_errors += 1
            log.exception("scheduler tick could not claim sources")
            return 0
        self._tick_errors = 0
        lag = current().scheduler_lag
        for state in claimed:
            lag.observe(max(0.0, (now - state.next_check_at).total_seconds()))
            task = asyncio.create_task(
                refresh_leased(ctx, state), name=f"refresh-{state.config.id}"
            )
            self._running.add(task)
            task.add_done_callback(self._finished)
        return len(claimed)

    async def refresh_now(self, source_id: str) -> bool:
        """Refresh one source now, due or not (the admin API's "refresh"), with the same
        lease, heartbeat and ``refresh_source`` as a tick (``refresh_leased``). False when
        it is already being refreshed, here or by another process."""
        ctx = self._ctx
        if any(task.get_name() == f"refresh-{source_id}" for task in self._running):
            return False
        state = await ctx.store.claim_source(
            source_id, ctx.owner, ctx.now(), ctx.settings.lease_seconds
        )
        if state is None:
            return False
        task = asyncio.create_task(refresh_leased(ctx, state), name=f"refresh-{source_id}")
        self._running.add(task)
        task.add_done_callback(self._finished)
        await asyncio.shield(task)  # a client hanging up does not stop the refresh
        return True

    def _finished(self, task: asyncio.Task[RefreshReport]) -> None:
        self._running.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("refresh task crashed: %r", exc)
            return
        self.reports.append(task.result())
        del self.reports[:-100]
        self._report_added.set()

    async def next_report(self) -> RefreshReport:
        """Wait for the next refresh to finish (for the demo's first-refresh message, tests)."""
        self._report_added.clear()
        await self._report_added.wait()
        return self.reports[-1]

    async def wait_idle(self) -> None:
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    def health(self) -> dict[str, Any]:
        tick = self._ctx.settings.scheduler_tick
        age = None if self._last_tick is None else time.monotonic() - self._last_tick
        # Alive = the metronome ticked recently and the database answered its last claim.
        alive = (
            self._aps is not None
            and self._aps.running
            and (age is None or age < 3 * tick + 5)
            and self._tick_errors < 3
        )
        extraction = self._ctx.offloader.health()
        return {
            "scheduler": "ok" if alive else "stalled",
            "scheduler_last_tick_seconds_ago": None if age is None else round(age, 1),
            "refreshes_in_flight": len(self._running),
            **extraction,
            "degraded": refresh_problems(self.reports, extraction["extract_processes_replaced"]),
            "ok": alive,
        }

    async def stop(self, grace: float = 10.0) -> None:
        if self._aps is not None and self._aps.running:
            self._aps.shutdown(wait=False)
        if self._woken is not None:
            await asyncio.gather(self._woken, return_exceptions=True)
        if self._running:
            # Let running refreshes save; cancel what is left (its lease is released when
            # this process starts again, or taken over once its heartbeat is silent).
            _, pending = await asyncio.wait(self._running, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
