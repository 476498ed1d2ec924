"""Dates and times as news pages write them, Chinese and English.

Hand-written patterns instead of ``dateparser``: they parse a date in microseconds (dateparser
takes milliseconds per call and guesses too freely inside long lines), and Chinese portal
forms (``2023年05月18日10:20``, ``05-17 08:00``, ``3小时前``) are the common case here.

Every result is timezone-aware: a time written without a zone takes ``tz``; relative and
year-less forms resolve against ``now``. Values out of range (an offset beyond ±14:00 or with
minutes past 59, a relative time reaching before ``MIN_YEAR``) are unparsed (None), never
an exception: page text is untrusted.
"""

from __future__ import annotations

import email.utils
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

__all__ = [
    "ParsedTime",
    "date_from_url",
    "find_datetime_in_text",
    "find_labelled_datetime",
    "month_at_line_end",
    "parse_datetime",
]


@dataclass(frozen=True)
class ParsedTime:
    """A parsed moment. ``has_time`` is False when the text gave a date only."""

    value: datetime
    has_time: bool


MIN_YEAR = 1990  # older "dates" in page text are almost always numbers of something else
MAX_OFFSET = timedelta(hours=14)  # the farthest any zone is from UTC (Kiribati, +14:00)
_MAX_COUNT_DIGITS = 12  # "N units ago" with a longer N is out of range for any unit

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_RE = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY_RE = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
# Optional clock after a date: "10:20", "10:20:31.123", "10:20 AM", "下午3:20", "10时20分".
_CLOCK = (
    r"(?:\s*(?:T|\s|,|at|@)\s*|\s*(?=[上下]午)|(?<=日))"
    r"(?P<ampm1>上午|下午|晚上|早上)?\s*"
    r"(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{2})\s*分?"
    r"(?:\s*[:]\s*(?P<s>\d{2})(?:[.,](?P<frac>\d{1,9}))?\s*秒?|\s*(?P<s2>\d{2})\s*秒)?"
    r"(?:\s*(?P<ampm2>[ap]\.?m\.?)(?![a-z]))?"
)
# Zone abbreviations that name one offset. CST (China or US Central?), IST and ET/PT
# (daylight saving unknown) are left out: the source's zone applies.
_NAMED_ZONES = {
    "PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "CDT": -5, "EST": -5, "EDT": -4,
    "AKST": -9, "AKDT": -8, "HST": -10, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
}  # fmt: skip
_ZONE = (
    r"(?:\s*(?P<z>Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT|"
    + "|".join(sorted(_NAMED_ZONES, key=len, reverse=True))
    + r")(?![a-z]))?"
)

_NUMERIC = re.compile(
    r"(?<![\d.])(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?![\d])"
    rf"(?:{_CLOCK}{_ZONE})?",
    re.I,
)
# US order with a four-digit year last: "7/5/2005 9:23:57 PM" (day first when month > 12).
_SLASH_YEAR_LAST = re.compile(
    r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?![\d/])" rf"(?:{_CLOCK}{_ZONE})?",
    re.I,
)
_CJK = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"
    rf"(?:{_CLOCK})?",
    re.I,
)
_CJK_NO_YEAR = re.compile(
    r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]" rf"(?:{_CLOCK})?",
    re.I,
)
# "05-17 08:00" needs its clock: a bare "05-17" inside a line is too often something else.
_DASH_NO_YEAR = re.compile(
    r"(?<![\d\-/.])(?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?![\d\-/.])" rf"{_CLOCK}", re.I
)
_DASH_NO_YEAR_ALONE = re.compile(r"(?P<m>\d{1,2})[-/](?P<d>\d{1,2})")
_EN_MDY = re.compile(
    rf"(?<![a-z]){_WEEKDAY_RE}{_MONTH_RE}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
    rf"(?:{_CLOCK}{_ZONE})?",
    re.I,
)
_EN_DMY = re.compile(
    rf"(?<![a-z\d]){_WEEKDAY_RE}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_RE},?\s+(?P<y>\d{{4}})"
    rf"(?:{_CLOCK}{_ZONE})?",
    re.I,
)
_NUM_WORDS = {"a": 1, "an": 1, "one": 1}
_REL_ZH = re.compile(
    r"(?<!\d)(?P<n>\d+)\s*(?P<unit>秒|分钟|分|小时|个小时|天|日|周|星期|个月)\s*(?:钟)?\s*前"
)
_REL_EN = re.compile(
    r"(?<![a-z\d])(?P<n>\d+|an?|one)\s+(?P<unit>sec(?:ond)?|min(?:ute)?|h(?:ou)?r|day|week|month)s?"
    r"\s+ago(?![a-z])",
    re.I,
)
_JUST_NOW = re.compile(r"刚刚|刚才|(?<![a-z])just now(?![a-z])", re.I)
_DAY_WORD = re.compile(
    r"(?P<word>今天|昨天|前天|(?<![a-z])(?:today|yesterday)(?![a-z]))"
    r"(?:\s*(?:at\s*)?(?P<ampm1>上午|下午|晚上|早上)?\s*(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{2})"
    r"(?:\s*:\s*(?P<s>\d{2}))?(?:\s*(?P<ampm2>[ap]\.?m\.?)(?![a-z]))?)?",
    re.I,
)
_DAY_OFFSETS = {"今天": 0, "today": 0, "昨天": 1, "yesterday": 1, "前天": 2}
_REL_SECONDS = {
    "秒": 1,
    "sec": 1,
    "second": 1,
    "分钟": 60,
    "分": 60,
    "min": 60,
    "minute": 60,
    "小时": 3600,
    "个小时": 3600,
    "hr": 3600,
    "hour": 3600,
}
_REL_DAYS = {"天": 1, "日": 1, "day": 1, "周": 7, "星期": 7, "week": 7, "个月": 30, "month": 30}

