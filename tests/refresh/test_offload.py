"""The extraction pool runs below the server's priority and can be started ahead of work."""

from __future__ import annotations

import os

import pytest

from feedsvc.refresh.offload import Offloader


def niceness() -> int:
    return os.nice(0)


def loaded(name: str) -> bool:
    import sys

    return name in sys.modules


async def test_pool_processes_run_niced_and_preloaded() -> None:
    offloader = Offloader(1, nice=5, preload=("feedsvc.extract",))
    try:
        await offloader.start()
        assert await offloader.run(niceness) == min(19, os.nice(0) + 5)
        assert await offloader.run(os.getpid) != os.getpid()
        assert await offloader.run(loaded, "feedsvc.extract")
    finally:
        offloader.close()


async def test_nice_zero_keeps_the_parent_priority() -> None:
    offloader = Offloader(1, nice=0)
    try:
        assert await offloader.run(niceness) == os.nice(0)
    finally:
        offloader.close()


async def test_thread_mode_starts_and_runs_in_process() -> None:
    offloader = Offloader(0, nice=10)
    try:
        await offloader.start()
        assert await offloader.run(os.getpid) == os.getpid()
    finally:
        offloader.close()


@pytest.mark.parametrize("nice", [-1, 20])
def test_a_niceness_out_of_range_is_refused(nice: int) -> None:
    with pytest.raises(ValueError, match="between 0 and 19"):
        Offloader(0, nice=nice)
