"""The web console at /admin: server-rendered pages (aiohttp-jinja2, autoescaped), no
script. A sub-application with its own middlewares, on the admin API's context, so it
reads and writes through exactly the API's functions and store protocol. It exists only
when ``admin_tokens`` names a token; otherwise /admin is a plain 404.

Modules: ``session`` (signed cookie, CSRF), ``security`` (headers, guards), ``signin``,
``pages`` (sources table, source page, buttons), ``feedview`` (a source's feed as read),
``forms`` (add/edit with preview),
``health`` (badges), ``labels`` (English and Chinese by Accept-Language), ``context``.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from feedsvc.errors import ConflictError, NotFoundError, StaleWriteError
from feedsvc.web.admin import feedview, forms, pages, signin
from feedsvc.web.admin.context import ADMIN_KEY, BASE, AdminContext
from feedsvc.web.admin.health import when
from feedsvc.web.admin.security import (
    Handler,
    headers_middleware,
    refuse,
    session_middleware,
)
from feedsvc.web.admin.session import Sessions
from feedsvc.web.api import ApiContext
from feedsvc.web.api.errors import STORE_ERRORS, ApiError

__all__ = ["BASE", "add_admin"]


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The API's errors (and the store's) as a page saying what went wrong."""
    try:
        return await handler(request)
    except ApiError as exc:
        return refuse(request, exc.status, exc.message)
    except (NotFoundError, ConflictError, StaleWriteError) as exc:
        return refuse(request, STORE_ERRORS[type(exc)], str(exc))


def add_admin(app: web.Application, api: ApiContext) -> None:
    """Mount the console on ``app`` at /admin (nothing when ``api`` has no tokens)."""
    if not api.tokens:
        return
    sub = web.Application(middlewares=[headers_middleware, errors_middleware, session_middleware])
    sub[ADMIN_KEY] = AdminContext(api, Sessions(api.tokens))
    env = aiohttp_jinja2.setup(
        sub,
        loader=jinja2.PackageLoader("feedsvc.web.admin", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["when"] = when
    router = sub.router
    router.add_static("/static/", Path(__file__).with_name("static"), name="static")
    router.add_get("/signin", signin.signin_page)
    router.add_post("/signin", signin.signin)
    router.add_post("/signout", signin.signout)
    router.add_get("/", pages.sources_page)
    router.add_get("/sources/new", forms.new_page)
    router.add_post("/sources/new", forms.new_submit)
    router.add_get("/sources/{source_id}", pages.source_page)
    router.add_get("/sources/{source_id}/feed", feedview.feed_page)
    router.add_get("/sources/{source_id}/edit", forms.edit_page)
    router.add_post("/sources/{source_id}/edit", forms.edit_submit)
    router.add_post("/sources/{source_id}/pause", pages.pause)
    router.add_post("/sources/{source_id}/resume", pages.resume)
    router.add_post("/sources/{source_id}/refresh", pages.refresh)
    router.add_post("/articles/{article_id}/hide", pages.hide)
    router.add_post("/articles/{article_id}/unhide", pages.unhide)
    app.add_subapp(BASE, sub)
    app.router.add_get(BASE, _to_console)


async def _to_console(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther(f"{BASE}/")
