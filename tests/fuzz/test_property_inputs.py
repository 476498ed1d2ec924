"""Any bytes or text into the parsing paths: a result, or only the documented error.

extract_article / extract_list / detect_list raise ExtractError; the date parser and
decode_html never raise; normalize_url raises ValueError naming the URL; canonical_url
and same_site never raise for a fetched (valid) page URL.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from fuzz_support import CHARSETS, NOW, NOWS, PAGE, PROPERTY, SH
from hypothesis import given
from hypothesis import strategies as st
from strategies import DATES, HTML, URLS

from feedsvc.errors import ExtractError
from feedsvc.extract import (
    date_from_url,
    detect_list,
    extract_article,
    extract_list,
    find_datetime_in_text,
    parse_datetime,
)
from feedsvc.extract.dateassembly import MIN_YEAR
from feedsvc.extract.dates import find_labelled_datetime, month_at_line_end
from feedsvc.fetch.charset import decode_html, garbled_reason, repair_mojibake
from feedsvc.models import Selectors
from feedsvc.normalize import canonical_url, normalize_url, same_site

NOW_CHOICES = st.sampled_from(NOWS)
DATE_TEXT = st.one_of(DATES, st.text(max_size=60), DATES.flatmap(lambda d: st.just(f"日期：{d}")))


@PROPERTY
@given(html=HTML)
def test_extract_article_raises_only_extract_error(html: str) -> None:
    with contextlib.suppress(ExtractError):
        extract_article(html, PAGE, selectors=None, tz=SH, now=NOW)


@PROPERTY
@given(html=HTML, use_selectors=st.booleans())
def test_extract_list_raises_only_extract_error(html: str, use_selectors: bool) -> None:
    selectors = Selectors(item="li", link="a", date="span") if use_selectors else None
    with contextlib.suppress(ExtractError):
        extract_list(html, PAGE, selectors=selectors, tz=SH, now=NOW)


@PROPERTY
@given(html=HTML)
def test_detect_list_raises_only_extract_error(html: str) -> None:
    with contextlib.suppress(ExtractError):
        detect_list(html, PAGE, tz=SH, now=NOW)


@PROPERTY
@given(text=DATE_TEXT, now=NOW_CHOICES)
def test_date_parser_never_raises_and_stays_in_range(text: str, now: datetime) -> None:
    for found in (
        parse_datetime(text, tz=SH, now=now),
        find_datetime_in_text(text, tz=SH, now=now),
        find_datetime_in_text(text, tz=SH, now=now, bare_day_words=False),
        find_labelled_datetime(text, tz=SH, now=now),
        month_at_line_end(text, tz=SH, now=now),
        date_from_url(f"http://example.com/{text}", tz=SH, now=now),
    ):
        if found is not None:
            assert found.value.tzinfo is not None
            assert MIN_YEAR - 1 <= found.value.year <= now.year + 1


@PROPERTY
@given(
    body=st.one_of(st.binary(max_size=400), HTML.map(lambda h: h.encode("utf-8", "replace"))),
    header=st.sampled_from(CHARSETS),
    forced=st.sampled_from([None, None, "gbk", "utf-8", "nonsense"]),
)
def test_decode_html_never_raises(body: bytes, header: str | None, forced: str | None) -> None:
    decoded = decode_html(body, header, forced)
    assert isinstance(decoded.text, str)
    garbled_reason(decoded.text)
    repair_mojibake(decoded.text)


@PROPERTY
@given(text=st.text(max_size=200))
def test_correct_utf8_is_never_repaired_into_something_that_reads_worse(text: str) -> None:
    # Whatever decode_html makes of correct UTF-8 that declares itself, it is the text.
    page = f"<html><body><p>{text}</p></body></html>"
    body = page.encode("utf-8", "surrogatepass")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return  # lone surrogates are not UTF-8
    decoded = decode_html(body, "utf-8")
    assert decoded.text == page or decoded.source == "repaired"


@PROPERTY
@given(url=st.one_of(URLS, st.text(max_size=80)))
def test_normalize_url_raises_only_value_error(url: str) -> None:
    try:
        normalized = normalize_url(url)
    except ValueError as exc:
        assert repr(url) in str(exc)
    else:
        assert normalize_url(normalized) == normalized  # idempotent


@PROPERTY
@given(declared=st.one_of(st.none(), URLS, st.text(max_size=80)), other=st.text(max_size=80))
def test_canonical_url_and_same_site_never_raise(declared: str | None, other: str) -> None:
    canonical = canonical_url(PAGE, declared)
    assert canonical == normalize_url(canonical)
    same_site(PAGE, other)
    same_site(other, declared or "")
