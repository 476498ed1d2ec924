"""The publication and modification times of an article page.

Layers, first hit wins: provider (selector) → JSON-LD → meta → ``<time>``/``datePublished``
→ the text (a labelled or unlabelled dateline under the title, any labelled short line, a
date in the URL, a short line with a full date and time, a month credit). The visible
dateline replaces a structured time of the same day when it adds the time of day or is the
original time of a re-publication (:func:`dateline_wins`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

import lxml.html

from feedsvc.extract.articlepage import ArticlePage, after_title, near_title
from feedsvc.extract.dateassembly import ParsedTime
from feedsvc.extract.dates import (
    date_from_url,
    find_datetime_in_text,
    find_labelled_datetime,
    has_date_label,
    month_at_line_end,
    parse_datetime,
)
from feedsvc.extract.dom import text_of
from feedsvc.extract.fields import Candidate, Strength, candidate, first, pick
from feedsvc.extract.htmldates import RULE, htmldate_published

__all__ = ["parse_time", "resolve_modified", "resolve_published"]

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "publishtime",
    "publish_time",
    "firstpublishedtime",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "dc.date.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "og:published_time",
    "og:release_date",
    "release_date",
    "date",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified")
# A software version before a build date on the same line; dotted dates (2019.9.5) have a
# four-digit first number, European ones (05.09.2019) a four-digit last.
_VERSION = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,3}\.\d{1,3}(?![\d.])")
_SHORT_DATELINE = 40
_SENTENCE_PUNCT = re.compile(r"[，。；！？]")
_SENTENCE_WORDS = 12
_YEAR_LINE = re.compile(r"(?:19|20)\d\d")
_MONTH_DAY_LINE = re.compile(r"(\d{1,2})[/\-.](\d{1,2})")
_CLOCK_LINE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")


def parse_time(text: str | None, tz: tzinfo, now: datetime) -> ParsedTime | None:
    """A machine or human date string as a time, or None."""
    if not text:
        return None
    return parse_datetime(text, tz=tz, now=now) or find_datetime_in_text(text, tz=tz, now=now)


def resolve_published(
    page: ArticlePage, provided: Sequence[Candidate[ParsedTime]] = ()
) -> Candidate[ParsedTime] | None:
    """The publication time; needs the resolved title (``page.set_title``) for the
    dateline under it."""
    tz, now = page.tz, page.now
    structured = pick(
        provided,
        first(
            lambda: candidate(parse_time(page.ld.published, tz, now), "json-ld"),
            lambda: candidate(parse_time(page.meta.get(*_PUBLISHED_META), tz, now), "meta"),
            lambda: candidate(_time_element(page.root, tz, now), "time-element"),
        ),
    )
    found = _text_published(page.lines, page.title_index, page.url, tz, now)
    if found is None:
        # No rule of ours found a date: htmldate is the last candidate (extract/htmldates.py).
        return structured or candidate(htmldate_published(page.root, tz, now), RULE)
    text = Candidate(found[0], found[1])
    if structured is None:
        return text
    pinned = structured.strength > Strength.GENERIC  # a selector's or template's time stands
    if not pinned and dateline_wins(structured.value, found[0], found[2], tz):
        return text
    return structured


def resolve_modified(page: ArticlePage) -> Candidate[ParsedTime] | None:
    tz, now = page.tz, page.now
    return candidate(parse_time(page.ld.modified, tz, now), "json-ld") or candidate(
        parse_time(page.meta.get(*_MODIFIED_META), tz, now), "meta"
    )


def _text_published(
    lines: list[str], idx: int | None, page_url: str, tz: tzinfo, now: datetime
) -> tuple[ParsedTime, str, bool] | None:
    """In order: a labelled date line near the title, the first date near the title, any
    labelled short line, a date in the URL, the first short line holding a full date and
    time. Dates more than a day ahead of ``now`` are never a publication time. The flag
    says whether the date is the dateline under the title (the first two rules)."""
    latest = now + timedelta(days=1)

    def first_date(
        candidates: list[str], *, labelled: bool, needs_time: bool = False
    ) -> ParsedTime | None:
        for line in candidates:
            if labelled:
                # The date right after its label; on a short line the label may follow it
                # ("2006年12月27日（京港台时间）"), and the labelled date still comes first.
                dateline = len(line) <= _SHORT_DATELINE and not _is_sentence(line)
                if dateline and has_date_label(line):
                    found = find_datetime_in_text(line, tz=tz, now=now)
                else:
                    found = find_labelled_datetime(line, tz=tz, now=now)
            elif _VERSION.search(line) or _is_sentence(line):
                # A build stamp ("播放器 3.4.40 (2019-9-5 9:38:01 PM)"), or prose: "5月3日，
                # 市政府召开会议…" tells when something happened, not when it was published.
                continue
            else:
                found = find_datetime_in_text(line, tz=tz, now=now, bare_day_words=False)
            if found and found.value <= latest and (found.has_time or not needs_time):
                return found
        return None

    near = [line for line in near_title(lines, idx) if len(line) <= 200]
    after = [line for line in after_title(lines, idx) if len(line) <= 120]
    pieced = _pieced_dateline(after)
    if pieced:
        after.insert(0, pieced)
    short = [line for line in lines if len(line) <= 120]
    found = (first_date(near, labelled=True), "text-pattern")
    if found[0] is None:
        found = (first_date(after, labelled=False), "heuristic")
    if found[0] is not None:
        return found[0], found[1], True
    # Away from the title, a labelled date in prose ("格林尼治时间9月25日，联合国…") is
    # what the story reports on, not its dateline.
    found = (
        first_date([ln for ln in short if not _is_sentence(ln)], labelled=True),
        "text-pattern",
    )
    if found[0] is None:
        found = (date_from_url(page_url, tz=tz, now=now), "url")
    if found[0] is None:
        tiny = [line for line in short if len(line) <= 80]
        found = (first_date(tiny, labelled=False, needs_time=True), "heuristic")
    if found[0] is None:
        found = (_month_credit(short, tz, now), "heuristic")
    return (found[0], found[1], False) if found[0] is not None else None


def _is_sentence(line: str) -> bool:
    """A line of prose rather than a dateline: CJK sentence punctuation, or many words."""
    return _SENTENCE_PUNCT.search(line) is not None or len(line.split()) >= _SENTENCE_WORDS


def _pieced_dateline(lines: list[str]) -> str | None:
    """A dateline that a date widget splits over lines — year, month/day, time (Tencent
    News: "2019" / "09/07" / "19:02") — put back together as "2019-09-07 19:02"."""
    for i in range(len(lines) - 1):
        if not _YEAR_LINE.fullmatch(lines[i]):
            continue
        md = _MONTH_DAY_LINE.fullmatch(lines[i + 1])
        if md is None:
            continue
        clock = lines[i + 2] if i + 2 < len(lines) and _CLOCK_LINE.fullmatch(lines[i + 2]) else ""
        return f"{lines[i]}-{md[1]}-{md[2]} {clock}".strip()
    return None


def _month_credit(lines: list[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    """Old essays and magazine reprints carry only "YYYY年M月(号)" on a short line of
    their own (a byline or issue credit); the last such line is the piece's own."""
    for line in reversed([line for line in lines if len(line) <= 30]):
        found = month_at_line_end(line, tz=tz, now=now)
        if found is not None:
            return found
    return None


