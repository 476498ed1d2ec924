"""Public URLs of feeds, built from ``Settings.effective_public_url``."""

from __future__ import annotations

from urllib.parse import quote

from feedsvc.config import Settings
from feedsvc.models import FeedKey, FeedKind


def feed_path(key: FeedKey, slug: str | None = None) -> str:
    """The feed's path. A category uses its ASCII ``slug`` when given, else its
    percent-encoded name."""
    if key.kind is FeedKind.LATEST:
        return "/feeds/latest.atom"
    if key.kind is FeedKind.CATEGORY:
        return f"/feeds/categories/{quote(slug or key.value, safe='')}.atom"
    return f"/feeds/sources/{quote(key.value, safe='')}.atom"


def absolute_url(settings: Settings, path: str) -> str:
    return f"{settings.effective_public_url}{path}"


def feed_url(settings: Settings, key: FeedKey, slug: str | None = None) -> str:
    return absolute_url(settings, feed_path(key, slug))
