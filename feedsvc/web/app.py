"""The aiohttp application factory. Everything with a lifetime lives in ``cleanup_ctx``."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from feedsvc.config import Settings
from feedsvc.feeds.cache import FeedCache
from feedsvc.feeds.stylesheet import STYLESHEET_PATH
from feedsvc.lograte import RateLimitFilter, client_errors_as_warnings, rate_limit
from feedsvc.web import feeds, health, index, opml
from feedsvc.web.admin import add_admin
from feedsvc.web.api import ApiContext, add_api
from feedsvc.web.feedinfo import FeedInfoMemo
from feedsvc.web.keys import (
    CACHE_KEY,
    HEALTH_KEY,
    INFO_KEY,
    PREPARED_KEY,
    READER_KEY,
    READY_KEY,
    RENDER_KEY,
    SETTINGS_KEY,
    VERSIONS_KEY,
    HealthCheck,
    ReadyCheck,
)
from feedsvc.web.metrics import SourceStates, add_metrics
from feedsvc.web.prepared import PreparedMemo
from feedsvc.web.reader import FeedReader
from feedsvc.web.versions import VersionMemo

ReaderFactory = Callable[[Settings], Awaitable[FeedReader]]
CleanupContext = Callable[[web.Application], AsyncIterator[None]]

# Where the web layer logs unexpected errors, a traceback per request: aiohttp's request
# handler (a handler that raised, a malformed request), its web logger, and the health
# check while the database is down. A client repeating one failing request gets
# ERROR_LOG_BURST lines per cause per ERROR_LOG_WINDOW seconds, then a "suppressed" count.
WEB_ERROR_LOGGERS = ("aiohttp.server", "aiohttp.web", "feedsvc.web.health")
ERROR_LOG_BURST = 5
ERROR_LOG_WINDOW = 60.0


def limit_web_error_logs() -> RateLimitFilter:
    """Rate-limit the web layer's error logs per cause, and log a malformed request as one
    warning line instead of a traceback (idempotent; see lograte.py)."""
    client_errors_as_warnings("aiohttp.server")
    return rate_limit(WEB_ERROR_LOGGERS, burst=ERROR_LOG_BURST, window=ERROR_LOG_WINDOW)


def create_app(
    settings: Settings,
    *,
    reader: FeedReader | None = None,
    reader_factory: ReaderFactory | None = None,
    health: HealthCheck | None = None,
    contexts: Sequence[CleanupContext] = (),
    cache: FeedCache | None = None,
    versions: VersionMemo | None = None,
    infos: FeedInfoMemo | None = None,
    ready: ReadyCheck | None = None,
    api: ApiContext | None = None,
    source_states: SourceStates | None = None,
) -> web.Application:
    """The feed server.

    Give exactly one of ``reader`` (owned by the caller) or ``reader_factory`` (opened at
    startup, closed at cleanup when it has ``close()``). ``contexts`` (e.g. the scheduler)
    start after the reader and stop before it. ``ready`` raises when /readyz should say
    503 (default: the reader's ping); ``api`` mounts the admin API at /api/v1
    and the console at /admin.
    With the ``metrics`` setting on, /metrics is served and requests are counted
    (web/metrics.py); ``source_states`` gives its per-source gauges.
    """
    if (reader is None) == (reader_factory is None):
        raise ValueError("create_app needs exactly one of reader= or reader_factory=")
    app = web.Application()
    app[SETTINGS_KEY] = settings
    app[CACHE_KEY] = cache if cache is not None else FeedCache()
    app[INFO_KEY] = infos if infos is not None else FeedInfoMemo()
    app[PREPARED_KEY] = PreparedMemo()
    # One thread: renders hold the GIL anyway, and its memo of built entries is reused.
    app[RENDER_KEY] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedsvc-render")
    app.on_cleanup.append(_stop_render_thread)
    # Without a change probe it asks the reader every time (see web/versions.py).
    app[VERSIONS_KEY] = versions if versions is not None else VersionMemo()
    if health is not None:
        app[HEALTH_KEY] = health
    if ready is not None:
        app[READY_KEY] = ready
    if reader is not None:
        app[READER_KEY] = reader
    else:
        assert reader_factory is not None
        app.cleanup_ctx.append(_reader_context(reader_factory))
    app.cleanup_ctx.extend(contexts)
    _add_routes(app.router)
    if api is not None:
        add_api(app, api)
        add_admin(app, api)
    add_metrics(app, source_states)
    return app


def _add_routes(router: web.UrlDispatcher) -> None:
    # add_get also answers HEAD with the same handler; aiohttp sends no body for HEAD.
    router.add_get("/", index.index, name="index")
    router.add_get("/opml", opml.opml, name="opml")
    router.add_get("/healthz", health.healthz, name="healthz")
    router.add_get("/readyz", health.readyz, name="readyz")
    router.add_get(STYLESHEET_PATH, feeds.feed_stylesheet, name="feed_stylesheet")
    fmt = feeds.FORMAT_PATTERN
    router.add_get(f"/feeds/latest.{fmt}", feeds.latest_feed, name="latest_feed")
    router.add_get(
        f"/feeds/categories/{{category}}.{fmt}", feeds.category_feed, name="category_feed"
    )
    router.add_get(f"/feeds/sources/{{source_id}}.{fmt}", feeds.source_feed, name="source_feed")


async def _stop_render_thread(app: web.Application) -> None:
    app[RENDER_KEY].shutdown(wait=False, cancel_futures=True)


def _reader_context(factory: ReaderFactory) -> CleanupContext:
    async def reader_context(app: web.Application) -> AsyncIterator[None]:
        reader = await factory(app[SETTINGS_KEY])
        app[READER_KEY] = reader
        try:
            yield
        finally:
            close = getattr(reader, "close", None)
            if callable(close):
                result = close()
                if inspect.isawaitable(result):
                    await result

    return reader_context
