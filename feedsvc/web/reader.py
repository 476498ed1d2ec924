"""What the web layer reads, and nothing more.

The web layer is written against this protocol rather than the store, so it never sees
SQL and its HTTP behaviour is tested with an in-memory double. ``feedsvc.store.Store``
satisfies it structurally.
"""

from __future__ import annotations

from typing import Protocol

from feedsvc.models import FeedInfo, FeedKey, FeedQuery, FeedVersion, StoredArticle


class FeedReader(Protocol):
    async def list_feeds(self) -> list[FeedInfo]:
        """Every feed, for the index and OPML."""
        ...

    async def feed_version(self, key: FeedKey) -> FeedVersion | None:
        """The feed's current version, or ``None`` when there is no such feed."""
        ...

    async def feed_entries(self, key: FeedKey, limit: int) -> list[StoredArticle]:
        """At most ``limit`` of the feed's newest articles."""
        ...

    async def feed_page(self, key: FeedKey, query: FeedQuery) -> list[StoredArticle]:
        """At most ``query.limit`` entries newest first by (published, entry id), after
        ``query.before`` and matching its filters."""
        ...

    async def feed_info(self, key: FeedKey) -> FeedInfo | None:
        """One feed's title, slug, language and refresh interval; ``None`` if unknown."""
        ...

    async def resolve_category(self, name_or_slug: str) -> str | None:
        """The category's stored name for its name or ASCII slug; ``None`` if unknown."""
        ...

    async def ping(self) -> None:
        """Raise when the database cannot be reached."""
        ...
