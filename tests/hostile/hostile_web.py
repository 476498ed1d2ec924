"""A hostile web server for tests, on raw asyncio sockets so it can misbehave in ways an
HTTP framework will not: hang, trickle, reset mid-body, lie about lengths, send garbage.

``async with HostileServer({"/path": behaviour, ...}) as server:`` listens on 127.0.0.1 (or
``host``, e.g. 127.0.0.2 to play an internal server) and answers each path with a
behaviour: an async function given the parsed request and the stream writer. The server
reads one request per connection, records it in ``server.requests`` and closes the
connection when the behaviour returns. Unknown paths get a 404. Closing the server
releases every behaviour still waiting (hangs end), so nothing outlives a test.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import struct
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes


Behaviour = Callable[[Request, asyncio.StreamWriter], Awaitable[None]]
MAX_HEAD_BYTES = 64 * 1024


@dataclass
class HostileServer:
    routes: dict[str, Behaviour]
    host: str = "127.0.0.1"
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    _server: asyncio.Server | None = None
    _closing: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._connected, self.host, 0)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def wait_closing(self) -> None:
        """For behaviours that hang: returns when the server closes."""
        await self._closing.wait()

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        try:
            request = await _read_request(reader)
            if request is None:
                return
            self.requests.append(request)
            behaviour = self.routes.get(request.path, not_found)
            await behaviour(request, writer)
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return None
    lines = head[:MAX_HEAD_BYTES].decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().title()] = value.strip()
    length = int(headers.get("Content-Length", "0") or 0)
    body = await reader.readexactly(length) if length else b""
    return Request(method, target.split("?", 1)[0], headers, body)


def head(status: int = 200, **headers: str | int) -> bytes:
    """A status line and headers (``Content_Type`` → ``Content-Type``), ending the head."""
    lines = [f"HTTP/1.1 {status} X"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join([*lines, "Connection: close"]) + "\r\n\r\n").encode("latin-1")


# --- behaviours --------------------------------------------------------------------------


async def not_found(request: Request, writer: asyncio.StreamWriter) -> None:
    writer.write(head(404, Content_Length=0))


def respond(body: bytes, status: int = 200, **headers: str | int) -> Behaviour:
    """An honest response (Content-Length set unless given)."""
    headers.setdefault("Content_Type", "text/html; charset=utf-8")
    headers.setdefault("Content_Length", len(body))

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(status, **headers) + body)

    return behaviour


def redirect(location: str | Callable[[], str], status: int = 302) -> Behaviour:
    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        target = location() if callable(location) else location
        writer.write(head(status, Location=target, Content_Length=0))

    return behaviour


def hang(server: HostileServer, *, send_head: bool = False) -> Behaviour:
    """Accept the request and never answer (or answer the head and never the body)."""

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        if send_head:
            writer.write(head(200, Content_Type="text/html", Content_Length=1000))
            await writer.drain()
        await server.wait_closing()

    return behaviour


def trickle(server: HostileServer, *, every: float, size: int = 100_000) -> Behaviour:
    """Announce ``size`` bytes, then send one byte each ``every`` seconds."""

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, Content_Type="text/html", Content_Length=size))
        for _ in range(size):
            writer.write(b"x")
            await writer.drain()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.wait_closing(), every)
            if server._closing.is_set():
                return

    return behaviour


def reset_mid_body(sent: int = 1000, announced: int = 100_000) -> Behaviour:
    """Send part of the body, then reset the connection (RST, not a clean close)."""

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, Content_Type="text/html", Content_Length=announced))
        writer.write(b"<html><body>" + b"x" * sent)
        await writer.drain()
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    return behaviour


def truncated(sent: bytes = b"<html><body><p>cut", announced: int = 5000) -> Behaviour:
    """Announce more bytes than are sent, then close cleanly."""
    return raw(head(200, Content_Type="text/html", Content_Length=announced) + sent)


def raw(data: bytes) -> Behaviour:
    """Send exactly ``data`` (which need not be HTTP at all) and close."""

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(data)

    return behaviour


def endless(server: HostileServer, chunk: bytes = b"x" * 65536) -> Behaviour:
    """A chunked body that never ends (until the client gives up)."""

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, Content_Type="text/html", Transfer_Encoding="chunked"))
        while not server._closing.is_set():
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()

    return behaviour


def gzip_bomb(inflated: int = 4 * 1024 * 1024) -> bytes:
    """A small gzip body that inflates to ``inflated`` zero bytes."""
    return gzip.compress(b"\0" * inflated, compresslevel=9)


# --- a public site and an internal one, for SSRF tests -------------------------------------

# The public site listens on 127.0.0.1 under these names (that one address is exempt from
# the guard in SSRF tests, as a public address would be); the internal server listens on
# 127.0.0.2, reached as the literal or as intranet.test.
SSRF_NAMES: dict[str, str | list[str]] = {
    "news.test": "127.0.0.1",
    "other.test": "127.0.0.1",
    "intranet.test": "127.0.0.2",
}
PUBLIC_EXEMPT = ("127.0.0.1/32",)
# The forms a redirect can name the internal server in: an IP literal (which aiohttp never
# hands to the resolver) and a host name resolving to it.
INTERNAL_FORMS = ("127.0.0.2", "intranet.test")
PAGE = b"<html><head><title>t</title></head><body><p>public page</p></body></html>"


@dataclass
class SsrfPair:
    public: HostileServer
    internal: HostileServer

    def public_url(self, path: str, host: str = "news.test") -> str:
        return self.public.url(path, host)

    def internal_url(self, form: str, path: str = "/secret") -> str:
        return self.internal.url(path, form)

    def chain(self, hops: int, last: str, prefix: str = "/r") -> str:
        """Make ``{prefix}0`` redirect ``hops`` times on the public site, then to ``last``."""
        for n in range(hops):
            self.public.routes[f"{prefix}{n}"] = redirect(self.public_url(f"{prefix}{n + 1}"))
        self.public.routes[f"{prefix}{hops}"] = redirect(last)
        return self.public_url(f"{prefix}0")
