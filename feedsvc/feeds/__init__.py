"""Feeds: deterministic Atom rendering (feedgen) and a cache keyed by the feed version."""

from feedsvc.feeds.cache import CacheKey, FeedCache, RenderedFeed, feed_etag
from feedsvc.feeds.render import FeedDocument, check_atom, render_atom

__all__ = [
    "CacheKey",
    "FeedCache",
    "FeedDocument",
    "RenderedFeed",
    "check_atom",
    "feed_etag",
    "render_atom",
]
