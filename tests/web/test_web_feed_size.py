"""max_feed_bytes: a page of huge articles stays under the cap, valid, and paging still
walks every entry exactly once, newest first."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from article_factory import BASE_TIME, make_article
from memory_reader import MemoryReader
from test_web_paging_filters import IDENTITY, _local, _page
from web_support import ClientMaker

from feedsvc.config import Settings
from feedsvc.models import FeedKey, FeedKind

KB = 1024
CAP = 256 * KB


def huge_content(n: int) -> str:
    paragraph = f"<p>第{n}篇：全市地区生产总值同比增长 5.1% &amp; more.</p>"
    return paragraph * (60 * KB // len(paragraph.encode()))


@pytest.fixture
def huge_reader(reader: MemoryReader) -> MemoryReader:
    for n in range(20, 40):  # 20 articles of about 60 KB (more once escaped in XML)
        reader.add(
            make_article(n, content_html=huge_content(n)),
            at=BASE_TIME + timedelta(days=2, minutes=n),
        )
    return reader


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
async def test_huge_articles_page_under_max_feed_bytes_and_paging_stays_whole(
    make_client: ClientMaker, huge_reader: MemoryReader, settings: Settings, fmt: str
) -> None:
    client = await make_client(settings=replace(settings, max_feed_bytes=CAP))
    walked: list[str] = []
    url: str | None = f"/feeds/latest.{fmt}?limit=20"
    sizes = []
    for _ in range(30):  # bounded: 29 articles, at least one per page
        assert url is not None
        response = await client.get(url, headers=IDENTITY)
        assert response.status == 200
        body = await response.read()
        sizes.append(len(body))
        assert len(body) <= CAP, f"{url}: {len(body)} bytes"
        ids, links = _page(fmt, body)  # validates the document
        assert ids, f"{url}: an empty page would stall paging"
        walked += ids
        url = _local(links["next"]) if "next" in links else None
        if url is None:
            break
    everything = [a.entry_id for a in huge_reader._members(FeedKey(FeedKind.LATEST))]
    assert walked == everything, "every entry once, newest first"
    assert len(sizes) > 2 and sizes[0] > CAP // 2, sizes


async def test_one_entry_larger_than_the_cap_is_still_served(
    make_client: ClientMaker, reader: MemoryReader, settings: Settings
) -> None:
    reader.add(
        make_article(50, content_html=huge_content(50) * 6),  # about 360 KB
        at=BASE_TIME + timedelta(days=3),
    )
    client = await make_client(settings=replace(settings, max_feed_bytes=CAP))
    response = await client.get("/feeds/latest.atom", headers=IDENTITY)
    body = await response.read()
    ids, links = _page("atom", body)
    assert ids == [make_article(50).entry_id]
    assert "next" in links, "the rest follows on the next page"


async def test_a_small_feed_is_not_affected(
    make_client: ClientMaker, reader: MemoryReader, settings: Settings
) -> None:
    plain = await (await make_client()).get("/feeds/latest.atom?limit=20", headers=IDENTITY)
    capped_client = await make_client(settings=replace(settings, max_feed_bytes=64 * KB))
    capped = await capped_client.get("/feeds/latest.atom?limit=20", headers=IDENTITY)
    assert await plain.read() == await capped.read()
