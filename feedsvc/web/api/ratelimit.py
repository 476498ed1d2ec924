"""A token bucket per key (an admin token's name): ``burst`` at once, then one per
``every`` seconds."""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBuckets:
    def __init__(
        self, burst: int, every: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._burst = burst
        self._every = every
        self._clock = clock
        self._state: dict[str, tuple[float, float]] = {}  # key → (tokens, at)

    def take(self, key: str) -> float:
        """Take one; 0.0 when allowed, else the seconds until one is free (Retry-After)."""
        now = self._clock()
        tokens, at = self._state.get(key, (float(self._burst), now))
        tokens = min(float(self._burst), tokens + (now - at) / self._every)
        if tokens >= 1.0:
            self._state[key] = (tokens - 1.0, now)
            return 0.0
        self._state[key] = (tokens, now)
        return (1.0 - tokens) * self._every
