"""Sources that fail are recorded and backed off; everything else carries on; restarts lose
neither data nor schedule."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from atom_validation import assert_valid_atom
from pipeline_support import pipeline_context, selector_source

from feedsvc.models import FetchStatus
from feedsvc.runtime import open_store
from feedsvc.web import create_app


class FlakySite:
    """A tiny site whose behaviour the test switches: ok, 500, timeout or garbage."""

    def __init__(self) -> None:
        self.mode = "ok"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/news/", self.list_page)
        app.router.add_get("/news/{n}.html", self.article)
        return app

    async def list_page(self, request: web.Request) -> web.StreamResponse:
        if self.mode == "500":
            return web.Response(status=500, text="internal error")
        if self.mode == "timeout":
            await asyncio.sleep(5)
        if self.mode == "garbage":
            return web.Response(body=bytes(range(256)) * 40, content_type="text/html")
        items = "".join(
            f'<li><a href="/news/{n}.html">稳定来源第{n}条新闻标题</a>'
            f'<span class="date">2026-11-1{n}</span></li>'
            for n in (1, 2)
        )
        return web.Response(
            text=f'<html><body><ul class="news-list">{items}</ul></body></html>',
            content_type="text/html",
        )

    async def article(self, request: web.Request) -> web.Response:
        n = request.match_info["n"]
        body = (
            f"<html><head><title>稳定来源第{n}条新闻标题</title></head><body>"
            f"<h1>稳定来源第{n}条新闻标题</h1><p>日期: 2026-11-1{n} 08:00 来源:测试台</p>"
            f'<div class="content"><p>这是第{n}条新闻的正文，内容足够长，用来测试抽取是否正常工作。'
            "本段继续补充一些文字，保证正文长度超过阈值。</p></div></body></html>"
        )
        return web.Response(text=body, content_type="text/html")


FLAKY_SOURCE = selector_source("flaky", "稳定来源", "FLAKY/news/")


@pytest.fixture
async def flaky() -> AsyncIterator[tuple[FlakySite, str]]:
    site = FlakySite()
    server = TestServer(site.app(), host="127.0.0.1")
    await server.start_server()
    try:
        yield site, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.mark.parametrize("mode", ["500", "timeout", "garbage"])
async def test_failing_source_is_recorded_and_keeps_its_articles(
    tmp_path: Path, flaky: tuple[FlakySite, str], mode: str
) -> None:
    site, flaky_url = flaky
    async for p in pipeline_context(
        tmp_path,
        extra_sources=FLAKY_SOURCE.replace("FLAKY", flaky_url),
        extra_settings="  total_timeout: 1\n  read_timeout: 1\n",
    ):
        first = await p.refresh()
        assert first["flaky"].new == 2
        before = await (await p.feed("/feeds/sources/flaky.atom")).read()

        site.mode = mode
        p.clock.advance(minutes=2)
        p.portal.publish("caijing")
        reports = await p.refresh()

        assert reports["flaky"].status is FetchStatus.FAILED
        assert reports["demo-caijing"].new == 1  # the others carry on
        state = await p.store.get_source("flaky")
        assert state is not None
        assert state.error_count == 1
        assert state.last_error and flaky_url.split("//")[1] in state.last_error
        assert state.next_check_at > p.clock()
        runs = await p.store.recent_runs("flaky", 5)
        assert runs[0].status is FetchStatus.FAILED

        after = await p.feed("/feeds/sources/flaky.atom")
        assert await after.read() == before  # its articles stay, unchanged
        assert_valid_atom(before)

        # Back to health: the error count resets.
        site.mode = "ok"
        p.clock.advance(hours=1)
        reports = await p.refresh("flaky")
        assert reports["flaky"].status is not FetchStatus.FAILED
        state = await p.store.get_source("flaky")
        assert state is not None and state.error_count == 0 and state.last_error is None


async def test_data_and_schedule_survive_a_restart(tmp_path: Path, database_url: str) -> None:
    async for p in pipeline_context(tmp_path, db_url=database_url):
        await p.refresh()
        first = await p.feed("/feeds/latest.atom")
        body, etag = await first.read(), first.headers["ETag"]
        schedule = {s.config.id: s.next_check_at for s in await p.store.list_sources()}
        config, now = p.config, p.clock()

    async with open_store(config, migrate=True) as store:
        assert {s.config.id: s.next_check_at for s in await store.list_sources()} == schedule
        # No stampede: nothing is due right after the restart.
        assert await store.claim_due("restarted", now, 600, 10) == []
        client: TestClient[Any, Any] = TestClient(
            TestServer(create_app(config.settings, reader=store), host="127.0.0.1")
        )
        await client.start_server()
        try:
            again = await client.get("/feeds/latest.atom")
            assert again.headers["ETag"] == etag
            assert await again.read() == body
            cached = await client.get("/feeds/latest.atom", headers={"If-None-Match": etag})
            assert cached.status == 304
        finally:
            await client.close()


async def test_process_pool_extraction(tmp_path: Path) -> None:
    """The production path parses in a worker process: everything crossing it pickles."""
    async for p in pipeline_context(tmp_path, extract_workers=1):
        reports = await p.refresh("demo-wenhua")
        assert reports["demo-wenhua"].new == len(p.portal.articles("wenhua"))
