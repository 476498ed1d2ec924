"""Sign in with an admin token (its CSRF value is a double-submit cookie, since there is
no session yet), and sign out."""

from __future__ import annotations

import hmac
import secrets

import aiohttp_jinja2
from aiohttp import web

from feedsvc.web.admin.context import BASE, admin, is_https, session
from feedsvc.web.admin.labels import labels_context, request_language, translator
from feedsvc.web.admin.session import COOKIE, LIFETIME, PRE_COOKIE
from feedsvc.web.api.auth import match_token


def _set_cookie(
    request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=BASE,
        httponly=True,
        samesite="Strict",
        secure=is_https(request),
    )


def _form(request: web.Request, error: str | None = None, status: int = 200) -> web.Response:
    pre = secrets.token_hex(16)
    said = translator(request_language(request))(error) if error else None
    response = aiohttp_jinja2.render_template(
        "signin.html",
        request,
        {**labels_context(request), "csrf": pre, "error": said},
        status=status,
    )
    _set_cookie(request, response, PRE_COOKIE, pre, 3600)
    return response


async def signin_page(request: web.Request) -> web.Response:
    if admin(request).sessions.check(request.cookies.get(COOKIE)) is not None:
        raise web.HTTPSeeOther(f"{BASE}/")
    return _form(request)


async def signin(request: web.Request) -> web.Response:
    ctx = admin(request)
    form = await request.post()
    pre = request.cookies.get(PRE_COOKIE, "")
    given = str(form.get("csrf", ""))
    if not pre or not hmac.compare_digest(given.encode(), pre.encode()):
        return _form(request, "The form expired: please try again.", 403)
    if ctx.signin_limit.take(request.remote or "?") > 0:
        return _form(request, "Too many attempts: wait a minute and try again.", 429)
    token = match_token(ctx.api.tokens, f"Bearer {form.get('token', '')}")
    if token is None:
        return _form(request, "That token is not valid.", 401)
    response = web.HTTPSeeOther(f"{BASE}/")
    _set_cookie(request, response, COOKIE, ctx.sessions.issue(token).cookie(), LIFETIME)
    response.del_cookie(PRE_COOKIE, path=BASE)
    raise response


async def signout(request: web.Request) -> web.Response:
    admin(request).sessions.revoke(session(request))
    response = web.HTTPSeeOther(f"{BASE}/signin")
    response.del_cookie(COOKIE, path=BASE)
    raise response
