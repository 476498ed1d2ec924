"""htmldate is the last publication-time candidate: used only where no rule of ours finds one."""

from __future__ import annotations

from datetime import UTC, datetime

from feedsvc.extract import extract_article
from feedsvc.extract.dom import parse_html
from feedsvc.extract.htmldates import MAX_ELEMENTS, htmldate_published

NOW = datetime(2025, 1, 1, tzinfo=UTC)
BODY = (
    "<p>" + "A harbour reopened after a long winter of repairs and careful planning. " * 6 + "</p>"
)
# A date only in the canonical link: none of feedsvc's own rules read it, htmldate does.
PAGE = (
    "<html><head><title>Harbour reopens</title>"
    '<link rel="canonical" href="https://news.example.org/local/2015/03/18/harbour-reopens/">'
    "</head><body><article><h1>Harbour reopens</h1>" + BODY + "</article></body></html>"
)


def test_htmldate_fills_in_when_no_rule_finds_a_date() -> None:
    got = extract_article(PAGE, "http://fakehost/p.html", selectors=None, tz=UTC, now=NOW)
    assert got.published is not None and got.published.date().isoformat() == "2015-03-18"
    assert got.provenance["published"] == "htmldate"
    assert got.published_has_time is False


def test_our_own_dateline_wins_over_htmldate() -> None:
    page = PAGE.replace("<h1>Harbour reopens</h1>", "<h1>Harbour reopens</h1><p>Feb. 23, 2015</p>")
    got = extract_article(page, "http://fakehost/p.html", selectors=None, tz=UTC, now=NOW)
    assert got.published is not None and got.published.date().isoformat() == "2015-02-23"
    assert got.provenance["published"] != "htmldate"


def test_future_and_oversized_pages_give_nothing() -> None:
    assert htmldate_published(parse_html(PAGE), UTC, datetime(2010, 1, 1, tzinfo=UTC)) is None
    huge = PAGE.replace(BODY, "<span>x</span>" * (MAX_ELEMENTS + 1))
    assert htmldate_published(parse_html(huge), UTC, NOW) is None
