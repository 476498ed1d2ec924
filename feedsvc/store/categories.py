"""Categories: created on first use with a unique slug, and which articles each holds.

An article is in its own category (``articles.category``) and in the category configured
on each source that links it (``article_sources.category``); see docs/architecture.md.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Subquery, or_, select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from feedsvc.store.codec import category_slug
from feedsvc.store.schema import article_sources, articles, categories
from feedsvc.store.sql import insert

MAX_SLUG_SUFFIX = 100


async def ensure_category(conn: AsyncConnection, dialect: str, name: str, now: datetime) -> None:
    """Create the category if missing, with a unique slug (``-2``, ``-3`` … on collision)."""
    exists = await conn.scalar(select(categories.c.name).where(categories.c.name == name))
    if exists is not None:
        return
    base = category_slug(name)
    for attempt in range(1, MAX_SLUG_SUFFIX + 1):
        slug = None if base is None else (base if attempt == 1 else f"{base}-{attempt}")
        # DO NOTHING (no target) absorbs a concurrent insert of the same name or slug.
        await conn.execute(
            insert(dialect, categories)
            .values(name=name, slug=slug, created_at=now)
            .on_conflict_do_nothing()
        )
        if await conn.scalar(select(categories.c.name).where(categories.c.name == name)):
            return
        if slug is None:
            break
    raise RuntimeError(f"category {name!r}: could not allocate a unique slug from {base!r}")


async def resolve_category(conn: AsyncConnection, name_or_slug: str) -> str | None:
    name = await conn.scalar(select(categories.c.name).where(categories.c.name == name_or_slug))
    if name is not None:
        return str(name)
    name = await conn.scalar(
        select(categories.c.name).where(categories.c.slug == name_or_slug.lower())
    )
    return None if name is None else str(name)


def in_category(name: str) -> ColumnElement[bool]:
    """An article is in its own category and in the category configured on each source
    that links it."""
    return or_(
        articles.c.category == name,
        articles.c.id.in_(
            select(article_sources.c.article_id).where(article_sources.c.category == name)
        ),
    )


def category_members() -> Subquery:
    """(article_id, category) for every category each article is in (see in_category)."""
    return union(
        select(articles.c.id.label("article_id"), articles.c.category.label("category")).where(
            articles.c.category.is_not(None)
        ),
        select(article_sources.c.article_id, article_sources.c.category).where(
            article_sources.c.category.is_not(None)
        ),
    ).subquery("members")


async def holds(conn: AsyncConnection, name: str, article_id: int) -> bool:
    """Whether the category already holds the article."""
    found = await conn.scalar(
        select(articles.c.id).where(articles.c.id == article_id, in_category(name))
    )
    return found is not None
