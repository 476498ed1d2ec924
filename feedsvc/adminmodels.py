"""What the admin API reads and writes through the store: plain frozen dataclasses.

The API depends on these and on the ``AdminStore`` protocol (``web/api/protocol.py``),
never on tables.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from feedsvc.models import SourceConfig

ManagedBy = Literal["file", "api"]


def source_etag(config_json: str, enabled: bool) -> str:
    """A strong ETag over what an admin edits: the stored config and the enabled state."""
    digest = hashlib.sha256(f"{config_json}\n{enabled}".encode()).hexdigest()[:20]
    return f'"{digest}"'


@dataclass(frozen=True)
class SourceHealth:
    last_success: datetime | None
    consecutive_failures: int
    next_run: datetime | None
    last_error: str | None
    drift: bool
    last_attempt: datetime | None = None
    items: int = 0  # articles the source has found so far
    zone: str | None = None  # "ZONE: evidence" its page times were last read in


@dataclass(frozen=True)
class AdminSource:
    config: SourceConfig
    enabled: bool
    managed_by: ManagedBy
    etag: str
    health: SourceHealth
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ArticleSummary:
    id: str  # the UUID of the entry's urn:uuid: id
    url: str
    title: str
    published: datetime
    source: str
    category: str | None
    hidden: bool


@dataclass(frozen=True)
class ArticleFilter:
    source: str | None = None
    category: str | None = None
    text: str | None = None
    limit: int = 50
    after: tuple[datetime, str] | None = None  # keyset: (published, entry id) of the last one


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    target: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class SourceChange:
    """One admin write to a source: a new config and/or enabled state, a delete (disable +
    hide), or "refresh soon" (due now, a manual refresh requested); refused unless
    ``if_match`` is the stored ETag."""

    action: str  # the audit action: "source.update", "source.disable", …
    actor: str
    now: datetime
    config: SourceConfig | None = None
    enabled: bool | None = None
    delete: bool = False
    run_now: bool = False
    # Record a manual refresh request: the next refresh re-checks the source's recent
    # articles still on its list (SourceState.refresh_requested_at).
    request_refresh: bool = False
    if_match: str | None = None


@dataclass
class SourceSync:
    """What a sync of the sources file wrote, by source id (each list in file order)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # config edited (enabled aside)
    enabled: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)  # by the file or left out of it
    renamed: list[str] = field(default_factory=list)  # their feeds' titles changed

    @property
    def ids(self) -> list[str]:
        """Every source written, once each."""
        return list(dict.fromkeys(self.added + self.changed + self.enabled + self.disabled))

    def summary(self) -> str:
        """``added a, b; changed c; disabled d`` or ``no changes``."""
        parts = [
            f"{name} {', '.join(ids)}"
            for name, ids in (
                ("added", self.added),
                ("changed", self.changed),
                ("enabled", self.enabled),
                ("disabled", self.disabled),
            )
            if ids
        ]
        return "; ".join(parts) or "no changes"
