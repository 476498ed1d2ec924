"""The one place that builds HTTP responses: caching headers, 304s, gzip, errors.

Feeds carry a strong ETag per content coding (the gzip body gets ``…-gzip"``, as a strong
validator must change with the representation), ``Last-Modified`` from the stored feed
version, ``Vary: Accept-Encoding`` on every response including 304, and public caching.
Conditional requests follow RFC 9110 §13.2.2: ``If-None-Match`` is evaluated when present
and ``If-Modified-Since`` only when it is absent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Final

from aiohttp import hdrs, web

from feedsvc.feeds.cache import gzip_bytes

ATOM_CONTENT_TYPE: Final = "application/atom+xml"
_GZIP_SUFFIX: Final = "-gzip"
COMMON_HEADERS: Final = {"X-Content-Type-Options": "nosniff"}


@dataclass(frozen=True)
class Validators:
    etag: str  # quoted strong ETag of the identity-encoded representation
    last_modified: datetime


def gzip_etag(etag: str) -> str:
    """The ETag of the gzip-encoded representation of ``etag``'s body."""
    return f'{etag[:-1]}{_GZIP_SUFFIX}"'


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether ``Accept-Encoding`` allows gzip (q > 0 for gzip, x-gzip or ``*``)."""
    if not accept_encoding:
        return False
    explicit: float | None = None
    wildcard: float | None = None
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        coding = coding.strip().lower()
        quality = _quality(params)
        if coding in ("gzip", "x-gzip"):
            explicit = quality if explicit is None else max(explicit, quality)
        elif coding == "*":
            wildcard = quality
    if explicit is not None:
        return explicit > 0
    return wildcard is not None and wildcard > 0


def is_not_modified(request: web.BaseRequest, validators: Validators) -> bool:
    """RFC 9110 §13.2.2 steps 3 and 4, for GET and HEAD."""
    if request.method not in (hdrs.METH_GET, hdrs.METH_HEAD):
        return False
    if hdrs.IF_NONE_MATCH in request.headers:
        return _none_match(request, validators.etag, gzip_etag(validators.etag))
    since = request.if_modified_since
    if since is None or since > datetime.now(UTC):
        return False  # absent, unparseable or in the future: §13.1.3 says ignore it
    return http_seconds(validators.last_modified) <= since


def asset_response(
    request: web.BaseRequest, body: bytes, *, content_type: str, etag: str, max_age: int
) -> web.Response:
    """A static file shipped with feedsvc (the feed stylesheet): public caching for
    ``max_age`` seconds, then revalidation with ``etag`` (304 on a match)."""
    headers = {**COMMON_HEADERS, hdrs.CACHE_CONTROL: f"public, max-age={max_age}", hdrs.ETAG: etag}
    conditional = request.method in (hdrs.METH_GET, hdrs.METH_HEAD)
    if conditional and hdrs.IF_NONE_MATCH in request.headers and _none_match(request, etag):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type=content_type, charset="utf-8", headers=headers)


def http_date(value: datetime) -> str:
    """An IMF-fixdate (RFC 9110 §5.6.7) of ``value`` in whole seconds."""
    return format_datetime(http_seconds(value), usegmt=True)


def cache_headers(
    validators: Validators, *, max_age: int, link: str | None, vary: str = hdrs.ACCEPT_ENCODING
) -> dict[str, str]:
    """The headers every cacheable answer carries (200 and 304 alike), ETag aside.

    ``Access-Control-Expose-Headers`` names exactly the exposable headers sent: ETag and
    Last-Modified always, ``Link`` only when there is one.
    """
    exposed = [hdrs.ETAG, hdrs.LAST_MODIFIED] + ([hdrs.LINK] if link else [])
    headers: dict[str, str] = {
        **COMMON_HEADERS,
        hdrs.CACHE_CONTROL: f"public, max-age={max_age}",
        hdrs.VARY: vary,
        hdrs.ACCESS_CONTROL_ALLOW_ORIGIN: "*",
        hdrs.ACCESS_CONTROL_EXPOSE_HEADERS: ", ".join(exposed),
        hdrs.LAST_MODIFIED: http_date(validators.last_modified),
    }
    if link:
        headers[hdrs.LINK] = link
    return headers


def link_header(links: Mapping[str, str]) -> str:
    """An RFC 8288 ``Link`` value from rel → absolute URL."""
    return ", ".join(f'<{href}>; rel="{rel}"' for rel, href in links.items())


def text_response(
    status: int, message: str, *, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A short text/plain answer: errors (400, 404) name what was wrong."""
    return web.Response(
        status=status,
        text=message if message.endswith("\n") else message + "\n",
        content_type="text/plain",
        charset="utf-8",
        headers={**COMMON_HEADERS, hdrs.CACHE_CONTROL: "no-store", **(headers or {})},
    )


def page_etag(body: bytes) -> str:
    """The strong ETag (quoted) of a page rendered from stored data (the index, OPML).

    A digest of the bytes: they are a pure function of the data, the settings and the
    public URL, so every replica and every restart computes the same tag.
    """
    return f'"p-{hashlib.sha256(body).hexdigest()[:20]}"'


def page_response(
    request: web.BaseRequest,
    body: bytes,
    *,
    content_type: str,
    max_age: int,
    last_modified: datetime,
) -> web.Response:
    """An HTML or XML page such as the index or OPML, cached like a feed: validators,
    304 to a conditional request, gzip when the client accepts it."""
    validators = Validators(page_etag(body), last_modified)
    headers = cache_headers(validators, max_age=max_age, link=None)
    zipped = accepts_gzip(request.headers.get(hdrs.ACCEPT_ENCODING))
    headers[hdrs.ETAG] = gzip_etag(validators.etag) if zipped else validators.etag
    if is_not_modified(request, validators):
        return web.Response(status=304, headers=headers)
    headers[hdrs.CONTENT_TYPE] = f"{content_type}; charset=utf-8"
    if zipped:
        headers[hdrs.CONTENT_ENCODING] = "gzip"
        return web.Response(body=gzip_bytes(body), headers=headers)
    return web.Response(body=body, headers=headers)


def json_response(data: Mapping[str, object], *, status: int) -> web.Response:
    return web.json_response(
        dict(data), status=status, headers={**COMMON_HEADERS, hdrs.CACHE_CONTROL: "no-store"}
    )


def _none_match(request: web.BaseRequest, *etags: str) -> bool:
    """Whether ``If-None-Match`` names one of ``etags`` (or ``*``)."""
    tags = request.if_none_match or ()
    ours = {_opaque(etag) for etag in etags}
    # Weak comparison (§8.8.3.2): a W/ prefix on the client's tag does not matter.
    return any(tag.value == "*" or tag.value in ours for tag in tags)


def _opaque(etag: str) -> str:
    return etag.removeprefix("W/").strip('"')


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0


def http_seconds(value: datetime) -> datetime:
    """``value`` in aware UTC, whole seconds."""
    # HTTP dates have whole seconds; comparing sub-second times would never match.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0)
