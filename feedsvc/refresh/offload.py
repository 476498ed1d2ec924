"""Runs CPU-heavy, pure functions off the event loop.

Parsing HTML holds the GIL for most of its time, so a thread would still stall the server
under load; a process pool keeps the loop responsive. ``workers=0`` uses a thread instead,
which is enough for tests and the smallest installs.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Offloader:
    def __init__(self, workers: int) -> None:
        self._executor: Executor
        if workers > 0:
            # "spawn" avoids forking a process that holds an event loop and open sockets.
            ctx = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
        else:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedsvc-parse")

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
