"""The web server of one process: the app on its sockets, with the change signal that
keeps its memos exact (web/versions.py), until the caller's exit stack closes."""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
from contextlib import AsyncExitStack
from typing import Any

from aiohttp import web

from feedsvc.admintokens import parse_admin_tokens
from feedsvc.config import Settings
from feedsvc.listener import split_listen
from feedsvc.refresh.scheduler import Scheduler
from feedsvc.store import Store
from feedsvc.store.notify import ChangeListener
from feedsvc.web import create_app
from feedsvc.web.api import ApiContext
from feedsvc.web.app import limit_web_error_logs
from feedsvc.web.connections import ConnectionGuard, connection_limit
from feedsvc.web.versions import ChangeProbe, NotifyChangeProbe, SQLiteChangeProbe, VersionMemo

log = logging.getLogger(__name__)

# Conditional headers are in the line so a client's revalidation can be checked from the
# server's side; the pid tells which worker answered.
ACCESS_LOG_FORMAT = '%a "%r" %s %b inm=%{If-None-Match}i ims=%{If-Modified-Since}i pid=%P'


def listen_for_changes(
    stack: AsyncExitStack, settings: Settings, store: Store
) -> ChangeListener | None:
    """PostgreSQL: this process's one LISTEN connection (store/notify.py), until ``stack``
    closes; None on SQLite, whose ``data_version`` needs no connection of its own."""
    if store.dialect != "postgresql":
        return None
    listener = ChangeListener(settings.database_url)
    listener.start()
    stack.push_async_callback(listener.stop)
    return listener


def _change_probe(
    stack: AsyncExitStack, settings: Settings, store: Store, changes: ChangeListener | None
) -> ChangeProbe | None:
    """What tells the web memos that something was committed (web/versions.py)."""
    if changes is not None:
        return NotifyChangeProbe(changes, lambda: store.commits)
    probe = SQLiteChangeProbe.for_url(settings.database_url)
    if probe is not None:
        stack.callback(probe.close)
    return probe


async def start_web(
    stack: AsyncExitStack,
    settings: Settings,
    store: Store,
    scheduler: Scheduler | None,
    listeners: list[socket.socket],
    changes: ChangeListener | None,
) -> None:
    """Serve feeds, health and the admin API on ``listeners`` until ``stack`` closes."""

    async def health() -> dict[str, Any]:
        return scheduler.health() if scheduler is not None else {"scheduler": "not in this process"}

    # Versions come from memory until something commits (web/versions.py).
    probe = _change_probe(stack, settings, store, changes)
    api = ApiContext(
        settings,
        store,
        parse_admin_tokens(settings.admin_tokens),
        refresh_now=scheduler.refresh_now if scheduler is not None else None,
    )
    app = create_app(
        settings,
        reader=store,
        health=health,
        versions=VersionMemo(probe),
        ready=store.check_ready,
        api=api,
        source_states=store.list_sources,
    )
    limit_web_error_logs()
    # handler_cancellation stays off (aiohttp's default): a client that hangs up
    # never cancels a render other requests wait for (the cache shields it too).
    runner = web.AppRunner(
        app, keepalive_timeout=settings.keepalive_timeout, **_access_log_args(settings)
    )
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    # Header timeout and connection cap (web/connections.py), before any accept.
    guard = ConnectionGuard(
        header_timeout=settings.header_timeout,
        limit=connection_limit(settings.max_connections),
        loop=asyncio.get_running_loop(),
    )
    assert runner.server is not None
    guard.install(runner.server)
    stack.callback(guard.close)
    for listener in listeners:
        await web.SockSite(runner, listener).start()
    # Everything allocated so far lives as long as the server: keep it out of the
    # collector's full passes, which otherwise walk it all (a latency spike).
    gc.freeze()
    host, port = split_listen(settings.listen)
    log.info(
        "serving feeds on http://%s:%s (public URL %s)",
        host,
        port,
        settings.effective_public_url,
    )


def _access_log_args(settings: Settings) -> dict[str, Any]:
    if settings.access_log:
        return {
            "access_log": logging.getLogger("feedsvc.access"),
            "access_log_format": ACCESS_LOG_FORMAT,
        }
    return {"access_log": None}  # no logging on the hot path
