"""The browser view in the feed's zone: ``feed.xsl?zone=Z`` (feeds/stylesheet.py) applied
with lxml's XSLT 1.0 processor (libxslt, as Chromium) to real rendered Atom and RSS feeds,
checked against Python's own zone conversion, daylight saving time included."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from article_factory import make_article
from atom_validation import assert_valid_atom
from feed_validation import assert_valid_rss
from lxml import etree
from lxml import html as lxml_html
from test_feeds_render import make_doc

from feedsvc.feeds.formats import FeedFormat
from feedsvc.feeds.offsets import TABLE_END, TABLE_START, offset_table
from feedsvc.feeds.stylesheet import (
    stylesheet_bytes,
    stylesheet_etag,
    stylesheet_path,
    zone_problem,
    zone_stylesheet,
)

XML_FORMATS = [FeedFormat.ATOM, FeedFormat.RSS]
ORIGIN = "http://feeds.example.test"


def at(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


def feed(fmt: FeedFormat, zone: str, times: list[datetime]) -> bytes:
    """A feed rendered by feedsvc, naming the stylesheet for ``zone``, one entry a time."""
    articles = [make_article(n, published=t, updated=t) for n, t in enumerate(times)]
    doc = make_doc(stylesheet_url=ORIGIN + stylesheet_path(zone))
    return fmt.render(doc, articles)


def shown(fmt: FeedFormat, zone: str, times: list[datetime]) -> dict[str, str]:
    """The UTC instant (datetime attribute) → the text the page shows for it."""
    transform = etree.XSLT(etree.fromstring(zone_stylesheet(zone).body))
    result = transform(etree.fromstring(feed(fmt, zone, times)))
    assert not transform.error_log, transform.error_log
    page = lxml_html.document_fromstring(bytes(result))
    assert page.find_class("zone")[0].text_content() == f"Times are shown in {zone}."
    return {str(t.get("datetime")): str(t.text) for t in page.iter("time")}


def expected(instant: datetime, zone: str) -> str:
    local = instant.astimezone(ZoneInfo(zone))
    offset = local.utcoffset()
    assert offset is not None
    seconds = int(offset.total_seconds())
    size = abs(seconds)
    label = "UTC"
    if seconds:
        label += f"{'-' if seconds < 0 else '+'}{size // 3600:02d}:{size % 3600 // 60:02d}"
        label += f":{size % 60:02d}" if size % 60 else ""
    return f"{local:%Y-%m-%d %H:%M} {label}"


def iso(instant: datetime) -> str:
    return f"{instant:%Y-%m-%dT%H:%M:%S}Z"


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_berlin_summer_and_winter_times_get_their_own_offsets(fmt: FeedFormat) -> None:
    times = [
        at(2024, 7, 1, 12, 0),  # summer: CEST
        at(2024, 1, 10, 23, 30),  # winter: CET, and the local date is the next day
        at(2024, 3, 31, 0, 59),  # the last minute before the change to summer time
        at(2024, 3, 31, 1, 0),  # its first minute
        at(2024, 10, 27, 0, 30),  # the repeated hour in autumn, first pass
        at(2024, 10, 27, 1, 30),  # second pass
    ]
    assert shown(fmt, "Europe/Berlin", times) == {
        "2024-07-01T12:00:00Z": "2024-07-01 14:00 UTC+02:00",
        "2024-01-10T23:30:00Z": "2024-01-11 00:30 UTC+01:00",
        "2024-03-31T00:59:00Z": "2024-03-31 01:59 UTC+01:00",
        "2024-03-31T01:00:00Z": "2024-03-31 03:00 UTC+02:00",
        "2024-10-27T00:30:00Z": "2024-10-27 02:30 UTC+02:00",
        "2024-10-27T01:30:00Z": "2024-10-27 02:30 UTC+01:00",
    }


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_shanghai_times_are_eight_hours_ahead(fmt: FeedFormat) -> None:
    times = [at(2024, 5, 18, 2, 20), at(2024, 12, 31, 20, 5), at(2024, 2, 28, 16, 0)]
    assert shown(fmt, "Asia/Shanghai", times) == {
        "2024-05-18T02:20:00Z": "2024-05-18 10:20 UTC+08:00",
        "2024-12-31T20:05:00Z": "2025-01-01 04:05 UTC+08:00",  # over a year's end
        "2024-02-28T16:00:00Z": "2024-02-29 00:00 UTC+08:00",  # into a leap day
    }


@pytest.mark.parametrize("fmt", XML_FORMATS)
@pytest.mark.parametrize(
    "zone", ["America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/St_Johns"]
)
def test_every_time_matches_python_in_zones_west_east_and_half_hour(
    fmt: FeedFormat, zone: str
) -> None:
    """200 instants from 1970 to 2099 (seeded), each shown as zoneinfo converts it."""
    rng = random.Random(zone)
    start, end = int(at(1970, 1, 1).timestamp()), int(at(2099, 12, 31).timestamp())
    times = [datetime.fromtimestamp(rng.randrange(start, end), UTC) for _ in range(200)]
    assert shown(fmt, zone, times) == {iso(t): expected(t, zone) for t in times}


def test_shipped_stylesheet_is_the_utc_variant() -> None:
    assert zone_stylesheet("UTC").body == stylesheet_bytes()
    assert zone_stylesheet("UTC").etag == stylesheet_etag()
    assert shown(FeedFormat.ATOM, "UTC", [at(2024, 7, 1, 12, 0)]) == {
        "2024-07-01T12:00:00Z": "2024-07-01 12:00 UTC"
    }


def test_variants_are_deterministic_and_differ_by_zone() -> None:
    berlin = zone_stylesheet("Europe/Berlin")
    assert berlin.body == zone_stylesheet("Europe/Berlin").body
    assert berlin.etag != zone_stylesheet("Asia/Shanghai").etag != stylesheet_etag()
    assert b"'Europe/Berlin'" in berlin.body


def test_a_time_that_does_not_parse_is_shown_as_written() -> None:
    root = etree.fromstring(feed(FeedFormat.ATOM, "Asia/Shanghai", [at(2024, 5, 18, 2, 20)]))
    published = root.find(".//{http://www.w3.org/2005/Atom}published")
    assert published is not None
    published.text = "yesterday"
    transform = etree.XSLT(etree.fromstring(zone_stylesheet("Asia/Shanghai").body))
    page = lxml_html.document_fromstring(bytes(transform(root)))
    time = page.find(".//time")
    assert time is not None
    assert time.text == "yesterday" and time.get("datetime") is None


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_feeds_naming_a_zone_stay_valid_and_byte_stable(fmt: FeedFormat) -> None:
    times = [at(2024, 7, 1, 12, 0), at(2024, 1, 10, 23, 30)]
    body = feed(fmt, "Asia/Shanghai", times)
    assert body.split(b"\n")[1] == (
        b'<?xml-stylesheet type="text/xsl"'
        b' href="http://feeds.example.test/feeds/feed.xsl?zone=Asia%2FShanghai"?>'
    )
    assert body == feed(fmt, "Asia/Shanghai", times)
    # Only the processing instruction differs from the UTC feed: entries are untouched.
    assert body.replace(b"?zone=Asia%2FShanghai", b"") == feed(fmt, "UTC", times)
    if fmt is FeedFormat.ATOM:
        assert_valid_atom(body)
    else:
        assert_valid_rss(body)


def test_stylesheet_paths() -> None:
    assert stylesheet_path("UTC") == "/feeds/feed.xsl"
    assert stylesheet_path("Asia/Shanghai") == "/feeds/feed.xsl?zone=Asia%2FShanghai"
    assert stylesheet_path("Etc/GMT+8") == "/feeds/feed.xsl?zone=Etc%2FGMT%2B8"


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "", "../../etc/passwd", "Asia/Shanghai'", "a" * 65, "/UTC"]
)
def test_names_that_are_not_zones_are_refused_naming_the_parameter(name: str) -> None:
    problem = zone_problem(name)
    assert problem is not None and problem.startswith("zone: ")


@pytest.mark.parametrize("name", ["UTC", "Asia/Shanghai", "Etc/GMT-8", "America/Port-au-Prince"])
def test_zone_names_are_accepted(name: str) -> None:
    assert zone_problem(name) is None


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Shanghai", "Australia/Lord_Howe"])
def test_offset_table_agrees_with_zoneinfo_around_every_change(zone: str) -> None:
    table = offset_table(ZoneInfo(zone))
    info = ZoneInfo(zone)

    def real(instant: int) -> int:
        offset = datetime.fromtimestamp(instant, info).utcoffset()
        assert offset is not None
        return int(offset.total_seconds())

    assert table.initial == real(TABLE_START)
    for start, offset in table.changes:
        assert TABLE_START < start <= TABLE_END
        assert offset == real(start) != real(start - 1)
        assert table.offset_at(start) == offset and table.offset_at(start - 1) == real(start - 1)
    rng = random.Random(7)
    for _ in range(500):
        instant = rng.randrange(TABLE_START, TABLE_END)
        assert table.offset_at(instant) == real(instant)


def test_shanghai_has_not_changed_offset_since_1991() -> None:
    table = offset_table(ZoneInfo("Asia/Shanghai"))
    # Summer time ended 1991-09-15 02:00 +09:00.
    assert table.changes[-1] == (int(at(1991, 9, 14, 17, 0).timestamp()), 8 * 3600)
    assert table.offset_at(int((at(2024, 1, 1) + timedelta(days=180)).timestamp())) == 28800
