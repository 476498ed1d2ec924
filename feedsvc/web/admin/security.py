"""The console's guards, in order: security headers on every answer (a strict CSP: no
script, styles only from /admin/static), then the session (else to the sign-in page), then
on every POST the per-session CSRF token (403, nothing changed) and the write scope (403)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp_jinja2
from aiohttp import web

from feedsvc.web.admin.context import BASE, SESSION_KEY, admin
from feedsvc.web.admin.labels import labels_context
from feedsvc.web.admin.session import COOKIE

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Vary": "Accept-Language",  # labels in the browser's language (labels.py)
}
# Reachable without a session; POSTs here check their own CSRF value (sign-in).
OPEN_PATHS = (f"{BASE}/signin", f"{BASE}/static/")
# POSTs a read token may make.
READ_POSTS = (f"{BASE}/signout",)


@web.middleware
async def headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(HEADERS)
        raise
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def refuse(request: web.Request, status: int, message: str) -> web.Response:
    return aiohttp_jinja2.render_template(
        "error.html",
        request,
        {**labels_context(request), "status": status, "message": message},
        status=status,
    )


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(OPEN_PATHS):
        return await handler(request)
    current = admin(request).sessions.check(request.cookies.get(COOKIE))
    if current is None:
        if request.method == "POST":
            return refuse(request, 403, "Your session has ended: sign in again.")
        raise web.HTTPSeeOther(f"{BASE}/signin")
    request[SESSION_KEY] = current
    if request.method == "POST":
        form = await request.post()
        if not current.csrf_ok(str(form.get("csrf", ""))):
            return refuse(request, 403, "The form's security token is not valid: reload.")
        if request.path not in READ_POSTS and not current.token.allows("write"):
            message = f"Token {current.token.name!r} is read-only: it cannot change anything."
            return refuse(request, 403, message)
    return await handler(request)
