"""The written forms of dates and times that :mod:`feedsvc.extract.dates` finds: regular
expressions (numeric, Chinese, English, year-less, relative, day words, labels, URL paths)
and the vocabularies they read (month names, zone abbreviations, relative units), plus
``normalize_date_text``, the one clean-up of a line before any of them runs.

Patterns only: turning a match into a timezone-aware moment is
:mod:`feedsvc.extract.dateassembly`'s job.
"""

from __future__ import annotations

import re
import unicodedata

MONTHS = {
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
MONTH_RE = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
WEEKDAY_RE = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
# Optional clock after a date: "10:20", "10:20:31.123", "10:20 AM", "下午3:20", "10时20分".
CLOCK = (
    r"(?:\s*(?:T|\s|,|at|@)\s*|\s*(?=[上下]午)|(?<=日))"
    r"(?P<ampm1>上午|下午|晚上|早上)?\s*"
    r"(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{2})\s*分?"
    r"(?:\s*[:]\s*(?P<s>\d{2})(?:[.,](?P<frac>\d{1,9}))?\s*秒?|\s*(?P<s2>\d{2})\s*秒)?"
    r"(?:\s*(?P<ampm2>[ap]\.?m\.?)(?![a-z]))?"
)
# Zone abbreviations that name one offset. CST (China or US Central?), IST and ET/PT
# (daylight saving unknown) are left out: the source's zone applies.
NAMED_ZONES = {
    "PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "CDT": -5, "EST": -5, "EDT": -4,
    "AKST": -9, "AKDT": -8, "HST": -10, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
}  # fmt: skip
ZONE = (
    r"(?:\s*(?P<z>Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT|"
    + "|".join(sorted(NAMED_ZONES, key=len, reverse=True))
    + r")(?![a-z]))?"
)

NUMERIC = re.compile(
    r"(?<![\d.])(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?![\d])"
    rf"(?:{CLOCK}{ZONE})?",
    re.I,
)
# US order with a four-digit year last: "7/5/2005 9:23:57 PM" (day first when month > 12).
SLASH_YEAR_LAST = re.compile(
    r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?![\d/])" rf"(?:{CLOCK}{ZONE})?",
    re.I,
)
CJK = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"
    rf"(?:{CLOCK})?",
    re.I,
)
CJK_NO_YEAR = re.compile(
    r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]" rf"(?:{CLOCK})?",
    re.I,
)
# "05-17 08:00" needs its clock: a bare "05-17" inside a line is too often something else.
DASH_NO_YEAR = re.compile(
    r"(?<![\d\-/.])(?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?![\d\-/.])" rf"{CLOCK}", re.I
)
DASH_NO_YEAR_ALONE = re.compile(r"(?P<m>\d{1,2})[-/](?P<d>\d{1,2})")
EN_MDY = re.compile(
    rf"(?<![a-z]){WEEKDAY_RE}{MONTH_RE}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
    rf"(?:{CLOCK}{ZONE})?",
    re.I,
)
EN_DMY = re.compile(
    rf"(?<![a-z\d]){WEEKDAY_RE}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH_RE},?\s+(?P<y>\d{{4}})"
    rf"(?:{CLOCK}{ZONE})?",
    re.I,
)
NUM_WORDS = {"a": 1, "an": 1, "one": 1}
REL_ZH = re.compile(
    r"(?<!\d)(?P<n>\d+)\s*(?P<unit>秒|分钟|分|小时|个小时|天|日|周|星期|个月)\s*(?:钟)?\s*前"
)
REL_EN = re.compile(
    r"(?<![a-z\d])(?P<n>\d+|an?|one)\s+(?P<unit>sec(?:ond)?|min(?:ute)?|h(?:ou)?r|day|week|month)s?"
    r"\s+ago(?![a-z])",
    re.I,
)
JUST_NOW = re.compile(r"刚刚|刚才|(?<![a-z])just now(?![a-z])", re.I)
DAY_WORD = re.compile(
    r"(?P<word>今天|昨天|前天|(?<![a-z])(?:today|yesterday)(?![a-z]))"
    r"(?:\s*(?:at\s*)?(?P<ampm1>上午|下午|晚上|早上)?\s*(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{2})"
    r"(?:\s*:\s*(?P<s>\d{2}))?(?:\s*(?P<ampm2>[ap]\.?m\.?)(?![a-z]))?)?",
    re.I,
)
DAY_OFFSETS = {"今天": 0, "today": 0, "昨天": 1, "yesterday": 1, "前天": 2}
REL_SECONDS = {
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
REL_DAYS = {"天": 1, "日": 1, "day": 1, "周": 7, "星期": 7, "week": 7, "个月": 30, "month": 30}

LABEL = re.compile(
    r"(?:发布日期|发布时间|发表时间|发表日期|更新时间|更新日期|日期|时间|发表于|发布于"
    r"|(?<![a-z])(?:published(?:\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?|date))\s*[:：]?\s*",
    re.I,
)
# Before its date, a bare 日期/时间 after another Han character is a word of prose
# ("当地时间9月25日", "北京时间…", "格林尼治时间…": when something happened abroad), unless
# a colon follows. (After a date, "2006年12月27日（京港台时间）" still labels it.)
LABEL_BEFORE_DATE = re.compile(
    r"(?:发布日期|发布时间|发表时间|发表日期|更新时间|更新日期|发表于|发布于"
    r"|(?<![\u4e00-\u9fff])(?:日期|时间)|(?:日期|时间)(?=\s*[:：])"
    r"|(?<![a-z])(?:published(?:\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?|date))\s*[:：]?\s*",
    re.I,
)
LABEL_WINDOW = 40  # a labelled date starts this close to its label

URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})[-_/]?(?P<m>0[1-9]|1[0-2])[-_/]?(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)
URL_YM_D = re.compile(r"/(?P<y>(?:19|20)\d{2})-?(?P<m>0[1-9]|1[0-2])/(?P<d>0[1-9]|[12]\d|3[01])/")


# A day glued to its clock when the markup's space went missing: Baidu's 百家号 writes
# "发布时间：10-0812:00" (10-08 12:00); also "2019-10-0812:00:57".
GLUED_CLOCK = re.compile(r"(?<![\d./-])((?:\d{4}-)?\d{1,2}-\d{2})(\d{2}:\d{2})(?![\d])")


def normalize_date_text(text: str) -> str:
    """``text`` as every pattern expects it: NFKC, no-break spaces as spaces, stripped, a
    day glued to its clock split."""
    # NFKC folds full-width digits and colons (２０２３：) that Chinese pages often use.
    text = unicodedata.normalize("NFKC", text).replace("\xa0", " ").strip()
    return GLUED_CLOCK.sub(r"\1 \2", text)


# A monthly issue credit closing a line: "——《北京之春》1998年3月号", "（2003年5月）".
MONTH_AT_END = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?:号|刊|期)?\s*[)）】\]]?\s*$"
)