_LABEL = re.compile(
    r"(?:发布日期|发布时间|发表时间|发表日期|更新时间|更新日期|日期|时间|发表于|发布于"
    r"|(?<![a-z])(?:published(?:\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?|date))\s*[:：]?\s*",
    re.I,
)
# Before its date, a bare 日期/时间 after another Han character is a word of prose
# ("当地时间9月25日", "北京时间…", "格林尼治时间…": when something happened abroad), unless
# a colon follows. (After a date, "2006年12月27日（京港台时间）" still labels it.)
_LABEL_BEFORE_DATE = re.compile(
    r"(?:发布日期|发布时间|发表时间|发表日期|更新时间|更新日期|发表于|发布于"
    r"|(?<![\u4e00-\u9fff])(?:日期|时间)|(?:日期|时间)(?=\s*[:：])"
    r"|(?<![a-z])(?:published(?:\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?|date))\s*[:：]?\s*",
    re.I,
)
_LABEL_WINDOW = 40  # a labelled date starts this close to its label

_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})[-_/]?(?P<m>0[1-9]|1[0-2])[-_/]?(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)
_URL_YM_D = re.compile(r"/(?P<y>(?:19|20)\d{2})-?(?P<m>0[1-9]|1[0-2])/(?P<d>0[1-9]|[12]\d|3[01])/")


# A day glued to its clock when the markup's space went missing: Baidu's 百家号 writes
# "发布时间：10-0812:00" (10-08 12:00); also "2019-10-0812:00:57".
_GLUED_CLOCK = re.compile(r"(?<![\d./-])((?:\d{4}-)?\d{1,2}-\d{2})(\d{2}:\d{2})(?![\d])")


def _normalize(text: str) -> str:
    # NFKC folds full-width digits and colons (２０２３：) that Chinese pages often use.
    text = unicodedata.normalize("NFKC", text).replace("\xa0", " ").strip()
    return _GLUED_CLOCK.sub(r"\1 \2", text)


def _clock(m: re.Match[str]) -> time | None:
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


def _zone(m: re.Match[str], default: tzinfo) -> tzinfo | None:
    """The written zone, ``default`` when none is written, None when it is impossible."""
    z = m.groupdict().get("z")
    if not z:
        return default
    if z.upper() in ("Z", "UTC", "GMT"):
        return _UTC
    if z.upper() in _NAMED_ZONES:
        return _fixed(timedelta(hours=_NAMED_ZONES[z.upper()]))
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


