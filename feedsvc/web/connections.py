"""The HTTP server against idle and slow clients: a header timeout and a connection cap.

aiohttp closes idle keep-alive connections (``keepalive_timeout``, given to its
``AppRunner``) but has neither a header-read timeout nor a limit on open connections, so
a few thousand clients that connect and send nothing, or half a request line and then
nothing (slowloris), used up the process's file descriptors; from then on every accept
failed and nothing was logged.

:class:`ConnectionGuard` hooks the three places every connection of an aiohttp
``web.Server`` passes (:meth:`ConnectionGuard.install`): ``Server.connection_made`` and
``Server.connection_lost`` (each ``RequestHandler`` calls them on its server) and
``Server.request_factory`` (called once a request's headers are parsed). It wraps them on
that one instance, so aiohttp's protocol stays untouched and costs one extra call a request.

- Header timeout: a connection that has not completed its first request's headers within
  ``header_timeout`` seconds of connecting is closed (one timer a connection, cancelled by
  its first request). The next request on a kept-alive connection is bounded by aiohttp's
  ``keepalive_timeout``, which runs from the end of a response until the next request's
  headers are complete (recent aiohttp also arms it at connect, so a first request gets the
  smaller of the two).
- Connection cap: at most ``limit`` connections open at once (``max_connections``, lowered
  to what the open-file limit leaves, see :func:`connection_limit`). A connection past it
  closes the oldest open connection that has not sent a complete request yet — an idle or
  slowloris client; a real one sends its request right after connecting — else, when every
  connection is serving or has served a request, the new one is answered ``503`` and
  closed. Each process of ``serve --workers N`` applies its own cap.

Both are logged as summaries, at most one line a minute each (:class:`RateLimitedTally`),
never one line a connection.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

# Open files kept for everything but client connections: the database, outgoing fetches
# (max_concurrency), the extraction processes' pipes, logs.
FD_RESERVE = 128
REPORT_EVERY = 60.0  # seconds between two summary lines of one kind
REPORT_DELAY = 1.0  # a burst is counted for this long before its first line
_REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
    b"Content-Type: text/plain\r\nContent-Length: 30\r\n\r\ntoo many connections, retry.\r\n"
)


def connection_limit(max_connections: int) -> int:
    """``max_connections``, lowered to what this process's open-file limit leaves.

    Raises the soft ``RLIMIT_NOFILE`` up to the hard one when that makes room (servers
    commonly do; the hard limit is the administrator's). Past the limit accept() fails
    with EMFILE, which asyncio and uvloop only retry, so the cap must come first.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max_connections + FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        if raised > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
    if soft == resource.RLIM_INFINITY:
        return max_connections
    room = soft - FD_RESERVE if soft > 2 * FD_RESERVE else soft // 2
    if max_connections <= room:
        return max_connections
    log.warning(
        "max_connections %d is more than the open-file limit %d allows (%d kept for the "
        "database, fetches and workers): at most %d connections at once",
        max_connections,
        soft,
        FD_RESERVE,
        room,
    )
    return max(room, 1)


class RateLimitedTally:
    """Counts events and logs their sum at most once per ``every`` seconds.

    The first event of a quiet period is reported ``delay`` seconds later (so a burst is
    one line with its real counts), later ones at least ``every`` seconds after the
    previous line. ``render(counts)`` makes the line.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        render: Callable[[dict[str, int]], str],
        *,
        level: int = logging.WARNING,
        every: float = REPORT_EVERY,
        delay: float = REPORT_DELAY,
    ) -> None:
        self._loop = loop
        self._render = render
        self._level = level
        self._every = every
        self._delay = delay
        self._counts: dict[str, int] = {}
        self._last = -float("inf")
        self._timer: asyncio.TimerHandle | None = None

    def add(self, kind: str) -> None:
        self._counts[kind] = self._counts.get(kind, 0) + 1
        if self._timer is None:
            when = max(self._loop.time() + self._delay, self._last + self._every)
            self._timer = self._loop.call_at(when, self.flush)

    def flush(self) -> None:
        """Log what was counted (if anything) now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._counts:
            counts, self._counts = self._counts, {}
            self._last = self._loop.time()
            log.log(self._level, self._render(counts))


class ConnectionGuard:
    """The header timeout and the connection cap of one server process (module docs)."""

    def __init__(
        self, *, header_timeout: float, limit: int, loop: asyncio.AbstractEventLoop
    ) -> None:
        if header_timeout <= 0 or limit < 1:
            raise ValueError(
                f"need header_timeout > 0 and limit >= 1, got {header_timeout}, {limit}"
            )
        self.header_timeout = header_timeout
        self.limit = limit
        self._loop = loop
        self._open: set[web.RequestHandler] = set()
        # Connections without a complete request yet, oldest first, with their timer.
        self._waiting: OrderedDict[web.RequestHandler, asyncio.TimerHandle] = OrderedDict()
        self._cap_report = RateLimitedTally(loop, self._cap_line)
        self._timeout_report = RateLimitedTally(loop, self._timeout_line, level=logging.INFO)

    @property
    def open_connections(self) -> int:
        return len(self._open)

    def install(self, server: web.Server) -> None:
        """Wrap ``server``'s connection and request hooks (before it accepts anything)."""
        made, lost, make_request = (
            server.connection_made,
            server.connection_lost,
            server.request_factory,
        )

        def connection_made(handler: web.RequestHandler, transport: asyncio.Transport) -> None:
            made(handler, transport)
            self._opened(handler, transport)

        def connection_lost(handler: web.RequestHandler, exc: BaseException | None = None) -> None:
            self._closed(handler)
            lost(handler, exc)

        def request_factory(*args: Any) -> web.BaseRequest:
            timer = self._waiting.pop(args[2], None)  # args[2]: the RequestHandler
            if timer is not None:
                timer.cancel()
            return make_request(*args)

        # Instance attributes shadow the methods for this server only (see module docs).
        server.connection_made = connection_made  # type: ignore[method-assign]
        server.connection_lost = connection_lost  # type: ignore[method-assign]
        server.request_factory = request_factory

    def close(self) -> None:
        """Log what is still counted and stop the timers."""
        for timer in self._waiting.values():
            timer.cancel()
        self._waiting.clear()
        self._cap_report.flush()
        self._timeout_report.flush()

    def _opened(self, handler: web.RequestHandler, transport: asyncio.Transport) -> None:
        if len(self._open) >= self.limit and not self._evict_one():
            self._cap_report.add("refused")
            transport.write(_REFUSAL)
            handler.force_close()  # closes the transport once the 503 is written
            return
        self._open.add(handler)
        timer = self._loop.call_later(self.header_timeout, self._header_timeout, handler)
        self._waiting[handler] = timer

    def _evict_one(self) -> bool:
        """Close the oldest connection without a complete request; False if there is none."""
        if not self._waiting:
            return False
        handler, timer = self._waiting.popitem(last=False)
        timer.cancel()
        self._open.discard(handler)
        handler.force_close()
        self._cap_report.add("evicted")
        return True

    def _header_timeout(self, handler: web.RequestHandler) -> None:
        if self._waiting.pop(handler, None) is not None:
            self._open.discard(handler)
            handler.force_close()
            self._timeout_report.add("closed")

    def _closed(self, handler: web.RequestHandler) -> None:
        self._open.discard(handler)
        timer = self._waiting.pop(handler, None)
        if timer is not None:
            timer.cancel()

    def _cap_line(self, counts: dict[str, int]) -> str:
        return (
            f"connection limit ({self.limit} per process) reached: closed "
            f"{counts.get('evicted', 0)} connections that had sent no request, answered "
            f"{counts.get('refused', 0)} new ones 503"
        )

    def _timeout_line(self, counts: dict[str, int]) -> str:
        return (
            f"closed {counts.get('closed', 0)} connections that sent no complete request "
            f"headers within {self.header_timeout:g}s"
        )
