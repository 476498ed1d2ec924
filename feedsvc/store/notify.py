"""Change signals on PostgreSQL: one LISTEN connection per process.

Migration 0010 makes PostgreSQL send a notification, when a transaction commits, on
:data:`FEEDS_CHANNEL` if it wrote feed versions or categories and on
:data:`SOURCES_CHANNEL` if it added, edited, enabled, disabled or deleted a source or
made one due sooner. A :class:`ChangeListener` keeps one connection (asyncpg, outside
the engine's pool) listening on the channels it is given and calls its subscribers.

What it promises its users: :attr:`ChangeListener.generation` moves on every
notification *and* whenever the connection is (re)established, and
:attr:`ChangeListener.connected` says whether notifications can be trusted at all. A
change committed while the connection was down is therefore never missed: whoever
remembers data keyed by the generation drops it when the listener reconnects, and does
not remember anything while it is disconnected (web/versions.py's
:class:`NotifyChangeProbe`). The connection is checked with a ``SELECT 1`` every
``check_every`` seconds, and re-established with exponential back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from feedsvc.store.engine import hide_password

log = logging.getLogger(__name__)

FEEDS_CHANNEL = "feedsvc_feeds"
SOURCES_CHANNEL = "feedsvc_sources"
CONNECT_TIMEOUT = 10.0


def listen_connect_args(database_url: str) -> dict[str, Any]:
    """asyncpg.connect keywords for a ``postgresql+asyncpg://`` URL (host, port, user,
    password, database, and ``ssl`` when the URL's query names it)."""
    url = make_url(database_url)
    args: dict[str, Any] = url.translate_connect_args(username="user")
    if "ssl" in url.query:
        args["ssl"] = url.query["ssl"]
    args["server_settings"] = {"application_name": "feedsvc-listener"}
    return args


class ChangeListener:
    def __init__(
        self,
        database_url: str,
        channels: tuple[str, ...] = (FEEDS_CHANNEL, SOURCES_CHANNEL),
        *,
        check_every: float = 5.0,
        backoff: tuple[float, float] = (0.1, 5.0),
    ) -> None:
        self._where = hide_password(database_url)
        self._connect_args = listen_connect_args(database_url)
        self._channels = channels
        self._check_every = check_every
        self._backoff = backoff
        self._subscribers: dict[str, list[Callable[[], None]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._up = asyncio.Event()
        self.generation = 0
        self.connected = False
        self.notifications = 0
        self._listened = False  # the last attempt got as far as listening
        self._warned = False  # this outage was logged

    def subscribe(self, channel: str, callback: Callable[[], None]) -> None:
        """Call ``callback`` on each notification on ``channel`` and on each (re)connect."""
        if channel not in self._channels:
            raise ValueError(f"not listening on {channel!r} (channels: {self._channels})")
        self._subscribers.setdefault(channel, []).append(callback)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="feedsvc-change-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def wait_connected(self, seconds: float) -> bool:
        """True once listening (within ``seconds``), False if not by then."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._up.wait(), seconds)
        return self.connected

    def _changed(self, channel: str | None) -> None:
        self.generation += 1
        for name, callbacks in self._subscribers.items():
            if channel is None or name == channel:
                for callback in callbacks:
                    try:
                        callback()
                    except Exception:  # one subscriber's bug must not stop the others
                        log.exception("change subscriber %r failed", callback)

    def _notified(self, _conn: object, _pid: int, channel: str, _payload: str) -> None:
        self.notifications += 1
        self._changed(channel)

    async def _run(self) -> None:
        delay = self._backoff[0]
        while True:
            self._listened = False
            try:
                await self._listen()
            except Exception as exc:  # the database is away: try again, never give up
                # Once per outage at WARNING, then quietly until it listens again.
                log.log(
                    logging.DEBUG if self._warned else logging.WARNING,
                    "not listening for changes on %s: %s",
                    self._where,
                    exc,
                )
                self._warned = True
            if self._listened:
                delay = self._backoff[0]  # a new outage: start the back-off afresh
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._backoff[1])

    async def _listen(self) -> None:
        conn = await asyncio.wait_for(asyncpg.connect(**self._connect_args), CONNECT_TIMEOUT)
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        try:
            for channel in self._channels:
                await conn.add_listener(channel, self._notified)
            # Anything committed before LISTEN took effect was not signalled: the move of
            # the generation makes every user read afresh.
            self.connected = True
            self._listened, self._warned = True, False
            self._up.set()
            self._changed(None)
            log.info("listening for changes (%s) on %s", ", ".join(self._channels), self._where)
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), self._check_every)
                if not lost.is_set():
                    await asyncio.wait_for(conn.fetchval("SELECT 1"), self._check_every)
            raise ConnectionError("the listening connection was closed")
        finally:
            self.connected = False
            self._up.clear()
            self._changed(None)
            conn.terminate()
