"""The extraction pool runs below the server's priority and can be started ahead of work."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
from process_support import pid_alive

from feedsvc.refresh.offload import JobFailed, Offloader


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


# --- process isolation: a bad job fails alone, and the pool goes on ----------------------


class TwoArgError(Exception):
    """Like feedsvc's own errors once were: its __init__ cannot be called with its args."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")


def raise_two_arg_error() -> None:
    raise TwoArgError("http://example.test/a", "no title")


def spin_forever() -> None:
    while True:
        pass


def exit_abruptly() -> None:
    os._exit(3)


async def test_an_error_that_cannot_cross_fails_that_job_only() -> None:
    offloader = Offloader(1)
    try:
        first = await offloader.run(os.getpid)
        with pytest.raises(JobFailed, match=r"TwoArgError: http://example.test/a: no title"):
            await offloader.run(raise_two_arg_error)
        assert await offloader.run(os.getpid) == first  # the same process, still healthy
        assert offloader.health() == {"extract_processes_replaced": 0}
    finally:
        offloader.close()


async def test_a_job_over_the_time_limit_is_killed_and_its_process_replaced() -> None:
    offloader = Offloader(1, timeout=0.5)
    try:
        await offloader.start()
        first = await offloader.run(os.getpid)
        started = time.monotonic()
        with pytest.raises(JobFailed, match=r"took longer than 0\.5 s"):
            await offloader.run(spin_forever)
        assert time.monotonic() - started < 15
        assert not pid_alive(first)
        assert await offloader.run(os.getpid) not in (first, os.getpid())
        assert offloader.health() == {"extract_processes_replaced": 1}
    finally:
        offloader.close()


async def test_a_process_that_dies_fails_its_job_and_is_replaced() -> None:
    offloader = Offloader(1)
    try:
        first = await offloader.run(os.getpid)
        with pytest.raises(JobFailed, match=r"extraction process .*exit code 3"):
            await offloader.run(exit_abruptly)
        assert await offloader.run(os.getpid) != first
        assert offloader.health() == {"extract_processes_replaced": 1}
    finally:
        offloader.close()


async def test_other_jobs_keep_running_while_one_hangs() -> None:
    offloader = Offloader(2, timeout=3)
    try:
        await offloader.start()
        hanging = asyncio.ensure_future(offloader.run(spin_forever))
        started = time.monotonic()
        for n in range(5):
            assert await offloader.run(abs, -n) == n
        assert time.monotonic() - started < 3 or hanging.done()
        with pytest.raises(JobFailed, match="took longer than 3 s"):
            await hanging
    finally:
        offloader.close()


async def test_a_cancelled_job_takes_its_process_with_it() -> None:
    offloader = Offloader(1)
    try:
        first = await offloader.run(os.getpid)
        task = asyncio.ensure_future(offloader.run(spin_forever))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await offloader.run(os.getpid) != first
    finally:
        offloader.close()


def test_the_processes_set_a_parent_death_signal() -> None:
    # Linux: the kernel SIGKILLs an extraction process when the server dies.
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux-only")

    async def main() -> int:
        offloader = Offloader(1)
        try:
            return await offloader.run(parent_death_signal)
        finally:
            offloader.close()

    assert asyncio.run(main()) == signal.SIGKILL


def parent_death_signal() -> int:
    import ctypes

    value = ctypes.c_int()
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.prctl(2, ctypes.byref(value), 0, 0, 0) == 0  # PR_GET_PDEATHSIG
    return value.value
