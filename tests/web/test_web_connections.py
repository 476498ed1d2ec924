"""The header timeout and connection cap (feedsvc/web/connections.py) in process, on
asyncio's loop (the ``feedsvc serve`` test in tests/clients runs uvloop's)."""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from feedsvc.web import connections
from feedsvc.web.connections import ConnectionGuard, RateLimitedTally, connection_limit

HEADER_TIMEOUT = 0.5
LIMIT = 5


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


@pytest.fixture
async def guarded() -> AsyncIterator[tuple[int, ConnectionGuard]]:
    """An aiohttp server on 127.0.0.1 behind a guard: (port, guard)."""
    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app, access_log=None, keepalive_timeout=30)
    await runner.setup()
    guard = ConnectionGuard(
        header_timeout=HEADER_TIMEOUT, limit=LIMIT, loop=asyncio.get_running_loop()
    )
    assert runner.server is not None
    guard.install(runner.server)
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield port, guard
    finally:
        guard.close()
        await runner.cleanup()


async def closed_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    try:
        async with asyncio.timeout(seconds):
            while await reader.read(4096):
                pass
    except TimeoutError:
        return False
    except ConnectionError:
        pass
    return True


async def test_idle_clients_past_the_cap_leave_room_for_a_request(
    guarded: tuple[int, ConnectionGuard], caplog: pytest.LogCaptureFixture
) -> None:
    port, guard = guarded
    caplog.set_level(logging.INFO, logger=connections.__name__)
    clients = [await asyncio.open_connection("127.0.0.1", port) for _ in range(4 * LIMIT)]
    clients[-1][1].write(b"GET / HT")  # half a request line
    await asyncio.sleep(0.05)
    assert guard.open_connections <= LIMIT
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/") as response,
    ):
        assert response.status == 200
        assert await response.text() == "hello"
    started = time.monotonic()
    results = await asyncio.gather(
        *(closed_within(reader, HEADER_TIMEOUT + 3) for reader, _ in clients)
    )
    assert all(results)
    assert time.monotonic() - started < HEADER_TIMEOUT + 3
    for _, writer in clients:
        writer.close()
    guard.close()  # logs what is still counted now rather than a second later
    messages = [r.getMessage() for r in caplog.records]
    assert sum("connection limit (5 per process)" in m for m in messages) == 1, messages
    assert any("within 0.5s" in m for m in messages), messages


async def test_a_connection_that_sent_a_request_is_not_timed_out(
    guarded: tuple[int, ConnectionGuard],
) -> None:
    port, _ = guarded
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await reader.readuntil(b"hello")).startswith(b"HTTP/1.1 200")
    assert not await closed_within(reader, HEADER_TIMEOUT * 3)  # keep-alive: 30 s
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await reader.readuntil(b"hello")).startswith(b"HTTP/1.1 200")
    writer.close()


def test_connection_limit_leaves_room_under_the_open_file_limit(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    raised: list[tuple[int, int]] = []
    monkeypatch.setattr(resource, "getrlimit", lambda _kind: (256, 512))
    monkeypatch.setattr(resource, "setrlimit", lambda _kind, limits: raised.append(limits))
    assert connection_limit(100) == 100
    assert raised == []  # 256 open files leave room for 100 connections
    assert connection_limit(200) == 200
    assert raised == [(328, 512)]  # soft raised to what 200 connections need
    raised.clear()
    with caplog.at_level(logging.WARNING, logger=connections.__name__):
        assert connection_limit(10_000) == 512 - connections.FD_RESERVE
    assert raised == [(512, 512)]  # as far as the hard limit goes, no further
    assert "max_connections 10000 is more than the open-file limit 512" in caplog.text


def test_connection_limit_of_a_tiny_open_file_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resource, "getrlimit", lambda _kind: (64, 64))
    assert connection_limit(1000) == 32


async def test_tally_logs_a_burst_once_then_at_most_once_per_period(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tally = RateLimitedTally(
        asyncio.get_running_loop(), lambda c: f"seen {c['x']}", every=0.4, delay=0.05
    )
    with caplog.at_level(logging.WARNING, logger=connections.__name__):
        for _ in range(100):
            tally.add("x")
        await asyncio.sleep(0.15)
        assert [r.getMessage() for r in caplog.records] == ["seen 100"]
        tally.add("x")
        tally.add("x")
        await asyncio.sleep(0.1)
        assert len(caplog.records) == 1  # within the period: counted, not logged yet
        await asyncio.sleep(0.4)
        assert [r.getMessage() for r in caplog.records] == ["seen 100", "seen 2"]
