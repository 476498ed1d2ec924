"""Lease owners name live processes: a starting process releases the leases of dead ones
on its machine at once, and a running refresh keeps its lease beating."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.models import FetchStatus, SourceConfig, SourceState
from feedsvc.refresh import leases
from feedsvc.refresh.context import RefreshContext, RefreshReport
from feedsvc.refresh.leases import (
    UNKNOWN,
    make_owner,
    parse_owner,
    process_holder,
    refresh_leased,
    release_dead_leases,
    this_process,
)
from feedsvc.store import Store

T0 = datetime(2024, 5, 18, 2, 0, tzinfo=UTC)
LINUX = Path("/proc/self/stat").exists()


@pytest.fixture
def child() -> Iterator[subprocess.Popen[bytes]]:
    """Another live process of this machine."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def test_the_owner_names_this_process() -> None:
    owner = make_owner("worker")
    holder = parse_owner(owner)
    assert holder == this_process("worker")
    assert str(holder) == owner
    assert holder.pid == os.getpid() and holder.role == "worker"
    if LINUX:
        assert UNKNOWN not in (holder.boot, holder.start)
    assert not holder.is_dead()


@pytest.mark.parametrize("owner", ["worker@vm:16219:ec49e5", "e2e-test", "w1", "a@b:c:d:e"])
def test_owners_of_other_forms_are_never_taken_for_dead(owner: str) -> None:
    assert parse_owner(owner) is None


def test_a_process_is_dead_once_it_exits(child: subprocess.Popen[bytes]) -> None:
    holder = process_holder(child.pid, "cli")
    assert not holder.is_dead()
    child.kill()
    child.wait()
    assert holder.is_dead()


@pytest.mark.skipif(not LINUX, reason="process start times come from /proc")
def test_a_reused_pid_does_not_keep_a_dead_holder_alive() -> None:
    me = this_process("worker")
    earlier = replace(me, start=str(int(me.start) - 1))  # an older process with our PID
    assert earlier.is_dead() and not me.is_dead()


async def test_release_dead_leases_frees_only_dead_holders_of_this_machine(
    store: Store, child: subprocess.Popen[bytes]
) -> None:
    me = this_process("worker")
    gone = await asyncio.create_subprocess_exec(sys.executable, "-c", "import time; time.sleep(60)")
    dead = process_holder(gone.pid, "worker")
    gone.kill()
    await gone.wait()
    holders = {
        "dead": str(dead),
        "live": str(process_holder(child.pid, "worker")),
        "me": str(me),
        "other-host": str(replace(dead, host=dead.host + "-elsewhere")),
        "other-boot": str(replace(dead, boot="0123456789ab")),
        "older-feedsvc": f"worker@{me.host}:{gone.pid}:ec49e5",
    }
    await store.sync_sources([_config(sid) for sid in holders], T0)
    for sid, owner in holders.items():
        assert await store.claim_source(sid, owner, T0, 600) is not None

    assert await release_dead_leases(store, me) == ["dead"]
    assert dict(await store.held_leases()) == {k: v for k, v in holders.items() if k != "dead"}


async def test_a_running_refresh_beats_and_stops_beating_when_done(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.sync_sources([_config("a")], T0)
    state = await store.claim_source("a", "w1", T0, 600)
    assert state is not None
    clock = [T0]
    beats: list[datetime] = []

    async def slow_refresh(
        ctx: RefreshContext, state: SourceState, *, manual: bool = False
    ) -> RefreshReport:
        for second in range(1, 6):
            await asyncio.sleep(0.1)
            clock[0] = T0.replace(second=second)
        current = await store.get_source("a")
        assert current is not None and current.lease_heartbeat_at is not None
        beats.append(current.lease_heartbeat_at)
        return RefreshReport("a", FetchStatus.OK, 0.5)

    monkeypatch.setattr(leases, "refresh_source", slow_refresh)
    ctx = RefreshContext(
        settings=Settings(lease_heartbeat=0.05),
        store=store,
        fetcher=None,  # type: ignore[arg-type]  # the fake refresh fetches nothing
        offloader=None,  # type: ignore[arg-type]
        owner="w1",
        now=lambda: clock[0],
    )
    report = await refresh_leased(ctx, state)
    assert report.status is FetchStatus.OK
    assert beats and beats[0] > T0  # the lease beat during the refresh
    await asyncio.sleep(0.2)
    clock[0] = T0.replace(minute=30)
    await asyncio.sleep(0.2)
    after = await store.get_source("a")
    assert after is not None and after.lease_heartbeat_at is not None
    assert after.lease_heartbeat_at < T0.replace(minute=1)  # no beats after the refresh


def _config(source_id: str) -> SourceConfig:
    return SourceConfig(
        id=source_id,
        name=source_id,
        urls=(f"https://example.cn/{source_id}/",),
        interval_seconds=600,
    )
