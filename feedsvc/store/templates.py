"""The template learned per source (``source_templates``) and its state.

One row per source: the template as JSON (``extract/template``) once learned, the
observations of pages not yet learned from, and counters: pages pinned, drifted pages in a
row and in all. The refresh writes the row in its save transaction (lease-fenced); a change
of the source's inputs (URL, selectors…) forgets it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from feedsvc.extract.template import Template, TemplateError
from feedsvc.extract.templatelearn import MIN_PAGES, Observation
from feedsvc.store.schema import source_templates
from feedsvc.store.sql import insert

__all__ = ["TemplateState", "forget_template", "get_template_state", "save_template_state"]

log = logging.getLogger(__name__)

LEARNING = "learning"
LEARNED = "learned"
DRIFTED = "drifted"


@dataclass(frozen=True)
class TemplateState:
    """A source's template and what the refreshes saw of it."""

    source_id: str
    status: str = LEARNING
    template: Template | None = None
    observations: tuple[Observation, ...] = ()
    learned_at: datetime | None = None
    pinned_pages: int = 0
    drift_pages: int = 0  # drifted pages in a row (a pinned page resets it)
    drift_total: int = 0
    last_drift: str | None = None

    @property
    def pages_observed(self) -> int:
        learned = self.template.pages if self.template is not None else 0
        return max(learned, len(self.observations))

    @property
    def pages_agreed(self) -> int:
        return self.template.evidence.get("body", 0) if self.template is not None else 0

    def message(self) -> str:
        """One line on where learning stands."""
        if self.template is None:
            seen = len(self.observations)
            if seen < MIN_PAGES:
                return f"not learned yet: {seen} of {MIN_PAGES} pages observed"
            return f"not learned yet: {seen} pages observed, they do not agree yet"
        text = (
            f"learned from {self.template.pages} pages "
            f"({self.pages_agreed} agreed on the body), {self.pinned_pages} pages pinned since"
        )
        if self.status == DRIFTED:
            text += f"; drifted: {self.drift_pages} pages in a row ({self.last_drift})"
        return text

    def summary(self) -> dict[str, Any]:
        """The state as JSON (the API's SourceTemplate, ``check --source``)."""
        parts = self.template.describe() if self.template is not None else []
        return {
            "source": self.source_id,
            "status": self.status,
            "learned": self.template is not None,
            "message": self.message(),
            "pages_observed": self.pages_observed,
            "pages_needed": MIN_PAGES,
            "pages_agreed": self.pages_agreed,
            "learned_at": self.learned_at.isoformat() if self.learned_at else None,
            "pinned_pages": self.pinned_pages,
            "drift_pages": self.drift_pages,
            "drift_total": self.drift_total,
            "last_drift": self.last_drift,
            "parts": [{"part": part, "path": path, "pages": n} for part, path, n in parts],
        }


async def get_template_state(conn: AsyncConnection, source_id: str) -> TemplateState | None:
    row = (
        await conn.execute(
            select(source_templates).where(source_templates.c.source_id == source_id)
        )
    ).first()
    if row is None:
        return None
    template = None
    if row.template_json:
        try:
            template = Template.from_json(json.loads(row.template_json))
        except (TemplateError, ValueError) as exc:
            # An unreadable record (another version wrote it) is relearned, not fatal.
            log.warning("source %s: stored template ignored: %s", source_id, exc)
    observations: list[Observation] = []
    try:
        observations = [Observation.from_json(o) for o in json.loads(row.observations_json)]
    except (TemplateError, ValueError) as exc:
        log.warning("source %s: stored template observations ignored: %s", source_id, exc)
    return TemplateState(
        source_id=source_id,
        status=row.status,
        template=template,
        observations=tuple(observations),
        learned_at=row.learned_at,
        pinned_pages=row.pinned_pages,
        drift_pages=row.drift_pages,
        drift_total=row.drift_total,
        last_drift=row.last_drift,
    )


async def save_template_state(
    conn: AsyncConnection, dialect: str, state: TemplateState, now: datetime
) -> None:
    values: dict[str, object] = {
        "status": state.status,
        "template_json": (
            json.dumps(state.template.to_json(), ensure_ascii=False) if state.template else None
        ),
        "observations_json": json.dumps(
            [o.to_json() for o in state.observations], ensure_ascii=False
        ),
        "pages_observed": state.pages_observed,
        "pages_agreed": state.pages_agreed,
        "learned_at": state.learned_at,
        "pinned_pages": state.pinned_pages,
        "drift_pages": state.drift_pages,
        "drift_total": state.drift_total,
        "last_drift": state.last_drift,
        "updated_at": now,
    }
    await conn.execute(
        insert(dialect, source_templates)
        .values(source_id=state.source_id, **values)
        .on_conflict_do_update(index_elements=[source_templates.c.source_id], set_=values)
    )


async def forget_template(conn: AsyncConnection, source_id: str) -> None:
    """The source learns its template again (its URL or selectors changed)."""
    await conn.execute(delete(source_templates).where(source_templates.c.source_id == source_id))
