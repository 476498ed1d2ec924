"""Sources: config sync, schedule state, claims (leases) and failures (run history: runs)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, case, delete, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from feedsvc.adminmodels import AuditEntry, SourceSync
from feedsvc.errors import LeaseLostError, PruneRefusedError
from feedsvc.models import (
    FetchRun,
    PageValidators,
    SourceConfig,
    SourceState,
)
from feedsvc.store.audit import record_audit, snapshot
from feedsvc.store.codec import source_config_from_json, source_config_to_json
from feedsvc.store.runs import MAX_ERROR_CHARS, insert_run
from feedsvc.store.schema import page_validators, sources
from feedsvc.store.templates import forget_template
from feedsvc.store.types import UTCDateTime


def source_state(row: Row[tuple[object, ...]]) -> SourceState:
    m = row._mapping
    return SourceState(
        config=source_config_from_json(
            m["config_json"], source_id=m["id"], enabled=bool(m["enabled"])
        ),
        next_check_at=m["next_check_at"],
        error_count=m["error_count"],
        last_error=m["last_error"],
        last_success_at=m["last_success_at"],
        last_attempt_at=m["last_attempt_at"],
        backfilled=bool(m["backfilled"]),
        lease_owner=m["lease_owner"],
        lease_until=m["lease_until"],
        lease_heartbeat_at=m["lease_heartbeat_at"],
        last_items_seen=m["last_items_seen"],
        drift_since=m["drift_since"],
        zone=m["zone"],
        refresh_requested_at=m["refresh_requested_at"],
    )


async def sync_sources(
    conn: AsyncConnection,
    configs: Sequence[SourceConfig],
    now: datetime,
    *,
    prune: bool,
    actor: str = "file",
) -> SourceSync:
    """Apply the file's sources: each entry that differs from what the database holds for
    it (its stored config, ``enabled`` included) is written; an unchanged entry is left
    alone, so a source paused by an admin stays paused until its entry changes. A
    file-managed source the file no longer lists is disabled, never deleted. Every write
    is an audit row by ``actor``.

    Raises PruneRefusedError, before writing anything, when the result keeps none of the
    enabled sources the file manages (an empty or wrong file) unless ``prune``; sources
    added through the admin API are never disabled by the file, so they do not count.
    """
    seen: dict[str, SourceConfig] = {}
    for config in configs:
        if config.id in seen:
            raise ValueError(f"sync_sources: source id {config.id!r} appears twice")
        seen[config.id] = config
    existing = {row.id: row for row in await conn.execute(select(sources))}
    stored = {
        sid: source_config_from_json(row.config_json, source_id=sid)
        for sid, row in existing.items()
    }

    def applied(sid: str) -> bool:  # the file's entry is written (it differs or is new)
        row = existing.get(sid)
        return row is None or row.deleted_at is not None or stored[sid] != seen[sid]

    enabled = sorted(s for s, row in existing.items() if row.enabled and row.managed_by == "file")
    stays = [s for s in enabled if s in seen and (seen[s].enabled or not applied(s))]
    if enabled and not prune and not stays:
        raise PruneRefusedError(enabled)
    report = SourceSync()
    for config in configs:
        if applied(config.id):
            await _apply_entry(conn, config, existing.get(config.id), now, report)
    # Only the file's own sources leave with it; those added through the admin API stay.
    for sid, row in existing.items():
        if sid in seen or row.managed_by != "file" or row.deleted_at is not None:
            continue
        if row.enabled or stored[sid].enabled:
            # Never deleted: their articles stay in the feeds. The stored intent says
            # "disabled" too, so the entry coming back re-enables it.
            intent = source_config_to_json(dataclasses.replace(stored[sid], enabled=False))
            await conn.execute(
                update(sources)
                .where(sources.c.id == sid)
                .values(enabled=False, config_json=intent, updated_at=now)
            )
            if row.enabled:
                report.disabled.append(sid)
    for sid in report.ids:
        after = (await conn.execute(select(sources).where(sources.c.id == sid))).first()
        before = existing.get(sid)
        await record_audit(
            conn,
            AuditEntry(
                now,
                actor,
                "source.sync",
                f"source:{sid}",
                snapshot(None if before is None else before._mapping),
                snapshot(None if after is None else after._mapping),
            ),
        )
    return report


async def _apply_entry(
    conn: AsyncConnection,
    config: SourceConfig,
    old: Row[Any] | None,
    now: datetime,
    report: SourceSync,
) -> None:
    values: dict[str, object] = {
        "name": config.name,
        "config_json": source_config_to_json(config),
        "category": config.category,
        "interval_seconds": config.interval_seconds,
        "enabled": config.enabled,
        "updated_at": now,
        "deleted_at": None,  # the file is the truth for the sources it lists
    }
    if old is None:
        await conn.execute(
            sources.insert().values(id=config.id, next_check_at=now, created_at=now, **values)
        )
        report.added.append(config.id)
        return
    next_check_at = old.next_check_at
    if config.interval_seconds < old.interval_seconds:
        # A shorter interval takes effect now, not after the old, longer wait.
        next_check_at = min(next_check_at, now + timedelta(seconds=config.interval_seconds))
    if config.enabled and not old.enabled:
        next_check_at = now  # resumed: refresh at the next tick
        report.enabled.append(config.id)
    elif old.enabled and not config.enabled:
        report.disabled.append(config.id)
    was = source_config_from_json(old.config_json, source_id=config.id)
    if dataclasses.replace(was, enabled=True) != dataclasses.replace(config, enabled=True):
        report.changed.append(config.id)
    if list_inputs_changed(was, config):
        await forget_page_validators(conn, config.id)
        await forget_template(conn, config.id)
    if old.name != config.name:
        report.renamed.append(config.id)
    await conn.execute(
        update(sources)
        .where(sources.c.id == config.id)
        .values(next_check_at=next_check_at, **values)
    )


async def get_source(conn: AsyncConnection, source_id: str) -> SourceState | None:
    row = (await conn.execute(select(sources).where(sources.c.id == source_id))).first()
    return None if row is None else source_state(row)


async def list_sources(conn: AsyncConnection, *, include_disabled: bool) -> list[SourceState]:
    stmt = select(sources).order_by(sources.c.id)
    if not include_disabled:
        stmt = stmt.where(sources.c.enabled)
    return [source_state(row) for row in await conn.execute(stmt)]


def lease_free(now: datetime, heartbeat_timeout: float | None) -> ColumnElement[bool]:
    """No lease, an expired one, or (given ``heartbeat_timeout``) one whose refresh has not
    beaten for that many seconds. A NULL heartbeat (a lease from before migration 0003)
    counts as beating: such a lease lasts until its ``lease_until``."""
    free = [sources.c.lease_until.is_(None), sources.c.lease_until < now]
    if heartbeat_timeout is not None:
        free.append(sources.c.lease_heartbeat_at < now - timedelta(seconds=heartbeat_timeout))
    return or_(*free)


def _new_lease(owner: str, now: datetime, lease_seconds: int) -> dict[str, object]:
    return {
        "lease_owner": owner,
        "lease_until": now + timedelta(seconds=lease_seconds),
        "lease_heartbeat_at": now,
        "last_attempt_at": now,
    }


# Values that drop a lease.
NO_LEASE: dict[str, object] = {"lease_owner": None, "lease_until": None, "lease_heartbeat_at": None}


def due_sources(now: datetime, heartbeat_timeout: float | None, limit: int) -> Select[Any]:
    """The ids of the ``limit`` most overdue free sources. Ordered by (next_check_at, id),
    which the index on (enabled, next_check_at, id) yields in order (migration 0014): a
    claim reads ``limit`` index entries, not every due row, even when thousands fell due
    at one instant (a sorted scan of 10,000 rows cost 6 ms a claim on PostgreSQL)."""
    free = lease_free(now, heartbeat_timeout)
    return (
        select(sources.c.id)
        .where(sources.c.enabled, sources.c.next_check_at <= now, free)
        .order_by(sources.c.next_check_at, sources.c.id)
        .limit(limit)
    )


async def claim_due(
    conn: AsyncConnection,
    dialect: str,
    *,
    owner: str,
    now: datetime,
    lease_seconds: int,
    limit: int,
    heartbeat_timeout: float | None = None,
) -> list[SourceState]:
    """One UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) … RETURNING.

    On PostgreSQL, SKIP LOCKED lets concurrent claimers pass over each other's rows and the
    re-check of the WHERE clause after a row lock drops rows another claimer just leased.
    On SQLite the caller's BEGIN IMMEDIATE makes the statement exclusive.
    """
    if limit <= 0:
        return []
    free = lease_free(now, heartbeat_timeout)
    due = due_sources(now, heartbeat_timeout, limit)
    if dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    stmt = (
        update(sources)
        .where(sources.c.id.in_(due.scalar_subquery()), free)
        .values(_new_lease(owner, now, lease_seconds))
        .returning(*sources.c)
    )
    states = [source_state(row) for row in await conn.execute(stmt)]
    # RETURNING has no order; callers expect the most overdue first.
    states.sort(key=lambda s: (s.next_check_at, s.config.id))
    return states


async def claim_source(
    conn: AsyncConnection,
    *,
    source_id: str,
    owner: str,
    now: datetime,
    lease_seconds: int,
    heartbeat_timeout: float | None = None,
) -> SourceState | None:
    stmt = (
        update(sources)
        .where(
            sources.c.id == source_id,
            or_(lease_free(now, heartbeat_timeout), sources.c.lease_owner == owner),
        )
        .values(_new_lease(owner, now, lease_seconds))
        .returning(*sources.c)
    )
    row = (await conn.execute(stmt)).first()
    return None if row is None else source_state(row)


async def touch_lease(conn: AsyncConnection, *, source_id: str, owner: str, now: datetime) -> bool:
    """The heartbeat of ``owner``'s refresh; False when it no longer holds the lease."""
    result = await conn.execute(
        update(sources)
        .where(sources.c.id == source_id, sources.c.lease_owner == owner)
        .values(lease_heartbeat_at=now)
        .returning(sources.c.id)
    )
    return result.first() is not None


