"""The schedule policy: interval, jitter, and back-off by the kind of failure."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from feedsvc.errors import (
    BlockedAddressError,
    ConfigError,
    ConnectionFailedError,
    DecodeError,
    ExtractError,
    FetchTimeoutError,
    HTTPStatusError,
    ListDriftError,
    Retry,
    RetryKind,
    RobotsDisallowedError,
    StoreError,
    TooLargeError,
    TooManyRedirectsError,
    UnsupportedContentError,
)
from feedsvc.refresh.policy import backoff, format_seconds, next_check, retry_hint

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
URL = "https://example.cn/news/"


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


# interval 900 s, max_backoff 21600 s, no jitter: the delay each error's own hint gives.
HINT_CASES = [
    # (error, consecutive failures, delay, words in the explanation)
    (ConnectionFailedError(URL, "cannot connect"), 1, 1800, "failure 1 in a row"),
    (ConnectionFailedError(URL, "cannot connect"), 3, 7200, "next check in 2h"),
    (FetchTimeoutError(URL, "timed out"), 10, 21600, "next check in 6h"),
    (ExtractError(URL, "no article links"), 2, 3600, "backing off"),
    (ListDriftError(URL, 12), 1, 1800, "backing off"),
    (HTTPStatusError(URL, 500), 1, 1800, "backing off"),
    (HTTPStatusError(URL, 408), 1, 1800, "backing off"),
    (HTTPStatusError(URL, 404), 1, 21600, "will not fix itself"),
    (HTTPStatusError(URL, 410), 1, 21600, "will not fix itself"),
    (HTTPStatusError(URL, 403), 1, 21600, "will not fix itself"),
    (HTTPStatusError(URL, 429, retry_after=3600), 1, 3600, "asked to wait 1h"),
    (HTTPStatusError(URL, 503, retry_after=5400), 4, 5400, "next check in 1h30m"),
    (HTTPStatusError(URL, 503, retry_after=10**6), 1, 21600, "capped by max_backoff"),
    (HTTPStatusError(URL, 429, retry_after=10), 1, 900, "next check in 15m"),
    (HTTPStatusError(URL, 429), 2, 3600, "backing off"),  # no Retry-After: exponential
    (HTTPStatusError(URL, 500, retry_after=120), 1, 900, "asked to wait 2m"),
    (RobotsDisallowedError(URL, "disallowed", retry_after=3600), 5, 3600, "wait 1h"),
    (BlockedAddressError(URL, "private address"), 1, 21600, "will not fix itself"),
    (TooLargeError(URL, "over max_body_bytes"), 1, 21600, "will not fix itself"),
    (TooManyRedirectsError(URL, "loop"), 1, 21600, "will not fix itself"),
    (DecodeError(URL, "garbled"), 1, 21600, "will not fix itself"),
    (UnsupportedContentError(URL, "not HTML"), 1, 21600, "will not fix itself"),
    (ConfigError("bad zone"), 1, 21600, "will not fix itself"),
    (StoreError("database gone"), 2, 3600, "backing off"),
    (RuntimeError("a bug"), 1, 1800, "failure 1 in a row"),  # not ours: transient
]


@pytest.mark.parametrize(("error", "failures", "delay", "words"), HINT_CASES)
def test_each_error_kind_sets_its_own_delay(
    error: BaseException, failures: int, delay: int, words: str
) -> None:
    hint = retry_hint(error)
    plan = backoff(hint, interval_seconds=900, error_count=failures, max_backoff_seconds=21600)
    assert plan.seconds == delay
    assert words in plan.why
    due = next_check(
        interval_seconds=900,
        now=NOW,
        error_count=failures,
        retry=hint,
        jitter=0.0,
        max_backoff_seconds=21600,
    )
    assert due - NOW == timedelta(seconds=delay)


def test_a_long_interval_is_never_shortened_by_any_kind() -> None:
    for error, failures, _, _ in HINT_CASES:
        plan = backoff(
            retry_hint(error),
            interval_seconds=86400,
            error_count=failures,
            max_backoff_seconds=21600,
        )
        assert plan.seconds == 86400, error


def test_jitter_only_delays_a_retry_after() -> None:
    rng = random.Random(3)
    hint = Retry(RetryKind.RATE_LIMITED, 3600)
    for _ in range(50):
        due = next_check(interval_seconds=60, now=NOW, error_count=1, retry=hint, rng=rng)
        assert timedelta(seconds=3600) <= due - NOW <= timedelta(seconds=3960)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (45, "45s"), (60, "1m"), (5400, "1h30m"), (21600, "6h"), (90061, "1d1h1m1s")],
)
def test_format_seconds(seconds: float, text: str) -> None:
    assert format_seconds(seconds) == text
