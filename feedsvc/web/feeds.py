"""Feed handlers: resolve the feed, check validators, then (only then) render via the cache.

A request for a URL whose answer was prepared since the last commit (web/prepared.py) is
answered without resolving anything: no query parsing, no version lookup, no ETag hash.

The version is read first and the ETag computed from it, so a conditional request that
matches is answered with 304 without reading entries or rendering anything. Every feed is
served as Atom, RSS 2.0 and JSON Feed 1.1 (the URL's extension), with the same entries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import replace

from aiohttp import web

from feedsvc.config import Settings
from feedsvc.feeds.budget import render_within
from feedsvc.feeds.cache import RenderedFeed, feed_etag
from feedsvc.feeds.formats import FeedFormat
from feedsvc.feeds.render import FeedDocument
from feedsvc.feeds.stylesheet import (
    SHIPPED_ZONE,
    XSLT_MEDIA_TYPE,
    ZONE_PARAMETER,
    Stylesheet,
    cached_zone_stylesheet,
    is_zone_name,
    stylesheet_path,
    zone_problem,
    zone_stylesheet,
)
from feedsvc.models import (
    EntryCursor,
    FeedInfo,
    FeedKey,
    FeedKind,
    FeedQuery,
    FeedVersion,
    StoredArticle,
)
from feedsvc.web.keys import (
    CACHE_KEY,
    INFO_KEY,
    PREPARED_KEY,
    READER_KEY,
    RENDER_KEY,
    SETTINGS_KEY,
    VERSIONS_KEY,
)
from feedsvc.web.listing import feed_zone
from feedsvc.web.prepared import PreparedFeed
from feedsvc.web.query import (
    ParsedQuery,
    QueryError,
    encode_cursor,
    parse_feed_query,
    parse_limit,
)
from feedsvc.web.reader import FeedReader
from feedsvc.web.responses import Validators, asset_response, link_header, text_response
from feedsvc.web.urls import absolute_url, feed_path

__all__ = ["parse_limit", "serve_feed"]

# A feed whose sources refresh hourly or less often is still re-checked within the hour:
# an admin can trigger a refresh at any time.
MAX_AGE_CAP = 3600

FORMAT_PATTERN = "{fmt:atom|rss|json}"
# The stylesheet changes only with a feedsvc upgrade; a day, then revalidation by ETag.
STYLESHEET_MAX_AGE = 86400


async def latest_feed(request: web.Request) -> web.StreamResponse:
    token = request.app[VERSIONS_KEY].token()
    answer = prepared_answer(request, token)
    return answer or await serve_feed(request, FeedKey(FeedKind.LATEST), token)


async def category_feed(request: web.Request) -> web.StreamResponse:
    token = request.app[VERSIONS_KEY].token()
    answer = prepared_answer(request, token)
    if answer is not None:
        return answer
    # aiohttp has already percent-decoded match_info, so this is the name or the slug.
    requested = request.match_info["category"]
    name = await request.app[VERSIONS_KEY].resolve_category(request.app[READER_KEY], requested)
    if name is None:
        return text_response(404, f"no such feed: category {requested!r}")
    return await serve_feed(request, FeedKey(FeedKind.CATEGORY, name), token)


async def source_feed(request: web.Request) -> web.StreamResponse:
    token = request.app[VERSIONS_KEY].token()
    answer = prepared_answer(request, token)
    key = FeedKey(FeedKind.SOURCE, request.match_info["source_id"])
    return answer or await serve_feed(request, key, token)


async def feed_stylesheet(request: web.Request) -> web.Response:
    """The XSLT named by every Atom and RSS feed (feeds/stylesheet.py), showing times in
    the ``zone`` the query names (UTC without one). 400 for anything but one IANA name."""
    zones = request.query.getall(ZONE_PARAMETER, [])
    if len(zones) > 1:
        return text_response(400, f"{ZONE_PARAMETER}: give one time zone, not {len(zones)}")
    zone = zones[0] if zones else SHIPPED_ZONE
    sheet = cached_zone_stylesheet(zone)
    if sheet is None:
        # Checking reads tzdata and building takes ~50 ms: off the event loop.
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(None, _checked_stylesheet, zone)
        if isinstance(found, str):
            return text_response(400, found)
        sheet = found
    return asset_response(
        request,
        sheet.body,
        content_type=XSLT_MEDIA_TYPE,
        etag=sheet.etag,
        max_age=STYLESHEET_MAX_AGE,
    )


def _checked_stylesheet(zone: str) -> Stylesheet | str:
    """The stylesheet for ``zone``, or the problem with the name."""
    return zone_problem(zone) or zone_stylesheet(zone)


def display_zone(settings: Settings, info: FeedInfo | None) -> str:
    """The zone the feed's browser view shows times in (web/listing.py's ``feed_zone``,
    as the index shows them); UTC for a name the stylesheet cannot use. Configured and
    detected zones were loaded by zoneinfo already: the name's shape is checked, no I/O."""
    if info is None:
        return SHIPPED_ZONE
    zone = feed_zone(settings, info)
    return zone if is_zone_name(zone) else SHIPPED_ZONE


