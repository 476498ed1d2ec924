"""When to check a source next: its interval with jitter, and back-off by kind of failure.

A failure's :class:`~feedsvc.errors.Retry` hint (see :mod:`feedsvc.errors`) picks the rule:

* TRANSIENT: interval · 2^n after n failures in a row, capped by ``max_backoff``;
* PERMANENT: ``max_backoff`` at once;
* RATE_LIMITED: the wait the site asked for (Retry-After, robots.txt's lifetime) capped
  by ``max_backoff``; without one, as TRANSIENT.

No rule checks a source sooner than its own interval, and the cap never shortens a source
whose interval is longer than ``max_backoff``. Pure functions of their inputs (the random
source is injectable) so the schedule can be tested exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from feedsvc.errors import FeedsvcError, Retry, RetryKind

# 2**n grows without bound; the exponent is clamped before multiplying.
MAX_EXPONENT = 32
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


@dataclass(frozen=True)
class Backoff:
    """The delay before the next check (jitter not included) and why, for admins."""

    seconds: float
    why: str


def retry_hint(exc: BaseException) -> Retry:
    """The error's own hint; an error we did not raise on purpose is TRANSIENT."""
    return exc.retry if isinstance(exc, FeedsvcError) else Retry(RetryKind.TRANSIENT)


def format_seconds(seconds: float) -> str:
    """``5400`` → ``'1h30m'``, in the units of the sources file's intervals."""
    left = max(0, round(seconds))
    parts = []
    for unit, size in _UNITS:
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def backoff(
    retry: Retry | None,
    *,
    interval_seconds: int,
    error_count: int = 0,
    max_backoff_seconds: int = 6 * 3600,
) -> Backoff:
    """The delay after a refresh: healthy (``retry`` None and no errors) or failed with
    ``retry`` as the ``error_count``-th failure in a row."""
    if interval_seconds <= 0:
        raise ValueError(f"interval must be positive, got {interval_seconds}")
    interval = float(interval_seconds)
    if retry is None and error_count <= 0:
        return Backoff(interval, "healthy: the source's interval")
    cap = float(max(max_backoff_seconds, interval_seconds))
    kind = RetryKind.TRANSIENT if retry is None else retry.kind
    after = None if retry is None else retry.after
    if kind is RetryKind.RATE_LIMITED and after is not None:
        seconds = min(max(after, interval), cap)
        why = f"the site asked to wait {format_seconds(after)}"
        if after > cap:
            why += " (capped by max_backoff)"
    elif kind is RetryKind.PERMANENT:
        seconds = cap
        why = "will not fix itself without a change here or on the site"
    else:
        failures = max(1, error_count)
        seconds = min(interval * 2 ** min(failures, MAX_EXPONENT), cap)
        why = f"failure {failures} in a row, backing off"
    return Backoff(seconds, f"{why}: next check in {format_seconds(seconds)}")


def next_check(
    *,
    interval_seconds: int,
    now: datetime,
    error_count: int = 0,
    retry: Retry | None = None,
    jitter: float = 0.1,
    max_backoff_seconds: int = 6 * 3600,
    rng: random.Random | None = None,
) -> datetime:
    """The next time a source is due (see :func:`backoff`).

    Jitter adds up to ``jitter`` · delay so sources configured together drift apart
    instead of hitting their sites in lockstep; it only ever delays, so a site's
    Retry-After is never undercut.
    """
    delay = backoff(
        retry,
        interval_seconds=interval_seconds,
        error_count=error_count,
        max_backoff_seconds=max_backoff_seconds,
    ).seconds
    return jittered(now, delay, jitter, rng)


def jittered(
    now: datetime, delay: float, jitter: float, rng: random.Random | None = None
) -> datetime:
    spread = (rng or random).uniform(0.0, max(0.0, jitter)) * delay
    return now + timedelta(seconds=delay + spread)
