"""Index page, OPML, health check and the app's lifecycle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import lxml.html
import pytest
from aiohttp import web
from article_factory import BASE_TIME, make_article
from lxml import etree
from memory_reader import MemoryReader
from web_support import PUBLIC_URL, ClientMaker

from feedsvc.config import Settings
from feedsvc.web import CACHE_KEY, READER_KEY, create_app

CAIJING_URL = f"{PUBLIC_URL}/feeds/categories/%E8%B4%A2%E7%BB%8F.atom"


def elements(node: etree._Element, path: str) -> list[etree._Element]:
    found = node.xpath(path)
    assert isinstance(found, list)
    return [item for item in found if isinstance(item, etree._Element)]


def head_links(page: etree._Element) -> list[etree._Element]:
    return elements(page, "/html/head/link")


async def test_index_lists_every_feed_with_autodiscovery(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client()
    response = await client.get("/")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = lxml.html.fromstring(await response.text())
    discovery = {
        link.get("href"): link.get("title")
        for link in head_links(page)
        if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"
    }
    assert discovery == {
        f"{PUBLIC_URL}/feeds/latest.atom": "最新文章",
        CAIJING_URL: "财经",
        f"{PUBLIC_URL}/feeds/categories/tech.atom": "Tech",
        f"{PUBLIC_URL}/feeds/sources/weifang-caijing.atom": "潍坊广电 · 财经",
        f"{PUBLIC_URL}/feeds/sources/city-tech.atom": "City Tech",
    }
    assert not page.xpath("//script")
    rows = {
        row.xpath("string(td[1])"): (row.xpath("string(td[2])"), row.xpath("string(td[3])"))
        for row in elements(page, "//tbody/tr")
    }
    assert rows["财经"] == ("7", "2024-05-19 02:26 UTC")
    assert rows["最新文章"][0] == "9"
    assert rows["City Tech"][0] == "2"
    assert [h.text for h in elements(page, "//h2")] == ["Latest", "Categories", "Sources"]
    assert page.xpath("//a[@href='http://feeds.example.test/opml']")


async def test_index_escapes_titles(make_client: ClientMaker, reader: MemoryReader) -> None:
    hostile = '<script>alert("x")</script> & "quotes" \x01'
    reader.source_names["evil"] = hostile
    reader.add(make_article(50, source_id="evil", source_name=hostile), at=BASE_TIME)
    client = await make_client()
    text = await (await client.get("/")).text()
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in text
    assert "\x01" not in text
    page = lxml.html.fromstring(text)
    titles = [link.get("title") for link in head_links(page)]
    assert '<script>alert("x")</script> & "quotes" ' in titles


async def test_index_with_no_feeds_says_so(make_client: ClientMaker) -> None:
    client = await make_client(reader=MemoryReader())
    response = await client.get("/")
    assert response.status == 200
    assert "No feeds yet" in await response.text()


async def test_opml_lists_every_feed_grouped(make_client: ClientMaker) -> None:
    client = await make_client()
    response = await client.get("/opml")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/x-opml; charset=utf-8"
    root = etree.fromstring(await response.read())
    assert (root.tag, root.get("version")) == ("opml", "2.0")
    assert root.findtext("head/title") == "feedsvc feeds"
    assert root.findtext("head/dateModified") == "Sun, 19 May 2024 02:28:00 GMT"
    body = root.find("body")
    assert body is not None
    top = [(o.get("text"), o.get("xmlUrl")) for o in body.findall("outline")]
    assert top == [
        ("最新文章", f"{PUBLIC_URL}/feeds/latest.atom"),
        ("Categories", None),
        ("Sources", None),
    ]
    categories = {o.get("text"): o.get("xmlUrl") for o in body.findall("outline[2]/outline")}
    assert categories == {"财经": CAIJING_URL, "Tech": f"{PUBLIC_URL}/feeds/categories/tech.atom"}
    subscriptions = elements(root, "//outline[@xmlUrl]")
    assert len(subscriptions) == 5
    assert {o.get("type") for o in subscriptions} == {"rss"}


async def test_healthz_ok(make_client: ClientMaker) -> None:
    client = await make_client()
    response = await client.get("/healthz")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert await response.json() == {"database": True, "status": "ok"}


async def test_healthz_503_when_the_database_is_unreachable(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    reader.ping_error = ConnectionRefusedError("postgres://secret@db: refused")
    client = await make_client()
    response = await client.get("/healthz")
    assert response.status == 503
    report = await response.json()
    assert report == {
        "database": False,
        "database_error": "ConnectionRefusedError",
        "status": "unhealthy",
    }


@pytest.mark.parametrize(
    ("extra", "status", "verdict"),
    [
        ({"scheduler": True, "sources": 4}, 200, "ok"),
        ({"scheduler": False, "sources": 4}, 503, "unhealthy"),
        ({"scheduler": "ok", "degraded": []}, 200, "ok"),
        # Degraded is 200: the feeds are still served; the body says what is wrong.
        ({"scheduler": "ok", "degraded": ["1 extraction process killed"]}, 200, "degraded"),
        ({"scheduler": False, "degraded": ["1 extraction process killed"]}, 503, "unhealthy"),
    ],
)
async def test_healthz_merges_the_health_callable(
    make_client: ClientMaker, extra: dict[str, object], status: int, verdict: str
) -> None:
    async def health() -> dict[str, object]:
        return extra

    client = await make_client(health=health)
    response = await client.get("/healthz")
    assert response.status == status
    assert await response.json() == {
        **extra,
        "database": True,
        "status": verdict,
    }


async def test_healthz_503_when_the_health_callable_raises(make_client: ClientMaker) -> None:
    async def health() -> dict[str, object]:
        raise RuntimeError("scheduler thread died")

    client = await make_client(health=health)
    response = await client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["health_check_error"] == "RuntimeError"


async def test_reader_factory_opens_at_startup_and_closes_at_cleanup(
    aiohttp_client: Any, settings: Settings
) -> None:
    opened: list[MemoryReader] = []
    events: list[str] = []

    async def factory(given: Settings) -> MemoryReader:
        assert given is settings
        memory = MemoryReader()
        memory.add(make_article(1), at=BASE_TIME + timedelta(days=1))
        opened.append(memory)
        events.append("reader open")
        return memory

    async def scheduler(app: web.Application) -> AsyncIterator[None]:
        assert app[READER_KEY] is opened[0]  # contexts start after the reader
        events.append("scheduler start")
        yield
        assert not opened[0].closed  # and stop before it closes
        events.append("scheduler stop")

    app = create_app(settings, reader_factory=factory, contexts=[scheduler])
    assert opened == []
    client = await aiohttp_client(app)
    assert (await client.get("/feeds/latest.atom")).status == 200
    await client.close()
    assert events == ["reader open", "scheduler start", "scheduler stop"]
    assert opened[0].closed


def test_create_app_needs_exactly_one_reader_source(settings: Settings) -> None:
    async def factory(_: Settings) -> MemoryReader:
        return MemoryReader()

    with pytest.raises(ValueError, match="exactly one of reader= or reader_factory="):
        create_app(settings)
    with pytest.raises(ValueError, match="exactly one of reader= or reader_factory="):
        create_app(settings, reader=MemoryReader(), reader_factory=factory)


def test_apps_share_no_state(settings: Settings) -> None:
    first = create_app(settings, reader=MemoryReader())
    second = create_app(settings, reader=MemoryReader())
    assert first[CACHE_KEY] is not second[CACHE_KEY]
    assert first[READER_KEY] is not second[READER_KEY]


async def test_index_links_and_advertises_every_format(make_client: ClientMaker) -> None:
    client = await make_client()
    page = lxml.html.fromstring(await (await client.get("/")).text())
    by_type: dict[str, set[str]] = {}
    for link in head_links(page):
        if link.get("rel") == "alternate":
            by_type.setdefault(link.get("type") or "", set()).add(link.get("href") or "")
    for media_type, ext in (
        ("application/atom+xml", "atom"),
        ("application/rss+xml", "rss"),
        ("application/feed+json", "json"),
    ):
        assert f"{PUBLIC_URL}/feeds/categories/tech.{ext}" in by_type[media_type]
        assert len(by_type[media_type]) == 5
    [row] = [r for r in elements(page, "//tbody/tr") if r.xpath("string(td[1])") == "财经"]
    links = [(a.text, a.get("href")) for a in elements(row, "td[4]/a")]
    assert links == [
        ("Atom", CAIJING_URL),
        ("RSS", CAIJING_URL.removesuffix(".atom") + ".rss"),
        ("JSON Feed", CAIJING_URL.removesuffix(".atom") + ".json"),
    ]
    # Every listed URL answers.
    for urls in by_type.values():
        for url in urls:
            if url.startswith(f"{PUBLIC_URL}/feeds/"):
                assert (await client.get(url.removeprefix(PUBLIC_URL))).status == 200, url
