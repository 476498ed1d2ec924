"""Retry-After: delta-seconds and all three HTTP-date forms; anything else is no hint."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedsvc.fetch.retry_after import MAX_RETRY_AFTER_SECONDS, parse_retry_after

NOW = datetime(1994, 11, 6, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 3600 ", 3600.0),
        ("0", 0.0),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 2977.0),  # IMF-fixdate
        ("Sunday, 06-Nov-94 08:49:37 GMT", 2977.0),  # obsolete RFC 850
        ("Sun Nov  6 08:49:37 1994", 2977.0),  # obsolete asctime
        ("Sun, 06 Nov 1994 07:00:00 GMT", 0.0),  # in the past: now
        ("9" * 400, float(MAX_RETRY_AFTER_SECONDS)),  # bounded, not an overflow
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("²", None),
        ("Mon, 99 Foo 1994 08:00:00 GMT", None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds
