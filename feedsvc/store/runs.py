"""Run history: each refresh's record (``fetch_runs``), written with the refresh's save and
read back for admins, with the links a run dropped and the pages it fetched (bounded)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from feedsvc.models import DroppedLink, FetchRun, FetchStatus, PageFetch
from feedsvc.store.schema import fetch_runs

MAX_ERROR_CHARS = 4000


async def insert_run(conn: AsyncConnection, run: FetchRun) -> None:
    await conn.execute(
        fetch_runs.insert().values(
            source_id=run.source_id,
            started_at=run.started_at,
            finished_at=run.finished_at,
            status=run.status.value,
            new_count=run.new_count,
            updated_count=run.updated_count,
            items_seen=run.items_seen,
            error=None if run.error is None else run.error[:MAX_ERROR_CHARS],
            dropped_json=dropped_to_json(run.dropped),
            unchanged_count=run.unchanged_count,
            pages_json=pages_to_json(run.pages),
            template_note=run.template_note,
            manual=run.manual,
            rechecked_count=run.rechecked_count,
        )
    )


MAX_DROPPED_STORED = 200  # per run: enough to explain a page, bounded for huge lists
MAX_PAGES_STORED = 300  # per run: list pages and a refresh's article fetches, bounded


def dropped_to_json(dropped: Sequence[DroppedLink]) -> str | None:
    if not dropped:
        return None
    kept = [{"url": d.url, "reason": d.reason[:500]} for d in dropped[:MAX_DROPPED_STORED]]
    return json.dumps(kept, ensure_ascii=False)


def pages_to_json(pages: Sequence[PageFetch]) -> str | None:
    if not pages:
        return None
    kept = [
        {"url": p.url, "status": p.status, "kind": p.kind, "error": p.error and p.error[:500]}
        for p in pages[:MAX_PAGES_STORED]
    ]
    return json.dumps(kept, ensure_ascii=False)


def pages_from_json(text: str | None) -> tuple[PageFetch, ...]:
    if not text:
        return ()
    return tuple(
        PageFetch(str(p["url"]), p["status"], str(p["kind"]), p.get("error"))
        for p in json.loads(text)
    )


def dropped_from_json(text: str | None) -> tuple[DroppedLink, ...]:
    if not text:
        return ()
    return tuple(DroppedLink(str(d["url"]), str(d["reason"])) for d in json.loads(text))


async def recent_runs(conn: AsyncConnection, source_id: str, limit: int) -> list[FetchRun]:
    rows = await conn.execute(
        select(fetch_runs)
        .where(fetch_runs.c.source_id == source_id)
        .order_by(fetch_runs.c.id.desc())
        .limit(limit)
    )
    return [
        FetchRun(
            source_id=row.source_id,
            started_at=row.started_at,
            finished_at=row.finished_at,
            status=FetchStatus(row.status),
            new_count=row.new_count,
            updated_count=row.updated_count,
            items_seen=row.items_seen,
            error=row.error,
            dropped=dropped_from_json(row.dropped_json),
            id=row.id,
            unchanged_count=row.unchanged_count,
            pages=pages_from_json(row.pages_json),
            template_note=row.template_note,
            manual=bool(row.manual),
            rechecked_count=row.rechecked_count,
        )
        for row in rows
    ]
