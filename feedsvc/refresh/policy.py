"""When to check a source next: its interval with jitter, and capped exponential back-off.

Pure functions of their inputs (the random source is injectable) so the schedule can be
tested exactly.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta


def next_check(
    *,
    interval_seconds: int,
    now: datetime,
    error_count: int = 0,
    jitter: float = 0.1,
    max_backoff_seconds: int = 6 * 3600,
    rng: random.Random | None = None,
) -> datetime:
    """The next time a source is due.

    After ``error_count`` consecutive failures the delay doubles each time
    (interval · 2^n) but never exceeds ``max_backoff_seconds`` — nor drops below the
    interval itself, so a source with a long interval is never polled faster because it
    fails. Jitter adds up to ``jitter`` · delay so sources configured together drift apart
    instead of hitting their sites in lockstep.
    """
    if interval_seconds <= 0:
        raise ValueError(f"interval must be positive, got {interval_seconds}")
    delay = float(interval_seconds)
    if error_count > 0:
        # 2**n grows without bound; clamp the exponent before multiplying.
        delay = min(delay * 2 ** min(error_count, 32), max(max_backoff_seconds, interval_seconds))
    spread = (rng or random).uniform(0.0, max(0.0, jitter)) * delay
    return now + timedelta(seconds=delay + spread)
