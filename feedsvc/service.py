"""``feedsvc serve``: the feed server, the scheduler, or both, until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from aiohttp import web

from feedsvc.config import AppConfig
from feedsvc.refresh.scheduler import Scheduler
from feedsvc.runtime import make_owner, open_store, refresh_context
from feedsvc.store import Store
from feedsvc.web import create_app

log = logging.getLogger(__name__)


def split_listen(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


@asynccontextmanager
async def running_service(
    config: AppConfig, *, role: str = "all"
) -> AsyncIterator[Scheduler | None]:
    """Start the parts of ``role``; stop them (scheduler first, then the server) on exit."""
    settings = config.settings
    async with AsyncExitStack() as stack:
        store: Store = await stack.enter_async_context(open_store(config, migrate=True))
        scheduler: Scheduler | None = None
        if role in ("all", "worker"):
            ctx = await stack.enter_async_context(
                refresh_context(settings, store, owner=make_owner(role))
            )
            scheduler = Scheduler(ctx)
            scheduler.start()
            stack.push_async_callback(scheduler.stop)
        if role in ("all", "web"):
            sched = scheduler

            async def health() -> dict[str, Any]:
                return sched.health() if sched is not None else {"scheduler": "not in this process"}

            app = create_app(settings, reader=store, health=health)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            stack.push_async_callback(runner.cleanup)
            host, port = split_listen(settings.listen)
            await web.TCPSite(runner, host, port).start()
            log.info(
                "serving feeds on http://%s:%s (public URL %s)",
                host,
                port,
                settings.effective_public_url,
            )
        yield scheduler


async def wait_for_stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def serve(config: AppConfig, *, role: str = "all") -> int:
    async with running_service(config, role=role):
        await wait_for_stop_signal()
    return 0
