"""What a list row shows beside its link: a date, a teaser, a picture.

A *row* is the largest ancestor of a link that holds no other link of the same group (the
``<li>``, ``<tr>`` or card). Dates come from ``<time datetime>``, then the row's text
outside the link (``2023-05-18``, ``05-17 08:00``, 刚刚, 3小时前, ``May 5, 2023``), then
the URL (``/2023-05/18/``, ``t20230518_``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import lxml.html

from feedsvc.extract.dateassembly import ParsedTime
from feedsvc.extract.dates import date_from_url, find_datetime_in_text, parse_datetime
from feedsvc.extract.dom import absolute_url, clean_text, text_of

__all__ = ["RowInfo", "find_rows", "read_row", "row_date"]

_ROW_TEXT_LIMIT = 300  # a date beside a link is near it; longer rows are teasers
_SUMMARY_MIN = 15
_SUMMARY_MAX = 300
_SUMMARY_TAGS = frozenset({"p", "div", "span", "dd", "section", "em"})
_IMG_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-url", "src")
_DATEISH = re.compile(r"\d{1,4}\s*[-/.年月]\s*\d{1,2}|\d+\s*(?:分钟|小时|天)前|刚刚|昨天|前天")
_PLACEHOLDER = re.compile(
    r"^data:|blank\.|loading|placeholder|spacer|1x1|(?:^|/)(?:dot|icon|ico|arrow|bullet|li)[\w-]*\.",
    re.I,
)
_SUMMARY_CLASS = re.compile(r"summary|excerpt|desc|intro|abstract|brief|digest|teaser|lead", re.I)
_TINY = 24  # pixels: bullets and icons, not pictures
_MONTH_DAY_ROW = 24
# The whole date column, optionally bracketed: "11-19", "[11/19]", "(12.31)".
_MONTH_DAY = re.compile(
    r"^[\[(（【\s]*(?P<m>1[0-2]|0?[1-9])[-/.](?P<d>3[01]|[12]\d|0?[1-9])[\])）】\s]*$"
)


@dataclass(frozen=True)
class RowInfo:
    date_element: lxml.html.HtmlElement | None  # where the row's date was printed
    summary: str | None
    image: str | None


def find_rows(anchors: list[lxml.html.HtmlElement]) -> list[lxml.html.HtmlElement]:
    """Each anchor's row: climb while the ancestor holds no other anchor of the group."""
    counts: dict[lxml.html.HtmlElement, int] = {}
    for anchor in anchors:
        for parent in anchor.iterancestors():
            counts[parent] = counts.get(parent, 0) + 1
    rows: list[lxml.html.HtmlElement] = []
    for anchor in anchors:
        row = anchor
        for parent in anchor.iterancestors():
            if counts.get(parent, 0) > 1 or parent.tag in ("body", "html"):
                break
            row = parent
        rows.append(row)
    return rows


def _outside_text(row: lxml.html.HtmlElement, anchor: lxml.html.HtmlElement, title: str) -> str:
    """The row's text without its headline (text_content() runs in C)."""
    whole = clean_text(row.text_content())
    if row is anchor:
        # Rows that are bare links: the date is the text right after the link.
        nxt = anchor.getnext()
        extra = nxt.text_content() if nxt is not None and nxt.tag != "a" else ""
        whole = clean_text(f"{whole} {anchor.tail or ''} {extra}")
    return whole.replace(title, " ", 1) if title else whole


def _time_element(
    row: lxml.html.HtmlElement, tz: tzinfo, now: datetime
) -> tuple[ParsedTime, lxml.html.HtmlElement] | None:
    for el in row.iter("time"):
        raw = el.get("datetime") or text_of(el)
        parsed = parse_datetime(raw, tz=tz, now=now) if raw else None
        if parsed is not None:
            return parsed, el
    return None


