"""Runs CPU-heavy, pure functions off the event loop, each job bounded in time.

Parsing HTML holds the GIL for most of its time, so a thread would still stall the server
under load; processes keep the loop responsive. ``workers=0`` uses a thread instead, which
is enough for tests and the smallest installs.

**Why not ``concurrent.futures.ProcessPoolExecutor``.** It has two failure modes that stop
all extraction: a result (or an exception) that does not unpickle in the parent marks the
whole pool broken for good, and a job cannot be stopped once it runs, so one page that
parses for minutes (libxml2 is quadratic in the attributes of one element) holds a
process for minutes. So the pool here is a small one of its own, one job per process at a
time, each process talking to the parent over its own pipe:

- The parent sends ``(fn, args, kwargs)`` and waits for the answer in a helper thread (so
  pickling and unpickling stay off the loop) for at most ``timeout`` seconds, counted from
  the moment the job reached an idle, already-started process. On time-out that process,
  and only that one, is SIGKILLed and the job fails with :class:`JobFailed` ("took longer
  than N s"); a fresh process is started for the next job.
- A process that dies (segfault, out-of-memory kill) fails only the job it was running and
  is replaced the same way. A cancelled job (the refresh was cancelled) kills its process,
  since there is no other way to stop it.
- In the child, an exception that would not survive the trip (its ``__init__`` cannot be
  re-run with its args, or it holds something unpicklable) is sent as a :class:`JobFailed`
  naming its class and message; in the parent, an answer that still cannot be read fails
  that job alone. The process stays in service either way.
- Replacements are counted (``health()``), so ``/healthz`` can report extraction trouble.

**Children die with the server.** Each process asks Linux for ``PR_SET_PDEATHSIG`` =
SIGKILL first thing, so a ``kill -9`` of the server kills a process mid-parse at once
(an idle one also sees its pipe close and exits). The signal fires when the *thread* that
started the child ends, so processes are started from the event loop's thread, which
lives as long as the server; and a child whose parent is already gone by then exits. With
no extraction process left holding its pipe, multiprocessing's resource tracker reads EOF
and exits too. Elsewhere than Linux an idle process still exits when its pipe closes.

The processes run ``nice`` steps below their parent (setting ``extract_nice``): on a small
machine parsing competes with serving for the same cores, and a feed request waiting
behind a page parse is worse than a refresh finishing a little later. ``workers=0`` (a
thread) cannot be niced portably, nor stopped: a thread cannot be killed, so in thread mode
a job has no time limit; only the processes bound it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import importlib
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1
_START_SECONDS = 120.0  # a process that has not imported its modules by then is broken
_STOP_SECONDS = 5.0
HEALTH_WINDOW = 600.0  # seconds of process replacements that health() counts


class JobFailed(Exception):
    """A job did not return: it ran out of time, its process died, or its exception could
    not be carried back. The message says which; the caller names the page."""


def prepare_worker(increment: int, modules: tuple[str, ...] = ()) -> None:
    """Process start: raise this process's niceness by ``increment`` (0: unchanged),
    then import ``modules`` (at the new priority, before any work arrives)."""
    if increment > 0:
        os.nice(increment)
    for name in modules:
        importlib.import_module(name)


def die_with_parent(parent_pid: int) -> None:
    """Linux: be SIGKILLed when the parent dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a :class:`JobFailed` that tells what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return JobFailed(f"{type(exc).__name__}: {exc}")
    return exc


def _serve(conn: Connection, parent_pid: int, nice: int, modules: tuple[str, ...]) -> None:
    """A pool process: answer jobs one at a time until the parent closes the pipe."""
    die_with_parent(parent_pid)
    prepare_worker(nice, modules)
    conn.send_bytes(b"ready")
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            fn, args, kwargs = pickle.loads(data)
            answer: tuple[bool, Any] = (True, fn(*args, **kwargs))
        except BaseException as exc:
            answer = (False, _portable(exc))
        try:
            payload = pickle.dumps(answer)
        except Exception as exc:
            payload = pickle.dumps((False, JobFailed(f"the result could not be sent: {exc}")))
        conn.send_bytes(payload)


@dataclass(eq=False)
class _Process:
    process: BaseProcess
    conn: Connection

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()

    def reap(self) -> str:
        """Wait for the dead process and free its pipe; how it ended, for messages."""
        self.process.join(_STOP_SECONDS)
        self.conn.close()
        code = self.process.exitcode
        if code is None:
            return "did not exit"
        return f"was killed by signal {-code}" if code < 0 else f"exited with exit code {code}"


def _roundtrip(proc: _Process, job: bytes) -> tuple[str, Any]:
    """In a helper thread: send one job, wait for its answer: ("ok", result), ("error",
    exception), or ("dead", how the process ended) once it is gone (died, or was killed for
    its time) and reaped."""
    try:
        proc.conn.send_bytes(job)
        data = proc.conn.recv_bytes()
    except (EOFError, OSError):
        proc.kill()
        return "dead", proc.reap()
    try:
        ok, value = pickle.loads(data)
    except Exception as exc:
        return "error", JobFailed(f"its result could not be read: {type(exc).__name__}: {exc}")
    return ("ok" if ok else "error"), value


