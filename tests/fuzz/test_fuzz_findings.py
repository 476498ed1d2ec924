"""Inputs the fuzz harness found that crashed a parser: each must now give a result or the
documented error."""

from __future__ import annotations

import contextlib

import pytest
from fuzz_support import NOW, PAGE, SH

from feedsvc.errors import ExtractError
from feedsvc.extract import detect_list, extract_article, extract_list
from feedsvc.normalize import html_to_text, sanitize_html
from feedsvc.safehtml import fragment

# lxml's fragment_fromstring *asserts* ("too many bodies: []") when text holds an <html>
# and <head> with an unknown element before <body>; readability hands such text back.
NO_BODY = "<html><head><m><body>"


@pytest.mark.parametrize("html", [NO_BODY, NO_BODY + "<p>正文</p>", f"<p>x</p>{NO_BODY}"])
def test_extraction_of_a_page_lxml_asserts_on(html: str) -> None:
    with contextlib.suppress(ExtractError):
        extract_article(html, PAGE, selectors=None, tz=SH, now=NOW)
    extract_list(html, PAGE, selectors=None, tz=SH, now=NOW)
    detect_list(html, PAGE, tz=SH, now=NOW)


def test_normalizing_such_a_fragment() -> None:
    assert html_to_text(NO_BODY + "<p>x</p>") in ("x", NO_BODY + "<p>x</p>")
    sanitize_html(NO_BODY + "<p>x</p>", PAGE)
    with pytest.raises(ValueError, match="not an HTML fragment"):
        fragment(NO_BODY)


def test_an_rfc2822_date_with_an_hour_beyond_a_c_long() -> None:
    """``email.utils.parsedate_to_datetime`` raises OverflowError (not ValueError) for an
    hour of 19 digits: the page has no date, nothing raises."""
    from feedsvc.extract.dates import parse_datetime

    text = "Thu, 18 May 6855 0244444444444444444:20:31 GMT"
    assert parse_datetime(text, tz=SH, now=NOW) is None
