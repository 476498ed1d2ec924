"""robots.txt: fetched once per origin, cached for ``robots_ttl`` seconds, obeyed.

A polite scraper asks first. Rules are read with the standard library's parser under the
product token ``feedsvc``. A missing robots.txt (4xx) allows everything; an unreachable one
(5xx, network error, oversized, or redirected to a blocked address) also allows, for a
shorter time, and is logged: a broken robots.txt should not silently stop a feed an admin
configured on purpose. The Fetcher loads it through the same hop checks and guard as pages
(redirects included), decompressed, and at most ``MAX_ROBOTS_BYTES``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from yarl import URL

log = logging.getLogger(__name__)

PRODUCT_TOKEN = "feedsvc"
MAX_ROBOTS_BYTES = 512 * 1024
RETRY_UNREACHABLE_SECONDS = 600.0

# Loads an origin's robots.txt: (status, body) or an exception for unreachable.
RobotsLoader = Callable[[URL], Awaitable[tuple[int, bytes]]]


@dataclass
class _Entry:
    parser: RobotFileParser
    expires: float


def parse_robots(status: int, body: bytes) -> RobotFileParser:
    parser = RobotFileParser()
    # No rules at all (a missing or broken robots.txt) allow everything.
    text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace") if 200 <= status < 300 else ""
    parser.parse(text.splitlines())
    parser.modified()  # RobotFileParser refuses everything until told it has read rules
    return parser


class RobotsRules:
    """Per-origin robots.txt cache; one load per origin at a time."""

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, target: URL, load: RobotsLoader) -> bool:
        """Whether robots.txt lets feedsvc fetch ``target``; ``load`` fetches robots.txt."""
        origin = target.origin()
        key = str(origin)
        entry = self._entries.get(key)
        if entry is None or entry.expires < time.monotonic():
            lock = self._locks.setdefault(key, asyncio.Lock())
            async with lock:
                entry = self._entries.get(key)
                if entry is None or entry.expires < time.monotonic():
                    entry = await self._fetch(origin, load)
                    self._entries[key] = entry
        return entry.parser.can_fetch(PRODUCT_TOKEN, str(target))

    async def _fetch(self, origin: URL, load: RobotsLoader) -> _Entry:
        robots_url = origin.with_path("/robots.txt")
        try:
            status, body = await load(robots_url)
        except Exception as exc:
            log.warning("%s unreachable (%s); allowing for now", robots_url, exc)
            return _Entry(parse_robots(599, b""), time.monotonic() + RETRY_UNREACHABLE_SECONDS)
        if status >= 500:
            log.warning("%s answered %s; allowing for now", robots_url, status)
            return _Entry(parse_robots(status, b""), time.monotonic() + RETRY_UNREACHABLE_SECONDS)
        return _Entry(parse_robots(status, body), time.monotonic() + self._ttl)