async def held_leases(conn: AsyncConnection) -> list[tuple[str, str]]:
    """(source id, lease owner) of every source under a lease, expired or not."""
    rows = await conn.execute(
        select(sources.c.id, sources.c.lease_owner)
        .where(sources.c.lease_owner.is_not(None))
        .order_by(sources.c.id)
    )
    return [(row.id, row.lease_owner) for row in rows]


async def release(conn: AsyncConnection, *, source_id: str, owner: str) -> bool:
    result = await conn.execute(
        update(sources)
        .where(sources.c.id == source_id, sources.c.lease_owner == owner)
        .values(NO_LEASE)
        .returning(sources.c.id)
    )
    return result.first() is not None


async def finish_lease(
    conn: AsyncConnection, *, source_id: str, owner: str, values: dict[str, object]
) -> None:
    """Write schedule state and drop the lease, but only while ``owner`` holds it.

    Runs first in its transaction: on PostgreSQL the row lock it takes keeps claimers away
    until commit, and on a lost lease nothing has been written yet.
    """
    result = await conn.execute(
        update(sources)
        .where(sources.c.id == source_id, sources.c.lease_owner == owner)
        .values({**NO_LEASE, **values})
        .returning(sources.c.id)
    )
    if result.first() is None:
        raise LeaseLostError(source_id, owner)


