"""The list of feeds as the index page and OPML present it: grouped, in a stable order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from feedsvc.config import Settings
from feedsvc.feeds.formats import FeedFormat
from feedsvc.models import FeedInfo, FeedKind
from feedsvc.web.urls import feed_url, feed_urls

_GROUPS = (
    (FeedKind.LATEST, "Latest"),
    (FeedKind.CATEGORY, "Categories"),
    (FeedKind.SOURCE, "Sources"),
)


@dataclass(frozen=True)
class ListedFeed:
    info: FeedInfo
    url: str  # absolute, the Atom feed; a category's slug when it has one
    urls: Mapping[FeedFormat, str] = field(default_factory=dict)  # every format, Atom first


@dataclass(frozen=True)
class FeedGroup:
    kind: FeedKind
    label: str
    feeds: tuple[ListedFeed, ...]


def group_feeds(settings: Settings, infos: Iterable[FeedInfo]) -> list[FeedGroup]:
    """Latest, then categories, then sources; by title within a group. Empty groups go."""
    ordered = sorted(infos, key=lambda f: (f.title.casefold(), f.key.value))
    groups = []
    for kind, label in _GROUPS:
        feeds = tuple(
            ListedFeed(
                info,
                feed_url(settings, info.key, info.slug),
                feed_urls(settings, info.key, info.slug),
            )
            for info in ordered
            if info.key.kind is kind
        )
        if feeds:
            groups.append(FeedGroup(kind, label, feeds))
    return groups
