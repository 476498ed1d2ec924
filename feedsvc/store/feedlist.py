"""The feeds as the index, OPML and feed responses list them: ``list_feeds`` and ``feed_info``.

Besides counts and times, each feed carries what its sources say about it: a source
feed its source's language, configured zone, the zone its page times were last read in
(configured, else what the last refresh detected) and its first list page (the site a
reader visits); 'latest' and a category the language and zones all their sources share
(None when any source has none or they disagree), and no site of their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from feedsvc.models import FeedInfo, FeedKey, FeedKind, SourceConfig
from feedsvc.store.categories import category_members, in_category
from feedsvc.store.codec import source_config_from_json
from feedsvc.store.schema import article_sources, articles, categories, feed_versions, sources

# The interval reported for a feed with no sources at all (an empty 'latest').
DEFAULT_INTERVAL_SECONDS = 3600


@dataclass(frozen=True)
class _Source:
    name: str
    interval_seconds: int
    config: SourceConfig
    read_zone: str | None  # the zone the last refresh read its page times in

    @property
    def page_zone(self) -> str | None:
        return self.config.timezone or self.read_zone


def _sources(rows: Iterable[Any]) -> list[_Source]:
    """Rows with id, name, interval_seconds, config_json and zone (typed loosely)."""
    return [
        _Source(
            r.name,
            int(r.interval_seconds),
            source_config_from_json(r.config_json, source_id=r.id),
            _zone_name(r.zone),
        )
        for r in rows
    ]


def _zone_name(recorded: str | None) -> str | None:
    """The zone of a stored ``"ZONE: evidence"`` (refresh.worker records it)."""
    return recorded.partition(": ")[0] or None if recorded else None


def _shared(values: Iterable[str | None]) -> str | None:
    """The one value every item has; None when they differ or one has none."""
    found = set(values)
    return found.pop() if len(found) == 1 else None


def _source_info(
    key: FeedKey, source: _Source, *, count: int, updated_at: datetime | None
) -> FeedInfo:
    config = source.config
    return FeedInfo(
        key=key,
        title=source.name,
        slug=None,
        article_count=count,
        updated_at=updated_at,
        interval_seconds=source.interval_seconds,
        language=config.language,
        timezone=config.timezone,
        page_zone=source.page_zone,
        site_url=config.urls[0] if config.urls else None,
    )


def _shared_info(
    key: FeedKey,
    slug: str | None,
    holders: list[_Source],
    *,
    count: int,
    updated_at: datetime | None,
) -> FeedInfo:
    return FeedInfo(
        key=key,
        title="Latest" if key.kind is FeedKind.LATEST else key.value,
        slug=slug,
        article_count=count,
        updated_at=updated_at,
        interval_seconds=min(
            (s.interval_seconds for s in holders), default=DEFAULT_INTERVAL_SECONDS
        ),
        language=_shared(s.config.language for s in holders),
        timezone=_shared(s.config.timezone for s in holders),
        page_zone=_shared(s.page_zone for s in holders),
    )


async def feed_info(conn: AsyncConnection, key: FeedKey) -> FeedInfo | None:
    """One feed's listing data without aggregating every feed: what a feed response
    needs (title, slug, language, zone, refresh interval). None for an unknown feed."""
    versions = select(feed_versions.c.updated_at).where(feed_versions.c.key == str(key))
    updated_at = await conn.scalar(versions)
    columns = (
        sources.c.id,
        sources.c.name,
        sources.c.interval_seconds,
        sources.c.config_json,
        sources.c.zone,
    )
    if key.kind is FeedKind.SOURCE:
        row = (await conn.execute(select(*columns).where(sources.c.id == key.value))).first()
        if row is None:
            return None
        count = await conn.scalar(
            select(func.count()).where(article_sources.c.source_id == key.value)
        )
        (source,) = _sources([row])
        return _source_info(key, source, count=int(count or 0), updated_at=updated_at)
    slug = None
    if key.kind is FeedKind.LATEST:
        count = await conn.scalar(select(func.count()).select_from(articles))
        source_rows = await conn.execute(select(*columns).where(sources.c.enabled))
    else:
        slug_row = (
            await conn.execute(select(categories.c.slug).where(categories.c.name == key.value))
        ).first()
        if slug_row is None:
            return None
        slug = slug_row.slug
        count = await conn.scalar(
            select(func.count()).select_from(articles).where(in_category(key.value))
        )
        source_rows = await conn.execute(
            select(*columns)
            .distinct()
            .select_from(
                sources.join(article_sources, article_sources.c.source_id == sources.c.id).join(
                    articles, articles.c.id == article_sources.c.article_id
                )
            )
            .where(in_category(key.value))
        )
    holders = _sources(source_rows.all())
    return _shared_info(key, slug, holders, count=int(count or 0), updated_at=updated_at)


async def list_feeds(conn: AsyncConnection) -> list[FeedInfo]:
    """'Latest', every category with articles, and every source (enabled, or disabled but
    still holding articles), in that order."""
    versions: dict[str, datetime] = {
        row.key: row.updated_at
        for row in await conn.execute(select(feed_versions.c.key, feed_versions.c.updated_at))
    }
    group = (
        sources.c.id,
        sources.c.name,
        sources.c.enabled,
        sources.c.interval_seconds,
        sources.c.config_json,
        sources.c.zone,
        sources.c.deleted_at,
    )
    source_rows = (
        await conn.execute(
            select(*group, func.count(article_sources.c.article_id).label("n"))
            .select_from(
                sources.outerjoin(article_sources, article_sources.c.source_id == sources.c.id)
            )
            .group_by(*group)
            .order_by(sources.c.id)
        )
    ).all()
    by_id = dict(zip((r.id for r in source_rows), _sources(source_rows), strict=True))
    total = await conn.scalar(select(func.count()).select_from(articles)) or 0
    latest = FeedKey(FeedKind.LATEST)
    enabled = [by_id[r.id] for r in source_rows if r.enabled]
    feeds = [
        _shared_info(latest, None, enabled, count=int(total), updated_at=versions.get("latest"))
    ]
    feeds.extend(await _categories(conn, by_id, versions))
    for row in source_rows:
        if (not row.enabled and not row.n) or row.deleted_at is not None:
            continue  # a deleted source leaves the index; its feed URL keeps answering
        key = FeedKey(FeedKind.SOURCE, row.id)
        feeds.append(
            _source_info(key, by_id[row.id], count=int(row.n), updated_at=versions.get(str(key)))
        )
    return feeds


async def _categories(
    conn: AsyncConnection, by_id: dict[str, _Source], versions: dict[str, datetime]
) -> list[FeedInfo]:
    """Every category with articles, by code point of its name (database collations
    differ between engines and hosts), with the sources linking its articles."""
    members = category_members()
    linked = members.join(article_sources, article_sources.c.article_id == members.c.article_id)
    counts = await conn.execute(
        select(
            categories.c.name,
            categories.c.slug,
            func.count(func.distinct(members.c.article_id)).label("n"),
        )
        .select_from(categories.join(linked, members.c.category == categories.c.name))
        .group_by(categories.c.name, categories.c.slug)
    )
    holders: defaultdict[str, list[_Source]] = defaultdict(list)
    pairs = select(members.c.category, article_sources.c.source_id).distinct().select_from(linked)
    for category, source_id in await conn.execute(pairs):
        holders[category].append(by_id[source_id])
    infos = []
    for row in sorted(counts, key=lambda r: str(r.name)):
        key = FeedKey(FeedKind.CATEGORY, row.name)
        infos.append(
            _shared_info(
                key,
                row.slug,
                holders[row.name],
                count=int(row.n),
                updated_at=versions.get(str(key)),
            )
        )
    return infos
