"""Feed endpoints over HTTP: validity, limits, validators and 304s, gzip, HEAD, 404s."""

from __future__ import annotations

import asyncio
import gzip
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote

import feedparser
from article_factory import BASE_TIME, make_article
from atom_validation import NS, assert_valid_atom
from lxml import etree
from memory_reader import MemoryReader
from web_support import PUBLIC_URL, ClientMaker

from feedsvc.feeds.cache import FeedCache
from feedsvc.models import FeedKey, FeedKind, FeedVersion

IDENTITY = {"Accept-Encoding": "identity"}
CAIJING = "/feeds/categories/" + quote("财经", safe="") + ".atom"
FEED_PATHS = ("/feeds/latest.atom", CAIJING, "/feeds/sources/weifang-caijing.atom")


def entry_ids(body: bytes) -> list[str]:
    return [
        e.findtext("atom:id", namespaces=NS) or ""
        for e in etree.fromstring(body).findall("atom:entry", NS)
    ]


async def test_every_feed_is_valid_atom_with_the_right_headers(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client()
    for path in (*FEED_PATHS, "/feeds/categories/tech.atom", "/feeds/sources/city-tech.atom"):
        response = await client.get(path, headers=IDENTITY)
        assert response.status == 200, path
        body = await response.read()
        assert_valid_atom(body)
        assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
        assert response.headers["Cache-Control"] == "public, max-age=450"
        assert response.headers["Vary"] == "Accept-Encoding, Accept"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Content-Encoding" not in response.headers
        etag = response.headers["ETag"]
        assert etag.startswith('"v') and etag.endswith('"'), etag  # strong


async def test_last_modified_and_feed_updated_are_the_feed_version_time(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client()
    response = await client.get("/feeds/latest.atom", headers=IDENTITY)
    version = reader.versions[FeedKey(FeedKind.LATEST)]
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == version.updated_at
    parsed = feedparser.parse(await response.read())
    assert parsed.feed.updated == version.updated_at.isoformat()


async def test_chinese_titles_and_newest_first(make_client: ClientMaker) -> None:
    client = await make_client()
    body = await (await client.get(CAIJING, headers=IDENTITY)).read()
    parsed = feedparser.parse(body)
    assert parsed.feed.title == "财经"
    assert [e.title for e in parsed.entries] == [
        f"潍坊市第{n}季度经济运行情况新闻发布会" for n in (6, 5, 4, 3, 2)
    ]
    published = [e.published for e in parsed.entries]
    assert published == sorted(published, reverse=True)


async def test_feed_links_are_absolute_from_the_public_url(make_client: ClientMaker) -> None:
    client = await make_client()
    root = etree.fromstring(await (await client.get(CAIJING + "?limit=2")).read())
    links = {link.get("rel"): link.get("href") for link in root.findall("atom:link", NS)}
    next_url = links.pop("next") or ""
    assert links == {"self": f"{PUBLIC_URL}{CAIJING}?limit=2", "alternate": f"{PUBLIC_URL}/"}
    assert next_url.startswith(f"{PUBLIC_URL}{CAIJING}?limit=2&before=")
    assert root.findtext("atom:id", namespaces=NS) == f"{PUBLIC_URL}{CAIJING}"
    # An ASCII category's self link uses its slug; its id stays name-based.
    root = etree.fromstring(await (await client.get("/feeds/categories/Tech.atom")).read())
    links = {link.get("rel"): link.get("href") for link in root.findall("atom:link", NS)}
    assert links["self"] == f"{PUBLIC_URL}/feeds/categories/tech.atom"


async def test_entry_links_survive_the_http_path(make_client: ClientMaker) -> None:
    client = await make_client()
    root = etree.fromstring(await (await client.get("/feeds/latest.atom?limit=1")).read())
    entry = root.find("atom:entry", NS)
    assert entry is not None
    article = make_article(8)
    assert [dict(link.attrib) for link in entry.findall("atom:link", NS)] == [
        {"rel": "alternate", "type": "text/html", "href": article.canonical_url},
        {"rel": "enclosure", "type": "image/jpeg", "href": article.image},
    ]


async def test_limit_default_and_explicit(make_client: ClientMaker) -> None:
    client = await make_client()
    assert len(entry_ids(await (await client.get("/feeds/latest.atom")).read())) == 5
    assert len(entry_ids(await (await client.get("/feeds/latest.atom?limit=2")).read())) == 2
    assert len(entry_ids(await (await client.get("/feeds/latest.atom?limit=20")).read())) == 9


async def test_invalid_limit_is_400_naming_the_parameter(make_client: ClientMaker) -> None:
    client = await make_client()
    for value in ("abc", "0", "21", "-1", "1.5", "", "٣"):
        response = await client.get("/feeds/latest.atom", params={"limit": value})
        assert response.status == 400, value
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        text = await response.text()
        assert "'limit'" in text and "1 to 20" in text, text
    response = await client.get("/feeds/latest.atom?limit=2&limit=3")
    assert response.status == 400
    assert "'limit' given 2 times" in await response.text()


async def test_same_data_gives_identical_bytes_and_etags_across_processes(
    make_client: ClientMaker,
) -> None:
    first_app, second_app = await make_client(), await make_client()
    bodies, etags = set(), set()
    for client in (first_app, first_app, second_app):
        response = await client.get(CAIJING, headers=IDENTITY)
        bodies.add(await response.read())
        etags.add(response.headers["ETag"])
    assert len(bodies) == 1 and len(etags) == 1


async def test_if_none_match_gives_304_without_rendering(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    warm = await make_client()
    etag = (await warm.get(CAIJING, headers=IDENTITY)).headers["ETag"]

    cache = FeedCache()
    cold = await make_client(cache=cache)  # a replica that never rendered this feed
    reader.calls.clear()
    response = await cold.get(CAIJING, headers={**IDENTITY, "If-None-Match": etag})
    assert response.status == 304
    assert await response.read() == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Vary"] == "Accept-Encoding, Accept"
    assert response.headers["Cache-Control"] == "public, max-age=450"
    assert cache.stats.renders == 0 and len(cache) == 0
    assert reader.calls["feed_entries"] == 0 and reader.calls["list_feeds"] == 0


async def test_if_none_match_lists_and_weak_forms_match(make_client: ClientMaker) -> None:
    client = await make_client()
    etag = (await client.get(CAIJING, headers=IDENTITY)).headers["ETag"]
    for header in (f'"other", {etag}', f"W/{etag}", "*"):
        response = await client.get(CAIJING, headers={**IDENTITY, "If-None-Match": header})
        assert response.status == 304, header


async def test_if_none_match_wins_over_if_modified_since(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client()
    first = await client.get(CAIJING, headers=IDENTITY)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    long_ago = format_datetime(BASE_TIME - timedelta(days=365), usegmt=True)

    # ETag matches while If-Modified-Since says "modified": 304.
    response = await client.get(
        CAIJING, headers={**IDENTITY, "If-None-Match": etag, "If-Modified-Since": long_ago}
    )
    assert response.status == 304
    # ETag does not match while If-Modified-Since says "not modified": 200.
    response = await client.get(
        CAIJING,
        headers={**IDENTITY, "If-None-Match": '"v0-stale"', "If-Modified-Since": last_modified},
    )
    assert response.status == 200
    assert await response.read() == await first.read()


async def test_if_modified_since_alone(make_client: ClientMaker, reader: MemoryReader) -> None:
    client = await make_client()
    updated_at = reader.versions[FeedKey(FeedKind.CATEGORY, "财经")].updated_at
    for since, expected in (
        (updated_at, 304),
        (updated_at + timedelta(seconds=30), 304),
        (updated_at - timedelta(seconds=1), 200),
    ):
        header = format_datetime(since, usegmt=True)
        response = await client.get(CAIJING, headers={**IDENTITY, "If-Modified-Since": header})
        assert response.status == expected, header
    response = await client.get(CAIJING, headers={**IDENTITY, "If-Modified-Since": "not a date"})
    assert response.status == 200


async def test_a_new_version_changes_the_etag_and_the_content(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client()
    old = await client.get(CAIJING, headers=IDENTITY)
    old_etag = old.headers["ETag"]
    fresh = make_article(30, title="新文章")
    reader.add(fresh, at=BASE_TIME + timedelta(days=2))
    response = await client.get(CAIJING, headers={**IDENTITY, "If-None-Match": old_etag})
    assert response.status == 200
    assert response.headers["ETag"] != old_etag
    assert entry_ids(await response.read())[0] == fresh.entry_id
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == BASE_TIME + timedelta(days=2)


async def test_gzip_when_accepted_with_its_own_etag(make_client: ClientMaker) -> None:
    client = await make_client()
    plain = await client.get(CAIJING, headers=IDENTITY)
    plain_body = await plain.read()
    zipped = await client.get(CAIJING, headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Vary"] == "Accept-Encoding, Accept"
    assert gzip.decompress(await zipped.read()) == plain_body
    assert zipped.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
    # Either representation's ETag validates: the data behind both is the same version.
    for etag in (zipped.headers["ETag"], plain.headers["ETag"]):
        response = await client.get(
            CAIJING, headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
        )
        assert response.status == 304
        assert response.headers["ETag"] == zipped.headers["ETag"]


async def test_accept_encoding_negotiation(make_client: ClientMaker) -> None:
    client = await make_client()
    for accept, gzipped in (
        ("gzip, deflate, br", True),
        ("deflate", False),
        ("gzip;q=0, deflate", False),
        ("*", True),
        ("*;q=0", False),
        ("x-gzip", True),
        ("GZIP;q=0.5", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("gzip;q=0, *", False),
    ):
        response = await client.get(
            CAIJING, headers={"Accept-Encoding": accept}, auto_decompress=False
        )
        assert (response.headers.get("Content-Encoding") == "gzip") is gzipped, accept
        assert response.headers["Vary"] == "Accept-Encoding, Accept"


async def test_head_returns_the_get_headers_without_a_body(make_client: ClientMaker) -> None:
    client = await make_client()
    get = await client.get(CAIJING, headers=IDENTITY)
    body = await get.read()
    head = await client.head(CAIJING, headers=IDENTITY)
    assert head.status == 200
    assert await head.read() == b""
    for name in ("ETag", "Last-Modified", "Content-Type", "Cache-Control", "Vary"):
        assert head.headers[name] == get.headers[name], name
    assert int(head.headers["Content-Length"]) == len(body)
    conditional = await client.head(CAIJING, headers={"If-None-Match": get.headers["ETag"]})
    assert conditional.status == 304


async def test_unknown_feeds_are_404_text(make_client: ClientMaker) -> None:
    client = await make_client()
    for path, mentions in (
        ("/feeds/sources/nope.atom", "source:nope"),
        ("/feeds/categories/%E4%BD%93%E8%82%B2.atom", "体育"),
        ("/feeds/categories/unknown.atom", "unknown"),
    ):
        response = await client.get(path)
        assert response.status == 404, path
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        text = await response.text()
        assert "no such feed" in text and mentions in text
    assert (await client.get("/feeds/other.atom")).status == 404


async def test_chinese_category_by_percent_encoded_name_and_ascii_by_slug(
    make_client: ClientMaker,
) -> None:
    client = await make_client()
    by_name = await client.get("/feeds/categories/%E8%B4%A2%E7%BB%8F.atom", headers=IDENTITY)
    assert by_name.status == 200
    assert feedparser.parse(await by_name.read()).feed.title == "财经"
    by_slug = await client.get("/feeds/categories/tech.atom", headers=IDENTITY)
    by_exact = await client.get("/feeds/categories/Tech.atom", headers=IDENTITY)
    assert by_slug.status == by_exact.status == 200
    assert await by_slug.read() == await by_exact.read()
    assert by_slug.headers["ETag"] == by_exact.headers["ETag"]


async def test_control_characters_in_stored_text_never_break_the_feed(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    reader.add(
        make_article(
            40, title="控制\x00字符\x1b标题", content_html="<p>a\x0bb</p>", summary="\x07"
        ),
        at=BASE_TIME + timedelta(days=3),
    )
    client = await make_client()
    body = await (await client.get("/feeds/latest.atom?limit=1", headers=IDENTITY)).read()
    assert_valid_atom(body)
    assert feedparser.parse(body).entries[0].title == "控制字符标题"


async def test_concurrent_requests_for_a_cold_feed_render_once(make_client: ClientMaker) -> None:
    cache = FeedCache()
    client = await make_client(cache=cache)
    responses = await asyncio.gather(*(client.get(CAIJING, headers=IDENTITY) for _ in range(8)))
    bodies = {await r.read() for r in responses}
    assert len(bodies) == 1
    assert cache.stats.renders == 1


async def test_a_store_without_entries_still_serves_an_empty_valid_feed(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    key = FeedKey(FeedKind.SOURCE, "empty-source")
    reader.versions[key] = FeedVersion(key, 0, BASE_TIME)
    client = await make_client()
    response = await client.get("/feeds/sources/empty-source.atom")
    assert response.status == 200
    body = await response.read()
    assert_valid_atom(body)
    assert entry_ids(body) == []
