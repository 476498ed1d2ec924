"""Prepared answers: a repeated request skips resolving the feed, yet every commit, every
conditional header and every expiry is honoured exactly as on the full path."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from article_factory import BASE_TIME, make_article
from memory_reader import MemoryReader
from web_support import ClientMaker

from feedsvc.web.feedinfo import FeedInfoMemo
from feedsvc.web.keys import CACHE_KEY, PREPARED_KEY
from feedsvc.web.versions import VersionMemo

FEED = "/feeds/latest.atom"
IDENTITY = {"Accept-Encoding": "identity"}  # the test client asks for gzip by default
SAME_HEADERS = (
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Vary",
    "Content-Type",
    "Content-Encoding",
    "Access-Control-Allow-Origin",
    "X-Content-Type-Options",
)


class StepProbe:
    """A change probe whose token the test moves, as a commit would."""

    def __init__(self) -> None:
        self.value = 0

    def token(self) -> object:
        return self.value


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def reads(reader: MemoryReader) -> int:
    return sum(reader.calls.values())


async def test_a_repeated_request_reads_nothing_and_answers_the_same(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client(versions=VersionMemo(StepProbe()))
    first = await client.get(FEED)
    body = await first.read()
    before = reads(reader)
    for _ in range(3):
        again = await client.get(FEED)
        assert again.status == 200 and await again.read() == body
        for name in SAME_HEADERS:
            assert again.headers.get(name) == first.headers.get(name), name
    assert reads(reader) == before
    assert len(client.app[PREPARED_KEY]) == 1


async def test_a_commit_is_seen_by_the_very_next_request(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    probe = StepProbe()
    client = await make_client(versions=VersionMemo(probe))
    old = await client.get(FEED)
    etag = old.headers["ETag"]
    reader.add(make_article(40, title="刚刚发布"), at=BASE_TIME + timedelta(days=3))
    probe.value += 1  # the commit that added it
    new = await client.get(FEED)
    assert new.headers["ETag"] != etag
    assert "刚刚发布" in await new.text()
    stale = await client.get(FEED, headers={"If-None-Match": etag})
    assert stale.status == 200


async def test_conditional_requests_on_the_prepared_path(make_client: ClientMaker) -> None:
    client = await make_client(versions=VersionMemo(StepProbe()))
    plain = await client.get(FEED, headers=IDENTITY)
    zipped = await client.get(FEED, headers={"Accept-Encoding": "gzip"})
    etag, gzip_etag = plain.headers["ETag"], zipped.headers["ETag"]
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip_etag != etag
    for sent in (etag, f"W/{etag}", gzip_etag, f'"other", {etag}', "*"):
        answer = await client.get(FEED, headers={**IDENTITY, "If-None-Match": sent})
        assert answer.status == 304, sent
        assert answer.headers["ETag"] == etag  # no gzip asked: the identity validator
        assert answer.headers["Cache-Control"] == plain.headers["Cache-Control"]
        assert answer.headers["Last-Modified"] == plain.headers["Last-Modified"]
    gz304 = await client.get(
        FEED, headers={"If-None-Match": etag, "Accept-Encoding": "gzip, deflate"}
    )
    assert gz304.status == 304 and gz304.headers["ETag"] == gzip_etag
    assert (await client.get(FEED, headers={"If-None-Match": '"nope"'})).status == 200
    since = await client.get(FEED, headers={"If-Modified-Since": plain.headers["Last-Modified"]})
    assert since.status == 304
    head = await client.head(FEED, headers={"If-None-Match": etag})
    assert head.status == 304


async def test_each_query_string_has_its_own_answer(make_client: ClientMaker) -> None:
    client = await make_client(versions=VersionMemo(StepProbe()))
    for _ in range(2):
        full = await client.get(FEED)
        short = await client.get(FEED + "?limit=2")
        assert (await short.text()).count("</entry>") == 2
        assert (await full.text()).count("</entry>") == 5
        assert short.headers["ETag"] != full.headers["ETag"]
    bad = await client.get(FEED + "?limit=0")
    assert bad.status == 400  # errors are never prepared
    assert (await client.get(FEED + "?limit=0")).status == 400


async def test_an_evicted_rendering_is_rendered_again(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client(versions=VersionMemo(StepProbe()))
    body = await (await client.get(FEED)).read()
    client.app[CACHE_KEY].clear()
    again = await client.get(FEED)
    assert again.status == 200 and await again.read() == body
    assert reader.calls["feed_page"] == 2


async def test_max_age_follows_an_edited_interval_after_the_info_ttl(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    clock = Clock()
    client = await make_client(
        versions=VersionMemo(StepProbe()), infos=FeedInfoMemo(ttl=60, clock=clock)
    )
    assert (await client.get(FEED)).headers["Cache-Control"] == "public, max-age=450"
    reader.interval_seconds = 3600  # edited in the config; the feed's version is unchanged
    clock.now += 30
    assert (await client.get(FEED)).headers["Cache-Control"] == "public, max-age=450"
    clock.now += 31
    assert (await client.get(FEED)).headers["Cache-Control"] == "public, max-age=1800"


async def test_without_a_probe_every_request_reads_the_version(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client()
    for _ in range(3):
        assert (await client.get(FEED)).status == 200
    assert reader.calls["feed_version"] == 3
    assert len(client.app[PREPARED_KEY]) == 0


async def test_a_category_answer_is_prepared_by_its_url(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client(versions=VersionMemo(StepProbe()))
    first = await client.get("/feeds/categories/tech.atom")
    assert first.status == 200
    before = reads(reader)
    again = await client.get("/feeds/categories/tech.atom")
    assert again.headers["ETag"] == first.headers["ETag"]
    assert reads(reader) == before
    missing = await client.get("/feeds/categories/nope.atom")
    assert missing.status == 404


async def test_concurrent_first_requests_share_the_reads(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client(versions=VersionMemo(StepProbe()))
    answers = await asyncio.gather(*(client.get(FEED) for _ in range(20)))
    assert {a.status for a in answers} == {200}
    assert len({a.headers["ETag"] for a in answers}) == 1
    assert reader.calls["feed_version"] == 1
    assert reader.calls["feed_info"] == 1
    assert reader.calls["feed_page"] == 1