def request_served(seen: datetime | None) -> dict[str, object]:
    """Values that clear the refresh request a run served (``seen``: the one it claimed),
    keeping a newer request that arrived while it ran; none when it served no request."""
    if seen is None:
        return {}
    column = sources.c.refresh_requested_at
    return {
        "refresh_requested_at": case((column == literal(seen, UTCDateTime), None), else_=column)
    }


async def record_failure(
    conn: AsyncConnection,
    *,
    source_id: str,
    owner: str,
    error: str,
    next_check_at: datetime,
    run: FetchRun,
    drift: bool = False,
    served: datetime | None = None,
) -> None:
    """A failed run; it serves the refresh request it claimed (``served``) all the same:
    the run, marked manual, says it failed, and the next one is scheduled."""
    values: dict[str, object] = {
        "error_count": sources.c.error_count + 1,
        "last_error": error[:MAX_ERROR_CHARS],
        "next_check_at": next_check_at,
        **request_served(served),
    }
    if drift:
        values["drift_since"] = func.coalesce(
            sources.c.drift_since, literal(run.finished_at, UTCDateTime)
        )
    await finish_lease(conn, source_id=source_id, owner=owner, values=values)
    await insert_run(conn, run)


def list_inputs_changed(old: SourceConfig, new: SourceConfig) -> bool:
    """Whether the change may alter the list pages fetched or what they yield: anything but
    the name, the schedule, the category and the pause (else a 304 would hide the new
    selectors' items)."""

    def inputs(c: SourceConfig) -> SourceConfig:
        return dataclasses.replace(c, name="", enabled=True, interval_seconds=0, category=None)

    return inputs(old) != inputs(new)


async def forget_page_validators(conn: AsyncConnection, source_id: str) -> None:
    """The next refresh fetches the source's list pages in full (no conditional GET)."""
    await conn.execute(delete(page_validators).where(page_validators.c.source_id == source_id))


async def get_page_validators(conn: AsyncConnection, source_id: str) -> dict[str, PageValidators]:
    rows = await conn.execute(
        select(page_validators).where(page_validators.c.source_id == source_id)
    )
    return {row.url: PageValidators(etag=row.etag, last_modified=row.last_modified) for row in rows}
