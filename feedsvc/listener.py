"""Listening sockets, bound before anything else starts.

``feedsvc serve`` used to open the database, sync the sources and start the scheduler
before binding its port, so a busy port hung or crashed a process that had already
written to the database. Binding comes first now: a busy or forbidden address is one
clear line (:class:`ListenError`) and exit status 1, with nothing started and nothing
written.

``--workers N`` shares the port among N processes with ``SO_REUSEPORT``. Any process of
the same user may join such a group, so a second deployment started on the same port
would silently share it. The supervisor therefore holds a *guard*: a socket bound to the
address WITHOUT ``SO_REUSEPORT`` is impossible while ours are bound (the kernel refuses
it), and the guard itself is bound with ``SO_REUSEPORT`` so our own workers can join.
A second deployment's supervisor first probes the address without ``SO_REUSEPORT``
(:func:`probe_free`), which fails while our guard or workers hold it.
"""

from __future__ import annotations

import errno
import os
import socket

from feedsvc.errors import ListenError

BACKLOG = 128  # aiohttp's default


def split_listen(listen: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8080`` for IPv6) → (host, port)."""
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


def claim_address(listen: str, *, role: str, workers: int) -> list[socket.socket]:
    """What ``serve`` binds before anything else: nothing for ``--role worker``; the
    listening sockets for one process; the guard (:func:`probe_free`) for ``--workers``."""
    if role not in ("all", "web"):
        return []
    host, port = split_listen(listen)
    return probe_free(host, port) if workers > 1 else bind_listeners(host, port)


def bind_each(*addresses: tuple[str, int]) -> list[list[socket.socket]]:
    """:func:`bind_listeners` for each address, all or none: on a failure the ones
    already bound are closed before :class:`ListenError` goes up."""
    bound: list[list[socket.socket]] = []
    try:
        for host, port in addresses:
            bound.append(bind_listeners(host, port))
    except ListenError:
        for sock in (s for group in bound for s in group):
            sock.close()
        raise
    return bound


def bind_listeners(host: str, port: int, *, reuse_port: bool = False) -> list[socket.socket]:
    """Listening sockets for every address ``host`` resolves to (as aiohttp's TCPSite
    would bind), or :class:`ListenError` naming the address, with none left open."""
    return [_listen(sock) for sock in _bind_all(host, port, reuse_port=reuse_port)]


def probe_free(host: str, port: int) -> list[socket.socket]:
    """Bind ``host:port`` with ``SO_REUSEPORT`` but not listening: the supervisor's guard.

    Before binding the guard, a plain bind (no ``SO_REUSEPORT``) proves nobody else holds
    the address, not even a ``SO_REUSEPORT`` group of another deployment. The caller
    keeps the returned sockets open for as long as its workers run."""
    for sock in _bind_all(host, port, reuse_port=False):
        sock.close()
    return _bind_all(host, port, reuse_port=True)


def _bind_all(host: str, port: int, *, reuse_port: bool) -> list[socket.socket]:
    where = f"{host}:{port}" if ":" not in host else f"[{host}]:{port}"
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        raise ListenError(where, f"cannot resolve the host ({exc.strerror})") from None
    bound: list[socket.socket] = []
    seen: set[tuple[object, ...]] = set()
    try:
        for family, kind, proto, _, address in infos:
            if (family, address) in seen:
                continue
            seen.add((family, address))
            sock = socket.socket(family, kind, proto)
            bound.append(sock)
            if os.name == "posix":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if reuse_port:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
    except OSError as exc:
        for sock in bound:
            sock.close()
        raise ListenError(where, _reason(exc)) from None
    return bound


def _listen(sock: socket.socket) -> socket.socket:
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return "the address is already in use (is another feedsvc or server running there?)"
    if exc.errno == errno.EACCES:
        return "permission denied (ports below 1024 need privileges)"
    if exc.errno == errno.EADDRNOTAVAIL:
        return "the address is not on this machine"
    return exc.strerror or str(exc)
