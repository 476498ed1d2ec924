"""Everything the admin API's handlers use, kept on its sub-application."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web

from feedsvc.admintokens import AdminToken
from feedsvc.config import Settings
from feedsvc.web.api.protocol import AdminStore, RefreshNow
from feedsvc.web.api.ratelimit import TokenBuckets


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ApiContext:
    settings: Settings
    store: AdminStore
    tokens: tuple[AdminToken, ...]
    refresh_now: RefreshNow | None = None
    now: Callable[[], datetime] = _utc_now
    # POST /preview makes the server fetch pages: a few per token, then one per interval.
    preview_limit: TokenBuckets = field(default_factory=lambda: TokenBuckets(5, 10.0))
    refresh_wait: float = 5.0  # seconds a refresh may take before the answer is a 202
    tasks: set[asyncio.Task[bool]] = field(default_factory=set)


API_KEY = web.AppKey("admin_api", ApiContext)
TOKEN_KEY = web.RequestKey("admin_token", AdminToken)


def api(request: web.Request) -> ApiContext:
    return request.config_dict[API_KEY]
