"""Builders for store test data (a module name unique across the test tree)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from feedsvc.models import (
    FetchStatus,
    NormalizedArticle,
    PageValidators,
    RefreshOutcome,
    SourceConfig,
)
from feedsvc.store import Store
from feedsvc.store.engine import create_engine
from feedsvc.store.migrate import current_revision, downgrade, upgrade

# Opens another Store on the test database (own engine: stands in for another process).
StoreOpener = Callable[[], Awaitable[Store]]

T0 = datetime(2024, 5, 18, 2, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def config(
    source_id: str = "s1",
    *,
    name: str | None = None,
    interval: int = 600,
    category: str | None = None,
    language: str | None = None,
    timezone: str | None = None,
) -> SourceConfig:
    return SourceConfig(
        id=source_id,
        name=name or f"Source {source_id}",
        urls=(f"https://example.cn/{source_id}/",),
        interval_seconds=interval,
        category=category,
        language=language,
        timezone=timezone,
    )


def article(
    slug: str,
    *,
    content: str = "v1",
    published: datetime | None = None,
    fallback: bool = False,
    category: str | None = "财经",
    link_url: str | None = None,
    title: str | None = None,
) -> NormalizedArticle:
    canonical = f"https://example.cn/news/{slug}.html"
    return NormalizedArticle(
        canonical_url=canonical,
        link_url=link_url or canonical,
        entry_id=f"urn:uuid:{slug}",
        title=title or f"Title {slug} {content}",
        published=published or at(-60),
        published_is_fallback=fallback,
        author="记者 王五",
        category=category,
        content_html=f"<p>{slug} {content}</p>",
        summary=f"{slug} {content}",
        image=None,
        content_hash=f"hash-{slug}-{content}",
        language="zh-CN",
        etag=f'"{slug}-{content}"',
    )


def outcome(
    source_id: str,
    owner: str,
    finished: datetime,
    *articles: NormalizedArticle,
    checked: tuple[str, ...] = (),
    validators: tuple[tuple[str, PageValidators], ...] = (),
    backfilled: bool = False,
) -> RefreshOutcome:
    return RefreshOutcome(
        source_id=source_id,
        owner=owner,
        started_at=finished - timedelta(seconds=5),
        finished_at=finished,
        next_check_at=finished + timedelta(minutes=10),
        status=FetchStatus.OK,
        articles=articles,
        checked_link_urls=checked,
        validators=validators,
        backfilled=backfilled,
        items_seen=len(articles),
    )


async def migrate_to(database_url: str, revision: str) -> None:
    """Up- or downgrade to ``revision`` as ``feedsvc migrate`` does: one transaction, on
    SQLite with foreign keys off (batch mode rebuilds tables by copy, drop and rename)."""
    engine = create_engine(database_url, for_migrations=True)
    try:
        async with engine.begin() as conn:
            current = await conn.run_sync(current_revision)
            older = current is not None and revision != "head" and revision < current
            await conn.run_sync(downgrade if older else upgrade, revision)
    finally:
        await engine.dispose()


async def table_columns(store: Store, table: str) -> set[str]:
    """The column names ``table`` has in the database (not in the metadata)."""

    def names(conn: Connection) -> set[str]:
        return {c["name"] for c in inspect(conn).get_columns(table)}

    async with store.engine.connect() as conn:
        return await conn.run_sync(names)
