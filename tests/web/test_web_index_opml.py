"""The index and OPML: times in each feed's zone, the page language, OPML site links,
and the caching contract they share with the feeds (ETag, Last-Modified, 304, gzip)."""

from __future__ import annotations

import dataclasses
import gzip
from datetime import timedelta

import lxml.html
import pytest
from aiohttp import ClientResponse
from article_factory import BASE_TIME, make_article
from lxml import etree
from memory_reader import MemoryReader
from web_support import ClientMaker

from feedsvc.config import Settings

PAGES = ("/", "/opml")


def _rows(html: str) -> dict[str, str]:
    page = lxml.html.fromstring(html)
    return {
        row.xpath("string(td[1])"): row.xpath("string(td[3])") for row in page.xpath("//tbody/tr")
    }


async def test_index_shows_each_feed_in_its_own_zone(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    reader.source_zones["weifang-caijing"] = "Asia/Shanghai"
    reader.source_zones["city-tech"] = "Asia/Dubai"  # a zone with no abbreviation
    rows = _rows(await (await (await make_client()).get("/")).text())
    assert rows["潍坊广电 · 财经"] == "2024-05-19 10:26 CST"
    assert rows["财经"] == "2024-05-19 10:26 CST"  # every source of the category shares it
    assert rows["City Tech"] == "2024-05-19 06:28 +04:00"
    assert rows["最新文章"] == "2024-05-19 02:28 UTC"  # sources disagree: the default, UTC


async def test_index_falls_back_to_the_timezone_setting(
    make_client: ClientMaker, reader: MemoryReader, settings: Settings
) -> None:
    reader.source_zones["weifang-caijing"] = "Asia/Shanghai"
    chosen = dataclasses.replace(settings, timezone="Europe/Berlin")
    rows = _rows(await (await (await make_client(settings=chosen)).get("/")).text())
    assert rows["最新文章"] == "2024-05-19 04:28 CEST"
    assert rows["潍坊广电 · 财经"] == "2024-05-19 10:26 CST"  # a source's zone still wins


async def test_index_uses_the_zone_refreshes_read_times_in_when_none_is_configured(
    make_client: ClientMaker, reader: MemoryReader, settings: Settings
) -> None:
    reader.read_zones["weifang-caijing"] = "Asia/Shanghai"  # detected: a .cn host
    rows = _rows(await (await (await make_client()).get("/")).text())
    assert rows["潍坊广电 · 财经"] == "2024-05-19 10:26 CST"
    assert rows["财经"] == "2024-05-19 10:26 CST"
    assert rows["最新文章"] == "2024-05-19 02:28 UTC"  # city-tech's zone is unknown
    # A timezone setting other than auto is what refreshes use, so it wins over a record.
    chosen = dataclasses.replace(settings, timezone="Europe/Berlin")
    rows = _rows(await (await (await make_client(settings=chosen)).get("/")).text())
    assert rows["潍坊广电 · 财经"] == "2024-05-19 04:26 CEST"


async def test_index_time_element_keeps_the_instant(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    reader.source_zones["weifang-caijing"] = "Asia/Shanghai"
    page = lxml.html.fromstring(await (await (await make_client()).get("/")).text())
    (stamp,) = page.xpath("//tr[td[1]//a[text()='财经']]//time")
    assert stamp.get("datetime") == "2024-05-19T02:26:00+00:00"
    assert stamp.get("title") == "Asia/Shanghai"


async def test_index_language_follows_its_feeds(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    page = lxml.html.fromstring(await (await (await make_client()).get("/")).text())
    assert page.get("lang") == "zh-CN"  # every feed is zh-CN
    # The page's own words stay marked as English.
    assert page.xpath("//h1")[0].get("lang") == "en"
    assert page.xpath("//thead")[0].get("lang") == "en"
    reader.language = None
    page = lxml.html.fromstring(await (await (await make_client()).get("/")).text())
    assert page.get("lang") == "en"
    assert page.xpath("//h1")[0].get("lang") is None


async def test_opml_html_url_is_the_source_site(make_client: ClientMaker) -> None:
    root = etree.fromstring(await (await (await make_client()).get("/opml")).read())
    links = {o.get("text"): o.get("htmlUrl") for o in root.iter("outline") if o.get("xmlUrl")}
    assert links == {
        "潍坊广电 · 财经": "https://weifang-caijing.example.cn/list/",
        "City Tech": "https://city-tech.example.cn/list/",
        # Latest and categories have no site of their own: no htmlUrl.
        "最新文章": None,
        "财经": None,
        "Tech": None,
    }


def _exposed_are_sent(response: ClientResponse) -> None:
    exposed = response.headers.get("Access-Control-Expose-Headers")
    assert exposed, response.url
    for name in (part.strip() for part in exposed.split(",")):
        assert name in response.headers, f"{response.url} exposes {name} but does not send it"


@pytest.mark.parametrize("path", PAGES)
async def test_pages_have_validators_304_and_gzip(make_client: ClientMaker, path: str) -> None:
    client = await make_client()
    plain = await client.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.status == 200
    etag, modified = plain.headers["ETag"], plain.headers["Last-Modified"]
    assert modified == "Sun, 19 May 2024 02:28:00 GMT"  # the newest feed change
    assert plain.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in plain.headers
    _exposed_are_sent(plain)
    body = await plain.read()

    zipped = await client.get(path, headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(await zipped.read()) == body
    assert zipped.headers["ETag"] != etag  # a strong ETag per coding
    _exposed_are_sent(zipped)

    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        again = await client.get(path, headers={**headers, "Accept-Encoding": "identity"})
        assert again.status == 304, headers
        assert again.headers["ETag"] == etag and again.headers["Last-Modified"] == modified
        _exposed_are_sent(again)
    stale = await client.get(path, headers={"If-None-Match": '"other"'})
    assert stale.status == 200


@pytest.mark.parametrize("path", PAGES)
async def test_page_etag_is_stable_across_replicas_and_moves_with_the_data(
    make_client: ClientMaker, reader: MemoryReader, path: str
) -> None:
    first = (await (await make_client()).get(path)).headers["ETag"]
    assert (await (await make_client()).get(path)).headers["ETag"] == first
    reader.add(make_article(20), at=BASE_TIME + timedelta(days=2))
    moved = await (await make_client()).get(path)
    assert moved.headers["ETag"] != first
    assert moved.headers["Last-Modified"] == "Mon, 20 May 2024 02:20:00 GMT"


async def test_feeds_expose_only_headers_they_send(make_client: ClientMaker) -> None:
    client = await make_client()
    response = await client.get("/feeds/latest.atom")
    assert response.status == 200
    _exposed_are_sent(response)
    again = await client.get(
        "/feeds/latest.atom", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status == 304
    _exposed_are_sent(again)