class _ProcessPool:
    def __init__(self, size: int, timeout: float | None, initargs: tuple[Any, ...]) -> None:
        self._size = size
        self._timeout = timeout
        self._initargs = initargs
        self._ctx = multiprocessing.get_context("spawn")  # no copy of the loop and sockets
        self._idle: list[_Process] = []
        self._all: set[_Process] = set()
        self._slots = asyncio.Semaphore(size)
        # Helper threads wait on pipes; one per process plus room for ones being reaped.
        self._threads = ThreadPoolExecutor(2 * size, thread_name_prefix="feedsvc-extract")
        self.replaced: deque[float] = deque(maxlen=1000)

    async def _started(self) -> _Process:
        """A new process, once it has imported its modules (that time is not the job's)."""
        parent, child = self._ctx.Pipe()
        # Started from the loop's thread: PR_SET_PDEATHSIG is tied to the starting thread.
        process = self._ctx.Process(
            target=_serve,
            args=(child, os.getpid(), *self._initargs),
            name="feedsvc-extract",
            daemon=True,
        )
        process.start()
        child.close()
        proc = _Process(process, parent)
        self._all.add(proc)
        loop = asyncio.get_running_loop()
        try:
            ready = loop.run_in_executor(self._threads, parent.poll, _START_SECONDS)
            if not await ready or parent.recv_bytes() != b"ready":
                raise EOFError
        except (EOFError, OSError):
            proc.kill()
            how = await loop.run_in_executor(self._threads, proc.reap)
            self._all.discard(proc)
            raise JobFailed(f"an extraction process failed to start: it {how}") from None
        except asyncio.CancelledError:
            proc.kill()  # multiprocessing reaps it when it starts the next process
            self._all.discard(proc)
            raise
        return proc

    async def _take(self) -> _Process:
        while self._idle:
            proc = self._idle.pop()
            if proc.process.is_alive():
                return proc
            self._all.discard(proc)  # died while idle; nothing was lost
            self.replaced.append(time.monotonic())
            await asyncio.get_running_loop().run_in_executor(self._threads, proc.reap)
        return await self._started()

    async def run(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        job = await loop.run_in_executor(self._threads, pickle.dumps, (fn, args, kwargs))
        async with self._slots:
            proc = await self._take()
            answer = loop.run_in_executor(self._threads, _roundtrip, proc, job)
            try:
                kind, value = await asyncio.wait_for(asyncio.shield(answer), self._timeout)
            except TimeoutError:
                self._lose(proc)
                await answer  # the kill ends the helper's wait at once; it reaps
                raise JobFailed(
                    f"took longer than {self._timeout:g} s; its extraction process was "
                    "killed and replaced"
                ) from None
            except BaseException:  # cancelled: killing the process is the only way to stop it
                self._lose(proc)
                raise
            if kind == "dead":
                self._all.discard(proc)
                self.replaced.append(time.monotonic())
                raise JobFailed(f"its extraction process {value} and was replaced")
            self._idle.append(proc)
        if kind == "error":
            raise value
        return value  # type: ignore[no-any-return]

    def _lose(self, proc: _Process) -> None:
        proc.kill()
        self._all.discard(proc)
        self.replaced.append(time.monotonic())

    def close(self) -> None:
        for proc in self._all:
            if proc in self._idle:
                proc.conn.close()  # an idle process reads EOF and exits
            else:
                proc.kill()  # a busy one would finish its page first
        for proc in self._all:
            proc.process.join(_STOP_SECONDS)
            proc.kill()
        self._threads.shutdown(wait=True, cancel_futures=True)
        for proc in self._all:
            proc.reap()
        self._all.clear()
        self._idle.clear()


def _ready() -> int:
    return os.getpid()


class Offloader:
    """``run(fn, *args)`` in a pool process (``workers`` > 0) or a thread (``workers`` = 0).

    ``timeout``: seconds a job may take in a process before it is killed (None: no limit).
    """

    def __init__(
        self,
        workers: int,
        *,
        nice: int = 0,
        preload: tuple[str, ...] = (),
        timeout: float | None = None,
    ) -> None:
        if not 0 <= nice <= 19:
            raise ValueError(f"Offloader nice must be between 0 and 19, got {nice}")
        self.workers = workers
        self._pool: _ProcessPool | None = None
        self._thread: ThreadPoolExecutor | None = None
        if workers > 0:
            self._pool = _ProcessPool(workers, timeout, (nice, preload))
        else:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedsvc-parse")

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        if self._pool is not None:
            return await self._pool.run(fn, args, kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, functools.partial(fn, *args, **kwargs))

    async def start(self) -> None:
        """Start the pool's processes now rather than on the first job: a fresh process
        imports the extraction code (about a second of CPU), which a server would rather
        pay at startup than in the middle of its first refresh."""
        await asyncio.gather(*(self.run(_ready) for _ in range(self.workers)))

    def health(self) -> dict[str, int]:
        """Processes replaced (killed for time, or died) in the last ``HEALTH_WINDOW`` s."""
        since = time.monotonic() - HEALTH_WINDOW
        replaced = self._pool.replaced if self._pool is not None else ()
        return {"extract_processes_replaced": sum(1 for t in replaced if t >= since)}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=True)
