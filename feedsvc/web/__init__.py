"""The HTTP layer: feeds, index, OPML and health over a ``FeedReader``; see docs/architecture.md."""

from feedsvc.web.app import create_app
from feedsvc.web.keys import CACHE_KEY, HEALTH_KEY, READER_KEY, SETTINGS_KEY, HealthCheck
from feedsvc.web.reader import FeedReader

__all__ = [
    "CACHE_KEY",
    "HEALTH_KEY",
    "READER_KEY",
    "SETTINGS_KEY",
    "FeedReader",
    "HealthCheck",
    "create_app",
]
