"""The demo portal over HTTP: pages, charsets, validators, changes and ground truth."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC
from email.utils import format_datetime
from urllib.parse import urljoin

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from demo_portal_helpers import Clock, parse, text_of
from pytest_aiohttp import AiohttpClient

from feedsvc.demo.content import CATEGORIES, SHANGHAI, DemoArticle
from feedsvc.demo.portal import PortalState, create_portal_app

Client = TestClient[web.Request, web.Application]

BREADCRUMB_COLON = {"caijing": ":", "shehui": "：", "wenhua": "：", "tiyu": ":"}
TITLE_SUFFIX = {
    "caijing": " - 潍坊广电网",
    "shehui": " - 潍坊广电网",
    "wenhua": "_文化_潍坊广电网",
    "tiyu": " | 潍坊广电网",
}


def date_line(a: DemoArticle) -> str:
    t = a.published.astimezone(SHANGHAI)
    return {
        "caijing": f"日期: {t:%Y-%m-%d %H:%M:%S} 来源:{a.source} 编辑:{a.editor}",
        "shehui": f"日期：{t:%Y-%m-%d %H:%M} 来源：{a.source} 编辑：{a.editor}",
        "wenhua": f"{t:%Y年%m月%d日 %H:%M} 来源：{a.source} 编辑：{a.editor}",
        "tiyu": f"发布时间：{t:%Y-%m-%d %H:%M} | 来源：{a.source} | 责任编辑：{a.editor}",
    }[a.category_slug]


async def get_html(client: Client, path: str) -> str:
    response = await client.get(path)
    assert response.status == 200, path
    body = await response.read()
    if path.startswith("/wenhua/"):
        return body.decode("gbk")
    return body.decode("utf-8")


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, state: PortalState) -> Client:
    return await aiohttp_client(create_portal_app(state))


def list_links(html: str, page_url: str) -> list[tuple[str, str, str]]:
    """(absolute path, title, date) of each main-list item."""
    rows = []
    for li in parse(html).cssselect("ul.news-list > li"):
        (a,) = li.cssselect("a")
        (date,) = li.cssselect("span.date")
        rows.append((urljoin(page_url, a.get("href")), a.text_content(), date.text_content()))
    return rows


async def test_home_page(client: Client, state: PortalState) -> None:
    html = await get_html(client, "/")
    text = text_of(html)
    assert "头条" in text and "友情链接" in text and "Copyright © 2006-2023" in text
    doc = parse(html)
    nav = [a.get("href") for a in doc.cssselect("ul.nav a")]
    assert all(f"/{c.slug}/" in nav for c in CATEGORIES)
    headline = doc.cssselect("div.headline h3 a")[0]
    assert headline.get("href") == state.articles()[0].url_path


@pytest.mark.parametrize("slug", [c.slug for c in CATEGORIES])
async def test_list_page_is_exactly_the_category_newest_first(
    client: Client, state: PortalState, slug: str
) -> None:
    page_url = f"http://portal.test/{slug}/"
    html = await get_html(client, f"/{slug}/")
    expected = [
        (
            "http://portal.test" + a.url_path,
            a.title,
            f"{a.published.astimezone(SHANGHAI):%Y-%m-%d}",
        )
        for a in state.articles(slug)
    ]
    assert list_links(html, page_url) == expected
    category = next(c for c in CATEGORIES if c.slug == slug)
    assert f"当前位置{BREADCRUMB_COLON[slug]}首页 > {category.name} >" in text_of(html)
    assert parse(html).findtext(".//title") == category.name + TITLE_SUFFIX[slug]
    # Same page under its static name.
    assert await get_html(client, f"/{slug}/index.html") == html


async def test_list_sidebars_link_only_other_categories(client: Client, state: PortalState) -> None:
    html = await get_html(client, "/shehui/")
    doc = parse(html)
    titles = [h.text_content() for h in doc.cssselect("div.side-box h3")]
    assert titles == ["相关阅读", "热门文章", "最新文章"]
    side_links = [a.get("href") for a in doc.cssselect("div.side-box a")]
    assert len(side_links) >= 15
    assert not any(href.startswith("/shehui/") for href in side_links)
    others = {a.url_path for a in state.articles() if a.category_slug != "shehui"}
    assert set(side_links) <= others
    latest = [a.get("href") for a in doc.cssselect("div.latest a")]
    assert latest == [a.url_path for a in state.articles() if a.category_slug != "shehui"][:8]


async def test_gbk_category_bytes_and_headers(client: Client, state: PortalState) -> None:
    for path in ("/wenhua/", state.articles("wenhua")[0].url_path):
        response = await client.get(path)
        assert response.headers["Content-Type"] == "text/html"
        body = await response.read()
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        html = body.decode("gbk")
        assert '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' in html
        assert state.articles("wenhua")[0].title.replace('"', "&quot;") in html or (
            state.articles("wenhua")[0].title in html
        )
    for path in ("/", "/caijing/", state.articles("tiyu")[0].url_path):
        response = await client.get(path)
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert '<meta charset="utf-8">' in (await response.read()).decode("utf-8")


@pytest.mark.parametrize("slug", [c.slug for c in CATEGORIES])
async def test_article_page_shows_crumb_date_line_and_body(
    client: Client, state: PortalState, slug: str
) -> None:
    for article in state.articles(slug)[:3]:
        html = await get_html(client, article.url_path)
        text = text_of(html)
        category = article.category
        assert f"当前位置{BREADCRUMB_COLON[slug]}首页 > {category} >" in text
        assert date_line(article) in text
        doc = parse(html)
        assert doc.findtext(".//title") == article.title + TITLE_SUFFIX[slug]
        assert doc.cssselect("h1")[0].text_content() == article.title
        paragraphs = [p.text_content().strip() for p in doc.cssselect("div.content > p")]
        assert [p for p in paragraphs if p] == list(article.paragraphs)
        assert "分享到" in text and "上一篇" in text and "下一篇" in text
        for block in ("相关阅读", "热门文章", "最新文章"):
            assert block in text
        teasers = [p.text_content() for p in doc.cssselect("div.side-box li p")]
        assert len(teasers) == 11 and all(len(t) > 20 for t in teasers)


async def test_dirty_text_survives_into_pages(client: Client, state: PortalState) -> None:
    amp = state.articles("caijing")[1]
    html = await get_html(client, amp.url_path)
    assert "&amp;" in html and parse(html).cssselect("h1")[0].text_content() == amp.title
    dirty = state.articles("shehui")[1]
    raw = await (await client.get(dirty.url_path)).read()
    assert b"\x08" in raw and b"&lt;" in raw


async def test_table_and_image(client: Client, state: PortalState) -> None:
    article = state.articles("caijing")[2]
    assert article.table is not None
    doc = parse(await get_html(client, article.url_path))
    rows = [
        tuple(cell.text_content() for cell in tr.cssselect("th, td"))
        for tr in doc.cssselect("div.content table tr")
    ]
    assert rows == list(article.table)
    pictured = next(a for a in state.articles() if a.image_path)
    assert pictured.image_path is not None
    doc = parse(await get_html(client, pictured.url_path))
    assert doc.cssselect("div.content img")[0].get("src") == pictured.image_path
    response = await client.get(pictured.image_path)
    assert response.status == 200 and response.headers["Content-Type"] == "image/png"
    assert (await response.read()).startswith(b"\x89PNG\r\n\x1a\n")
    plain = next(a for a in state.articles() if not a.image_path)
    missing = plain.url_path.replace(f"/{plain.category_slug}/", "/uploadfile/")
    assert (await client.get(missing.replace(".html", ".png"))).status == 404


async def test_tiyu_list_links_are_relative(client: Client, state: PortalState) -> None:
    html = await get_html(client, "/tiyu/")
    hrefs = [a.get("href") for a in parse(html).cssselect("ul.news-list a")]
    assert all(not h.startswith("/") for h in hrefs)
    for href in hrefs[:3]:
        assert (await client.get(urljoin("/tiyu/", href))).status == 200


async def test_publish_appears_on_its_list_only(
    client: Client, state: PortalState, clock: Clock
) -> None:
    before = {s: await client.get(f"/{s}/") for s in ("caijing", "wenhua")}
    clock.advance(minutes=3)
    article = state.publish("caijing")
    html = await get_html(client, "/caijing/")
    assert list_links(html, "http://x/caijing/")[0][:2] == (
        "http://x" + article.url_path,
        article.title,
    )
    after = await client.get("/caijing/")
    assert after.headers["ETag"] != before["caijing"].headers["ETag"]
    assert after.headers["Last-Modified"] == format_datetime(
        clock.value.astimezone(UTC), usegmt=True
    )
    untouched = await client.get("/wenhua/")
    assert untouched.headers["ETag"] == before["wenhua"].headers["ETag"]
    assert untouched.headers["Last-Modified"] == before["wenhua"].headers["Last-Modified"]
    page = await get_html(client, article.url_path)
    assert article.paragraphs[0] in page


async def test_edit_changes_article_page_and_its_validators_only(
    client: Client, state: PortalState, clock: Clock
) -> None:
    article = state.articles("wenhua")[2]
    first = await client.get(article.url_path)
    list_before = await client.get("/wenhua/")
    clock.advance(minutes=10)
    edited = state.edit(article.id)
    second = await client.get(article.url_path)
    assert second.headers["ETag"] != first.headers["ETag"]
    assert second.headers["Last-Modified"] != first.headers["Last-Modified"]
    html = (await second.read()).decode("gbk")
    assert edited.paragraphs[-1] in html
    stale = await client.get(article.url_path, headers={"If-None-Match": first.headers["ETag"]})
    assert stale.status == 200
    fresh = await client.get(article.url_path, headers={"If-None-Match": second.headers["ETag"]})
    assert fresh.status == 304
    list_after = await client.get("/wenhua/")
    assert list_after.headers["ETag"] == list_before.headers["ETag"]


async def test_conditional_get(client: Client, state: PortalState) -> None:
    for path in ("/shehui/", state.articles("shehui")[0].url_path, "/"):
        response = await client.get(path)
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
        for headers in (
            {"If-None-Match": etag},
            {"If-None-Match": f'"nope", W/{etag}'},
            {"If-None-Match": "*"},
            {"If-Modified-Since": modified},
        ):
            again = await client.get(path, headers=headers)
            assert again.status == 304, (path, headers)
            assert again.headers["ETag"] == etag
            assert await again.read() == b""
        for headers in (
            {"If-None-Match": '"other"'},
            {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
            # If-None-Match wins over a satisfied If-Modified-Since.
            {"If-None-Match": '"other"', "If-Modified-Since": modified},
        ):
            assert (await client.get(path, headers=headers)).status == 200, (path, headers)


async def test_pagination(client: Client, state: PortalState, clock: Clock) -> None:
    for _ in range(15):
        clock.advance(minutes=1)
        state.publish("caijing")
    everything = [a.url_path for a in state.articles("caijing")]
    assert len(everything) == 27
    first = await get_html(client, "/caijing/")
    assert [u for u, _, _ in list_links(first, "http://x/caijing/")] == [
        "http://x" + u for u in everything[:20]
    ]
    next_link = parse(first).xpath("//div[@class='pages']/a[text()='下一页']/@href")
    assert next_link == ["index_2.html"]
    second = await get_html(client, "/caijing/index_2.html")
    assert [u for u, _, _ in list_links(second, "http://x/caijing/index_2.html")] == [
        "http://x" + u for u in everything[20:]
    ]
    assert "上一页" in second and "下一页" not in second
    assert (await client.get("/caijing/index_3.html")).status == 404


async def test_unknown_paths(client: Client, state: PortalState) -> None:
    article = state.articles("caijing")[0]
    wrong_category = article.url_path.replace("/caijing/", "/tiyu/")
    wrong_date = article.url_path.replace(f"/{article.published:%m%d}/", "/0101/")
    for path in (
        "/nope/",
        "/sport",
        "/caijing/2023/0518/99999.html",
        wrong_category,
        wrong_date,
        "/caijing/index_1.html",
        "/caijing/list.php?id=1",
    ):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 404, path
        assert "页面不存在" in await response.text()
    redirect = await client.get("/tiyu", allow_redirects=False)
    assert redirect.status == 301 and redirect.headers["Location"] == "/tiyu/"
    robots = await client.get("/robots.txt")
    assert "Disallow: /_demo/" in await robots.text()


async def test_ground_truth_json(client: Client, state: PortalState, clock: Clock) -> None:
    clock.advance(minutes=1)
    state.publish("tiyu")
    state.edit(state.articles("shehui")[0].id)
    response = await client.get("/_demo/state.json")
    assert response.status == 200
    data = await response.json()
    base = str(client.make_url("")).rstrip("/")
    assert data == state.snapshot(base)
    assert len(data["articles"]) == 4 * 12 + 1
    by_id = {a["id"]: a for a in data["articles"]}
    for article in state.articles()[:6]:
        truth = by_id[article.id]
        assert truth["title"] == article.title and truth["paragraphs"] == list(article.paragraphs)
        page = await client.get(truth["url"].removeprefix(base))
        assert page.status == 200
    assert [c["declared_charset"] for c in data["categories"]] == [
        "utf-8",
        "utf-8",
        "gb2312",
        "utf-8",
    ]


async def test_background_publishing_and_editing(
    aiohttp_client: AiohttpClient,
) -> None:
    state = PortalState(seed=5, initial_per_category=2)
    await aiohttp_client(create_portal_app(state, auto_publish_every=0.02, auto_edit_every=0.03))
    for _ in range(200):
        await asyncio.sleep(0.01)
        if len(state.articles()) >= 11 and any(a.modified for a in state.articles()):
            break
    assert len(state.articles()) >= 11
    assert any(a.modified for a in state.articles())


def test_bad_intervals_are_refused(state: PortalState) -> None:
    with pytest.raises(ValueError, match="auto_publish_every"):
        create_portal_app(state, auto_publish_every=0)
    with pytest.raises(ValueError, match="auto_edit_every"):
        create_portal_app(state, auto_edit_every=-1)


def test_command_line_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "feedsvc.demo.portal", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0
    assert "--port" in result.stdout and "--publish-every" in result.stdout
