"""A failed refresh: recorded on the source, its next check set by the error's kind.

The source's articles are not touched; see docs/security.md, "Back-off and failure policy".
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from feedsvc.errors import FeedsvcError, LeaseLostError, ListDriftError
from feedsvc.models import FetchRun, FetchStatus, PageFetch, SourceState
from feedsvc.redact import redact_credentials
from feedsvc.refresh.policy import backoff, jittered, retry_hint

if TYPE_CHECKING:
    from feedsvc.refresh.context import RefreshContext

log = logging.getLogger(__name__)


async def record_failure(
    ctx: RefreshContext,
    state: SourceState,
    started: datetime,
    exc: Exception,
    pages: tuple[PageFetch, ...] = (),
    *,
    manual: bool = False,
) -> str:
    """Record ``exc`` as the claimed source's failed refresh and schedule its next check
    by the error's retry hint; returns the message recorded. A lost lease writes nothing.
    The refresh request the source was claimed with counts as served (the run says so)."""
    source = state.config
    if isinstance(exc, FeedsvcError):
        message = str(exc)
    else:
        message = redact_credentials(f"unexpected {type(exc).__name__}: {exc}")
        log.exception("source %s failed unexpectedly", source.id)
    finished = ctx.now()
    plan = backoff(
        retry_hint(exc),
        interval_seconds=source.interval_seconds,
        error_count=state.error_count + 1,
        max_backoff_seconds=ctx.settings.max_backoff,
    )
    log.warning("source %s failed: %s (%s)", source.id, message, plan.why)
    try:
        await ctx.store.record_failure(
            source.id,
            ctx.owner,
            error=f"{message} ({plan.why})",
            finished_at=finished,
            next_check_at=jittered(finished, plan.seconds, ctx.settings.jitter),
            drift=isinstance(exc, ListDriftError),
            served=state.refresh_requested_at,
            run=FetchRun(
                source_id=source.id,
                started_at=started,
                finished_at=finished,
                status=FetchStatus.FAILED,
                error=message,
                pages=pages,
                manual=manual,
            ),
        )
    except LeaseLostError as lost:
        log.warning("%s", lost)
    return message
