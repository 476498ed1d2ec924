"""``feedsvc serve``: the feed server, the scheduler, or both, until SIGINT/SIGTERM.

``--workers N`` (N > 1) runs N server processes that share the port with SO_REUSEPORT, so
the kernel spreads connections over N event loops. The parent migrates the database and
syncs the sources once, then only supervises: it forwards SIGINT/SIGTERM and stops every
worker when one dies. Role ``web`` never syncs the sources file (it only serves what is
stored); ``all`` and ``worker`` do, and refuse a file that would disable every enabled
source unless ``--prune``; they apply it again on SIGHUP and when it changes (reload.py;
with ``--workers`` the supervising parent watches it). With role ``all`` only worker 0
runs the scheduler (the others are ``web``): the database leases would keep several
schedulers correct, but one is enough and keeps fetch concurrency limits per deployment
meaningful. With role ``worker`` every
process runs a scheduler and the leases share the sources among them.

With ``metrics`` on, every process records into the deployment's metrics directory
(metrics/directory.py: created, and cleared of stopped processes' files, at start; this
run's files deleted at exit), and any web process's ``/metrics`` sums them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import socket
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from feedsvc.config import AppConfig, Settings
from feedsvc.listener import bind_listeners, claim_address, split_listen
from feedsvc.metrics.directory import metrics_directory, prepare_directory, remove_process_files
from feedsvc.metrics.instruments import use_directory
from feedsvc.refresh.leases import make_owner
from feedsvc.refresh.scheduler import Scheduler
from feedsvc.reload import SourcesReloader
from feedsvc.runtime import (
    auto_migrates,
    configure_logging,
    open_database,
    open_store,
    refresh_context,
    utc_now,
)
from feedsvc.store import Store
from feedsvc.store.notify import SOURCES_CHANNEL
from feedsvc.web.serving import listen_for_changes, start_web

log = logging.getLogger(__name__)

_SUPERVISE_EVERY = 0.2  # seconds between checks that every worker is still alive


def loop_factory(settings: Settings) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when it is installed and ``event_loop`` allows it; None = asyncio's.

    uvloop makes each cached feed response about 10% cheaper (bench/serve.py); everything
    here works on either loop, so a machine without it simply runs asyncio.
    """
    if settings.event_loop == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def run_serve(
    config: AppConfig,
    *,
    role: str = "all",
    workers: int = 1,
    sockets: list[socket.socket] | None = None,
    prune: bool = False,
) -> int:
    """:func:`serve` to completion on the configured event loop (the CLI's entry point)."""
    with asyncio.Runner(loop_factory=loop_factory(config.settings)) as runner:
        return runner.run(serve(config, role=role, workers=workers, sockets=sockets, prune=prune))


def syncs_sources(role: str) -> bool:
    """Roles that run the scheduler apply the sources file; ``web`` only reads the database."""
    return role in ("all", "worker")


@asynccontextmanager
async def running_service(
    config: AppConfig,
    *,
    role: str = "all",
    reuse_port: bool = False,
    prepared: bool = False,
    listeners: list[socket.socket] | None = None,
    prune: bool = False,
) -> AsyncIterator[Scheduler | None]:
    """Start the parts of ``role``; stop them (scheduler first, then the server) on exit.

    ``prepared``: the database is already migrated and the sources synced (by the parent of
    ``--workers``), so this process only opens it. ``listeners``: sockets already bound to
    ``listen`` (listener.py); without them the address is bound here, before anything else.
    ``prune``: see :func:`runtime.open_store`.
    """
    settings = config.settings
    serves_web = role in ("all", "web")
    host, port = split_listen(settings.listen)
    if listeners is None:
        # The port first: a busy address stops us before anything is opened or written.
        listeners = bind_listeners(host, port, reuse_port=reuse_port) if serves_web else []
    async with AsyncExitStack() as stack:
        for listener in listeners:
            stack.callback(listener.close)
        if settings.metrics:
            stack.enter_context(recording_metrics(settings))
        store: Store
        if prepared:
            store = await open_database(config, migrate=False)
            stack.push_async_callback(store.close)
        else:
            store = await stack.enter_async_context(
                open_store(
                    config,
                    migrate=auto_migrates(settings),
                    sync=syncs_sources(role),
                    prune=prune,
                )
            )
        reloader = None
        if not prepared and syncs_sources(role) and config.path is not None:
            reloader = await _start_reloader(stack, config, store, prune)
        _on_sighup(stack, reloader, role=role, prepared=prepared)
        changes = listen_for_changes(stack, settings, store)
        scheduler: Scheduler | None = None
        if role in ("all", "worker"):
            ctx = await stack.enter_async_context(
                refresh_context(settings, store, owner=make_owner(role))
            )
            await ctx.offloader.start()  # its imports now, not during the first refresh
            scheduler = Scheduler(ctx)
            scheduler.start()
            stack.push_async_callback(scheduler.stop)
            if changes is not None:  # a source added or made due elsewhere: claim it now
                changes.subscribe(SOURCES_CHANNEL, scheduler.wake)
        if serves_web:
            await start_web(stack, settings, store, scheduler, listeners, changes)
        yield scheduler


