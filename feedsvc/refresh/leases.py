"""Leases that belong to live processes.

A lease owner names its process: ``ROLE@HOST:PID:BOOT:START``, where BOOT is the kernel's
boot id and START the process's start time in clock ticks since boot (both from /proc;
``-`` where there is no /proc). HOST + BOOT name one running machine and PID + START one
process on it, even after its PID is reused. So a process starting on the same machine can
tell a dead holder's leases from a live one's and release them at once
(:func:`release_dead_leases`) instead of waiting for ``lease_seconds``.

A holder elsewhere cannot be checked that way, so every refresh also beats: it touches its
lease every ``lease_heartbeat`` seconds (:func:`refresh_leased`), and a lease whose
heartbeat is :data:`HEARTBEAT_MISSES` beats old may be claimed by anyone
(:func:`heartbeat_timeout`). Releasing or taking over a lease by mistake is harmless to
data: the save re-checks the lease, and a refresh that lost it writes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path

from feedsvc.config import Settings
from feedsvc.models import SourceState
from feedsvc.refresh.context import RefreshContext, RefreshReport
from feedsvc.refresh.worker import refresh_source
from feedsvc.store import Store

log = logging.getLogger(__name__)

# A lease whose refresh missed this many heartbeats in a row is free for anyone.
HEARTBEAT_MISSES = 3
UNKNOWN = "-"
_OWNER = re.compile(
    r"^(?P<role>[^@]*)@(?P<host>[^:]+):(?P<pid>\d+):(?P<boot>[0-9a-f]+|-):(?P<start>\d+|-)$"
)


@dataclass(frozen=True)
class Holder:
    """The process a lease owner names."""

    role: str
    host: str
    pid: int
    boot: str  # the kernel's boot id (hex), or UNKNOWN
    start: str  # process start time in clock ticks since boot, or UNKNOWN

    def __str__(self) -> str:
        return f"{self.role}@{self.host}:{self.pid}:{self.boot}:{self.start}"

    def same_machine(self, other: Holder) -> bool:
        return self.host == other.host and self.boot == other.boot

    def is_dead(self) -> bool:
        """True when this process is certainly gone; call on its own machine only."""
        if self.start != UNKNOWN:
            return _start_ticks(self.pid) != self.start  # None: no such PID
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # exists, someone else's
            return False
        return False


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="ascii", errors="replace")
    except OSError:
        return None


def _boot_id() -> str:
    text = _read("/proc/sys/kernel/random/boot_id")
    return text.strip().replace("-", "")[:12] if text else UNKNOWN


def _start_ticks(pid: int) -> str | None:
    """Field 22 of /proc/PID/stat (start time); None when there is no such process."""
    text = _read(f"/proc/{pid}/stat")
    if text is None:
        return None
    # The command name (field 2) is in parentheses and may hold spaces or ')'.
    fields = text.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def process_holder(pid: int, role: str) -> Holder:
    """The holder that names process ``pid`` of this machine."""
    boot = _boot_id()
    start = _start_ticks(pid) if boot != UNKNOWN else None
    return Holder(role, socket.gethostname(), pid, boot, start or UNKNOWN)


def this_process(role: str) -> Holder:
    return process_holder(os.getpid(), role)


def make_owner(role: str) -> str:
    """The lease owner of this process: tells an admin, and later processes, who holds a
    source."""
    return str(this_process(role))


def parse_owner(owner: str) -> Holder | None:
    """The holder an owner string names; None for any other form (e.g. from an older
    feedsvc), which is then never taken for dead."""
    m = _OWNER.match(owner)
    if m is None:
        return None
    return Holder(m["role"], m["host"], int(m["pid"]), m["boot"], m["start"])


async def release_dead_leases(store: Store, me: Holder) -> list[str]:
    """Release every lease held by a dead process of ``me``'s machine (e.g. one killed
    mid-refresh); the ids of the sources released."""
    released = []
    for source_id, owner in await store.held_leases():
        holder = parse_owner(owner)
        if holder is None or not holder.same_machine(me) or holder == me:
            continue
        if holder.is_dead() and await store.release(source_id, owner):
            log.warning("released %s: its lease holder %s is no longer running", source_id, owner)
            released.append(source_id)
    return released


def heartbeat_timeout(settings: Settings) -> float:
    """Seconds without a heartbeat after which a lease is free for anyone."""
    return HEARTBEAT_MISSES * settings.lease_heartbeat


async def _beat(ctx: RefreshContext, source_id: str) -> None:
    while True:
        await asyncio.sleep(ctx.settings.lease_heartbeat)
        try:
            held = await ctx.store.touch_lease(source_id, ctx.owner, ctx.now())
        except Exception as exc:  # the next beat may get through
            log.warning("source %s: lease heartbeat failed: %r", source_id, exc)
            continue
        if not held:
            log.warning("source %s: lease lost; this refresh's save will be refused", source_id)
            return


async def refresh_leased(
    ctx: RefreshContext, state: SourceState, *, manual: bool = False
) -> RefreshReport:
    """``refresh_source`` while a heartbeat keeps the lease marked alive."""
    beat = asyncio.create_task(_beat(ctx, state.config.id), name=f"lease-{state.config.id}")
    try:
        return await refresh_source(ctx, state, manual=manual)
    finally:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat
