"""Feed answers prepared once per feed version, so a cached request does almost nothing.

A :class:`PreparedFeed` holds everything about a feed response that does not depend on
the request: the render-cache key, the validators, and the four header sets (200 and 304,
identity and gzip) with ``ETag``, ``Last-Modified`` and ``Content-Type`` already
formatted. Answering a request is then a few header lookups, one cache lookup and the
construction of the response.

:class:`PreparedMemo` remembers the prepared answer per request target (path and query
string), tagged with the change-probe token it was built under and the time its feed info
goes stale. While the probe's token is unchanged nothing in the database changed, so the
feed resolves to the same version, the same validators and the same bytes: the handler
can skip parsing the query, resolving the feed and computing the ETag. Without a probe
(PostgreSQL) nothing is remembered and every request takes the full path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from aiohttp import hdrs, web
from multidict import CIMultiDict, CIMultiDictProxy

from feedsvc.feeds.cache import CacheKey, FeedCache, RenderedFeed
from feedsvc.web.responses import (
    Validators,
    accepts_gzip,
    cache_headers,
    gzip_etag,
    is_not_modified,
)

MAX_ENTRIES: Final = 1024  # request targets remembered between two changes of the data

Headers = CIMultiDictProxy[str]


@lru_cache(maxsize=256)
def _gzip_wanted(accept_encoding: str) -> bool:
    # Clients send a handful of distinct Accept-Encoding values: parse each once.
    return accepts_gzip(accept_encoding)


@dataclass(frozen=True, slots=True)
class PreparedFeed:
    cache_key: CacheKey
    validators: Validators
    # If-None-Match values answered with a 304 by plain string comparison: our two ETags,
    # bare and weak. Anything else (lists, "*") goes through the full RFC 9110 check.
    matching_tags: frozenset[str]
    ok: Headers
    ok_gzip: Headers
    # The same bytes labelled application/xml for a browser that navigated to the feed:
    # browsers show application/atom+xml and rss+xml as raw text and apply the feed's
    # xml-stylesheet (feeds/feed.xsl) only to an XML type.
    page: Headers
    page_gzip: Headers
    not_modified: Headers
    not_modified_gzip: Headers
    token: object  # the change-probe token it was prepared under (None: no probe)
    expires: float  # monotonic time after which max-age and Link may be stale

    @classmethod
    def build(
        cls,
        cache_key: CacheKey,
        validators: Validators,
        *,
        content_type: str,
        max_age: int,
        link: str | None,
        token: object,
        expires: float,
    ) -> PreparedFeed:
        etag, zipped = validators.etag, gzip_etag(validators.etag)
        # Accept too: a browser's navigation gets the same bytes under an XML type.
        vary = f"{hdrs.ACCEPT_ENCODING}, {hdrs.ACCEPT}"
        common = cache_headers(validators, max_age=max_age, link=link, vary=vary)
        body_type: dict[str, str] = {hdrs.CONTENT_TYPE: f"{content_type}; charset=utf-8"}
        gzip: dict[str, str] = {hdrs.CONTENT_ENCODING: "gzip"}
        page_type: dict[str, str] = {hdrs.CONTENT_TYPE: f"{BROWSER_XML_TYPE}; charset=utf-8"}
        if content_type not in STYLED_TYPES:
            page_type = body_type  # JSON Feed: a browser shows JSON well enough
        return cls(
            cache_key=cache_key,
            validators=validators,
            matching_tags=frozenset({etag, zipped, f"W/{etag}", f"W/{zipped}"}),
            ok=_frozen({**common, **body_type, hdrs.ETAG: etag}),
            ok_gzip=_frozen({**common, **body_type, **gzip, hdrs.ETAG: zipped}),
            page=_frozen({**common, **page_type, hdrs.ETAG: etag}),
            page_gzip=_frozen({**common, **page_type, **gzip, hdrs.ETAG: zipped}),
            not_modified=_frozen({**common, hdrs.ETAG: etag}),
            not_modified_gzip=_frozen({**common, hdrs.ETAG: zipped}),
            token=token,
            expires=expires,
        )

    def is_not_modified(self, request: web.BaseRequest) -> bool:
        """RFC 9110 §13.2.2, with the common case (one of our own ETags) by lookup."""
        headers = request.headers
        if_none_match = headers.get(hdrs.IF_NONE_MATCH)
        if if_none_match is not None and if_none_match in self.matching_tags:
            return request.method in (hdrs.METH_GET, hdrs.METH_HEAD)
        if if_none_match is None and hdrs.IF_MODIFIED_SINCE not in headers:
            return False
        return is_not_modified(request, self.validators)

    def wants_gzip(self, request: web.BaseRequest) -> bool:
        accept_encoding = request.headers.get(hdrs.ACCEPT_ENCODING)
        return bool(accept_encoding) and _gzip_wanted(accept_encoding)

    def not_modified_response(self, request: web.BaseRequest) -> web.Response:
        """304 with the validators and caching headers a 200 would carry (RFC 9110 §15.4.5)."""
        headers = self.not_modified_gzip if self.wants_gzip(request) else self.not_modified
        return web.Response(status=304, headers=headers)

    def response(self, request: web.BaseRequest, rendered: RenderedFeed) -> web.Response:
        """200 with the body in the best coding the client accepts, labelled for a feed
        reader or, for a browser's navigation, as XML its stylesheet can render."""
        page = is_browser_navigation(request.headers.get(hdrs.ACCEPT))
        if self.wants_gzip(request):
            return web.Response(
                body=rendered.gzip_body, headers=self.page_gzip if page else self.ok_gzip
            )
        return web.Response(body=rendered.body, headers=self.page if page else self.ok)

    def answer_from_cache(self, request: web.BaseRequest, cache: FeedCache) -> web.Response | None:
        """The answer without any await, or None when the body must be rendered first."""
        if self.is_not_modified(request):
            return self.not_modified_response(request)
        rendered = cache.lookup(self.cache_key)
        return None if rendered is None else self.response(request, rendered)


class PreparedMemo:
    """Prepared answers by request target, valid while the probe token is unchanged."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._token: object = None
        self._items: dict[str, PreparedFeed] = {}

    def __len__(self) -> int:
        return len(self._items)

    def get(self, target: str, token: object, now: float) -> PreparedFeed | None:
        if token is None:
            return None  # no probe: nothing says when an answer goes stale
        if token != self._token:
            self._items.clear()  # something was committed: every answer may be stale
            self._token = token
            return None
        found = self._items.get(target)
        if found is None or now >= found.expires:
            return None
        return found

    def put(self, target: str, prepared: PreparedFeed) -> None:
        if prepared.token is None:
            return
        if prepared.token != self._token:
            # Tokens are not ordered: adopt this one; if it is older than the database,
            # the next get() sees a different token and forgets it.
            self._items.clear()
            self._token = prepared.token
        elif len(self._items) >= self.max_entries:
            # Crude, but only a flood of distinct query strings gets here.
            self._items.clear()
        self._items[target] = prepared

    def clear(self) -> None:
        self._items.clear()


BROWSER_XML_TYPE = "application/xml"
STYLED_TYPES = frozenset({"application/atom+xml", "application/rss+xml"})


def is_browser_navigation(accept: str | None) -> bool:
    """Whether ``Accept`` is a browser opening a page (``text/html,…``). Feed readers ask
    for feed types or ``*/*``; none of them puts text/html first."""
    return accept is not None and accept.lstrip().lower().startswith("text/html")


def _frozen(headers: Mapping[str, str]) -> Headers:
    return CIMultiDictProxy(CIMultiDict(headers))
