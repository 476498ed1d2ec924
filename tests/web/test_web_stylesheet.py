"""GET /feeds/feed.xsl, and served Atom and RSS feeds that name it: what a browser
fetches when someone opens a feed link."""

from __future__ import annotations

import feedparser
import pytest
from atom_validation import assert_valid_atom
from feed_validation import assert_valid_rss
from lxml import etree
from lxml import html as lxml_html
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
