"""Runs CPU-heavy, pure functions off the event loop.

Parsing HTML holds the GIL for most of its time, so a thread would still stall the server
under load; a process pool keeps the loop responsive. ``workers=0`` uses a thread instead,
which is enough for tests and the smallest installs.

The pool's processes run ``nice`` steps below their parent (setting ``extract_nice``): on
a small machine parsing competes with serving for the same cores, and a feed request
waiting behind a page parse is worse than a refresh finishing a little later. A thread
cannot be niced portably, so ``workers=0`` runs at the caller's priority.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def prepare_worker(increment: int, modules: tuple[str, ...] = ()) -> None:
    """Pool initializer: raise this process's niceness by ``increment`` (0: unchanged),
    then import ``modules`` (at the new priority, before any work arrives)."""
    if increment > 0:
        os.nice(increment)
    for name in modules:
        importlib.import_module(name)


def _ready() -> int:
    return os.getpid()


class Offloader:
    def __init__(self, workers: int, *, nice: int = 0, preload: tuple[str, ...] = ()) -> None:
        if not 0 <= nice <= 19:
            raise ValueError(f"Offloader nice must be between 0 and 19, got {nice}")
        self.workers = workers
        self._executor: Executor
        if workers > 0:
            # "spawn" avoids forking a process that holds an event loop and open sockets.
            ctx = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=ctx,
                initializer=prepare_worker,
                initargs=(nice, preload),
            )
        else:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedsvc-parse")

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    async def start(self) -> None:
        """Start the pool's processes now rather than on the first job: a fresh process
        imports the extraction code (about a second of CPU), which a server would rather
        pay at startup than in the middle of its first refresh."""
        await asyncio.gather(*(self.run(_ready) for _ in range(self.workers)))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
