"""A source's health at a glance: a kind (the colour) and a text (never colour alone)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from feedsvc.adminmodels import AdminSource


@dataclass(frozen=True)
class Badge:
    kind: str  # ok | failing | drift | paused | pending (a CSS class)
    label: str  # English, with {values}; templates show t(label, **values)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.label.format(**self.values)


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "never"


def badge(source: AdminSource) -> Badge:
    health = source.health
    if not source.enabled:
        return Badge("paused", "Paused")
    if health.consecutive_failures:
        count = health.consecutive_failures
        if health.last_success is None:
            return Badge("failing", "Failing ×{count} (never OK)", {"count": count})
        since = when(health.last_success)
        return Badge(
            "failing", "Failing ×{count} (last OK {when})", {"count": count, "when": since}
        )
    if health.drift:
        return Badge("drift", "Drift: the list stopped yielding links")
    if health.last_success is None:
        return Badge("pending", "Waiting for its first run")
    return Badge("ok", "OK")
