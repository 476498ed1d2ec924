"""What the console keeps on its sub-application, and the request's session."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from feedsvc.web.admin.session import Session, Sessions
from feedsvc.web.api.context import ApiContext
from feedsvc.web.api.ratelimit import TokenBuckets

BASE = "/admin"


@dataclass
class AdminContext:
    api: ApiContext  # the same store, tokens, limits and refresh as /api/v1
    sessions: Sessions
    # Sign-in attempts per client address: 10 at once, then one every 6 seconds.
    signin_limit: TokenBuckets = field(default_factory=lambda: TokenBuckets(10, 6.0))


ADMIN_KEY = web.AppKey("admin_console", AdminContext)
SESSION_KEY = web.RequestKey("admin_session", Session)


def admin(request: web.Request) -> AdminContext:
    return request.config_dict[ADMIN_KEY]


def session(request: web.Request) -> Session:
    return request[SESSION_KEY]


def is_https(request: web.Request) -> bool:
    """Behind https: the public URL says so, a proxy says so, or the connection is TLS."""
    public = admin(request).api.settings.effective_public_url
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return public.startswith("https:") or forwarded == "https" or request.secure
