"""The read side of feeds, plus the version bumps that writes maintain."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Row, Select, and_, case, false, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from feedsvc.models import FeedInfo, FeedKey, FeedKind, FeedQuery, FeedVersion, StoredArticle
from feedsvc.store.categories import category_members, in_category
from feedsvc.store.codec import source_config_from_json
from feedsvc.store.schema import article_sources, articles, categories, feed_versions, sources
from feedsvc.store.sql import insert
from feedsvc.store.types import UTCDateTime

# feed_version() of a feed that exists but never changed: version 0 at this time for
# 'latest' (sources and categories use their creation time instead).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The interval reported for a feed with no sources at all (an empty 'latest').
DEFAULT_INTERVAL_SECONDS = 3600
# LIKE's wildcards and its escape character, matched literally in a ?q= search.
_LIKE_SPECIAL = re.compile(r"[\\%_]")


async def bump_versions(
    conn: AsyncConnection, dialect: str, keys: Iterable[FeedKey], at: datetime
) -> None:
    """version + 1 and updated_at = max(updated_at, at) for each key, creating rows.

    Keys are written in sorted order so concurrent writers lock rows in the same order
    (no deadlocks on PostgreSQL).
    """
    for key in sorted({str(k) for k in keys}):
        stmt = insert(dialect, feed_versions).values(key=key, version=1, updated_at=at)
        at_param = literal(at, UTCDateTime)
        stmt = stmt.on_conflict_do_update(
            index_elements=[feed_versions.c.key],
            set_={
                "version": feed_versions.c.version + 1,
                # Never backwards: a slow worker may commit an older finished_at.
                "updated_at": case(
                    (feed_versions.c.updated_at < at_param, at_param),
                    else_=feed_versions.c.updated_at,
                ),
            },
        )
        await conn.execute(stmt)


async def feed_version(conn: AsyncConnection, key: FeedKey) -> FeedVersion | None:
    """The feed's version, or version 0 for a feed that exists but never changed.

    A version-0 feed reports the creation time of its source or category as
    ``updated_at`` (the epoch for 'latest'), so it still has a stable Last-Modified.
    None means no such feed.
    """
    row = (
        await conn.execute(
            select(feed_versions.c.version, feed_versions.c.updated_at).where(
                feed_versions.c.key == str(key)
            )
        )
    ).first()
    if row is not None:
        return FeedVersion(key=key, version=row.version, updated_at=row.updated_at)
    created: datetime | None
    if key.kind is FeedKind.LATEST:
        created = EPOCH
    elif key.kind is FeedKind.SOURCE:
        created = await conn.scalar(select(sources.c.created_at).where(sources.c.id == key.value))
    else:
        created = await conn.scalar(
            select(categories.c.created_at).where(categories.c.name == key.value)
        )
    return None if created is None else FeedVersion(key=key, version=0, updated_at=created)


def _stored_article(row: Row[tuple[object, ...]]) -> StoredArticle:
    m = row._mapping
    return StoredArticle(
        entry_id=m["entry_id"],
        canonical_url=m["canonical_url"],
        source_id=m["feed_source_id"],
        source_name=m["source_name"],
        title=m["title"],
        published=m["published"],
        updated=m["updated"],
        first_seen=m["first_seen"],
        author=m["author"],
        editor=m["editor"],
        category=m["category"],
        content_html=m["content_html"],
        summary=m["summary"],
        image=m["image"],
        language=m["language"],
    )


async def feed_entries(conn: AsyncConnection, key: FeedKey, limit: int) -> list[StoredArticle]:
    """Newest first (published, then id). In a source feed, entries name that source;
    elsewhere they name the source that found the article first."""
    stmt = _entries_select(key).order_by(articles.c.published.desc(), articles.c.id.desc())
    return [_stored_article(row) for row in await conn.execute(stmt.limit(limit))]


async def feed_page(conn: AsyncConnection, key: FeedKey, query: FeedQuery) -> list[StoredArticle]:
    """One page of the feed in keyset order (published, then entry id, newest first).

    The order ends in the unique entry id, so a cursor names one position and the pages
    after it never repeat or skip an entry that was there when the first page was read.
    """
    stmt = _entries_select(key)
    if query.before is not None:
        stmt = stmt.where(older_than(query.before.published, query.before.entry_id))
    if query.text:
        stmt = stmt.where(text_matches(query.text))
    if query.since is not None:
        stmt = stmt.where(
            or_(articles.c.published >= query.since, articles.c.updated >= query.since)
        )
    stmt = stmt.order_by(articles.c.published.desc(), articles.c.entry_id.desc())
    return [_stored_article(row) for row in await conn.execute(stmt.limit(query.limit))]


def older_than(published: datetime, entry_id: str) -> ColumnElement[bool]:
    """Articles after the keyset position (published, entry id) in newest-first order."""
    return or_(
        articles.c.published < published,
        and_(articles.c.published == published, articles.c.entry_id < entry_id),
    )


def text_matches(text: str) -> ColumnElement[bool]:
    """Title or summary contains ``text`` (case-insensitive substring, LIKE-escaped)."""
    pattern = "%" + _LIKE_SPECIAL.sub(r"\\\g<0>", text) + "%"
    return or_(
        articles.c.title.ilike(pattern, escape="\\"),
        articles.c.summary.ilike(pattern, escape="\\"),
    )


def _entries_select(key: FeedKey) -> Select[tuple[object, ...]]:
    cols = [
        articles.c.entry_id,
        articles.c.canonical_url,
        articles.c.title,
        articles.c.published,
        articles.c.updated,
        articles.c.first_seen,
        articles.c.author,
        articles.c.editor,
        articles.c.category,
        articles.c.content_html,
        articles.c.summary,
        articles.c.image,
        articles.c.language,
        sources.c.id.label("feed_source_id"),
        sources.c.name.label("source_name"),
    ]
    if key.kind is FeedKind.SOURCE:
        return (
            select(*cols)
            .select_from(
                article_sources.join(articles, articles.c.id == article_sources.c.article_id).join(
                    sources, sources.c.id == article_sources.c.source_id
                )
            )
            .where(article_sources.c.source_id == key.value, articles.c.hidden.is_(false()))
        )
    stmt = select(*cols).select_from(articles.join(sources, sources.c.id == articles.c.source_id))
    stmt = stmt.where(articles.c.hidden.is_(false()))  # hidden by an admin: in no feed
    if key.kind is FeedKind.CATEGORY:
        stmt = stmt.where(in_category(key.value))
    return stmt


async def feed_info(conn: AsyncConnection, key: FeedKey) -> FeedInfo | None:
    """One feed's listing data without aggregating every feed: what a feed response
    needs (title, slug, language, refresh interval). None for an unknown feed.

    The language of 'latest' and of a category is the one language all their sources
    declare, or None when they declare none or disagree.
    """
    versions = select(feed_versions.c.updated_at).where(feed_versions.c.key == str(key))
    updated_at = await conn.scalar(versions)
    if key.kind is FeedKind.SOURCE:
        row = (
            await conn.execute(
                select(sources.c.name, sources.c.interval_seconds, sources.c.config_json).where(
                    sources.c.id == key.value
                )
            )
        ).first()
        if row is None:
            return None
        count = await conn.scalar(
            select(func.count()).where(article_sources.c.source_id == key.value)
        )
        config = source_config_from_json(row.config_json, source_id=key.value)
        return FeedInfo(
            key=key,
            title=row.name,
            slug=None,
            article_count=int(count or 0),
            updated_at=updated_at,
            interval_seconds=row.interval_seconds,
            language=config.language,
        )
    if key.kind is FeedKind.LATEST:
        title, slug = "Latest", None
        count = await conn.scalar(select(func.count()).select_from(articles))
        source_rows = await conn.execute(
            select(sources.c.id, sources.c.interval_seconds, sources.c.config_json).where(
                sources.c.enabled
            )
        )
    else:
        slug_row = (
            await conn.execute(select(categories.c.slug).where(categories.c.name == key.value))
        ).first()
        if slug_row is None:
            return None
        title, slug = key.value, slug_row.slug
        count = await conn.scalar(
            select(func.count()).select_from(articles).where(in_category(key.value))
        )
        source_rows = await conn.execute(
            select(sources.c.id, sources.c.interval_seconds, sources.c.config_json)
            .distinct()
            .select_from(
                sources.join(article_sources, article_sources.c.source_id == sources.c.id).join(
                    articles, articles.c.id == article_sources.c.article_id
                )
            )
            .where(in_category(key.value))
        )
    rows = source_rows.all()
    languages = {source_config_from_json(r.config_json, source_id=r.id).language for r in rows}
    return FeedInfo(
        key=key,
        title=title,
        slug=slug,
        article_count=int(count or 0),
        updated_at=updated_at,
        interval_seconds=min(
            (int(r.interval_seconds) for r in rows), default=DEFAULT_INTERVAL_SECONDS
        ),
        language=languages.pop() if len(languages) == 1 else None,
    )


async def list_feeds(conn: AsyncConnection) -> list[FeedInfo]:
    """'Latest', every category with articles, and every source (enabled, or disabled but
    still holding articles), in that order."""
    versions: dict[str, datetime] = {
        row.key: row.updated_at
        for row in await conn.execute(select(feed_versions.c.key, feed_versions.c.updated_at))
    }
    source_rows = (
        await conn.execute(
            select(
                sources.c.id,
                sources.c.name,
                sources.c.enabled,
                sources.c.interval_seconds,
                sources.c.config_json,
                sources.c.deleted_at,
                func.count(article_sources.c.article_id).label("n"),
            )
            .select_from(
                sources.outerjoin(article_sources, article_sources.c.source_id == sources.c.id)
            )
            .group_by(
                sources.c.id,
                sources.c.name,
                sources.c.enabled,
                sources.c.interval_seconds,
                sources.c.config_json,
                sources.c.deleted_at,
            )
            .order_by(sources.c.id)
        )
    ).all()
    total = await conn.scalar(select(func.count()).select_from(articles)) or 0
    enabled_intervals = [r.interval_seconds for r in source_rows if r.enabled]
    feeds = [
        FeedInfo(
            key=FeedKey(FeedKind.LATEST),
            title="Latest",
            slug=None,
            article_count=int(total),
            updated_at=versions.get("latest"),
            interval_seconds=min(enabled_intervals, default=DEFAULT_INTERVAL_SECONDS),
        )
    ]
    members = category_members()
    category_rows = await conn.execute(
        select(
            categories.c.name,
            categories.c.slug,
            func.count(func.distinct(members.c.article_id)).label("n"),
            func.min(sources.c.interval_seconds).label("interval"),
        )
        .select_from(
            categories.join(members, members.c.category == categories.c.name)
            .join(article_sources, article_sources.c.article_id == members.c.article_id)
            .join(sources, sources.c.id == article_sources.c.source_id)
        )
        .group_by(categories.c.name, categories.c.slug)
    )
    # Sorted here, by code point: database collations differ between engines and hosts.
    for row in sorted(category_rows, key=lambda r: str(r.name)):
        key = FeedKey(FeedKind.CATEGORY, row.name)
        feeds.append(
            FeedInfo(
                key=key,
                title=row.name,
                slug=row.slug,
                article_count=int(row.n),
                updated_at=versions.get(str(key)),
                interval_seconds=int(row.interval),
            )
        )
    for row in source_rows:
        if (not row.enabled and not row.n) or row.deleted_at is not None:
            continue  # a deleted source leaves the index; its feed URL keeps answering
        key = FeedKey(FeedKind.SOURCE, row.id)
        config = source_config_from_json(row.config_json, source_id=row.id)
        feeds.append(
            FeedInfo(
                key=key,
                title=row.name,
                slug=None,
                article_count=int(row.n),
                updated_at=versions.get(str(key)),
                interval_seconds=row.interval_seconds,
                language=config.language,
            )
        )
    return feeds
