"""The three formats every feed is served in, and how each is rendered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from feedsvc.feeds.jsonfeed import JSON_FEED_MEDIA_TYPE, render_json_feed
from feedsvc.feeds.render import ATOM_MEDIA_TYPE, FeedDocument, render_atom
from feedsvc.feeds.rss import RSS_MEDIA_TYPE, render_rss
from feedsvc.models import StoredArticle

Renderer = Callable[[FeedDocument, Sequence[StoredArticle]], bytes]


class FeedFormat(StrEnum):
    """The value is the URL extension: ``/feeds/latest.atom``, ``.rss``, ``.json``."""

    ATOM = "atom"
    RSS = "rss"
    JSON = "json"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def label(self) -> str:
        return _LABELS[self]

    def render(self, doc: FeedDocument, entries: Sequence[StoredArticle]) -> bytes:
        return _RENDERERS[self](doc, entries)


_MEDIA_TYPES = {
    FeedFormat.ATOM: ATOM_MEDIA_TYPE,
    FeedFormat.RSS: RSS_MEDIA_TYPE,
    FeedFormat.JSON: JSON_FEED_MEDIA_TYPE,
}
_LABELS = {FeedFormat.ATOM: "Atom", FeedFormat.RSS: "RSS", FeedFormat.JSON: "JSON Feed"}
_RENDERERS: dict[FeedFormat, Renderer] = {
    FeedFormat.ATOM: render_atom,
    FeedFormat.RSS: render_rss,
    FeedFormat.JSON: render_json_feed,
}
