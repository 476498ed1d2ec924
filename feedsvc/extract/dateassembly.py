"""From a matched date to a timezone-aware moment: the clock (12-hour forms, 上午/下午), the
written zone (an offset, UTC/GMT, a named abbreviation) or else the page's ``tz``, range
checks (``MIN_YEAR``, offsets within ±14:00), year-less and relative forms resolved against
``now``, and the RFC 2822 / ISO 8601 fallbacks. ``PATTERNS`` pairs each pattern of
:mod:`feedsvc.extract.datepatterns` with its builder, in the order the finders try them.

Out-of-range values give None, never an exception: page text is untrusted.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from feedsvc.extract.datepatterns import (
    CJK,
    CJK_NO_YEAR,
    DASH_NO_YEAR,
    DAY_OFFSETS,
    DAY_WORD,
    EN_DMY,
    EN_MDY,
    JUST_NOW,
    MONTHS,
    NAMED_ZONES,
    NUM_WORDS,
    NUMERIC,
    REL_DAYS,
    REL_EN,
    REL_SECONDS,
    REL_ZH,
    SLASH_YEAR_LAST,
)


@dataclass(frozen=True)
class ParsedTime:
    """A parsed moment. ``has_time`` is False when the text gave a date only."""

    value: datetime
    has_time: bool


MIN_YEAR = 1990  # older "dates" in page text are almost always numbers of something else
MAX_OFFSET = timedelta(hours=14)  # the farthest any zone is from UTC (Kiribati, +14:00)
_MAX_COUNT_DIGITS = 12  # "N units ago" with a longer N is out of range for any unit


def clock_of(m: re.Match[str]) -> time | None:
    groups = m.groupdict()
    if groups.get("h") is None:
        return None
    hour, minute = int(groups["h"]), int(groups["mi"])
    sec_text = groups.get("s") or groups.get("s2")
    second = int(sec_text) if sec_text else 0
    frac = groups.get("frac")
    micro = int((frac + "000000")[:6]) if frac else 0
    ampm = (groups.get("ampm1") or groups.get("ampm2") or "").lower().replace(".", "")
    if ampm in ("pm", "下午", "晚上") and hour < 12:
        hour += 12
    elif ampm in ("am", "上午", "早上") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 60:
        return None
    return time(hour, minute, min(second, 59), micro)


def zone_of(m: re.Match[str], default: tzinfo) -> tzinfo | None:
    """The written zone, ``default`` when none is written, None when it is impossible."""
    z = m.groupdict().get("z")
    if not z:
        return default
    if z.upper() in ("Z", "UTC", "GMT"):
        return _UTC
    if z.upper() in NAMED_ZONES:
        return _fixed(timedelta(hours=NAMED_ZONES[z.upper()]))
    sign = -1 if z[0] == "-" else 1
    digits = z[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    offset = timedelta(hours=hours, minutes=minutes)
    if minutes > 59 or offset > MAX_OFFSET:
        return None
    return _fixed(sign * offset)


def _fixed(offset: timedelta) -> tzinfo:
    from datetime import timezone

    return timezone(offset)


_UTC = _fixed(timedelta(0))


def make_time(
    y: int, mo: int, d: int, clock: time | None, zone: tzinfo | None, now: datetime
) -> ParsedTime | None:
    if zone is None or not (MIN_YEAR <= y <= now.year + 1):
        return None
    try:
        day = date(y, mo, d)
    except ValueError:
        return None
    value = datetime.combine(day, clock or time(0), tzinfo=zone)
    return ParsedTime(value, clock is not None)


def year_less(mo: int, d: int, clock: time | None, tz: tzinfo, now: datetime) -> ParsedTime | None:
    """The most recent such month/day that is not after ``now``."""
    local_now = now.astimezone(tz)
    for year in range(local_now.year, local_now.year - 8, -1):  # -8 reaches a 29 Feb
        try:
            day = date(year, mo, d)
        except ValueError:
            continue
        value = datetime.combine(day, clock or time(0), tzinfo=tz)
        if (clock is None and day <= local_now.date()) or (clock is not None and value <= now):
            return ParsedTime(value, clock is not None)
    return None


def _from_numeric(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    clock = clock_of(m)
    return make_time(int(m["y"]), int(m["m"]), int(m["d"]), clock, zone_of(m, tz), now)


def _from_slash_year_last(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    a, b = int(m["a"]), int(m["b"])
    month, day = (a, b) if a <= 12 else (b, a)
    return make_time(int(m["y"]), month, day, clock_of(m), zone_of(m, tz), now)


def _from_english(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    month = MONTHS[m["mon"].lower()[:3]]
    return make_time(int(m["y"]), month, int(m["d"]), clock_of(m), zone_of(m, tz), now)


def _from_cjk_no_year(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    return year_less(int(m["m"]), int(m["d"]), clock_of(m), tz, now)


def _from_relative(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    """``3小时前`` / ``5 days ago``; None when it reaches back before MIN_YEAR."""
    n_text = m["n"].lower()
    if len(n_text) > _MAX_COUNT_DIGITS:
        return None
    n = NUM_WORDS.get(n_text) or int(n_text)
    unit = m["unit"].lower()
    unit = {"h": "hour", "hr": "hour", "hour": "hour"}.get(unit, unit)
    local = now.astimezone(tz)
    earliest = datetime(MIN_YEAR, 1, 1, tzinfo=tz)
    if unit in REL_SECONDS:
        seconds = n * REL_SECONDS[unit]
        if seconds > (local - earliest).total_seconds():
            return None
        return ParsedTime((now - timedelta(seconds=seconds)).astimezone(tz), True)
    days = n * REL_DAYS[unit]
    if days > (local.date() - earliest.date()).days:
        return None
    day = local.date() - timedelta(days=days)
    return ParsedTime(datetime.combine(day, time(0), tzinfo=tz), False)


def _from_just_now(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    return ParsedTime(now.astimezone(tz), True)


def _from_day_word(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    day = now.astimezone(tz).date() - timedelta(days=DAY_OFFSETS[m["word"].lower()])
    clock = clock_of(m)
    return ParsedTime(datetime.combine(day, clock or time(0), tzinfo=tz), clock is not None)


_Builder = Callable[[re.Match[str], tzinfo, datetime], ParsedTime | None]
# Order matters for equal start positions: the more specific pattern first.
PATTERNS: tuple[tuple[re.Pattern[str], _Builder], ...] = (
    (NUMERIC, _from_numeric),
    (CJK, _from_numeric),
    (SLASH_YEAR_LAST, _from_slash_year_last),
    (EN_MDY, _from_english),
    (EN_DMY, _from_english),
    (CJK_NO_YEAR, _from_cjk_no_year),
    (DASH_NO_YEAR, _from_cjk_no_year),
    (REL_ZH, _from_relative),
    (REL_EN, _from_relative),
    (DAY_WORD, _from_day_word),
    (JUST_NOW, _from_just_now),
)


def parse_rfc2822(s: str, tz: tzinfo, now: datetime) -> ParsedTime | None:
    try:
        value = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError, OverflowError):  # a 19-digit hour
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    if not (MIN_YEAR <= value.year <= now.year + 1):
        return None
    return ParsedTime(value, True)


def parse_iso(s: str, tz: tzinfo, now: datetime) -> ParsedTime | None:
    try:
        value = datetime.fromisoformat(s)
    except ValueError:
        return None
    has_time = len(s) > 10
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    if not (MIN_YEAR <= value.year <= now.year + 1):
        return None
    return ParsedTime(value, has_time)
