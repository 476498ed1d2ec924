"""Test helpers for the fetch tests: a DNS stand-in and settings with tiny limits."""

from __future__ import annotations

import socket
from dataclasses import replace

from aiohttp.abc import AbstractResolver, ResolveResult

from feedsvc.config import Settings


class MapResolver(AbstractResolver):
    """Answers from a fixed host → address map, so tests need no real DNS.

    Names may map to private addresses such as 10.x to exercise the guard; such a name must
    only ever be fetched through the guarded session, which refuses it before connecting.
    """

    def __init__(self, mapping: dict[str, str | list[str]]) -> None:
        self.mapping = mapping
        self.calls: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append(host)
        answer = self.mapping.get(host)
        if answer is None:
            raise OSError(f"test resolver: unknown host {host}")
        addresses = [answer] if isinstance(answer, str) else answer
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for address in addresses
        ]

    async def close(self) -> None:
        pass


def make_settings(**overrides: object) -> Settings:
    """Settings for local test servers: loopback allowed, short timeouts; robots.txt is
    tested on its own (tests/fetch/test_fetch_robots.py), so request counts here stay exact."""
    base = Settings(
        allow_private_networks=True,
        obey_robots_txt=False,
        connect_timeout=2.0,
        read_timeout=2.0,
        total_timeout=5.0,
        public_url="http://feeds.example.org",
    )
    return replace(base, **overrides)  # type: ignore[arg-type]
