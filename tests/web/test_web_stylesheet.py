"""GET /feeds/feed.xsl, and served Atom and RSS feeds that name it: what a browser
fetches when someone opens a feed link."""

from __future__ import annotations

import feedparser
import pytest
from atom_validation import assert_valid_atom
from feed_validation import assert_valid_rss
from lxml import etree
from lxml import html as lxml_html
from memory_reader import MemoryReader
from web_support import PUBLIC_URL, ClientMaker

IDENTITY = {"Accept-Encoding": "identity"}
XSL_PATH = "/feeds/feed.xsl"


async def test_the_stylesheet_is_served_with_caching_and_revalidation(
    make_client: ClientMaker,
) -> None:
    client = await make_client()
    response = await client.get(XSL_PATH)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/xsl; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    body = await response.read()
    etree.XSLT(etree.fromstring(body))  # a well-formed XSLT 1.0 stylesheet

    again = await client.get(XSL_PATH, headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, max-age=86400"
    assert await again.read() == b""
    weak = await client.get(XSL_PATH, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status == 304
    other = await client.get(XSL_PATH, headers={"If-None-Match": '"other"'})
    assert other.status == 200
    assert await other.read() == body
    head = await client.head(XSL_PATH)
    assert head.status == 200
    assert head.headers["ETag"] == etag


@pytest.mark.parametrize("fmt", ["atom", "rss"])
async def test_a_served_feed_becomes_a_readable_page_with_the_served_stylesheet(
    make_client: ClientMaker, fmt: str
) -> None:
    client = await make_client()
    feed = await (await client.get(f"/feeds/categories/tech.{fmt}", headers=IDENTITY)).read()
    instruction = feed.split(b"\n")[1]
    assert instruction == (
        f'<?xml-stylesheet type="text/xsl" href="{PUBLIC_URL}{XSL_PATH}"?>'.encode()
    )
    root = assert_valid_atom(feed) if fmt == "atom" else assert_valid_rss(feed)
    assert not feedparser.parse(feed).bozo

    xsl = await (await client.get(XSL_PATH)).read()
    page = lxml_html.document_fromstring(bytes(etree.XSLT(etree.fromstring(xsl))(root)))
    titles = [a.text for a in page.findall(".//article/h2/a")]
    assert titles == ["Tech story 8", "Tech story 7"]
    assert page.findtext(".//p[@class='hint']/code") == f"{PUBLIC_URL}/feeds/categories/tech.{fmt}"


async def test_json_feed_is_unchanged(make_client: ClientMaker) -> None:
    client = await make_client()
    body = await (await client.get("/feeds/latest.json", headers=IDENTITY)).read()
    assert b"feed.xsl" not in body
    assert body.startswith(b"{")


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
READER_ACCEPTS = [None, "*/*", "application/atom+xml, application/rss+xml;q=0.9, */*;q=0.5"]


@pytest.mark.parametrize(
    ("fmt", "media_type"), [("atom", "application/atom+xml"), ("rss", "application/rss+xml")]
)
async def test_a_browser_gets_the_same_bytes_as_xml_it_can_style(
    make_client: ClientMaker, fmt: str, media_type: str
) -> None:
    """Browsers show application/atom+xml and rss+xml as raw text and apply an
    xml-stylesheet only to an XML type: a navigation gets the same bytes as
    application/xml; every reader keeps the feed's own type."""
    client = await make_client()
    page = await client.get(f"/feeds/latest.{fmt}", headers={"Accept": BROWSER_ACCEPT})
    assert page.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert "Accept" in page.headers["Vary"]
    for accept in READER_ACCEPTS:
        headers = {"Accept": accept} if accept else {}
        feed = await client.get(f"/feeds/latest.{fmt}", headers=headers)
        assert feed.headers["Content-Type"] == f"{media_type}; charset=utf-8", accept
        assert await feed.read() == await page.read()
        assert feed.headers["ETag"] == page.headers["ETag"]


async def test_json_feed_keeps_its_type_for_a_browser(make_client: ClientMaker) -> None:
    client = await make_client()
    page = await client.get("/feeds/latest.json", headers={"Accept": BROWSER_ACCEPT})
    assert page.headers["Content-Type"].startswith("application/feed+json")


ZONED_XSL = f"{XSL_PATH}?zone=Asia%2FShanghai"


async def test_a_zone_variant_is_served_with_its_own_etag_and_304(
    make_client: ClientMaker,
) -> None:
    client = await make_client()
    plain = await client.get(XSL_PATH)
    zoned = await client.get(ZONED_XSL)
    assert zoned.status == 200
    assert zoned.headers["Content-Type"] == "text/xsl; charset=utf-8"
    assert zoned.headers["Cache-Control"] == "public, max-age=86400"
    etag = zoned.headers["ETag"]
    assert etag != plain.headers["ETag"]
    body = await zoned.read()
    assert body != await plain.read()
    assert b"'Asia/Shanghai'" in body
    again = await client.get(ZONED_XSL, headers={"If-None-Match": etag})
    assert again.status == 304 and again.headers["ETag"] == etag
    other = await client.get(ZONED_XSL, headers={"If-None-Match": plain.headers["ETag"]})
    assert other.status == 200 and await other.read() == body
    # A fresh process builds the same bytes: the ETag survives restarts.
    restarted = await (await make_client()).get(ZONED_XSL)
    assert restarted.headers["ETag"] == etag


@pytest.mark.parametrize(
    "query",
    ["zone=Mars%2FOlympus", "zone=", "zone=..%2F..%2Fetc%2Fpasswd", "zone=UTC&zone=Asia%2FTokyo"],
)
async def test_a_bad_zone_is_a_400_naming_the_parameter(
    make_client: ClientMaker, query: str
) -> None:
    client = await make_client()
    response = await client.get(f"{XSL_PATH}?{query}")
    assert response.status == 400
    assert (await response.text()).startswith("zone: ")


@pytest.mark.parametrize("fmt", ["atom", "rss"])
async def test_a_feed_in_shanghai_time_shows_its_times_in_shanghai(
    make_client: ClientMaker, reader: MemoryReader, fmt: str
) -> None:
    reader.source_zones["weifang-caijing"] = "Asia/Shanghai"
    reader.source_zones["city-tech"] = "Europe/Berlin"
    client = await make_client()
    feed = await (await client.get(f"/feeds/sources/weifang-caijing.{fmt}")).read()
    root = assert_valid_atom(feed) if fmt == "atom" else assert_valid_rss(feed)
    instruction = root.getprevious()
    assert isinstance(instruction, etree._ProcessingInstruction)
    href = str(instruction.get("href"))
    assert href == f"{PUBLIC_URL}{ZONED_XSL}"
    xsl = await (await client.get(href.removeprefix(PUBLIC_URL))).read()
    page = lxml_html.document_fromstring(bytes(etree.XSLT(etree.fromstring(xsl))(root)))
    assert page.find_class("zone")[0].text_content() == "Times are shown in Asia/Shanghai."
    # make_article(6) is published 2024-05-18 08:20 UTC: 16:20 in Shanghai.
    first = page.find(".//article//time")
    assert first is not None
    assert (first.get("datetime"), first.text) == (
        "2024-05-18T08:20:00Z",
        "2024-05-18 16:20 UTC+08:00",
    )
    # 'latest' mixes Shanghai and Berlin sources: no shared zone, so UTC and the plain URL.
    latest = await (await client.get(f"/feeds/latest.{fmt}")).read()
    assert f'href="{PUBLIC_URL}{XSL_PATH}"'.encode() in latest.split(b"\n")[1]


async def test_a_feeds_etag_moves_with_its_zone(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    url = "/feeds/sources/weifang-caijing.atom"
    before = (await (await make_client()).get(url)).headers["ETag"]
    reader.source_zones["weifang-caijing"] = "Asia/Shanghai"
    after = (await (await make_client()).get(url)).headers["ETag"]
    assert before != after


async def test_a_zone_name_the_stylesheet_cannot_carry_falls_back_to_utc(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    reader.source_zones["weifang-caijing"] = "Not a zone"  # never from config or detection
    client = await make_client()
    feed = await (await client.get("/feeds/sources/weifang-caijing.atom")).read()
    assert feed.split(b"\n")[1].endswith(f'href="{PUBLIC_URL}{XSL_PATH}"?>'.encode())
