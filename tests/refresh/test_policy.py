"""The schedule policy: interval, jitter and capped exponential back-off."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from feedsvc.refresh.policy import next_check

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("interval", "errors", "max_backoff", "expected"),
    [
        (900, 0, 21600, 900),  # healthy: the interval
        (900, 1, 21600, 1800),  # one failure doubles it
        (900, 3, 21600, 7200),
        (900, 10, 21600, 21600),  # capped
        (900, 1000, 21600, 21600),  # huge counts do not overflow
        (86400, 2, 21600, 86400),  # back-off never polls faster than the interval
    ],
)
def test_backoff_without_jitter(
    interval: int, errors: int, max_backoff: int, expected: int
) -> None:
    due = next_check(
        interval_seconds=interval,
        now=NOW,
        error_count=errors,
        jitter=0.0,
        max_backoff_seconds=max_backoff,
    )
    assert due - NOW == timedelta(seconds=expected)


def test_jitter_stays_within_its_fraction_and_spreads_sources() -> None:
    rng = random.Random(7)
    delays = {
        (next_check(interval_seconds=600, now=NOW, jitter=0.1, rng=rng) - NOW).total_seconds()
        for _ in range(200)
    }
    assert min(delays) >= 600
    assert max(delays) <= 660
    assert len(delays) > 150  # not all sources land on the same second


def test_rejects_nonpositive_interval() -> None:
    with pytest.raises(ValueError, match="interval"):
        next_check(interval_seconds=0, now=NOW)
