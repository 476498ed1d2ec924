"""The list of feeds as the index page and OPML present it: grouped, in a stable order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from feedsvc.config import Settings
from feedsvc.feeds.formats import FeedFormat
from feedsvc.models import FeedInfo, FeedKind
from feedsvc.web.urls import feed_url, feed_urls

# Last-Modified of a list with no feed ever changed.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

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
    zone: str = "UTC"  # the IANA zone its times are shown in (see feed_zone)


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
                feed_zone(settings, info),
            )
            for info in ordered
            if info.key.kind is kind
        )
        if feeds:
            groups.append(FeedGroup(kind, label, feeds))
    return groups


def feed_zone(settings: Settings, info: FeedInfo) -> str:
    """The zone a feed's times are shown in: its configured zone (a source's own, or the
    one all of a shared feed's sources configure), else the ``timezone`` setting unless
    it is ``auto``, else the zone its page times were read in (detected by refreshes),
    else UTC."""
    if info.timezone:
        return info.timezone
    if settings.timezone != "auto":
        return settings.timezone
    return info.page_zone or "UTC"


def newest_change(groups: Iterable[FeedGroup]) -> datetime:
    """When any listed feed last changed (``EPOCH`` when none ever did): Last-Modified."""
    return max(
        (f.info.updated_at for g in groups for f in g.feeds if f.info.updated_at is not None),
        default=EPOCH,
    )
