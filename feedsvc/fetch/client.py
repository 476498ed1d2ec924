"""``Fetcher``: every outgoing HTTP request of feedsvc, with every limit a scraper of
strangers' sites needs.

``async with Fetcher(settings) as fetcher`` owns the HTTP sessions; nothing is module-level.
``await fetcher.fetch(url)`` returns a :class:`~feedsvc.models.FetchResult` for a 2xx or a
304 response and raises a :class:`~feedsvc.errors.FetchError` subclass naming the URL for
everything else. robots.txt is read through the same hop checks, and
``fetcher.post_form`` sends WebSub hub pings, so no request leaves feedsvc unguarded.

* Redirects are followed here, not by aiohttp, so every hop is checked before it is sent:
  scheme (http/https only), the private-network guard (IP literals here; host names in the
  resolver, see :mod:`feedsvc.fetch.guard`), the ``max_redirects`` count and robots.txt.
  That holds for robots.txt's own redirects too. A source allowed on private networks
  skips the guard for its page chain and for robots.txt on the origin it asked for, never
  for robots.txt of another origin or where that redirects.
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
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Self, TypeVar

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from feedsvc import __version__
from feedsvc.config import Settings
from feedsvc.errors import (
    ConfigError,
    DecodeError,
    HTTPStatusError,
    RobotsDisallowedError,
    TooManyRedirectsError,
    UnsupportedContentError,
)
from feedsvc.fetch.body import ACCEPT_ENCODING, read_capped
from feedsvc.fetch.charset import decode_html, garbled_reason
from feedsvc.fetch.guard import AddressGuard, BlockedHostError, GuardedResolver, IPNetwork
from feedsvc.fetch.hops import (
    HostLimiter,
    blocked_error,
    conditional_headers,
    deadline,
    hop_errors,
    http_url,
    redirect_target,
)
from feedsvc.fetch.retry_after import parse_retry_after
from feedsvc.fetch.robots import MAX_ROBOTS_BYTES, RobotsRules
from feedsvc.metrics.instruments import error_outcome, record_fetch
from feedsvc.models import FetchResult, PageValidators

ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.8"
HTML_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "text/xml", "application/xml"}
)
DNS_CACHE_SECONDS = 10


def default_user_agent(settings: Settings) -> str:
    """An honest User-Agent: who we are and where to find out more."""
    return settings.user_agent or f"feedsvc/{__version__} (+{settings.effective_public_url})"


class _NoRobots:
    """Marks a chain that is itself a robots.txt fetch, so it reads no robots.txt."""


NO_ROBOTS = _NoRobots()
T = TypeVar("T")


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
        self._hosts = HostLimiter(settings.per_host_concurrency)
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

    def _unguarded_for(self, allowed: URL | None) -> Callable[[URL], bool]:
        """Which hops may skip the guard: with ``allowed`` an origin, only hops on it."""
        if allowed is None:
            return lambda target: False
        return lambda target: target.origin() == allowed

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
        target = http_url(url, url)
        headers = conditional_headers(validators)

        async def step(session: aiohttp.ClientSession, hop: URL) -> FetchResult | URL:
            async with session.get(hop, headers=headers, allow_redirects=False) as response:
                return await self._handle(response, url, validators, encoding)

        # A source allowed on private networks fetches its own pages (the whole chain)
        # unguarded; robots.txt only for the origin it asked for (see _robots_allow).
        own = target.origin() if allow_private else None
        async with self._hosts.slot(target.host or ""), self._global:
            # Timed once a slot is ours: the latency of the fetch, not of the queue.
            started = time.perf_counter()
            try:
                async with deadline(url, self._settings.total_timeout, "total_timeout"):
                    result = await self._walk(
                        url, target, step, unguarded=lambda hop: allow_private, robots_for=own
                    )
            except Exception as exc:
                status = exc.status if isinstance(exc, HTTPStatusError) else None
                record_fetch(error_outcome(exc), status, time.perf_counter() - started)
                raise
        outcome = "not_modified" if result.status == 304 else "ok"
        record_fetch(outcome, result.status, time.perf_counter() - started)
        return result

    async def post_form(
        self,
        url: str,
        form: Mapping[str, str],
        *,
        seconds: float,
        allow_private: bool | None = None,
    ) -> int:
        """POST ``form`` to ``url`` once, within ``seconds``, and return the status.

        A redirect is not followed (its 3xx status is returned). Used for WebSub hub pings;
        raises FetchError like :meth:`fetch`.
        """
        if allow_private is None:
            allow_private = self._settings.allow_private_networks
        target = http_url(url, url)
        session = self._session(guarded=not allow_private)
        if not allow_private:
            self._check_literal(url, target)
        async with deadline(url, seconds, "timeout"):
            with hop_errors(url, target, self._settings):
                async with session.post(target, data=dict(form), allow_redirects=False) as reply:
                    return reply.status

    async def _walk(
        self,
        url: str,
        target: URL,
        step: Callable[[aiohttp.ClientSession, URL], Awaitable[T | URL]],
        *,
        unguarded: Callable[[URL], bool],
        robots_for: URL | _NoRobots | None = None,
    ) -> T:
        """Follow a redirect chain from ``target``, checking every hop before it is sent:
        scheme, the private-network guard (unless ``unguarded(hop)``), the count and
        robots.txt (read as :meth:`_robots_allow` says for ``robots_for``; not at all for
        ``NO_ROBOTS``). ``step`` sends one hop: the result, or where a redirect points."""
        chain = [str(target)]
        while True:
            guarded = not unguarded(target)
            session = self._session(guarded=guarded)
            if guarded:
                self._check_literal(url, target)
            if not isinstance(robots_for, _NoRobots):
                await self._robots_allow(url, target, robots_for)
            with hop_errors(url, target, self._settings):
                outcome = await step(session, target)
            if not isinstance(outcome, URL):
                return outcome
            if len(chain) > self._settings.max_redirects:
                raise TooManyRedirectsError(
                    url,
                    f"more than max_redirects={self._settings.max_redirects} redirects: "
                    + " → ".join([*chain, str(outcome)]),
                )
            target = outcome
            chain.append(str(target))

    async def _robots_allow(self, url: str, target: URL, own: URL | None) -> None:
        """Raise RobotsDisallowedError unless robots.txt of ``target``'s origin allows it.

        robots.txt and each hop of its redirects go through the guard, except hops on the
        origin ``own`` of a source allowed on private networks.
        """
        if self._robots is None:
            return

        async def load(robots_url: URL) -> tuple[int, bytes]:
            where = str(robots_url)
            return await self._walk(
                where,
                robots_url,
                functools.partial(self._robots_step, where),
                unguarded=self._unguarded_for(own),
                robots_for=NO_ROBOTS,
            )

        if not await self._robots.allowed(target, load):
            where = "" if str(target) == url else f" (redirected to {target})"
            raise RobotsDisallowedError(
                url,
                f"disallowed by {target.origin()}/robots.txt{where}",
                retry_after=self._settings.robots_ttl,
            )

    async def _robots_step(
        self, url: str, session: aiohttp.ClientSession, target: URL
    ) -> tuple[int, bytes] | URL:
        async with session.get(target, allow_redirects=False) as response:
            location = redirect_target(url, response)
            if location is not None:
                return location
            if not 200 <= response.status < 300:
                return response.status, b""
            body = await read_capped(
                response,
                url,
                max_body_bytes=self._settings.max_body_bytes,
                max_decompressed_bytes=MAX_ROBOTS_BYTES,
            )
            return response.status, body

    def _check_literal(self, url: str, target: URL) -> None:
        try:
            self._guard.check_host(target.host or "")
        except BlockedHostError as exc:
            raise blocked_error(url, target, exc) from exc

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
        location = redirect_target(url, response)
        if location is not None:
            return location
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
            raise HTTPStatusError(
                url,
                status,
                f"HTTP {status} {response.reason or ''}{where}",
                retry_after=parse_retry_after(response.headers.get("Retry-After"), now),
            )
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
