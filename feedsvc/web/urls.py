"""Public URLs of feeds, built from ``Settings.effective_public_url``."""

from __future__ import annotations

from urllib.parse import quote

from feedsvc.config import Settings
from feedsvc.feeds.formats import FeedFormat
from feedsvc.models import FeedKey, FeedKind


def feed_path(key: FeedKey, slug: str | None = None, fmt: FeedFormat = FeedFormat.ATOM) -> str:
    """The feed's path. A category uses its ASCII ``slug`` when given, else its
    percent-encoded name."""
    if key.kind is FeedKind.LATEST:
        return f"/feeds/latest.{fmt}"
    if key.kind is FeedKind.CATEGORY:
        return f"/feeds/categories/{quote(slug or key.value, safe='')}.{fmt}"
    return f"/feeds/sources/{quote(key.value, safe='')}.{fmt}"


def absolute_url(settings: Settings, path: str) -> str:
    return f"{settings.effective_public_url}{path}"


def feed_url(
    settings: Settings, key: FeedKey, slug: str | None = None, fmt: FeedFormat = FeedFormat.ATOM
) -> str:
    return absolute_url(settings, feed_path(key, slug, fmt))


def feed_urls(settings: Settings, key: FeedKey, slug: str | None = None) -> dict[FeedFormat, str]:
    """The feed's URL in every format, Atom first."""
    return {fmt: feed_url(settings, key, slug, fmt) for fmt in FeedFormat}
