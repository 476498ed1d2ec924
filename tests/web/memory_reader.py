"""An in-memory ``FeedReader`` for HTTP-semantics tests (the real store has its own tests).

It derives feeds from a list of articles the way the store contract describes: 'latest'
holds everything, ``category:<name>`` and ``source:<id>`` their articles; adding an
article bumps the version of every feed it belongs to. ``calls`` counts method calls so
tests can prove a 304 read no entries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from feedsvc.models import FeedInfo, FeedKey, FeedKind, FeedQuery, FeedVersion, StoredArticle


@dataclass
class MemoryReader:
    source_names: dict[str, str] = field(default_factory=dict)
    interval_seconds: int = 900
    language: str | None = "zh-CN"
    source_zones: dict[str, str] = field(default_factory=dict)  # source id → IANA zone
    read_zones: dict[str, str] = field(default_factory=dict)  # source id → zone times read in
    articles: list[StoredArticle] = field(default_factory=list)
    versions: dict[FeedKey, FeedVersion] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    ping_error: Exception | None = None
    closed: bool = False

    def add(self, article: StoredArticle, at: datetime) -> None:
        """Store ``article`` (replacing one with the same entry id) as changed at ``at``."""
        self.articles = [a for a in self.articles if a.entry_id != article.entry_id]
        self.articles.append(article)
        self.source_names.setdefault(article.source_id, article.source_name)
        keys = [FeedKey(FeedKind.LATEST), FeedKey(FeedKind.SOURCE, article.source_id)]
        if article.category:
            keys.append(FeedKey(FeedKind.CATEGORY, article.category))
        for key in keys:
            old = self.versions.get(key)
            self.versions[key] = FeedVersion(key, (old.version if old else 0) + 1, at)

    def _members(self, key: FeedKey) -> list[StoredArticle]:
        if key.kind is FeedKind.LATEST:
            found = list(self.articles)
        elif key.kind is FeedKind.CATEGORY:
            found = [a for a in self.articles if a.category == key.value]
        else:
            found = [a for a in self.articles if a.source_id == key.value]
        return sorted(found, key=lambda a: (a.published, a.entry_id), reverse=True)

    def _info(self, key: FeedKey, version: FeedVersion) -> FeedInfo:
        members = self._members(key)
        sources = {a.source_id for a in members} if key.kind is not FeedKind.SOURCE else {key.value}
        zones = {self.source_zones.get(s) for s in sources}
        read = {self.source_zones.get(s) or self.read_zones.get(s) for s in sources}
        site_url = None
        if key.kind is FeedKind.LATEST:
            title, slug = "最新文章", None
        elif key.kind is FeedKind.CATEGORY:
            title, slug = key.value, self.slug(key.value)
        else:
            title, slug = self.source_names.get(key.value, key.value), None
            site_url = f"https://{key.value}.example.cn/list/"
        return FeedInfo(
            key=key,
            title=title,
            slug=slug,
            article_count=len(members),
            updated_at=version.updated_at,
            interval_seconds=self.interval_seconds,
            language=self.language,
            timezone=zones.pop() if len(zones) == 1 else None,
            page_zone=read.pop() if len(read) == 1 else None,
            site_url=site_url,
        )

    @staticmethod
    def slug(name: str) -> str | None:
        return name.lower().replace(" ", "-") if name.isascii() else None

    async def list_feeds(self) -> list[FeedInfo]:
        self.calls["list_feeds"] += 1
        return [self._info(key, version) for key, version in self.versions.items()]

    async def feed_version(self, key: FeedKey) -> FeedVersion | None:
        self.calls["feed_version"] += 1
        return self.versions.get(key)

    async def feed_entries(self, key: FeedKey, limit: int) -> list[StoredArticle]:
        self.calls["feed_entries"] += 1
        return self._members(key)[:limit]

    async def feed_page(self, key: FeedKey, query: FeedQuery) -> list[StoredArticle]:
        self.calls["feed_page"] += 1
        found = self._members(key)
        if query.before is not None:
            cursor = (query.before.published, query.before.entry_id)
            found = [a for a in found if (a.published, a.entry_id) < cursor]
        if query.text:
            needle = query.text.casefold()
            found = [
                a for a in found if needle in a.title.casefold() or needle in a.summary.casefold()
            ]
        if query.since is not None:
            since = query.since
            found = [a for a in found if a.published >= since or a.updated >= since]
        return found[: query.limit]

    async def feed_info(self, key: FeedKey) -> FeedInfo | None:
        self.calls["feed_info"] += 1
        version = self.versions.get(key)
        return None if version is None else self._info(key, version)

    async def resolve_category(self, name_or_slug: str) -> str | None:
        self.calls["resolve_category"] += 1
        for key in self.versions:
            if key.kind is FeedKind.CATEGORY and name_or_slug in (key.value, self.slug(key.value)):
                return key.value
        return None

    async def ping(self) -> None:
        self.calls["ping"] += 1
        if self.ping_error is not None:
            raise self.ping_error

    async def close(self) -> None:
        self.closed = True
