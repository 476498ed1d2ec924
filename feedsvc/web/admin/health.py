"""A source's health at a glance: a kind (the colour) and a text (never colour alone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedsvc.adminmodels import AdminSource


@dataclass(frozen=True)
class Badge:
    kind: str  # ok | failing | drift | paused | pending (a CSS class)
    text: str


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "never"


def badge(source: AdminSource) -> Badge:
    health = source.health
    if not source.enabled:
        return Badge("paused", "Paused")
    if health.consecutive_failures:
        since = f"last OK {when(health.last_success)}" if health.last_success else "never OK"
        return Badge("failing", f"Failing ×{health.consecutive_failures} ({since})")
    if health.drift:
        return Badge("drift", "Drift: the list stopped yielding links")
    if health.last_success is None:
        return Badge("pending", "Waiting for its first run")
    return Badge("ok", "OK")
