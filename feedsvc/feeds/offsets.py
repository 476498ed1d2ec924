"""A time zone's UTC offsets as a table: the offset at a start instant and every change
after it, for the feed stylesheet's date arithmetic (feeds/stylesheet.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

# The table covers 1900 to 2100: every time a news page can plausibly carry. Before it,
# the 1900 offset applies; after it, the last one.
TABLE_START: Final = int(datetime(1900, 1, 1, tzinfo=UTC).timestamp())
TABLE_END: Final = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp())
# Offsets are sampled once a day and each change found to the second by bisection: an
# offset that holds for less than a day (none in current tzdata since 1900) is missed.
_STEP: Final = 86400


@dataclass(frozen=True)
class OffsetTable:
    initial: int  # seconds east of UTC at TABLE_START
    changes: tuple[tuple[int, int], ...]  # (first UTC second, new offset), ascending

    def offset_at(self, instant: int) -> int:
        """The offset in force at ``instant`` (seconds since 1970, UTC)."""
        offset = self.initial
        for start, value in self.changes:
            if start > instant:
                break
            offset = value
        return offset


def offset_table(zone: ZoneInfo) -> OffsetTable:
    """``zone``'s offsets from TABLE_START to TABLE_END. Pure CPU (about 50 ms): callers
    on the event loop run it in a thread."""

    def offset(instant: int) -> int:
        value = datetime.fromtimestamp(instant, zone).utcoffset()
        return int(value.total_seconds()) if value is not None else 0

    initial = current = offset(TABLE_START)
    changes: list[tuple[int, int]] = []
    instant = TABLE_START
    while instant < TABLE_END:
        ahead = min(instant + _STEP, TABLE_END)
        if offset(ahead) == current:
            instant = ahead
            continue
        # The change lies in (instant, ahead]: bisect to its first second.
        low, high = instant, ahead
        while high - low > 1:
            middle = (low + high) // 2
            if offset(middle) == current:
                low = middle
            else:
                high = middle
        current = offset(high)
        changes.append((high, current))
        instant = high
    return OffsetTable(initial, tuple(changes))
