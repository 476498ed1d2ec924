"""htmldate as one more candidate for an article's publication time.

htmldate (the date finder trafilatura uses) reads headers, JSON, date-classed elements,
``<abbr>``/``<time>`` and URLs. Measured on the corpus (docs/extraction.md, "Published
time"), it is weaker than feedsvc's own rules where those find a date (it drops times and
zones, reads ``3/09/15`` day-first), so it is the last candidate: only for pages where no
rule of ours found one. It runs on the already-parsed tree (never a URL, so no network), in
its fast mode (no free-text guessing, which turned copyright years into ``YYYY-01-01``),
and not at all on trees past :data:`MAX_ELEMENTS`, which bounds its time.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

import lxml.html

from feedsvc.extract.dateassembly import ParsedTime

RULE = "htmldate"
MAX_ELEMENTS = 20_000  # ~30 ms at most on the corpus's largest pages (10,000 elements: 16 ms)
_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def htmldate_published(root: lxml.html.HtmlElement, tz: tzinfo, now: datetime) -> ParsedTime | None:
    """htmldate's original (publication) date of the page, or None. A naive result is in
    ``tz``; midnight means a date without a time; dates after ``now`` (+1 day) are none."""
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        return None
    from htmldate import find_date  # imported on first use: it pulls in dateparser

    try:
        found = find_date(
            root,  # a tree: htmldate copies it before pruning, and never fetches
            extensive_search=False,
            original_date=True,
            outputformat=_FORMAT,
            url=None,  # it reads <link rel=canonical>; the page URL's date is our url rule
        )
    except (ValueError, TypeError, OverflowError):  # a malformed page is no date, never an error
        return None
    if not found:
        return None
    try:
        value = datetime.strptime(found, _FORMAT)
    except ValueError:
        value = datetime.strptime(found[:19], "%Y-%m-%dT%H:%M:%S")
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    if value > now + timedelta(days=1):
        return None
    return ParsedTime(value, value.timetz().replace(tzinfo=None) != datetime.min.time())
