"""APScheduler keeps time; the database coordinates.

APScheduler 3.x job stores must not be shared between processes, so its job store stays in
memory and holds one job: a tick every ``scheduler_tick`` seconds. Each tick claims due
sources from the database in one statement (a lease per source, at most ``claim_batch``)
and refreshes them as tasks. Any number of worker processes can tick against one database;
the leases make sure a source is never refreshed twice at once, and schedule state
(``next_check_at``) lives in the database, so it survives restarts without a stampede.

Claim on completion: a process runs up to :func:`refresh_slots` refreshes at once. Once
started, a finished refresh frees its slot for the next due source at once (a claim right
after it finishes, not on the next tick), and a claim that filled its whole batch is
followed by another while slots are free. The tick is then only the metronome that finds
sources falling due while every slot is idle. So throughput follows how fast refreshes
finish, not ``claim_batch / scheduler_tick``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from feedsvc.config import Settings
from feedsvc.metrics.instruments import current
from feedsvc.models import SourceState
from feedsvc.refresh.context import RefreshContext, RefreshReport
from feedsvc.refresh.health import refresh_problems
from feedsvc.refresh.leases import heartbeat_timeout, refresh_leased

log = logging.getLogger(__name__)

# refresh_concurrency 0 (auto): this many refreshes per CPU, at most max_concurrency (and
# never fewer than one claim's claim_batch).
AUTO_SLOTS_PER_CPU = 8


def refresh_slots(settings: Settings, cpus: int | None = None) -> int:
    """Refreshes one process runs at once: ``refresh_concurrency``, or when it is 0,
    ``max(claim_batch, min(max_concurrency, 8 × CPUs))``. A refresh mostly waits on
    fetches, which the fetcher already bounds (``max_concurrency`` in all,
    ``per_host_concurrency`` per host): more refreshes than fetch slots would only queue
    there while their leases run down; the CPU term keeps a small machine from claiming
    more parsing than it can do; one claim (``claim_batch``) always fits."""
    if settings.refresh_concurrency > 0:
        return settings.refresh_concurrency
    cpu_count = cpus if cpus is not None else (os.cpu_count() or 1)
    auto = min(settings.max_concurrency, AUTO_SLOTS_PER_CPU * max(1, cpu_count))
    return max(settings.claim_batch, auto)


class Scheduler:
    def __init__(self, ctx: RefreshContext) -> None:
        self._ctx = ctx
        self._aps: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[RefreshReport]] = set()
        self.slots = refresh_slots(ctx.settings)
        self._started = False  # claim on completion only while started
        self._claim_lock = asyncio.Lock()  # one claim statement at a time per process
        self._refill_wanted = False
        self._refiller: asyncio.Task[None] | None = None
        self._last_tick: float | None = None
        self._tick_errors = 0
        self.reports: list[RefreshReport] = []  # recent reports, newest last (bounded)
        self._report_added = asyncio.Event()
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
        self._started = True
        self._aps.start()
        log.info(
            "scheduler started: tick every %ss, %d refresh slots, owner %s",
            interval,
            self.slots,
            self._ctx.owner,
        )

    def wake(self) -> None:
        """Tick now, not at the next beat: a source was added, edited or made due
        elsewhere (PostgreSQL's change signal, store/notify.py). A tick already running
        or about to run covers it."""
        if self._aps is None or (self._woken is not None and not self._woken.done()):
            return
        self._woken = asyncio.create_task(self.tick(), name="feedsvc-wake-tick")

    async def tick(self) -> int:
        """Claim what is due (one batch, up to the free slots) and start refreshing it;
        once started, a full batch is followed at once by more claims while slots are free.
        A wake() and the metronome never claim at once: ``_claim`` holds the claim lock."""
        self._last_tick = time.monotonic()
        try:
            claimed, wanted = await self._claim()
        except Exception:
            self._tick_errors += 1
            log.exception("scheduler tick could not claim sources")
            return 0
        self._tick_errors = 0
        if wanted and claimed == wanted:
            self._want_refill()
        return claimed

    async def _claim(self) -> tuple[int, int]:
        """One claim of up to ``min(free slots, claim_batch)`` due sources, each started as
        a task; returns (claimed, asked for)."""
        ctx = self._ctx
        async with self._claim_lock:
            free = min(self.slots - len(self._running), ctx.settings.claim_batch)
            if free <= 0:
                return 0, 0
            now = ctx.now()
            claimed = await ctx.store.claim_due(
                ctx.owner,
                now,
                ctx.settings.lease_seconds,
                free,
                heartbeat_timeout=heartbeat_timeout(ctx.settings),
            )
            lag = current().scheduler_lag
            for state in claimed:
                lag.observe(max(0.0, (now - state.next_check_at).total_seconds()))
                self._launch(state)
            return len(claimed), free

    def _launch(self, state: SourceState) -> asyncio.Task[RefreshReport]:
        task = asyncio.create_task(
            refresh_leased(self._ctx, state), name=f"refresh-{state.config.id}"
        )
        self._running.add(task)
        task.add_done_callback(self._finished)
        return task

    def _want_refill(self) -> None:
        """Claim for the free slots soon (a refresh finished, or a batch came back full)."""
        if not self._started:
            return
        self._refill_wanted = True
        if self._refiller is None or self._refiller.done():
            self._refiller = asyncio.create_task(self._refill(), name="refresh-refill")

    async def _refill(self) -> None:
        while self._refill_wanted and self._started:
            self._refill_wanted = False
            try:
                while self._started:
                    claimed, wanted = await self._claim()
                    if wanted == 0 or claimed < wanted:
                        break  # every slot busy, or nothing more is due
            except Exception:
                log.exception("could not claim sources for a freed refresh slot")
                return  # the next tick tries again

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
        task = self._launch(state)
        await asyncio.shield(task)  # a client hanging up does not stop the refresh
        return True

    def _finished(self, task: asyncio.Task[RefreshReport]) -> None:
        self._running.discard(task)
        self._want_refill()  # its slot is free: the next due source need not wait for a tick
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
        """Wait until no refresh runs and no claim for freed slots is pending."""
        while self._running or (self._refiller is not None and not self._refiller.done()):
            pending: list[asyncio.Future[Any]] = list(self._running)
            if self._refiller is not None and not self._refiller.done():
                pending.append(self._refiller)
            await asyncio.gather(*pending, return_exceptions=True)

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
            "refresh_slots": self.slots,
            **extraction,
            "degraded": refresh_problems(self.reports, extraction["extract_processes_replaced"]),
            "ok": alive,
        }

    async def stop(self, grace: float = 10.0) -> None:
        self._started = False
        if self._aps is not None and self._aps.running:
            self._aps.shutdown(wait=False)
        if self._refiller is not None:
            self._refiller.cancel()
            await asyncio.gather(self._refiller, return_exceptions=True)
        if self._woken is not None:
            await asyncio.gather(self._woken, return_exceptions=True)
        if self._running:
            # Let running refreshes save; cancel what is left (its lease is released when
            # this process starts again, or taken over once its heartbeat is silent).
            _, pending = await asyncio.wait(self._running, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
