"""Typed application keys: everything a handler needs lives on the app, none in globals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from feedsvc.config import Settings
from feedsvc.feeds.cache import FeedCache
from feedsvc.web.feedinfo import FeedInfoMemo
from feedsvc.web.prepared import PreparedMemo
from feedsvc.web.reader import FeedReader
from feedsvc.web.versions import VersionMemo

HealthCheck = Callable[[], Awaitable[dict[str, object]]]
ReadyCheck = Callable[[], Awaitable[None]]  # raises when not ready (e.g. schema behind)

SETTINGS_KEY = web.AppKey("settings", Settings)
CACHE_KEY = web.AppKey("feed_cache", FeedCache)
INFO_KEY = web.AppKey("feed_info_memo", FeedInfoMemo)
VERSIONS_KEY = web.AppKey("feed_version_memo", VersionMemo)
PREPARED_KEY = web.AppKey("prepared_feed_memo", PreparedMemo)
RENDER_KEY = web.AppKey("render_executor", ThreadPoolExecutor)
# Protocols cannot be passed as the key's runtime type, so the type is a parameter.
READER_KEY: web.AppKey[FeedReader] = web.AppKey("feed_reader")
HEALTH_KEY: web.AppKey[HealthCheck] = web.AppKey("health_check")
READY_KEY: web.AppKey[ReadyCheck] = web.AppKey("ready_check")
