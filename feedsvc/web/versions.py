"""Feed versions and category names without a database round trip per request.

Every feed request needs the feed's stored version (its ETag and Last-Modified come from
it). Asking the database each time costs far more than answering the request from the
render cache, and most requests find the data unchanged. A :class:`ChangeProbe` says
cheaply and exactly whether *anything* was committed since it was last asked; while it
says no, :class:`VersionMemo` answers from memory, and on any change it forgets
everything. There is no time-to-live, so no staleness: a ``feedsvc refresh`` in another
process is seen by the very next request.

:class:`SQLiteChangeProbe` reads ``PRAGMA data_version`` on its own read-only connection,
which changes whenever another connection (in any process) commits: a few microseconds,
no thread hop. :class:`NotifyChangeProbe` does the same on PostgreSQL from the
notifications a :class:`~feedsvc.store.notify.ChangeListener` receives (migration 0010's
triggers), plus this process's own commits (so an admin write is seen by the next request
of the process that made it); while its connection is down it says "changed" every time,
so each request reads the database: slower, never stale. Without a probe every call
goes to the reader.

Concurrent misses for one key share one read: right after a commit every waiting request
misses at once, and without this each of them (64 under load) would queue its own read
through the database driver's thread. Sharing is safe because the probe was read before
the shared read started: a request that sees the same token has seen no later commit.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Hashable
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine import make_url

from feedsvc.models import FeedKey, FeedVersion
from feedsvc.web.reader import FeedReader

log = logging.getLogger(__name__)

MAX_ENTRIES = 4096  # feeds and category spellings remembered between two changes

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ChangeProbe(Protocol):
    def token(self) -> object:
        """A value that differs from the previous one whenever the data may have changed."""
        ...


class SQLiteChangeProbe:
    """``PRAGMA data_version`` of the database file at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    @classmethod
    def for_url(cls, database_url: str) -> SQLiteChangeProbe | None:
        """A probe for a SQLite file URL; ``None`` for other databases or in-memory ones."""
        url = make_url(database_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return cls(Path(url.database))

    def token(self) -> object:
        try:
            if self._conn is None:
                # mode=rw: never create a missing file. Autocommit: it never holds a lock
                # or a snapshot between calls, and it never writes.
                self._conn = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None
                )
            row = self._conn.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error as exc:
            log.warning("cannot read the data version of %s: %s", self.path, exc)
            self.close()
            return object()  # unlike any other token: the memo reads the database
        return row[0]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class ChangeCounter(Protocol):
    """What a :class:`NotifyChangeProbe` reads (a ChangeListener)."""

    generation: int
    connected: bool


class NotifyChangeProbe:
    """PostgreSQL: the listener's generation and this process's commit count."""

    def __init__(self, listener: ChangeCounter, own_commits: Callable[[], int]) -> None:
        self.listener = listener
        self.own_commits = own_commits

    def token(self) -> object:
        if not self.listener.connected:
            return object()  # unlike any other token: the memo reads the database
        return (self.listener.generation, self.own_commits())


class VersionMemo:
    def __init__(self, probe: ChangeProbe | None = None) -> None:
        self.probe = probe
        self._token: object = None
        self._versions: dict[FeedKey, FeedVersion | None] = {}
        self._categories: dict[str, str | None] = {}
        self._reading: dict[tuple[str, Hashable], asyncio.Future[Any]] = {}

    def token(self) -> object:
        """The probe's current token (forgetting everything if it moved); None without a
        probe. Equal tokens mean nothing was committed in between."""
        if self.probe is None:
            return None
        token = self.probe.token()
        if token != self._token or len(self._versions) + len(self._categories) > MAX_ENTRIES:
            self._versions.clear()
            self._categories.clear()
            self._reading.clear()
            self._token = token
        return token

    async def feed_version(self, reader: FeedReader, key: FeedKey) -> FeedVersion | None:
        return await self._remembered(
            "version", self._versions, key, lambda: reader.feed_version(key)
        )

    async def resolve_category(self, reader: FeedReader, name_or_slug: str) -> str | None:
        return await self._remembered(
            "category",
            self._categories,
            name_or_slug,
            lambda: reader.resolve_category(name_or_slug),
        )

    async def _remembered(
        self, kind: str, memo: dict[K, V], key: K, read: Callable[[], Awaitable[V]]
    ) -> V:
        if self.token() is None:
            return await read()
        if key in memo:
            return memo[key]
        token = self._token
        slot = (kind, key)
        shared: asyncio.Future[V] | None = self._reading.get(slot)
        if shared is None:
            shared = asyncio.ensure_future(read())
            self._reading[slot] = shared
            shared.add_done_callback(partial(self._forget, slot))
        # shield: one caller going away must not cancel the read the others wait for.
        value = await asyncio.shield(shared)
        # Keep it only if nothing changed while it was read (it may be newer than token).
        if self._token == token:
            memo[key] = value
        return value

    def _forget(self, slot: tuple[str, Hashable], done: asyncio.Future[Any]) -> None:
        if self._reading.get(slot) is done:
            del self._reading[slot]
        if not done.cancelled():
            done.exception()  # retrieved, even when every waiter went away
