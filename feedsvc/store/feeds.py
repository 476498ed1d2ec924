"""The read side of feeds, plus the version bumps that writes maintain."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Row, Select, and_, case, false, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from feedsvc.models import FeedKey, FeedKind, FeedQuery, FeedVersion, StoredArticle
from feedsvc.store.categories import in_category
from feedsvc.store.schema import article_sources, articles, categories, feed_versions, sources
from feedsvc.store.sql import insert
from feedsvc.store.types import UTCDateTime

# feed_version() of a feed that exists but never changed: version 0 at this time for
# 'latest' (sources and categories use their creation time instead).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
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
        outlet=m["outlet"],
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
        articles.c.outlet,
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