@contextlib.contextmanager
def recording_metrics(settings: Settings) -> Iterator[None]:
    """Record this process's metrics in the deployment's directory (multiprocess mode),
    back to memory afterwards; its files stay for the others until :func:`serve` ends."""
    directory = metrics_directory(settings)
    prepare_directory(directory)
    use_directory(str(directory))
    try:
        yield
    finally:
        use_directory(None)


async def _start_reloader(
    stack: AsyncExitStack, config: AppConfig, store: Store, prune: bool
) -> SourcesReloader:
    """Watch the sources file (reload.py) until ``stack`` closes."""
    reloader = SourcesReloader(config, store, prune=prune, now=utc_now)
    await reloader.start()
    stack.push_async_callback(reloader.stop)
    return reloader


def _on_sighup(
    stack: AsyncExitStack, reloader: SourcesReloader | None, *, role: str, prepared: bool
) -> None:
    """SIGHUP reloads the sources file where this process watches it; elsewhere it is
    logged and ignored (never the default, which would end the process)."""

    def ignored() -> None:
        if prepared:
            log.debug("SIGHUP: the supervising process reloads the sources file")
        else:
            log.info("SIGHUP ignored: role %s does not read a sources file", role)

    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGHUP, reloader.request if reloader else ignored)
        stack.callback(loop.remove_signal_handler, signal.SIGHUP)


async def wait_for_stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def serve(
    config: AppConfig,
    *,
    role: str = "all",
    workers: int = 1,
    sockets: list[socket.socket] | None = None,
    prune: bool = False,
) -> int:
    """Run until SIGINT/SIGTERM. ``sockets``: what :func:`listener.claim_address` bound
    for this role and worker count (bound here when not given)."""
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if sockets is None:
        sockets = claim_address(config.settings.listen, role=role, workers=workers)
    if workers > 1:
        return await _supervise(config, role, workers, guard=sockets, prune=prune)
    try:
        async with running_service(config, role=role, listeners=sockets, prune=prune):
            await wait_for_stop_signal()
    finally:
        _forget_metrics(config.settings, [os.getpid()])
    return 0


def _forget_metrics(settings: Settings, pids: Sequence[int | None]) -> None:
    """Delete the metrics files of this run's processes (a next start would anyway)."""
    if settings.metrics:
        remove_process_files(metrics_directory(settings), pids)


def worker_role(role: str, index: int) -> str:
    """The role of worker ``index``: the scheduler of role ``all`` runs in worker 0 only."""
    return "web" if role == "all" and index > 0 else role


async def _supervise(
    config: AppConfig, role: str, workers: int, *, guard: list[socket.socket], prune: bool
) -> int:
    """Run ``workers`` processes; ``guard`` holds the port against another deployment
    (listener.py) while our workers share it with SO_REUSEPORT."""
    try:
        return await _run_workers(config, role, workers, prune)
    finally:
        for sock in guard:
            sock.close()


async def _run_workers(config: AppConfig, role: str, workers: int, prune: bool) -> int:
    # Migrate and sync once, so the workers never race to do it; this process then
    # watches the sources file for them.
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(
            open_store(
                config,
                migrate=auto_migrates(config.settings),
                sync=syncs_sources(role),
                prune=prune,
            )
        )
        reloader = None
        if syncs_sources(role) and config.path is not None:
            reloader = await _start_reloader(stack, config, store, prune)
        _on_sighup(stack, reloader, role=role, prepared=False)
        if config.settings.metrics:  # created and cleared once, before any worker writes
            prepare_directory(metrics_directory(config.settings))
        return await _supervise_workers(config, role, workers)


async def _supervise_workers(config: AppConfig, role: str, workers: int) -> int:
    # spawn, not fork: each worker starts clean, without this process's loop or threads.
    ctx = multiprocessing.get_context("spawn")
    processes = [
        ctx.Process(
            target=_worker_main,
            args=(config, worker_role(role, i)),
            name=f"feedsvc-worker-{i}",
        )
        for i in range(workers)
    ]
    for process in processes:
        process.start()
    log.info(
        "started %d %s workers (pids %s)",
        workers,
        role,
        ", ".join(str(p.pid) for p in processes),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    failed = False
    while not stop.is_set():
        dead = [p for p in processes if not p.is_alive()]
        if dead:
            for p in dead:
                log.error("worker %s (pid %s) exited with %s", p.name, p.pid, p.exitcode)
            failed = True
            break
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), _SUPERVISE_EVERY)
    for process in processes:
        if process.is_alive() and process.pid is not None:
            process.terminate()  # SIGTERM: the worker stops its scheduler and server cleanly
    await asyncio.to_thread(_join_all, processes)
    _forget_metrics(config.settings, [p.pid for p in processes])
    failed = failed or any(p.exitcode != 0 for p in processes)
    return 1 if failed else 0


def _join_all(processes: Sequence[multiprocessing.process.BaseProcess]) -> None:
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
            process.join()


def _worker_main(config: AppConfig, role: str) -> None:
    configure_logging(config.settings)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # the parent reloads the sources file
    # Ctrl-C reaches the whole process group; the parent reports the outcome.
    with (
        contextlib.suppress(KeyboardInterrupt),
        asyncio.Runner(loop_factory=loop_factory(config.settings)) as runner,
    ):
        runner.run(_worker(config, role))


async def _worker(config: AppConfig, role: str) -> None:
    async with running_service(config, role=role, reuse_port=True, prepared=True):
        await wait_for_stop_signal()