def _month_day(text: str, tz: tzinfo, now: datetime) -> ParsedTime | None:
    """``11-19`` / ``[11/19]`` / ``11.19``: beside a headline in a list, a month and a day.

    Only for short row texts (a date column), where nothing else could read that way; the
    year is the latest one that does not put the date in the future.
    """
    if len(text) > _MONTH_DAY_ROW:
        return None
    m = _MONTH_DAY.match(text)
    if m is None:
        return None
    local = now.astimezone(tz)
    for year in (local.year, local.year - 1):
        try:
            value = datetime(year, int(m["m"]), int(m["d"]), tzinfo=tz)
        except ValueError:
            return None
        if value <= local + timedelta(days=1):
            return ParsedTime(value, has_time=False)
    return None


def row_date(
    row: lxml.html.HtmlElement,
    anchor: lxml.html.HtmlElement,
    url: str,
    title: str,
    tz: tzinfo,
    now: datetime,
) -> tuple[ParsedTime | None, str | None]:
    """The row's date and where it came from; cheap enough to run on every candidate."""
    timed = _time_element(row, tz, now)
    if timed is not None:
        return timed[0], "time-element"
    text = _outside_text(row, anchor, title)[:_ROW_TEXT_LIMIT]
    found = find_datetime_in_text(text, tz=tz, now=now) if text else None
    if found is None and text:
        found = _month_day(text, tz, now)
    if found is not None:
        return found, "row-text"
    from_url = date_from_url(url, tz=tz, now=now)
    return (from_url, "url") if from_url else (None, None)


def _date_element(
    row: lxml.html.HtmlElement, title: str, tz: tzinfo, now: datetime
) -> lxml.html.HtmlElement | None:
    """The innermost element beside the headline whose text holds the row's date."""
    best: lxml.html.HtmlElement | None = None
    for el in row.iter():
        if not isinstance(el.tag, str):
            continue
        if best is not None and best not in el.iterancestors():
            break  # left the best match's subtree: nothing deeper is coming
        raw = el.text_content()
        if len(raw) > 160:
            continue
        text = clean_text(raw)
        if not text or len(text) > 40 or (title and title in text):
            continue
        if find_datetime_in_text(text, tz=tz, now=now) or _month_day(text, tz, now):
            best = el
    return best


def _summary(row: lxml.html.HtmlElement, title: str, tz: tzinfo, now: datetime) -> str | None:
    """A teaser: a summary-classed element, else a paragraph, that is not a meta line."""
    ranked: list[tuple[int, lxml.html.HtmlElement]] = []
    for n, el in enumerate(row.iter(*_SUMMARY_TAGS)):
        if el is row:
            continue
        marked = _SUMMARY_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}")
        ranked.append((0 if marked else 1 if el.tag == "p" else 2, el))
        if n > 40:
            break  # a row this big is a whole section, not a list row
    for _, el in sorted(ranked, key=lambda pair: pair[0]):
        text = clean_text(el.text_content())
        if len(text) < _SUMMARY_MIN or title in text:
            continue
        if len(text) < 60 and (
            _DATEISH.search(text) or find_datetime_in_text(text, tz=tz, now=now)
        ):
            continue  # a 来源/日期 line, not a teaser
        return text[:_SUMMARY_MAX]
    return None


def _image(row: lxml.html.HtmlElement, page_url: str) -> str | None:
    for img in row.iter("img"):
        if any(
            (img.get(d) or "").isdigit() and int(img.get(d) or 0) <= _TINY
            for d in ("width", "height")
        ):
            continue
        for attr in _IMG_ATTRS:
            value = (img.get(attr) or "").strip()
            if value and not _PLACEHOLDER.search(value):
                url = absolute_url(page_url, value)
                if url:
                    return url
    return None


def read_row(
    row: lxml.html.HtmlElement,
    title: str,
    date_source: str | None,
    page_url: str,
    tz: tzinfo,
    now: datetime,
    *,
    locate_date: bool,
) -> RowInfo:
    """What else the winning list's row shows (run for the winner only: it walks more).

    ``date_source`` is what :func:`row_date` said; ``locate_date`` also finds the element
    that printed the date (for suggested selectors).
    """
    element: lxml.html.HtmlElement | None = None
    if locate_date and date_source == "time-element":
        element = next(iter(row.iter("time")), None)
    elif locate_date and date_source == "row-text":
        element = _date_element(row, title, tz, now)
    return RowInfo(element, _summary(row, title, tz, now), _image(row, page_url))
