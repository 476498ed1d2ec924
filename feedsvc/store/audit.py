"""The audit trail: one row per admin write (API, CLI or a sources file sync)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from feedsvc.adminmodels import AuditEntry
from feedsvc.store.schema import audit


def snapshot(row: Mapping[str, Any] | RowMapping | None) -> str | None:
    """A source row as the audit's before/after JSON (None: it did not exist)."""
    if row is None:
        return None
    data = {
        "config": json.loads(row["config_json"]),
        "enabled": bool(row["enabled"]),
        "managed_by": row["managed_by"],
        "deleted": row["deleted_at"] is not None,
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


async def record_audit(conn: AsyncConnection, entry: AuditEntry) -> None:
    await conn.execute(
        audit.insert().values(
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            target=entry.target,
            before_json=entry.before,
            after_json=entry.after,
        )
    )
