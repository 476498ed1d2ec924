"""Every feed of the demo portal, in every format, through the real pipeline: valid, with
identical entry ids across formats and feeds, and pageable to the end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from atom_validation import NS, assert_valid_atom
from e2e.pipeline_support import Pipeline, pipeline_context
from feed_validation import assert_valid_json_feed, assert_valid_rss

from feedsvc.feeds.formats import FeedFormat
from feedsvc.models import FetchStatus
from feedsvc.web.urls import feed_path


@pytest.fixture
async def pipeline(tmp_path: Path) -> AsyncIterator[Pipeline]:
    async for p in pipeline_context(tmp_path):
        yield p


def _ids_and_next(fmt: FeedFormat, body: bytes) -> tuple[list[str], str | None]:
    if fmt is FeedFormat.ATOM:
        root = assert_valid_atom(body)
        ids = [e.findtext("atom:id", namespaces=NS) or "" for e in root.findall("atom:entry", NS)]
        link = root.find("atom:link[@rel='next']", NS)
        return ids, None if link is None else link.get("href")
    if fmt is FeedFormat.RSS:
        root = assert_valid_rss(body)
        link = root.find("channel/{http://www.w3.org/2005/Atom}link[@rel='next']")
        ids = [i.findtext("guid") or "" for i in root.iter("item")]
        return ids, None if link is None else link.get("href")
    feed = assert_valid_json_feed(body)
    return [i["id"] for i in feed["items"]], feed.get("next_url")


async def test_every_demo_feed_in_every_format_is_valid_and_agrees(pipeline: Pipeline) -> None:
    reports = await pipeline.refresh()
    assert all(r.status is FetchStatus.OK for r in reports.values()), reports
    article_ids: dict[str, set[str]] = {}
    for info in await pipeline.store.list_feeds():
        whole: dict[FeedFormat, list[str]] = {}
        for fmt in FeedFormat:
            response = await pipeline.feed(feed_path(info.key, info.slug, fmt) + "?limit=500")
            assert response.status == 200
            whole[fmt], _ = _ids_and_next(fmt, await response.read())
            # The same entries again, page by page.
            paged: list[str] = []
            url: str | None = feed_path(info.key, info.slug, fmt) + "?limit=7"
            while url:
                page = await pipeline.feed(url.removeprefix("http://feeds.test"))
                ids, url = _ids_and_next(fmt, await page.read())
                paged.extend(ids)
            assert paged == whole[fmt], (info.key, fmt)
        assert whole[FeedFormat.ATOM] == whole[FeedFormat.RSS] == whole[FeedFormat.JSON]
        assert len(whole[FeedFormat.ATOM]) == info.article_count, info.key
        article_ids[str(info.key)] = set(whole[FeedFormat.ATOM])
    latest = article_ids.pop("latest")
    assert latest and all(ids <= latest for ids in article_ids.values())
