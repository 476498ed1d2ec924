"""Feed handlers: resolve the feed, check validators, then (only then) render via the cache.

The version is read first and the ETag computed from it, so a conditional request that
matches is answered with 304 without reading entries or rendering anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiohttp import web

from feedsvc.config import Settings
from feedsvc.feeds.cache import RenderedFeed, feed_etag
from feedsvc.feeds.render import FeedDocument, render_atom
from feedsvc.models import FeedInfo, FeedKey, FeedKind, FeedVersion, StoredArticle
from feedsvc.web.keys import CACHE_KEY, READER_KEY, SETTINGS_KEY
from feedsvc.web.reader import FeedReader
from feedsvc.web.responses import (
    Validators,
    feed_not_modified,
    feed_response,
    is_not_modified,
    text_response,
)
from feedsvc.web.urls import absolute_url, feed_path


class LimitError(ValueError):
    pass


async def latest_feed(request: web.Request) -> web.StreamResponse:
    return await serve_feed(request, FeedKey(FeedKind.LATEST))


async def category_feed(request: web.Request) -> web.StreamResponse:
    # aiohttp has already percent-decoded match_info, so this is the name or the slug.
    requested = request.match_info["category"]
    name = await request.app[READER_KEY].resolve_category(requested)
    if name is None:
        return text_response(404, f"no such feed: category {requested!r}")
    return await serve_feed(request, FeedKey(FeedKind.CATEGORY, name))


async def source_feed(request: web.Request) -> web.StreamResponse:
    return await serve_feed(request, FeedKey(FeedKind.SOURCE, request.match_info["source_id"]))


async def serve_feed(request: web.Request, key: FeedKey) -> web.StreamResponse:
    settings = request.app[SETTINGS_KEY]
    reader = request.app[READER_KEY]
    try:
        limit = parse_limit(request.query.getall("limit", []), settings)
    except LimitError as exc:
        return text_response(400, str(exc))
    version = await reader.feed_version(key)
    if version is None:
        return text_response(404, f"no such feed: {key}")
    validators = Validators(
        etag=feed_etag(key, version.version, limit, base_url=settings.effective_public_url),
        last_modified=version.updated_at,
    )
    if is_not_modified(request, validators):
        return feed_not_modified(request, validators, max_age=settings.feed_max_age)

    async def render() -> RenderedFeed:
        return await render_feed(reader, settings, version, limit, validators.etag)

    rendered = await request.app[CACHE_KEY].get_or_render(
        (str(key), version.version, limit), render
    )
    return feed_response(request, rendered, max_age=settings.feed_max_age)


def parse_limit(values: Sequence[str], settings: Settings) -> int:
    """``?limit=`` as an int in 1..feed_max_limit; the default when absent."""
    bounds = f"an integer from 1 to {settings.feed_max_limit}"
    if not values:
        return min(settings.feed_default_limit, settings.feed_max_limit)
    if len(values) > 1:
        raise LimitError(f"query parameter 'limit' given {len(values)} times; give it once")
    text = values[0].strip()
    if not text.isascii() or not text.isdigit():
        raise LimitError(f"query parameter 'limit' must be {bounds}, got {values[0]!r}")
    limit = int(text)
    if not 1 <= limit <= settings.feed_max_limit:
        raise LimitError(f"query parameter 'limit' must be {bounds}, got {limit}")
    return limit


async def render_feed(
    reader: FeedReader, settings: Settings, version: FeedVersion, limit: int, etag: str
) -> RenderedFeed:
    entries = await reader.feed_entries(version.key, limit)
    info = next((f for f in await reader.list_feeds() if f.key == version.key), None)
    doc = feed_document(settings, version, limit, info)
    # Rendering and compressing hundreds of entries is CPU work: keep it off the loop.
    return await asyncio.to_thread(_render_and_pack, doc, entries, etag)


def feed_document(
    settings: Settings, version: FeedVersion, limit: int, info: FeedInfo | None
) -> FeedDocument:
    key = version.key
    self_url = absolute_url(settings, feed_path(key, info.slug if info else None))
    if limit != settings.feed_default_limit:
        self_url += f"?limit={limit}"
    return FeedDocument(
        key=key,
        # The name-based path, not the slug or the limit: the id must never change.
        feed_id=absolute_url(settings, feed_path(key)),
        title=info.title if info and info.title.strip() else default_title(key),
        subtitle=_subtitle(key, info),
        self_url=self_url,
        alternate_url=absolute_url(settings, "/"),
        updated=version.updated_at,
        language=info.language if info else None,
        generator="feedsvc",
    )


def default_title(key: FeedKey) -> str:
    if key.kind is FeedKind.LATEST:
        return "Latest articles"
    return key.value


def _subtitle(key: FeedKey, info: FeedInfo | None) -> str:
    name = info.title if info else key.value
    if key.kind is FeedKind.LATEST:
        return "The newest articles from every source"
    if key.kind is FeedKind.CATEGORY:
        return f"Articles in the category {name}"
    return f"Articles from {name}"


def _render_and_pack(
    doc: FeedDocument, entries: Sequence[StoredArticle], etag: str
) -> RenderedFeed:
    return RenderedFeed.build(render_atom(doc, entries), etag=etag, last_modified=doc.updated)
