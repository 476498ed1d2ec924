"""The private-network guard: refuse to connect to addresses inside our own network.

A feed source is a URL someone typed into a config file or the admin API; without a guard it
could make the service request ``http://169.254.169.254/`` (cloud metadata),
``http://localhost:5432/`` or an intranet host, directly or through a redirect.

Where the check happens
    At DNS-resolution time, in :class:`GuardedResolver`, an aiohttp ``AbstractResolver`` that
    wraps the real one and drops every blocked address from the answer (failing when none is
    left). aiohttp asks the resolver for every new connection, so every redirect hop and
    every reconnect is checked against the addresses the socket will actually use: a DNS name
    that answers "public" once and "127.0.0.1" the next time (DNS rebinding) is caught on the
    second resolution, because there is no separate "check, then resolve again" step.
    aiohttp does not call the resolver for IP-literal hosts (``http://10.0.0.1/``), so the
    fetcher calls :meth:`AddressGuard.check_host` for each hop's host as well.

Why two sessions
    ``allow_private`` is per source while connections are pooled. A flag per request cannot
    reach the resolver (it sees only host and port), and a pooled keep-alive connection
    opened for a private source could be reused by a guarded request to the same host. So the
    fetcher keeps two ``ClientSession``\\ s with separate connectors: the guarded one, always,
    and an unguarded one created lazily the first time a source is allowed private addresses.
    They share only the underlying DNS resolver (not its answers, which each connector caches
    separately, after the guard filtered them).

What is blocked
    Unspecified, loopback, link-local, multicast, private (RFC 1918, ULA, …), reserved and
    any other not-globally-routable address (shared/CGNAT space, documentation ranges),
    including the IPv4 address embedded in IPv4-mapped (``::ffff:a.b.c.d``), 6to4, Teredo and
    NAT64 (``64:ff9b::/96``) IPv6 addresses. ``exempt`` networks are let through (tests, or a
    deployment that must reach one known internal host).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from aiohttp.abc import AbstractResolver, ResolveResult

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

_NAT64 = ip_network("64:ff9b::/96")


class BlockedHostError(OSError):
    """Raised by the resolver; an ``OSError`` so aiohttp passes it through its DNS error path.

    The fetcher turns it into :class:`feedsvc.errors.BlockedAddressError` naming the URL.
    """

    def __init__(self, host: str, refused: list[tuple[str, str]]) -> None:
        self.host = host
        self.refused = refused  # (address, reason) for every address the host resolved to
        addresses = ", ".join(f"{address} ({reason})" for address, reason in refused)
        super().__init__(f"host {host!r} resolves only to blocked addresses: {addresses}")


def blocked_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be contacted, or None when it is a public address."""
    if isinstance(ip, IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = blocked_reason(embedded)
            return None if inner is None else f"{inner} IPv4 {embedded} inside IPv6"
    # Most specific first, so the message says "loopback" rather than "private".
    checks: tuple[tuple[bool, str], ...] = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_reserved, "reserved"),
        (ip.is_private, "private"),
        (isinstance(ip, IPv6Address) and ip.is_site_local, "site-local"),
        (not ip.is_global, "not globally routable"),
    )
    for hit, reason in checks:
        if hit:
            return reason
    return None


def _embedded_ipv4(ip: IPv6Address) -> IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client address, which the relay forwards to
    if ip in _NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


class AddressGuard:
    """The blocking policy: :func:`blocked_reason`, minus explicitly ``exempt`` networks."""

    def __init__(self, exempt: Iterable[IPNetwork | str] = ()) -> None:
        self.exempt: tuple[IPNetwork, ...] = tuple(
            net if isinstance(net, IPv4Network | IPv6Network) else ip_network(net, strict=False)
            for net in exempt
        )

    def reason(self, address: str) -> str | None:
        """Why ``address`` (an IP literal, maybe with ``%scope``) is blocked, or None."""
        try:
            ip = ip_address(address)
        except ValueError:
            return "not an IP address"
        if any(ip in net for net in self.exempt):
            return None
        return blocked_reason(ip)

    def check_host(self, host: str) -> None:
        """Raise :class:`BlockedHostError` when ``host`` is a blocked IP literal.

        Host names pass: they are checked when the resolver answers for them.
        """
        literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
        try:
            ip_address(literal)
        except ValueError:
            return
        reason = self.reason(literal)
        if reason is not None:
            raise BlockedHostError(host, [(literal, reason)])


class GuardedResolver(AbstractResolver):
    """Resolves through ``inner`` and keeps only addresses the guard allows.

    It does not own ``inner``: closing it is left to whoever created ``inner``, because the
    same resolver also serves the unguarded session.
    """

    def __init__(self, inner: AbstractResolver, guard: AddressGuard | None = None) -> None:
        self._inner = inner
        self._guard = guard or AddressGuard()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed: list[ResolveResult] = []
        refused: list[tuple[str, str]] = []
        for result in results:
            reason = self._guard.reason(result["host"])
            if reason is None:
                allowed.append(result)
            else:
                refused.append((result["host"], reason))
        if refused and not allowed:
            raise BlockedHostError(host, refused)
        return allowed

    async def close(self) -> None:
        pass


async def host_blocked_reason(host: str, wait: float = 2.0) -> str | None:
    """Why the guard would refuse ``host`` (an IP literal, or a name it resolves to now), or
    None. For validating input early (the admin API); fetches are still checked per hop.
    A name that does not resolve within ``wait`` seconds is not refused here."""
    literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    guard = AddressGuard()
    try:
        ip_address(literal)
    except ValueError:
        pass
    else:
        reason = guard.reason(literal)
        return f"{literal}: {reason}" if reason else None
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(wait):
            infos = await loop.getaddrinfo(literal, None)
    except (OSError, TimeoutError, UnicodeError):
        return None
    for info in infos:
        address = str(info[4][0])
        reason = guard.reason(address)
        if reason:
            return f"{literal} resolves to {address}: {reason}"
    return None
