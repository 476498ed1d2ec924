"""Admin writes and reads: sources created and edited through the API, hidden articles,
the audit trail. Every write records an audit row in its own transaction."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from feedsvc.adminmodels import (
    AdminSource,
    ArticleFilter,
    ArticleSummary,
    AuditEntry,
    SourceChange,
    SourceHealth,
    source_etag,
)
from feedsvc.errors import ConflictError, NotFoundError, StaleWriteError
from feedsvc.models import FeedKey, FeedKind, SourceConfig
from feedsvc.store.audit import record_audit, snapshot
from feedsvc.store.categories import in_category
from feedsvc.store.codec import source_config_from_json, source_config_to_json
from feedsvc.store.feeds import bump_versions, older_than, text_matches
from feedsvc.store.schema import article_sources, articles, audit, sources
from feedsvc.store.sources import forget_page_validators, list_inputs_changed
from feedsvc.store.templates import forget_template

URN_UUID = "urn:uuid:"


def _admin_source(row: Row[Any], items: int) -> AdminSource:
    m = row._mapping
    failures = int(m["error_count"])
    last_error = m["last_error"]
    return AdminSource(
        config=source_config_from_json(
            m["config_json"], source_id=m["id"], enabled=bool(m["enabled"])
        ),
        enabled=bool(m["enabled"]),
        managed_by="api" if m["managed_by"] == "api" else "file",
        etag=source_etag(m["config_json"], bool(m["enabled"])),
        health=SourceHealth(
            last_success=m["last_success_at"],
            consecutive_failures=failures,
            next_run=m["next_check_at"] if m["enabled"] else None,
            last_error=last_error,
            drift=m["drift_since"] is not None,  # set by a ListDriftError (store/sources.py)
            last_attempt=m["last_attempt_at"],
            items=items,
            zone=m["zone"],
        ),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


async def admin_sources(conn: AsyncConnection, source_id: str | None = None) -> list[AdminSource]:
    """Sources not deleted (one when ``source_id`` is given), by id, with their health."""
    stmt = select(sources).where(sources.c.deleted_at.is_(None)).order_by(sources.c.id)
    counts = select(article_sources.c.source_id, func.count()).group_by(article_sources.c.source_id)
    if source_id is not None:
        stmt = stmt.where(sources.c.id == source_id)
        counts = counts.where(article_sources.c.source_id == source_id)
    items = {sid: int(n) for sid, n in await conn.execute(counts)}
    return [_admin_source(row, items.get(row.id, 0)) for row in await conn.execute(stmt)]


async def _locked(conn: AsyncConnection, dialect: str, source_id: str) -> Row[Any] | None:
    stmt = select(sources).where(sources.c.id == source_id)
    if dialect == "postgresql":
        stmt = stmt.with_for_update()  # SQLite: BEGIN IMMEDIATE already serialises writers
    return (await conn.execute(stmt)).first()


async def create_source(
    conn: AsyncConnection,
    dialect: str,
    config: SourceConfig,
    *,
    enabled: bool,
    actor: str,
    now: datetime,
) -> None:
    """Insert an API-managed source; a deleted one with the same id is brought back with
    the new config (its articles were kept). ConflictError when the id is in use."""
    old = await _locked(conn, dialect, config.id)
    if old is not None and old.deleted_at is None:
        raise ConflictError(f"source id {config.id!r} already exists")
    values: dict[str, Any] = {
        "name": config.name,
        "config_json": source_config_to_json(config),
        "category": config.category,
        "interval_seconds": config.interval_seconds,
        "enabled": enabled,
        "next_check_at": now,
        "updated_at": now,
        "managed_by": "api",
        "deleted_at": None,
    }
    if old is None:
        await conn.execute(sources.insert().values(id=config.id, created_at=now, **values))
    else:
        await conn.execute(update(sources).where(sources.c.id == config.id).values(**values))
        was = source_config_from_json(old.config_json, source_id=config.id)
        if list_inputs_changed(was, config):
            await forget_page_validators(conn, config.id)
            await forget_template(conn, config.id)
    await record_audit(
        conn,
        AuditEntry(
            now,
            actor,
            "source.create",
            f"source:{config.id}",
            snapshot(old._mapping if old else None),
            snapshot(values),
        ),
    )


async def change_source(
    conn: AsyncConnection, dialect: str, source_id: str, change: SourceChange
) -> None:
    """Apply ``change``. NotFoundError for an unknown or deleted source; StaleWriteError
    when ``change.if_match`` is not the stored ETag. The audit row names the action."""
    old = await _locked(conn, dialect, source_id)
    if old is None or old.deleted_at is not None:
        raise NotFoundError(f"no source {source_id!r}")
    if change.if_match is not None and change.if_match != source_etag(
        old.config_json, bool(old.enabled)
    ):
        raise StaleWriteError(
            f"source {source_id!r} changed since it was read (If-Match {change.if_match} is stale)"
        )
    values: dict[str, Any] = {"updated_at": change.now}
    if change.config is not None:
        values.update(
            name=change.config.name,
            config_json=source_config_to_json(change.config),
            category=change.config.category,
            interval_seconds=change.config.interval_seconds,
        )
        was = source_config_from_json(old.config_json, source_id=source_id)
        if list_inputs_changed(was, change.config):
            await forget_page_validators(conn, source_id)
            await forget_template(conn, source_id)
        if change.config.interval_seconds < old.interval_seconds:
            # A shorter interval takes effect now, as in the file's sync.
            soon = change.now + timedelta(seconds=change.config.interval_seconds)
            values["next_check_at"] = min(old.next_check_at, soon)
    if change.enabled is not None:
        values["enabled"] = change.enabled
        if change.enabled and not old.enabled:
            values["next_check_at"] = change.now  # resumed: refresh at the next tick
    if change.delete:
        values.update(enabled=False, deleted_at=change.now)
    if change.run_now:
        values["next_check_at"] = change.now
    if change.request_refresh:
        values["refresh_requested_at"] = change.now
    await conn.execute(update(sources).where(sources.c.id == source_id).values(**values))
    if change.config is not None and change.config.name != old.name:
        await bump_versions(conn, dialect, [FeedKey(FeedKind.SOURCE, source_id)], change.now)
    after = {**old._mapping, **values}
    await record_audit(
        conn,
        AuditEntry(
            change.now,
            change.actor,
            change.action,
            f"source:{source_id}",
            snapshot(old._mapping),
            snapshot(after),
        ),
    )


def _article_summary(row: Any) -> ArticleSummary:  # a Row of _SUMMARY_COLUMNS
    return ArticleSummary(
        id=str(row.entry_id).removeprefix(URN_UUID),
        url=row.canonical_url,
        title=row.title,
        published=row.published,
        source=row.source_id,
        category=row.category,
        hidden=bool(row.hidden),
    )


_SUMMARY_COLUMNS = (
    articles.c.entry_id,
    articles.c.canonical_url,
    articles.c.title,
    articles.c.published,
    articles.c.source_id,
    articles.c.category,
    articles.c.hidden,
)


async def list_articles(conn: AsyncConnection, query: ArticleFilter) -> list[ArticleSummary]:
    """Articles newest first by (published, entry id), hidden ones included and marked."""
    stmt = select(*_SUMMARY_COLUMNS)
    if query.source is not None:
        linked = select(article_sources.c.article_id).where(
            article_sources.c.source_id == query.source
        )
        stmt = stmt.where(articles.c.id.in_(linked))
    if query.category is not None:
        stmt = stmt.where(in_category(query.category))
    if query.text:
        stmt = stmt.where(text_matches(query.text))
    if query.after is not None:
        stmt = stmt.where(older_than(*query.after))
    stmt = stmt.order_by(articles.c.published.desc(), articles.c.entry_id.desc())
    return [_article_summary(row) for row in await conn.execute(stmt.limit(query.limit))]


async def set_hidden(
    conn: AsyncConnection,
    dialect: str,
    article_id: str,
    hidden: bool,
    *,
    actor: str,
    now: datetime,
) -> ArticleSummary:
    """Hide (tombstone) or unhide an article by its UUID; every feed holding it moves to a
    new version. NotFoundError for an unknown id."""
    entry_id = URN_UUID + article_id
    row = (
        await conn.execute(
            select(articles.c.id, *_SUMMARY_COLUMNS).where(articles.c.entry_id == entry_id)
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no article {article_id!r}")
    if bool(row.hidden) != hidden:
        await conn.execute(update(articles).where(articles.c.id == row.id).values(hidden=hidden))
        linked = (
            await conn.execute(
                select(article_sources.c.source_id, article_sources.c.category).where(
                    article_sources.c.article_id == row.id
                )
            )
        ).all()
        keys = [FeedKey(FeedKind.LATEST), *(FeedKey(FeedKind.SOURCE, s) for s, _ in linked)]
        # Its own category and each linking source's (categories.in_category).
        for category in {row.category, *(c for _, c in linked)} - {None}:
            keys.append(FeedKey(FeedKind.CATEGORY, category))
        await bump_versions(conn, dialect, keys, now)
        before, after = json.dumps({"hidden": bool(row.hidden)}), json.dumps({"hidden": hidden})
        action = "article.hide" if hidden else "article.unhide"
        await record_audit(
            conn, AuditEntry(now, actor, action, f"article:{article_id}", before, after)
        )
    return dataclasses.replace(_article_summary(row), hidden=hidden)


async def audit_entries(conn: AsyncConnection, target: str | None, limit: int) -> list[AuditEntry]:
    stmt = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if target is not None:
        stmt = stmt.where(audit.c.target == target)
    return [
        AuditEntry(r.at, r.actor, r.action, r.target, r.before_json, r.after_json)
        for r in await conn.execute(stmt)
    ]
