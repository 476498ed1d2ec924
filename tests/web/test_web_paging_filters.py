"""RFC 5005 paging (rel="next" with a keyset cursor), ?q= / ?since= filters, WebSub links."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote

from article_factory import BASE_TIME, make_article
from atom_validation import NS, assert_valid_atom
from feed_validation import assert_valid_json_feed, assert_valid_rss
from lxml import etree
from memory_reader import MemoryReader
from web_support import PUBLIC_URL, ClientMaker

from feedsvc.config import Settings
from feedsvc.models import FeedKey, FeedKind

IDENTITY = {"Accept-Encoding": "identity"}
ATOM = "{http://www.w3.org/2005/Atom}"
HUB = "http://hub.example.test/"


def _local(url: str) -> str:
    assert url.startswith(PUBLIC_URL), url
    return url.removeprefix(PUBLIC_URL)


def _page(fmt: str, body: bytes) -> tuple[list[str], dict[str, str]]:
    """(entry ids, feed-level links by rel) of one document."""
    if fmt == "json":
        feed = assert_valid_json_feed(body)
        links = {"self": feed["feed_url"]}
        if "next_url" in feed:
            links["next"] = feed["next_url"]
        for hub in feed.get("hubs", []):
            links["hub"] = hub["url"]
        return [i["id"] for i in feed["items"]], links
    if fmt == "rss":
        root = assert_valid_rss(body)
        links = {e.get("rel") or "": e.get("href") or "" for e in root.iter(f"{ATOM}link")}
        return [i.findtext("guid") or "" for i in root.iter("item")], links
    root = assert_valid_atom(body)
    links = {e.get("rel") or "": e.get("href") or "" for e in root.findall("atom:link", NS)}
    ids = [e.findtext("atom:id", namespaces=NS) or "" for e in root.findall("atom:entry", NS)]
    return ids, links


async def test_following_next_walks_every_entry_once_in_every_format(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    # Three more articles sharing one published time: the cursor must split ties.
    for n in (20, 21, 22):
        reader.add(make_article(n, published=BASE_TIME), at=BASE_TIME + timedelta(days=2))
    client = await make_client()
    everything = [a.entry_id for a in reader._members(reader_key_latest())]
    for fmt in ("atom", "rss", "json"):
        walked: list[str] = []
        url: str | None = f"/feeds/latest.{fmt}?limit=2"
        pages = 0
        while url:
            response = await client.get(url, headers=IDENTITY)
            assert response.status == 200, url
            ids, links = _page(fmt, await response.read())
            walked.extend(ids)
            pages += 1
            if pages > 1 and fmt != "json":
                assert links["first"] == f"{PUBLIC_URL}/feeds/latest.{fmt}?limit=2"
            url = _local(links["next"]) if "next" in links else None
            assert pages < 20
        assert walked == everything, fmt
        assert pages == 6  # 12 entries, 2 a page: the last page has no next link


def reader_key_latest() -> FeedKey:
    return FeedKey(FeedKind.LATEST)


async def test_a_page_url_stays_the_same_when_newer_entries_arrive(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client()
    first_ids, links = _page("atom", await (await client.get("/feeds/latest.atom?limit=3")).read())
    second_url = _local(links["next"])
    before, _ = _page("atom", await (await client.get(second_url)).read())
    reader.add(make_article(50), at=BASE_TIME + timedelta(days=5))
    after, _ = _page("atom", await (await client.get(second_url)).read())
    assert after == before
    newest, _ = _page("atom", await (await client.get("/feeds/latest.atom?limit=3")).read())
    assert newest[0] == make_article(50).entry_id and newest[1:] == first_ids[:2]


async def test_bad_cursors_are_400(make_client: ClientMaker) -> None:
    client = await make_client()
    for token in ("nope", "%%%", "x" * 700, "MjAyNA"):
        response = await client.get("/feeds/latest.atom", params={"before": token})
        assert response.status == 400, token
        assert "'before'" in await response.text()


async def test_q_finds_chinese_keywords_without_word_splitting(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    reader.add(
        make_article(30, title="青州市召开安全生产工作会议", summary="会议要求"),
        at=BASE_TIME + timedelta(days=2),
    )
    client = await make_client()
    for fmt in ("atom", "rss", "json"):
        response = await client.get(
            f"/feeds/latest.{fmt}", params={"q": "安全生产", "limit": "20"}, headers=IDENTITY
        )
        assert response.status == 200
        ids, links = _page(fmt, await response.read())
        assert ids == [make_article(30).entry_id], fmt
        assert "hub" not in links
    summary_hit = await client.get("/feeds/latest.json", params={"q": "第3篇摘"})
    assert [i["id"] for i in json.loads(await summary_hit.read())["items"]] == [
        make_article(3).entry_id
    ]
    english = await client.get("/feeds/latest.json", params={"q": "TECH story"})
    assert len(json.loads(await english.read())["items"]) == 2


async def test_since_filters_by_published_or_updated(make_client: ClientMaker) -> None:
    client = await make_client()
    since = (BASE_TIME + timedelta(hours=6)).isoformat()
    response = await client.get(
        "/feeds/latest.atom", params={"since": since, "limit": "20"}, headers=IDENTITY
    )
    ids, _ = _page("atom", await response.read())
    assert ids == [make_article(n).entry_id for n in (8, 7, 6)]
    shanghai = "2024-05-18T16:20:00+08:00"  # the same instant in another zone
    other = await client.get(
        "/feeds/latest.atom", params={"since": shanghai, "limit": "20"}, headers=IDENTITY
    )
    assert _page("atom", await other.read())[0] == ids
    assert other.headers["ETag"] == response.headers["ETag"]  # canonical query


async def test_invalid_filters_are_400_naming_the_parameter(make_client: ClientMaker) -> None:
    client = await make_client()
    for params, mention in (
        ({"since": "2024-05-18"}, "'since' must be an RFC 3339 time"),
        ({"since": "2024-05-18T10:20:00"}, "with an offset"),
        ({"since": "2024-13-40T10:20:00Z"}, "'since' is not a real time"),
        ({"since": "yesterday"}, "'since'"),
        ({"q": "   "}, "'q' must be a keyword"),
        ({"q": "x" * 101}, "at most 100 characters"),
    ):
        for fmt in ("atom", "json"):
            response = await client.get(f"/feeds/latest.{fmt}", params=params)
            assert response.status == 400, params
            assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
            assert mention in await response.text(), params
    response = await client.get("/feeds/latest.atom?q=a&q=b")
    assert "'q' given 2 times" in await response.text()


async def test_filtered_responses_have_their_own_validators(make_client: ClientMaker) -> None:
    client = await make_client()
    plain = await client.get("/feeds/latest.atom", headers=IDENTITY)
    filtered = await client.get("/feeds/latest.atom", params={"q": "财经"}, headers=IDENTITY)
    same = await client.get(
        "/feeds/latest.atom", params={"q": " 财经 ", "_": "cache-buster"}, headers=IDENTITY
    )
    assert plain.headers["ETag"] != filtered.headers["ETag"]
    assert filtered.headers["ETag"] == same.headers["ETag"]
    assert await filtered.read() == await same.read()
    assert plain.headers["Last-Modified"] == filtered.headers["Last-Modified"]
    # The plain feed's ETag does not validate the filtered one, nor the other way round.
    response = await client.get(
        "/feeds/latest.atom", params={"q": "财经"}, headers={"If-None-Match": plain.headers["ETag"]}
    )
    assert response.status == 200
    response = await client.get(
        "/feeds/latest.atom",
        params={"q": "财经"},
        headers={"If-None-Match": filtered.headers["ETag"]},
    )
    assert response.status == 304
    _, links = _page("atom", await filtered.read())
    assert links["self"] == f"{PUBLIC_URL}/feeds/latest.atom?q={quote('财经')}"


async def test_websub_hub_and_self_are_advertised_on_subscribable_feeds(
    make_client: ClientMaker,
) -> None:
    settings = Settings(
        public_url=PUBLIC_URL, feed_default_limit=5, feed_max_limit=20, websub_hub=HUB
    )
    client = await make_client(settings=settings)
    for fmt in ("atom", "rss", "json"):
        url = f"/feeds/categories/tech.{fmt}"
        response = await client.get(url, headers=IDENTITY)
        self_url = f"{PUBLIC_URL}{url}"
        assert response.headers["Link"] == f'<{HUB}>; rel="hub", <{self_url}>; rel="self"'
        _, links = _page(fmt, await response.read())
        assert links["hub"] == HUB and links["self"] == self_url
        not_modified = await client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert not_modified.status == 304 and 'rel="hub"' in not_modified.headers["Link"]
        # A filtered or paged document is not what the hub publishes: no hub there.
        filtered = await client.get(url, params={"limit": "1"}, headers=IDENTITY)
        assert "Link" not in filtered.headers
        assert "hub" not in _page(fmt, await filtered.read())[1]


async def test_without_a_hub_nothing_is_advertised(make_client: ClientMaker) -> None:
    client = await make_client()
    response = await client.get("/feeds/latest.atom", headers=IDENTITY)
    assert "Link" not in response.headers
    root = etree.fromstring(await response.read())
    assert root.find("atom:link[@rel='hub']", NS) is None
