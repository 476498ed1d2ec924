"""One hop of a request chain: URL checks, per-host slots and the mapping of aiohttp's
exceptions to the :mod:`feedsvc.errors` classes, each naming the URL that was asked for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import aiohttp
from yarl import URL

from feedsvc.config import Settings
from feedsvc.errors import (
    BlockedAddressError,
    ConnectionFailedError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
)
from feedsvc.fetch.guard import BlockedHostError
from feedsvc.models import PageValidators

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass
class _HostSlot:
    semaphore: asyncio.Semaphore
    users: int = 0


class HostLimiter:
    """One semaphore per host, dropped again when nobody holds or waits for it."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._slots: dict[str, _HostSlot] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        entry = self._slots.get(host)
        if entry is None:
            entry = self._slots[host] = _HostSlot(asyncio.Semaphore(self._limit))
        entry.users += 1
        try:
            async with entry.semaphore:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._slots[host]


def http_url(url: str, raw: str, *, base: URL | None = None) -> URL:
    """Parse (and resolve against ``base``) an http(s) URL, or raise naming ``url``."""
    try:
        parsed = URL(raw)
        if base is not None:
            parsed = base.join(parsed)
    except (ValueError, TypeError) as exc:
        raise FetchError(url, f"invalid URL {raw!r}: {exc}") from exc
    what = "redirect to" if base is not None else "URL"
    if parsed.scheme not in ("http", "https"):
        raise FetchError(url, f"{what} {raw!r}: only http and https URLs are fetched")
    if not parsed.host:
        raise FetchError(url, f"{what} {raw!r} has no host")
    return parsed


def redirect_target(url: str, response: aiohttp.ClientResponse) -> URL | None:
    """Where a redirect response points (checked), or None when it is no redirect."""
    if response.status not in REDIRECT_STATUSES:
        return None
    location = response.headers.get("Location")
    if not location:
        raise HTTPStatusError(
            url, response.status, f"HTTP {response.status} without a Location header"
        )
    return http_url(url, location, base=response.url)


def conditional_headers(validators: PageValidators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators is not None:
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
    return headers


def hop_label(target: URL) -> str:
    return f"{target.host}:{target.port}"


def blocked_error(url: str, target: URL, error: BlockedHostError) -> BlockedAddressError:
    where = "" if str(target) == url else f" (redirected to {target})"
    return BlockedAddressError(
        url,
        f"{error}{where}; set allow_private_networks for sources on private networks",
    )


@contextmanager
def hop_errors(url: str, target: URL, settings: Settings) -> Iterator[None]:
    """Turn aiohttp's exceptions for the request to ``target`` into FetchErrors naming ``url``."""
    try:
        yield
    except aiohttp.ClientConnectorError as exc:
        if isinstance(exc.os_error, BlockedHostError):
            raise blocked_error(url, target, exc.os_error) from exc
        raise ConnectionFailedError(url, f"cannot connect to {hop_label(target)}: {exc}") from exc
    except aiohttp.ConnectionTimeoutError as exc:
        raise FetchTimeoutError(
            url,
            f"no connection to {hop_label(target)} within "
            f"connect_timeout={settings.connect_timeout:g}s",
        ) from exc
    except aiohttp.ServerTimeoutError as exc:
        raise FetchTimeoutError(
            url, f"{hop_label(target)} sent nothing for read_timeout={settings.read_timeout:g}s"
        ) from exc
    except aiohttp.InvalidURL as exc:
        raise FetchError(url, f"invalid URL {exc}") from exc
    except aiohttp.ClientError as exc:
        raise ConnectionFailedError(
            url, f"{hop_label(target)}: {type(exc).__name__}: {exc}"
        ) from exc


@asynccontextmanager
async def deadline(url: str, seconds: float, what: str) -> AsyncIterator[None]:
    """``asyncio.timeout(seconds)``, raising FetchTimeoutError naming ``url`` and ``what``."""
    timer = asyncio.timeout(seconds)
    try:
        async with timer:
            yield
    except TimeoutError as exc:
        reason = (
            f"no complete response within {what}={seconds:g}s"
            if timer.expired()
            else f"timed out: {exc or type(exc).__name__}"
        )
        raise FetchTimeoutError(url, reason) from exc
