"""WebSub: a refresh that changes feeds publishes them to the hub, through the real pipeline
(demo portal → worker → store → web), against a local hub stub that records requests."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from e2e.pipeline_support import Pipeline, pipeline_context

from feedsvc.config import Settings
from feedsvc.feeds.formats import FeedFormat
from feedsvc.models import FeedInfo, FeedKey, FeedKind, FetchStatus
from feedsvc.web.urls import feed_path
from feedsvc.websub import WebSubPublisher

ServerFactory = Callable[[web.Application], Awaitable[TestServer]]
# The test hubs listen on 127.0.0.1, which the guard refuses unless told otherwise.
LOCAL_HUB = "  allow_private_networks: true\n"


@dataclass
class Hub:
    """Records every publish; answers with ``status`` (or hangs for ``delay`` seconds)."""

    status: int = 204
    delay: float = 0.0
    requests: list[dict[str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.requests.append({k: str(v) for k, v in form.items()})
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.Response(status=self.status)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/hub", self.handle)
        return app

    @property
    def published(self) -> list[str]:
        assert all(r["hub.mode"] == "publish" for r in self.requests), self.requests
        return [r["hub.url"] for r in self.requests]


@pytest.fixture
def hub() -> Hub:
    return Hub()


@pytest.fixture
async def hub_url(hub: Hub, aiohttp_server: ServerFactory) -> str:
    server = await aiohttp_server(hub.app())
    return str(server.make_url("/hub"))


@pytest.fixture
async def pipeline(tmp_path: Path, hub_url: str) -> AsyncIterator[Pipeline]:
    extra = f"  websub_hub: {hub_url}\n{LOCAL_HUB}"
    async for p in pipeline_context(tmp_path, extra_settings=extra):
        yield p


async def test_a_refresh_publishes_every_changed_feed_in_every_format(
    pipeline: Pipeline, hub: Hub, hub_url: str
) -> None:
    reports = await pipeline.refresh()
    assert all(r.status is FetchStatus.OK for r in reports.values()), reports
    published = hub.published
    # Every feed the index lists is published, in all three formats, under the exact URL
    # the feed itself advertises as rel="self" (the topic subscribers hold).
    feeds = await pipeline.store.list_feeds()
    assert {f.key.kind for f in feeds} == {FeedKind.LATEST, FeedKind.CATEGORY, FeedKind.SOURCE}
    expected = set()
    for info in feeds:
        for ext in ("atom", "rss", "json"):
            path = _path(info, ext)
            response = await pipeline.feed(path)
            assert response.status == 200, path
            link = response.headers["Link"]
            assert f'<{hub_url}>; rel="hub"' in link
            self_url = link.split(", ")[1].split(">")[0].lstrip("<")
            assert self_url == f"http://feeds.test{path}"
            expected.add(self_url)
    assert set(published) == expected


async def test_a_refresh_that_changes_nothing_publishes_nothing(
    pipeline: Pipeline, hub: Hub
) -> None:
    await pipeline.refresh()
    hub.requests.clear()
    pipeline.clock.advance(seconds=1)
    reports = await pipeline.refresh()
    assert all(r.new == 0 and r.updated == 0 for r in reports.values()), reports
    assert hub.requests == []


async def test_only_the_changed_feeds_are_published(pipeline: Pipeline, hub: Hub) -> None:
    await pipeline.refresh()
    hub.requests.clear()
    pipeline.clock.advance(minutes=1)
    pipeline.portal.publish("shehui")
    reports = await pipeline.refresh()
    assert reports["demo-shehui"].new == 1
    published = set(hub.published)
    assert published == {
        f"http://feeds.test{path}.{ext}"
        for path in (
            "/feeds/latest",
            "/feeds/sources/demo-shehui",
            "/feeds/categories/%E7%A4%BE%E4%BC%9A",
        )
        for ext in ("atom", "rss", "json")
    }


async def test_a_failing_hub_never_fails_the_refresh(pipeline: Pipeline, hub: Hub) -> None:
    hub.status = 503
    async with WebSubPublisher(
        pipeline.config.settings, pipeline.store, backoff=0.01, attempts=2, timeout=2
    ) as publisher:
        pipeline.ctx.on_feeds_changed = publisher.publish
        reports = await pipeline.refresh()
    assert all(r.status is FetchStatus.OK for r in reports.values()), reports
    # Every URL was tried twice (503 is worth a retry) and the feeds are served anyway.
    tries = Counter(hub.published)
    assert tries and all(n % 2 == 0 for n in tries.values()), tries
    response = await pipeline.feed("/feeds/latest.atom")
    assert response.status == 200


class _Infos:
    def __init__(self, slugs: dict[str, str | None]) -> None:
        self.slugs = slugs

    async def feed_info(self, key: FeedKey) -> FeedInfo | None:
        return FeedInfo(key, key.value, self.slugs.get(key.value), 0, None, 900)


async def test_publisher_urls_retries_and_timeouts(
    hub: Hub, hub_url: str, aiohttp_server: ServerFactory
) -> None:
    settings = Settings(
        public_url="http://feeds.test/", websub_hub=hub_url, allow_private_networks=True
    )
    infos = _Infos({"Tech": "tech", "财经": None})
    changed = [
        FeedKey(FeedKind.CATEGORY, "财经"),
        FeedKey(FeedKind.LATEST),
        FeedKey(FeedKind.CATEGORY, "Tech"),
        FeedKey(FeedKind.LATEST),
    ]
    async with WebSubPublisher(settings, infos) as publisher:
        assert await publisher.topic_urls(changed) == [
            "http://feeds.test/feeds/categories/tech.atom",
            "http://feeds.test/feeds/categories/tech.rss",
            "http://feeds.test/feeds/categories/tech.json",
            "http://feeds.test/feeds/categories/%E8%B4%A2%E7%BB%8F.atom",
            "http://feeds.test/feeds/categories/%E8%B4%A2%E7%BB%8F.rss",
            "http://feeds.test/feeds/categories/%E8%B4%A2%E7%BB%8F.json",
            "http://feeds.test/feeds/latest.atom",
            "http://feeds.test/feeds/latest.rss",
            "http://feeds.test/feeds/latest.json",
        ]
        report = await publisher.publish(changed)
        assert len(report.published) == 9 and report.failed == []
        assert await publisher.publish([]) == type(report)()

    # A 4xx is final: one attempt. A hang is cut by the timeout and retried, boundedly.
    hub.requests.clear()
    hub.status = 400
    async with WebSubPublisher(settings, infos, backoff=0) as publisher:
        report = await publisher.publish([FeedKey(FeedKind.LATEST)])
    assert len(report.failed) == 3 and len(hub.requests) == 3
    hub.requests.clear()
    hub.status, hub.delay = 204, 5.0
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with WebSubPublisher(settings, infos, timeout=0.2, attempts=2, backoff=0) as publisher:
        report = await publisher.publish([FeedKey(FeedKind.SOURCE, "a")])
    assert len(report.failed) == 3 and len(hub.requests) == 6
    assert loop.time() - started < 2.0


async def test_an_unreachable_hub_is_logged_not_raised(unused_tcp_port: int) -> None:
    settings = Settings(
        websub_hub=f"http://127.0.0.1:{unused_tcp_port}/hub", allow_private_networks=True
    )
    async with WebSubPublisher(settings, _Infos({}), backoff=0, timeout=1) as publisher:
        report = await publisher.publish([FeedKey(FeedKind.LATEST)])
    assert len(report.failed) == 3 and report.published == []


def test_a_publisher_needs_a_hub() -> None:
    with pytest.raises(ValueError, match="websub_hub"):
        WebSubPublisher(Settings(), _Infos({}))


def _path(info: FeedInfo, ext: str) -> str:
    return feed_path(info.key, info.slug, FeedFormat(ext))
