"""``feedsvc serve`` against idle and slowloris clients (raw sockets on loopback).

The server runs with a small open-file limit (as many hosts have: 1024, here 256) and a
small ``max_connections``, so a few hundred idle connections exceed both: before the
header timeout and the connection cap, they used up the server's file descriptors and
every normal request failed, with nothing logged.
"""

from __future__ import annotations

import select
import socket
import time
import urllib.request
from collections.abc import Iterator, Sequence

import pytest
from live import LiveDeployment

HEADER_TIMEOUT = 2.0
KEEPALIVE_TIMEOUT = 3.0
MAX_CONNECTIONS = 50
NOFILE = 256  # the server process's open-file limit: fewer than the clients below
IDLE, HALF, TRICKLE = 300, 100, 10
SLACK = 4.0  # seconds on top of a timeout, for a loaded 2-core machine
CAP_LINE = "connection limit"
TIMEOUT_LINE = "sent no complete request headers"


def server_env() -> dict[str, str]:
    return {
        "FEEDSVC_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "FEEDSVC_KEEPALIVE_TIMEOUT": str(KEEPALIVE_TIMEOUT),
        "FEEDSVC_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
    }


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDeployment]:
    # No refresh: an empty feed goes through the same route, reader and renderer.
    with LiveDeployment(tmp_path_factory.mktemp("idle"), access_log=False) as deployment:
        deployment.start_server(env=server_env(), nofile=NOFILE)
        yield deployment


def open_sockets(port: int, count: int, first_bytes: bytes = b"") -> list[socket.socket]:
    """``count`` connections that send ``first_bytes`` (maybe nothing) and then stop.

    Stops early after three connects that time out (a server whose backlog is full)."""
    sockets: list[socket.socket] = []
    failures = 0
    while len(sockets) < count and failures < 3:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(1.0)
        try:
            sock.connect(("127.0.0.1", port))
            if first_bytes:
                sock.sendall(first_bytes)
        except OSError:
            sock.close()
            failures += 1
            continue
        sock.setblocking(False)
        sockets.append(sock)
    return sockets


def closed_by_peer(sock: socket.socket) -> bool:
    """Read what is there (a 503, say); True once the server has closed the connection."""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True  # reset


def wait_until_closed(
    sockets: list[socket.socket], deadline: float, trickle: Sequence[socket.socket] = ()
) -> list[socket.socket]:
    """Wait until the server closed every socket or ``deadline``; the ones still open.

    Meanwhile each ``trickle`` socket sends one more byte of a request line every 0.25 s,
    as a slowloris client does (never finishing its headers)."""
    open_ = set(sockets) | set(trickle)
    while open_ and time.monotonic() < deadline:
        readable, _, _ = select.select(list(open_), [], [], 0.25)
        for sock in readable:
            if closed_by_peer(sock):
                open_.discard(sock)
        for sock in trickle:
            if sock in open_:
                try:
                    sock.send(b"X")
                except OSError:
                    open_.discard(sock)
    return list(open_)


def get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        return response.status, time.monotonic() - started


def wait_for_output(live: LiveDeployment, mark: int, text: str, timeout: float = 5.0) -> str:
    """The server's output since ``mark`` once it contains ``text`` (or at ``timeout``)."""
    assert live.server is not None
    deadline = time.monotonic() + timeout
    while text not in (output := live.server.output()[mark:]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return output


def close_all(sockets: list[socket.socket]) -> None:
    for sock in sockets:
        sock.close()


def test_idle_and_slowloris_clients_do_not_starve_a_feed_request(live: LiveDeployment) -> None:
    mark = len(live.server.output()) if live.server else 0
    idle = open_sockets(live.port, IDLE)
    half = open_sockets(live.port, HALF, b"GET /feeds/latest.atom HT")
    trickle = open_sockets(live.port, TRICKLE, b"G")
    opened = time.monotonic()
    clients = idle + half + trickle
    try:
        assert len(clients) == IDLE + HALF + TRICKLE, "the server stopped accepting"
        status, elapsed = get(live.base_url + "/feeds/latest.atom")
        assert status == 200
        assert elapsed < 5.0, f"a feed request took {elapsed:.1f}s beside idle clients"
        still_open = wait_until_closed(
            idle + half, opened + HEADER_TIMEOUT + SLACK, trickle=trickle
        )
        assert still_open == [], f"{len(still_open)} idle clients still connected"
        assert get(live.base_url + "/healthz")[0] == 200
    finally:
        close_all(clients)
    output = wait_for_output(live, mark, TIMEOUT_LINE)  # logged as a summary, shortly after
    # Rate-limited: one line for hundreds of connections closed at the cap.
    assert output.count(CAP_LINE) == 1, output
    assert TIMEOUT_LINE in output, output
    assert "Traceback" not in output, output


def test_idle_keepalive_connection_is_closed(live: LiveDeployment) -> None:
    sock = socket.create_connection(("127.0.0.1", live.port), timeout=5)
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: feeds\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        sock.setblocking(False)
        started = time.monotonic()
        assert wait_until_closed([sock], started + KEEPALIVE_TIMEOUT + SLACK) == []
        assert time.monotonic() - started >= KEEPALIVE_TIMEOUT * 0.5
    finally:
        sock.close()


def test_past_the_cap_busy_connections_stay_and_the_new_one_gets_503(
    live: LiveDeployment,
) -> None:
    """Connections that have sent a request are never evicted for a new one: the new one
    is answered 503 at once, and the kept-alive ones still work."""
    kept: list[socket.socket] = []
    try:
        for _ in range(MAX_CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", live.port), timeout=5)
            kept.append(sock)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: feeds\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        extra = socket.create_connection(("127.0.0.1", live.port), timeout=5)
        kept.append(extra)
        started = time.monotonic()
        assert extra.recv(65536).startswith(b"HTTP/1.1 503")
        assert time.monotonic() - started < 2.0
        kept[0].sendall(b"GET /healthz HTTP/1.1\r\nHost: feeds\r\n\r\n")
        assert kept[0].recv(65536).startswith(b"HTTP/1.1 200")
    finally:
        close_all(kept)
