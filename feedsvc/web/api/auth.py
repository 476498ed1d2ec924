"""Bearer tokens for /api/v1: 401 without a valid one, 403 for a read token on a write.

Only the API's sub-application runs this middleware, so it never touches a feed route.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from aiohttp import web

from feedsvc.admintokens import AdminToken, Scope
from feedsvc.web.api.context import TOKEN_KEY, api
from feedsvc.web.api.errors import ApiError, Handler
from feedsvc.web.api.views import PREFIX

CHALLENGE = 'Bearer realm="feedsvc admin API"'
SCOPE_KEY = web.AppKey("route_scopes", dict[tuple[str, str], Scope])


def match_token(tokens: Sequence[AdminToken], header: str | None) -> AdminToken | None:
    """The token an ``Authorization: Bearer …`` header carries, compared in constant time
    with every configured token (no early exit, so timing does not tell which matched)."""
    scheme, _, credential = (header or "").partition(" ")
    given = credential.strip().encode()
    if scheme.lower() != "bearer" or not given:
        return None
    found: AdminToken | None = None
    for token in tokens:
        if hmac.compare_digest(given, token.secret.encode()):
            found = token
    return found


def _needed_scope(request: web.Request) -> Scope:
    resource = request.match_info.route.resource
    path = resource.canonical.removeprefix(PREFIX) if resource is not None else ""
    key = (request.method, path)
    return request.app[SCOPE_KEY].get(key, "read" if request.method in ("GET", "HEAD") else "write")


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    header = request.headers.get("Authorization")
    token = match_token(api(request).tokens, header)
    if token is None:
        error = "invalid_token" if header else "invalid_request"
        raise ApiError(
            401,
            "a valid admin token is required: Authorization: Bearer TOKEN",
            headers={"WWW-Authenticate": f'{CHALLENGE}, error="{error}"'},
        )
    needed = _needed_scope(request)
    if not token.allows(needed):
        raise ApiError(403, f"token {token.name!r} has scope {token.scope}; this needs {needed}")
    request[TOKEN_KEY] = token
    return await handler(request)


def actor(request: web.Request) -> str:
    """Who makes this change, for the audit table: the token's name."""
    return request[TOKEN_KEY].name
