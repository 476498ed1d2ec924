"""The Retry-After header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# A bound on delta-seconds, so a hostile header of 400 digits stays a number.
MAX_RETRY_AFTER_SECONDS = 10**9


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from ``now`` the server asks us to wait; None when absent or unreadable.

    An HTTP-date in the past means "now" (0). The date is parsed by the standard
    library's RFC 5322 date parser, which reads all three HTTP-date forms.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER_SECONDS))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": HTTP-dates are always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