def _make(
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


def _year_less(mo: int, d: int, clock: time | None, tz: tzinfo, now: datetime) -> ParsedTime | None:
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
    clock = _clock(m)
    return _make(int(m["y"]), int(m["m"]), int(m["d"]), clock, _zone(m, tz), now)


def _from_slash_year_last(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    a, b = int(m["a"]), int(m["b"])
    month, day = (a, b) if a <= 12 else (b, a)
    return _make(int(m["y"]), month, day, _clock(m), _zone(m, tz), now)


def _from_english(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    month = _MONTHS[m["mon"].lower()[:3]]
    return _make(int(m["y"]), month, int(m["d"]), _clock(m), _zone(m, tz), now)


def _from_cjk_no_year(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    return _year_less(int(m["m"]), int(m["d"]), _clock(m), tz, now)


def _from_relative(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    """``3小时前`` / ``5 days ago``; None when it reaches back before MIN_YEAR."""
    n_text = m["n"].lower()
    if len(n_text) > _MAX_COUNT_DIGITS:
        return None
    n = _NUM_WORDS.get(n_text) or int(n_text)
    unit = m["unit"].lower()
    unit = {"h": "hour", "hr": "hour", "hour": "hour"}.get(unit, unit)
    local = now.astimezone(tz)
    earliest = datetime(MIN_YEAR, 1, 1, tzinfo=tz)
    if unit in _REL_SECONDS:
        seconds = n * _REL_SECONDS[unit]
        if seconds > (local - earliest).total_seconds():
            return None
        return ParsedTime((now - timedelta(seconds=seconds)).astimezone(tz), True)
    days = n * _REL_DAYS[unit]
    if days > (local.date() - earliest.date()).days:
        return None
    day = local.date() - timedelta(days=days)
    return ParsedTime(datetime.combine(day, time(0), tzinfo=tz), False)


def _from_just_now(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    return ParsedTime(now.astimezone(tz), True)


def _from_day_word(m: re.Match[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    day = now.astimezone(tz).date() - timedelta(days=_DAY_OFFSETS[m["word"].lower()])
    clock = _clock(m)
    return ParsedTime(datetime.combine(day, clock or time(0), tzinfo=tz), clock is not None)


_Builder = Callable[[re.Match[str], tzinfo, datetime], ParsedTime | None]
# Order matters for equal start positions: the more specific pattern first.
_PATTERNS: tuple[tuple[re.Pattern[str], _Builder], ...] = (
    (_NUMERIC, _from_numeric),
    (_CJK, _from_numeric),
    (_SLASH_YEAR_LAST, _from_slash_year_last),
    (_EN_MDY, _from_english),
    (_EN_DMY, _from_english),
    (_CJK_NO_YEAR, _from_cjk_no_year),
    (_DASH_NO_YEAR, _from_cjk_no_year),
    (_REL_ZH, _from_relative),
    (_REL_EN, _from_relative),
    (_DAY_WORD, _from_day_word),
    (_JUST_NOW, _from_just_now),
)


def _check_now(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError(f"now must be timezone-aware, got {now!r}")


def parse_datetime(text: str, *, tz: tzinfo, now: datetime) -> ParsedTime | None:
    """Parse ``text`` that is a date (surrounding whitespace and punctuation allowed).

    Returns None when the text is not one of the known forms or names an impossible date.
    """
    _check_now(now)
    s = _normalize(text).strip(" \t\r\n[]()【】（）|,;")
    if not s:
        return None
    for pattern, build in _PATTERNS:
        m = pattern.fullmatch(s)
        if m:
            return build(m, tz, now)
    m = _DASH_NO_YEAR_ALONE.fullmatch(s)
    if m:
        return _year_less(int(m["m"]), int(m["d"]), None, tz, now)
    return _parse_rfc2822(s, tz, now) or _parse_iso(s, tz, now)


def _parse_rfc2822(s: str, tz: tzinfo, now: datetime) -> ParsedTime | None:
    try:
        value = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError, OverflowError):  # a 19-digit hour
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    if not (MIN_YEAR <= value.year <= now.year + 1):
        return None
    return ParsedTime(value, True)


def _parse_iso(s: str, tz: tzinfo, now: datetime) -> ParsedTime | None:
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


_BARE_DAY_LINE = 12  # a line this short may be just "昨天" or "Yesterday" under a title


def _search(
    s: str, start: int, end: int, tz: tzinfo, now: datetime, *, bare_day_words: bool = True
) -> tuple[int, ParsedTime] | None:
    """The earliest valid date in ``s[start:end]`` and where it starts. Without
    ``bare_day_words`` a 今天/昨天/today without a clock, or 刚刚/just now, counts only on a
    short line: in prose ("Today, we're excited…", "今天上午，市政府…", "火箭刚刚完成测试")
    it is a word, not a dateline."""
    best: tuple[int, int, ParsedTime] | None = None
    for pattern, build in _PATTERNS:
        pos = start
        while True:
            m = pattern.search(s, pos, end)
            if m is None or (best is not None and m.start() > best[0]):
                break
            if (
                not bare_day_words
                and len(s) > _BARE_DAY_LINE
                and (pattern is _JUST_NOW or (pattern is _DAY_WORD and m["h"] is None))
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
    s = _normalize(text)
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
    s = _normalize(text)
    for label in _LABEL_BEFORE_DATE.finditer(s):
        found = _search(s, label.end(), min(len(s), label.end() + _LABEL_WINDOW), tz, now)
        if found is not None and found[0] - label.end() <= 3:
            return found[1]
    return None


def has_date_label(text: str) -> bool:
    """True when the line carries a date label such as 日期: or Published."""
    return _LABEL.search(_normalize(text)) is not None


# A monthly issue credit closing a line: "——《北京之春》1998年3月号", "（2003年5月）".
_MONTH_AT_END = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?:号|刊|期)?\s*[)）】\]]?\s*$"
)


def month_at_line_end(text: str, *, tz: tzinfo, now: datetime) -> ParsedTime | None:
    """The first day of a year-and-month that ends a line (an issue or writing credit).
    Only a last resort: it stands for the month, never for a day."""
    m = _MONTH_AT_END.search(_normalize(text))
    if m is None:
        return None
    parsed = _make(int(m["y"]), int(m["m"]), 1, None, tz, now)
    return parsed if parsed is not None and parsed.value <= now else None


def date_from_url(url: str, *, tz: tzinfo, now: datetime) -> ParsedTime | None:
    """A date embedded in a URL path: ``/2023-05/18/``, ``t20230518_``, ``/20230518/``."""
    path = url.split("?", 1)[0]
    for pattern in (_URL_YM_D, _URL_DATE):
        for m in pattern.finditer(path):
            parsed = _make(int(m["y"]), int(m["m"]), int(m["d"]), None, tz, now)
            if parsed is not None and parsed.value <= now + timedelta(days=1):
                return parsed
    return None
