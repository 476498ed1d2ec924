"""Dates and times as news pages write them, Chinese and English: the finders the
extractors call.

Hand-written patterns instead of ``dateparser``: they parse a date in microseconds (dateparser
takes milliseconds per call and guesses too freely inside long lines), and Chinese portal
forms (``2023年05月18日10:20``, ``05-17 08:00``, ``3小时前``) are the common case here.

Every result is timezone-aware: a time written without a zone takes ``tz``; relative and
year-less forms resolve against ``now``. Values out of range (an offset beyond ±14:00 or with
minutes past 59, a relative time reaching before ``MIN_YEAR``) are unparsed (None), never
an exception: page text is untrusted.

Three modules, one job each: ``datepatterns`` (the written forms: regular expressions and
their vocabularies), ``dateassembly`` (a match to a moment: clock, zone, ranges, ``ParsedTime``)
and this one (where in a text a date is: whole-text parse, the earliest or labelled date in a
line, a month closing a line, a date in a URL).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from feedsvc.extract.dateassembly import (
    PATTERNS,
    ParsedTime,
    make_time,
    parse_iso,
    parse_rfc2822,
    year_less,
)
from feedsvc.extract.datepatterns import (
    DASH_NO_YEAR_ALONE,
    DAY_WORD,
    JUST_NOW,
    LABEL,
    LABEL_BEFORE_DATE,
    LABEL_WINDOW,
    MONTH_AT_END,
    URL_DATE,
    URL_YM_D,
    normalize_date_text,
)

__all__ = [
    "date_from_url",
    "find_datetime_in_text",
    "find_labelled_datetime",
    "has_date_label",
    "month_at_line_end",
    "parse_datetime",
]


def _check_now(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError(f"now must be timezone-aware, got {now!r}")


def parse_datetime(text: str, *, tz: tzinfo, now: datetime) -> ParsedTime | None:
    """Parse ``text`` that is a date (surrounding whitespace and punctuation allowed).

    Returns None when the text is not one of the known forms or names an impossible date.
    """
    _check_now(now)
    s = normalize_date_text(text).strip(" \t\r\n[]()【】（）|,;")
    if not s:
        return None
    for pattern, build in PATTERNS:
        m = pattern.fullmatch(s)
        if m:
            return build(m, tz, now)
    m = DASH_NO_YEAR_ALONE.fullmatch(s)
    if m:
        return year_less(int(m["m"]), int(m["d"]), None, tz, now)
    return parse_rfc2822(s, tz, now) or parse_iso(s, tz, now)


_BARE_DAY_LINE = 12  # a line this short may be just "昨天" or "Yesterday" under a title


def _search(
    s: str, start: int, end: int, tz: tzinfo, now: datetime, *, bare_day_words: bool = True
) -> tuple[int, ParsedTime] | None:
    """The earliest valid date in ``s[start:end]`` and where it starts. Without
    ``bare_day_words`` a 今天/昨天/today without a clock, or 刚刚/just now, counts only on a
    short line: in prose ("Today, we're excited…", "今天上午，市政府…", "火箭刚刚完成测试")
    it is a word, not a dateline."""
    best: tuple[int, int, ParsedTime] | None = None
    for pattern, build in PATTERNS:
        pos = start
        while True:
            m = pattern.search(s, pos, end)
            if m is None or (best is not None and m.start() > best[0]):
                break
            if (
                not bare_day_words
                and len(s) > _BARE_DAY_LINE
                and (pattern is JUST_NOW or (pattern is DAY_WORD and m["h"] is None))
            ):
                pos = m.start() + 1
                continue
            parsed = build(m, tz, now)
            if parsed is not None:
                length = m.end() - m.start()
                if best is None or m.start() < best[0] or length > best[1]:
                    best = (m.start(), length, parsed)
                break
            pos = m.start() + 1
    return None if best is None else (best[0], best[2])


def find_datetime_in_text(
    text: str, *, tz: tzinfo, now: datetime, bare_day_words: bool = True
) -> ParsedTime | None:
    """Find a date inside a longer line such as ``日期: 2023-05-18 10:20 来源:…``.

    A date right after a label (日期, 发布时间, 时间, 发表于, Published, Posted on, Updated…)
    wins over an earlier unlabelled one; otherwise the first date in the text. Pass
    ``bare_day_words=False`` for lines that may be prose: an unlabelled 今天/today without a
    clock then counts only on a short line.
    """
    s = normalize_date_text(text)
    if not s:
        return None
    labelled = find_labelled_datetime(s, tz=tz, now=now)
    if labelled is not None:
        return labelled
    found = _search(s, 0, len(s), tz, now, bare_day_words=bare_day_words)
    return None if found is None else found[1]


def find_labelled_datetime(text: str, *, tz: tzinfo, now: datetime) -> ParsedTime | None:
    """The date right after a date label in ``text`` (``发布时间：2023-05-18``), or None: a
    label word elsewhere in the line ("复制当前时间的页面地址 … 3.4.40 (2019-9-5 …)") does
    not make another date on it a labelled one."""
    _check_now(now)
    s = normalize_date_text(text)
    for label in LABEL_BEFORE_DATE.finditer(s):
        found = _search(s, label.end(), min(len(s), label.end() + LABEL_WINDOW), tz, now)
        if found is not None and found[0] - label.end() <= 3:
            return found[1]
    return None


def has_date_label(text: str) -> bool:
    """True when the line carries a date label such as 日期: or Published."""
    return LABEL.search(normalize_date_text(text)) is not None


def month_at_line_end(text: str, *, tz: tzinfo, now: datetime) -> ParsedTime | None:
    """The first day of a year-and-month that ends a line (an issue or writing credit).
    Only a last resort: it stands for the month, never for a day."""
    m = MONTH_AT_END.search(normalize_date_text(text))
    if m is None:
        return None
    parsed = make_time(int(m["y"]), int(m["m"]), 1, None, tz, now)
    return parsed if parsed is not None and parsed.value <= now else None


def date_from_url(url: str, *, tz: tzinfo, now: datetime) -> ParsedTime | None:
    """A date embedded in a URL path: ``/2023-05/18/``, ``t20230518_``, ``/20230518/``."""
    path = url.split("?", 1)[0]
    for pattern in (URL_YM_D, URL_DATE):
        for m in pattern.finditer(path):
            parsed = make_time(int(m["y"]), int(m["m"]), int(m["d"]), None, tz, now)
            if parsed is not None and parsed.value <= now + timedelta(days=1):
                return parsed
    return None