def prepared_answer(request: web.Request, token: object) -> web.Response | None:
    """The answer prepared by an earlier request for this very URL, if nothing was
    committed since (``token``) and its rendering is still cached; else None."""
    app = request.app
    prepared = app[PREPARED_KEY].get(request.raw_path, token, app[INFO_KEY].clock())
    if prepared is None:
        return None
    return prepared.answer_from_cache(request, app[CACHE_KEY])


def max_age_for(settings: Settings, interval_seconds: int | None) -> int:
    """Half the sources' refresh interval, capped at an hour, never below feed_max_age:
    content changes at most once per interval, so a copy this old is at most one
    refresh behind."""
    if interval_seconds is None:
        return settings.feed_max_age
    return max(settings.feed_max_age, min(interval_seconds // 2, MAX_AGE_CAP))


async def serve_feed(
    request: web.Request, key: FeedKey, token: object = None
) -> web.StreamResponse:
    """The full path: resolve the version, prepare the answer (remembered for the next
    request to this URL while the probe says ``token``), then render if needed."""
    app = request.app
    settings, reader, infos = app[SETTINGS_KEY], app[READER_KEY], app[INFO_KEY]
    fmt = FeedFormat(request.match_info.get("fmt", FeedFormat.ATOM.value))
    try:
        parsed = parse_feed_query(request.query, settings)
    except QueryError as exc:
        return text_response(400, str(exc))
    version = await app[VERSIONS_KEY].feed_version(reader, key)
    if version is None:
        return text_response(404, f"no such feed: {key}")
    info = await infos.get(reader, version)
    hub = settings.websub_hub if parsed.is_plain else ""
    # Everything besides the data that shapes the bytes: format, query, advertised hub,
    # the zone the stylesheet's URL names.
    variant = f"{fmt}?{parsed.canonical}#{hub}@{display_zone(settings, info)}"
    validators = Validators(
        etag=feed_etag(key, version.version, variant, base_url=settings.effective_public_url),
        last_modified=version.updated_at,
    )
    link = None
    if hub:
        self_url = absolute_url(settings, feed_path(key, info.slug if info else None, fmt))
        link = link_header({"hub": hub, "self": self_url})
    cache_key = (str(key), version.version, variant)
    prepared = PreparedFeed.build(
        cache_key,
        validators,
        content_type=fmt.media_type,
        max_age=max_age_for(settings, info.interval_seconds if info else None),
        link=link,
        token=token,
        expires=infos.expires(key),
    )
    app[PREPARED_KEY].put(request.raw_path, prepared)
    if prepared.is_not_modified(request):
        return prepared.not_modified_response(request)

    async def render() -> RenderedFeed:
        return await render_feed(
            reader, settings, version, info, fmt, parsed, validators.etag, app[RENDER_KEY]
        )

    rendered = await app[CACHE_KEY].get_or_render(cache_key, render)
    return prepared.response(request, rendered)


async def render_feed(
    reader: FeedReader,
    settings: Settings,
    version: FeedVersion,
    info: FeedInfo | None,
    fmt: FeedFormat,
    parsed: ParsedQuery,
    etag: str,
    executor: Executor | None = None,
) -> RenderedFeed:
    query = parsed.query
    # One entry more than shown says whether an older page exists.
    probe = FeedQuery(
        limit=query.limit + 1, before=query.before, text=query.text, since=query.since
    )
    entries = await reader.feed_page(version.key, probe)
    page = entries[: query.limit]
    older = len(entries) > query.limit

    def render(count: int) -> bytes:
        # The newest ``count`` entries; rel="next" continues after the last one shown.
        shown = page[:count]
        doc = feed_document(settings, version, info, fmt, parsed, shown)
        if count == len(page) and not older:
            doc = _without_next(doc)
        return fmt.render(doc, shown)

    # Rendering and compressing hundreds of entries is CPU work: keep it off the loop, on
    # the app's render thread, whose memo of built entries (feeds/fragments.py) then
    # serves every render.
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        executor, _render_and_pack, fmt, render, len(page), settings, version, etag
    )


def feed_document(
    settings: Settings,
    version: FeedVersion,
    info: FeedInfo | None,
    fmt: FeedFormat,
    parsed: ParsedQuery,
    page: Sequence[StoredArticle],
) -> FeedDocument:
    key = version.key
    base = absolute_url(settings, feed_path(key, info.slug if info else None, fmt))
    first_url = _with_query(base, parsed.filters)
    next_url = None
    if page:
        last = page[-1]
        cursor = encode_cursor(EntryCursor(last.published, last.entry_id))
        next_url = _with_query(base, "&".join(p for p in (parsed.filters, f"before={cursor}") if p))
    return FeedDocument(
        key=key,
        # The Atom name-based path, whatever the slug, format or query: ids never change,
        # and the three formats of one feed are one feed.
        feed_id=absolute_url(settings, feed_path(key)),
        title=info.title if info and info.title.strip() else default_title(key),
        subtitle=_subtitle(key, info),
        self_url=_with_query(base, parsed.canonical),
        alternate_url=absolute_url(settings, "/"),
        updated=version.updated_at,
        language=info.language if info else None,
        generator="feedsvc",
        first_url=first_url if parsed.query.before is not None else None,
        next_url=next_url,
        hub_url=(settings.websub_hub or None) if parsed.is_plain else None,
        stylesheet_url=absolute_url(settings, stylesheet_path(display_zone(settings, info))),
    )


def default_title(key: FeedKey) -> str:
    if key.kind is FeedKind.LATEST:
        return "Latest articles"
    return key.value


def _with_query(base: str, query: str) -> str:
    return f"{base}?{query}" if query else base


def _without_next(doc: FeedDocument) -> FeedDocument:
    return replace(doc, next_url=None)


def _subtitle(key: FeedKey, info: FeedInfo | None) -> str:
    name = info.title if info else key.value
    if key.kind is FeedKind.LATEST:
        return "The newest articles from every source"
    if key.kind is FeedKind.CATEGORY:
        return f"Articles in the category {name}"
    return f"Articles from {name}"


def _render_and_pack(
    fmt: FeedFormat,
    render: Callable[[int], bytes],
    count: int,
    settings: Settings,
    version: FeedVersion,
    etag: str,
) -> RenderedFeed:
    return RenderedFeed.build(
        render_within(render, count, settings.max_feed_bytes),
        etag=etag,
        last_modified=version.updated_at,
        content_type=fmt.media_type,
    )