def dateline_wins(current: ParsedTime, found: ParsedTime, under_title: bool, tz: tzinfo) -> bool:
    """Whether the visible dateline replaces a structured (meta/JSON-LD) time of the same
    day: it adds the time of day a date-only value lacks; and the time printed under the
    title is the one readers see, where CMS meta often holds a later re-publication time
    (reposts keep the original outlet's time in the dateline). The latter only when the
    structured value is in the zone the dateline is read in, so a naive dateline is never
    mistaken for a zoned one."""
    if not found.has_time:
        return False
    local = current.value.astimezone(tz)
    if found.value.date() != local.date():
        return False
    if not current.has_time:
        return True
    if not under_title:
        return False
    # UTC says nothing: many CMSs write "Z" whatever the newsroom's own zone is.
    offset = current.value.utcoffset()
    same_zone = offset == local.utcoffset() and offset != timedelta(0)
    return same_zone and found.value <= current.value


def _time_element(root: lxml.html.HtmlElement, tz: tzinfo, now: datetime) -> ParsedTime | None:
    for el in root.xpath("//*[@itemprop='datePublished'] | //time[@pubdate] | //time[@datetime]"):
        if not isinstance(el, lxml.html.HtmlElement):
            continue
        # <abbr title="2016-12-06T12:06:00-08:00">12:06 PM</abbr>: the microformat's
        # machine-readable value is in the title.
        machine = el.get("title") if el.tag == "abbr" else None
        raw = el.get("datetime") or el.get("content") or machine or text_of(el)
        parsed = parse_time(raw, tz, now)
        if parsed:
            return parsed
    return None
