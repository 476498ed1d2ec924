"""``Fetcher``: one GET of one page, with every limit a scraper of strangers' sites needs.

``async with Fetcher(settings) as fetcher`` owns the HTTP sessions; nothing is module-level.
``await fetcher.fetch(url)`` returns a :class:`~feedsvc.models.FetchResult` for a 2xx or a
304 response and raises a :class:`~feedsvc.errors.FetchError` subclass naming the URL for
everything else.

* Redirects are followed here, not by aiohttp, so every hop is checked: scheme (http/https
  only), the private-network guard (IP literals here; host names in the resolver, see
  :mod:`feedsvc.fetch.guard`) and the ``max_redirects`` count.
* Time: ``connect_timeout`` (DNS + connect) and ``read_timeout`` (silence between bytes)
  per request; ``total_timeout`` covers the whole redirect chain and body, but not the wait
  for a concurrency slot (a busy host queues fetches; it does not fail them).
* Concurrency: a slot on the requested URL's host (``per_host_concurrency``), then a global
  slot (``max_concurrency``), held for the whole chain. Hops of a redirect to another host
  run under the first host's slot: taking a second host's slot while holding one could
  deadlock two chains that redirect in opposite directions.
* Size: see :mod:`feedsvc.fetch.body` for exactly what ``max_body_bytes`` and
  ``max_decompressed_bytes`` bound.
* Content: only HTML-like types (or none given) are read; images, PDFs, … raise
  :class:`~feedsvc.errors.UnsupportedContentError` before their body is downloaded.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from feedsvc import __version__
from feedsvc.config import Settings
from feedsvc.errors import (
    BlockedAddressError,
    ConfigError,
    ConnectionFailedError,
    DecodeError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    RobotsDisallowedError,
    TooManyRedirectsError,
    UnsupportedContentError,
)
from feedsvc.fetch.body import ACCEPT_ENCODING, read_capped
from feedsvc.fetch.charset import decode_html, garbled_reason
from feedsvc.fetch.guard import AddressGuard, BlockedHostError, GuardedResolver, IPNetwork
from feedsvc.fetch.robots import MAX_ROBOTS_BYTES, RobotsRules
from feedsvc.models import FetchResult, PageValidators

ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.8"
HTML_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "text/xml", "application/xml"}
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DNS_CACHE_SECONDS = 10


def default_user_agent(settings: Settings) -> str:
    """An honest User-Agent: who we are and where to find out more."""
    return settings.user_agent or f"feedsvc/{__version__} (+{settings.effective_public_url})"


@dataclass
class _HostSlot:
    semaphore: asyncio.Semaphore
    users: int = 0


class _HostLimiter:
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


class Fetcher:
    """Fetches pages; use as ``async with Fetcher(settings) as fetcher``.

    ``resolver`` replaces DNS (tests map names to addresses with it); the Fetcher does not
    close a resolver it was given. ``guard_exempt`` lists networks the private-network guard
    lets through even for guarded fetches.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        resolver: AbstractResolver | None = None,
        guard_exempt: Iterable[IPNetwork | str] = (),
    ) -> None:
        positive = ("per_host_concurrency", "max_concurrency", "max_body_bytes")
        for name in (*positive, "max_decompressed_bytes"):
            if getattr(settings, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(settings, name)}")
        if settings.max_redirects < 0:
            raise ConfigError(f"max_redirects must be 0 or more, got {settings.max_redirects}")
        self._settings = settings
        self._given_resolver = resolver
        self._resolver: AbstractResolver | None = None
        self._guard = AddressGuard(guard_exempt)
        self._guarded: aiohttp.ClientSession | None = None
        self._unguarded: aiohttp.ClientSession | None = None
        self._hosts = _HostLimiter(settings.per_host_concurrency)
        self._global = asyncio.Semaphore(settings.max_concurrency)
        self._robots = RobotsRules(settings.robots_ttl) if settings.obey_robots_txt else None
        self._headers = {
            "User-Agent": default_user_agent(settings),
            "Accept": ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
            "Accept-Language": ACCEPT_LANGUAGE,
        }

    async def __aenter__(self) -> Self:
        if self._guarded is not None:
            raise RuntimeError("Fetcher is already open")
        self._resolver = self._given_resolver or aiohttp.DefaultResolver()
        self._guarded = self._new_session(GuardedResolver(self._resolver, self._guard))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        sessions = (self._guarded, self._unguarded)
        self._guarded = self._unguarded = None
        for session in sessions:
            if session is not None:
                await session.close()
        if self._resolver is not None and self._given_resolver is None:
            await self._resolver.close()
        self._resolver = None

    def _new_session(self, resolver: AbstractResolver) -> aiohttp.ClientSession:
        settings = self._settings
        connector = aiohttp.TCPConnector(
            resolver=resolver,
            limit=settings.max_concurrency,
            ttl_dns_cache=DNS_CACHE_SECONDS,
        )
        return aiohttp.ClientSession(
            connector=connector,
            headers=self._headers,
            timeout=aiohttp.ClientTimeout(
                total=None, connect=settings.connect_timeout, sock_read=settings.read_timeout
            ),
            auto_decompress=False,  # body.read_capped decompresses, to cap both sizes
            trust_env=False,  # no proxy from the environment: it would bypass the guard
        )

    def _session(self, guarded: bool) -> aiohttp.ClientSession:
        if self._guarded is None or self._resolver is None:
            raise RuntimeError("Fetcher is not open: use 'async with Fetcher(settings) as f'")
        if guarded:
            return self._guarded
        if self._unguarded is None:
            self._unguarded = self._new_session(self._resolver)
        return self._unguarded

    async def fetch(
        self,
        url: str,
        *,
        validators: PageValidators | None = None,
        allow_private: bool | None = None,
        encoding: str | None = None,
    ) -> FetchResult:
        """GET ``url``; 2xx → decoded page, 304 → ``FetchResult(status=304)``, else raise.

        ``allow_private`` None means ``settings.allow_private_networks``; ``encoding``
        forces a charset (see :func:`~feedsvc.fetch.charset.decode_html`).
        """
        if allow_private is None:
            allow_private = self._settings.allow_private_networks
        session = self._session(guarded=not allow_private)
        target = _http_url(url, url)
        total = self._settings.total_timeout
        async with self._hosts.slot(target.host or ""), self._global:
            deadline = asyncio.timeout(total)
            try:
                async with deadline:
                    return await self._follow(session, url, target, validators, encoding)
            except TimeoutError as exc:
                reason = (
                    f"no complete response within total_timeout={total:g}s"
                    if deadline.expired()
                    else f"timed out: {exc or type(exc).__name__}"
                )
                raise FetchTimeoutError(url, reason) from exc

    async def _follow(
        self,
        session: aiohttp.ClientSession,
        url: str,
        target: URL,
        validators: PageValidators | None,
        encoding: str | None,
    ) -> FetchResult:
        headers = _conditional_headers(validators)
        chain = [str(target)]
        guarded = session is self._guarded
        while True:
            if guarded:
                self._check_literal(url, target)
            if self._robots is not None and not await self._robots.allowed(
                target, functools.partial(self._load_robots, session)
            ):
                where = "" if str(target) == url else f" (redirected to {target})"
                raise RobotsDisallowedError(
                    url, f"disallowed by {target.origin()}/robots.txt{where}"
                )
            location = await self._request(session, url, target, headers, validators, encoding)
            if isinstance(location, FetchResult):
                return location
            if len(chain) > self._settings.max_redirects:
                raise TooManyRedirectsError(
                    url,
                    f"more than max_redirects={self._settings.max_redirects} redirects: "
                    + " → ".join([*chain, str(location)]),
                )
            target = location
            chain.append(str(target))

    async def _load_robots(
        self, session: aiohttp.ClientSession, robots_url: URL
    ) -> tuple[int, bytes]:
        # Through the page's own session, so robots.txt gets the same network guard.
        if session is self._guarded:
            self._guard.check_host(robots_url.host or "")
        async with session.get(robots_url, allow_redirects=True, max_redirects=5) as response:
            body = await response.content.read(MAX_ROBOTS_BYTES)
            return response.status, body

    def _check_literal(self, url: str, target: URL) -> None:
        try:
            self._guard.check_host(target.host or "")
        except BlockedHostError as exc:
            raise _blocked(url, target, exc) from exc

    async def _request(
        self,
        session: aiohttp.ClientSession,
        url: str,
        target: URL,
        headers: dict[str, str],
        validators: PageValidators | None,
        encoding: str | None,
    ) -> FetchResult | URL:
        """One hop: the result, or the URL a redirect points to."""
        try:
            async with session.get(target, headers=headers, allow_redirects=False) as response:
                return await self._handle(response, url, validators, encoding)
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, BlockedHostError):
                raise _blocked(url, target, exc.os_error) from exc
            raise ConnectionFailedError(url, f"cannot connect to {_hop(target)}: {exc}") from exc
        except aiohttp.ConnectionTimeoutError as exc:
            raise FetchTimeoutError(
                url,
                f"no connection to {_hop(target)} within "
                f"connect_timeout={self._settings.connect_timeout:g}s",
            ) from exc
        except aiohttp.ServerTimeoutError as exc:
            raise FetchTimeoutError(
                url,
                f"{_hop(target)} sent nothing for read_timeout={self._settings.read_timeout:g}s",
            ) from exc
        except aiohttp.InvalidURL as exc:
            raise FetchError(url, f"invalid URL {exc}") from exc
        except aiohttp.ClientError as exc:
            raise ConnectionFailedError(
                url, f"{_hop(target)}: {type(exc).__name__}: {exc}"
            ) from exc

    async def _handle(
        self,
        response: aiohttp.ClientResponse,
        url: str,
        validators: PageValidators | None,
        encoding: str | None,
    ) -> FetchResult | URL:
        status = response.status
        now = datetime.now(UTC)
        final_url = str(response.url)
        if status in REDIRECT_STATUSES:
            location = response.headers.get("Location")
            if not location:
                raise HTTPStatusError(url, status, f"HTTP {status} without a Location header")
            return _http_url(url, location, base=response.url)
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if status == 304:
            # Keep the validators we sent when the 304 omits them, so they are not lost.
            return FetchResult(
                url=url,
                final_url=final_url,
                status=304,
                fetched_at=now,
                etag=etag or (validators.etag if validators else None),
                last_modified=last_modified or (validators.last_modified if validators else None),
            )
        if not 200 <= status < 300:
            where = "" if final_url == url else f" from {final_url}"
            raise HTTPStatusError(url, status, f"HTTP {status} {response.reason or ''}{where}")
        content_type = response.content_type if "Content-Type" in response.headers else None
        if content_type is not None and content_type not in HTML_TYPES:
            raise UnsupportedContentError(url, f"not HTML: {content_type}")
        body = await read_capped(
            response,
            url,
            max_body_bytes=self._settings.max_body_bytes,
            max_decompressed_bytes=self._settings.max_decompressed_bytes,
        )
        decoded = decode_html(body, response.charset, encoding)
        garbled = garbled_reason(decoded.text)
        if garbled is not None:
            raise DecodeError(url, f"{garbled}; decoded as {decoded.encoding} ({decoded.source})")
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            fetched_at=now,
            body=body,
            text=decoded.text,
            encoding=decoded.encoding,
            encoding_source=decoded.source,
            content_type=content_type,
            etag=etag,
            last_modified=last_modified,
        )


def _http_url(url: str, raw: str, *, base: URL | None = None) -> URL:
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


def _conditional_headers(validators: PageValidators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators is not None:
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
    return headers


def _hop(target: URL) -> str:
    return f"{target.host}:{target.port}"


def _blocked(url: str, target: URL, error: BlockedHostError) -> BlockedAddressError:
    where = "" if str(target) == url else f" (redirected to {target})"
    return BlockedAddressError(
        url,
        f"{error}{where}; set allow_private_networks for sources on private networks",
    )
