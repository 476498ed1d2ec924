"""What every feed of the demo deployment must hold, from the portal's ground truth."""

from __future__ import annotations

from collections import Counter
from typing import Any

from feedsvc.models import FeedKey, FeedKind
from feedsvc.web.urls import feed_path

FEED_LIMIT = 50  # Settings.feed_default_limit


def expected_titles(truth: dict[str, Any]) -> dict[str, list[str]]:
    """Feed path → the titles it must show (newest first), for every feed."""
    articles: list[dict[str, Any]] = truth["articles"]  # newest first
    feeds = {feed_path(FeedKey(FeedKind.LATEST)): [a["title"] for a in articles][:FEED_LIMIT]}
    for category in truth["categories"]:
        titles = [a["title"] for a in articles if a["category_slug"] == category["slug"]]
        feeds[feed_path(FeedKey(FeedKind.CATEGORY, category["name"]))] = titles[:FEED_LIMIT]
        source = f"demo-{category['slug']}"
        feeds[feed_path(FeedKey(FeedKind.SOURCE, source))] = titles[:FEED_LIMIT]
    return feeds


def feeds_showing(truth: dict[str, Any], category_slug: str) -> set[str]:
    """The paths of the feeds an article in ``category_slug`` appears in."""
    name = next(c["name"] for c in truth["categories"] if c["slug"] == category_slug)
    return {
        feed_path(FeedKey(FeedKind.LATEST)),
        feed_path(FeedKey(FeedKind.CATEGORY, name)),
        feed_path(FeedKey(FeedKind.SOURCE, f"demo-{category_slug}")),
    }


def duplicates(values: list[str]) -> list[str]:
    return [v for v, n in Counter(values).items() if n > 1]
