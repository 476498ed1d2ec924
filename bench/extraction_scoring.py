"""Scoring rules of bench/extraction.py: what counts as the same title, author/source,
published time and text (docs/extraction.md, "Method")."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+")
_TRUTH_TIME = re.compile(
    r"^(?P<y>\d{4})(?:[-年/](?P<m>\d{1,2}))?(?:[-月/](?P<d>\d{1,2})日?)?"
    r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2}(?:\.\d+)?)?)?"
    r"\s*(?P<z>Z|[+-]\d{2}:?\d{2})?$"
)
_TRUTH_NO_YEAR = re.compile(r"^(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")


@dataclass
class Result:
    """What one system produced for one page."""

    title: str | None = None
    published: datetime | None = None
    published_has_time: bool = False
    author: str | None = None
    source: str | None = None
    editor: str | None = None
    text: str = ""


def _ws(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def title_match(expected: str, got: str | None) -> bool:
    return _ws(expected) == _ws(got)


def _name_key(text: str) -> str:
    text = re.sub(r"^(?:by|作者|记者|来源)\s*[:：]?\s*", "", _ws(text), flags=re.I)
    return re.sub(r"[\s\W_]+", "", text).lower()


def author_match(expected: str, got: Result) -> bool:
    """A hit when the truth names our author, source or editor (all three reach the feed:
    author, author fallback, contributor): equal after normalization, or one contained in
    the other and at least half its length ("By Jane Doe, Staff Writer" / "Jane Doe")."""
    want = _name_key(expected)
    for value in (got.author, got.source, got.editor):
        have = _name_key(value or "")
        if not want or not have:
            continue
        short, long_ = sorted((want, have), key=len)
        if want == have or (short in long_ and len(short) * 2 >= len(long_)):
            return True
    return False


_SUFFIX_SEP = re.compile(r"\s*(?:[-–—|·:»_/]|::|\[)")


def title_headline_match(expected: str, got: str | None) -> bool:
    """The truth is our title, or our title followed by a separator and a suffix (the site
    or author part feedsvc strips on purpose: "How to Build a Terrarium | eHow")."""
    want, have = _ws(expected), _ws(got)
    if not have or want == have:
        return want == have
    rest = want[len(have) :] if want.startswith(have) else ""
    return bool(rest) and _SUFFIX_SEP.match(rest) is not None and len(rest) <= 80


def author_in_byline(expected: str, got: Result) -> bool:
    """``author_match``, or our author's name (two words or two Han characters at least)
    inside the truth's byline on word boundaries: "By Kelli Miller WebMD Health News"."""
    if author_match(expected, got):
        return True
    want = _ws(expected).lower()
    for value in (got.author, got.source, got.editor):
        name = _ws(value).lower()
        if len(name.split()) < 2 and len(re.findall(r"[\u4e00-\u9fff]", name)) < 2:
            continue
        if re.search(rf"(?<![^\W\d_]){re.escape(name)}(?![^\W\d_])", want):
            return True
    return False


def published_match(expected: str, got: Result, tz: tzinfo, *, day_only: bool = False) -> bool:
    """Same minute when the truth has a time (``day_only``: the same day), else the same day
    (or month/year for partial truths), compared in the truth's zone: its own offset, else
    ``tz`` for Chinese datasets, else the offset the page itself gave."""
    if got.published is None:
        return False
    s = expected.strip().replace("+0100", "+01:00")
    m = _TRUTH_NO_YEAR.match(s)
    if m:
        local = got.published.astimezone(tz)
        return (local.month, local.day) == (int(m["m"]), int(m["d"]))
    m = _TRUTH_TIME.match(s)
    if m is None:
        raise ValueError(f"unparsed truth time {expected!r}")
    if m["z"]:
        z = m["z"]
        offset = (
            timedelta(0)
            if z == "Z"
            else (1 if z[0] == "+" else -1) * timedelta(hours=int(z[1:3]), minutes=int(z[-2:]))
        )
        local = got.published.astimezone(timezone(offset))
    elif tz is SHANGHAI:
        local = got.published.astimezone(tz)
    else:
        local = got.published
    parts = [int(m["y"]), m["m"], m["d"]]
    if local.year != parts[0]:
        return False
    if m["m"] is not None and local.month != int(m["m"]):
        return False
    if m["d"] is not None and local.day != int(m["d"]):
        return False
    if m["H"] is not None and not day_only:
        return got.published_has_time and (local.hour, local.minute) == (int(m["H"]), int(m["M"]))
    return True


def truth_has_time(expected: str) -> bool:
    m = _TRUTH_TIME.match(expected.strip())
    return m is not None and m["H"] is not None


def truth_has_day(expected: str) -> bool:
    s = expected.strip()
    m = _TRUTH_TIME.match(s)
    return _TRUTH_NO_YEAR.match(s) is not None or (m is not None and m["d"] is not None)


def tokens(text: str) -> Counter[str]:
    """CJK characters one by one, other scripts word by word."""
    return Counter(t.lower() for t in _TOKEN.findall(unicodedata.normalize("NFKC", text)))


def token_f1(expected: str, got: str) -> float:
    e, g = tokens(expected), tokens(got)
    common = sum((e & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(g.values()), common / sum(e.values())
    return 2 * precision * recall / (precision + recall)
