"""The admin REST API under /api/v1: a sub-application with its own middlewares (JSON
errors, bearer tokens), so nothing of it runs on the public feed routes. It exists only
when ``admin_tokens`` names at least one token; otherwise /api/v1 is a plain 404.

Modules: ``routes`` (the one route table), ``auth``, ``sources``, ``runs``, ``articles``,
``preview``, ``openapi``, ``errors``, ``views`` (JSON shapes), ``protocol`` (what it needs
from the store), ``context``, ``ratelimit``.
"""

from __future__ import annotations

from aiohttp import web

from feedsvc.web.api.auth import SCOPE_KEY, auth_middleware
from feedsvc.web.api.context import API_KEY, ApiContext
from feedsvc.web.api.errors import error_middleware, json_body
from feedsvc.web.api.openapi import openapi_document
from feedsvc.web.api.routes import add_routes
from feedsvc.web.api.views import PREFIX

__all__ = ["PREFIX", "ApiContext", "add_api"]


async def _openapi(request: web.Request) -> web.Response:
    return json_body(openapi_document())


def add_api(app: web.Application, ctx: ApiContext) -> None:
    """Mount the API on ``app`` at /api/v1 (nothing when ``ctx`` has no tokens)."""
    if not ctx.tokens:
        return
    sub = web.Application(middlewares=[error_middleware, auth_middleware])
    sub[API_KEY] = ctx
    scopes = add_routes(sub)
    sub.router.add_get("/openapi.json", _openapi)
    scopes[("GET", "/openapi.json")] = "read"
    sub[SCOPE_KEY] = scopes
    app.add_subapp(PREFIX, sub)
