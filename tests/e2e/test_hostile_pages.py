"""Bad article pages fail alone in a real extraction process pool: an empty page, a page
without a title, and one that parses for far longer than ``extract_timeout``. The good
articles beside them are stored, the next source still refreshes, and ``/healthz`` says
degraded while extraction processes are being killed."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pipeline_support import selector_source

from feedsvc.config import load_config
from feedsvc.models import FetchStatus
from feedsvc.refresh.context import RefreshReport
from feedsvc.refresh.scheduler import Scheduler
from feedsvc.runtime import open_store, refresh_context
from feedsvc.web import create_app

TIMEOUT = 3  # extract_timeout; a good page parses in well under a second
# One element with this many attributes: libxml2 needs about half a minute for it.
SLOW_ATTRIBUTES = 60_000


def article_page(title: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        "<p>日期: 2026-11-12 08:00 来源:测试台</p>"
        f'<div class="content"><p>{title}的正文，内容足够长，用来测试抽取是否正常工作。'
        "本段继续补充一些文字，保证正文长度超过阈值。</p></div></body></html>"
    )


class HostileSite:
    """Two sections: ``a`` lists good and bad pages, ``b`` only good ones."""

    PAGES: ClassVar[dict[str, list[str]]] = {
        "a": ["good1", "empty", "untitled", "slow", "good2"],
        "b": ["good3", "good4"],
    }

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/{section}/", self.list_page)
        app.router.add_get("/{section}/{name}.html", self.article)
        return app

    async def list_page(self, request: web.Request) -> web.Response:
        section = request.match_info["section"]
        # The untitled page has no title on the list either, so nothing names it.
        titles = {
            name: "" if name == "untitled" else name + "号新闻标题" for name in self.PAGES[section]
        }
        items = "".join(
            f'<li><a href="/{section}/{name}.html">{title}</a>'
            '<span class="date">2026-11-12</span></li>'
            for name, title in titles.items()
        )
        return web.Response(
            text=f'<html><body><ul class="news-list">{items}</ul></body></html>',
            content_type="text/html",
        )

    async def article(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name == "empty":
            body = ""
        elif name == "untitled":
            body = "<html><body><p>只有一句话。</p></body></html>"
        elif name == "slow":
            attributes = " ".join(f"a{i}=x" for i in range(SLOW_ATTRIBUTES))
            body = f"<html><head><title>慢</title></head><body><div {attributes}>慢</div></body>"
        else:
            body = article_page(name + "号新闻标题")
        return web.Response(text=body, content_type="text/html")


@pytest.fixture
async def site_url() -> AsyncIterator[str]:
    server = TestServer(HostileSite().app(), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_bad_pages_fail_alone_in_a_real_process_pool(tmp_path: Path, site_url: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{tmp_path / 'feedsvc.db'}\n"
        "  extract_workers: 1\n"
        f"  extract_timeout: {TIMEOUT}\n"
        "  claim_batch: 1\n"
        "  scheduler_tick: 3600\n"
        "  jitter: 0\n"
        "sources:\n"
        + selector_source("a-hostile", "a-hostile", f"{site_url}/a/")
        + selector_source("b-steady", "b-steady", f"{site_url}/b/"),
        encoding="utf-8",
    )
    config = load_config(path, env={})
    async with (
        open_store(config, migrate=True) as store,
        refresh_context(config.settings, store, owner="test") as ctx,
    ):
        scheduler = Scheduler(ctx)
        reports: dict[str, RefreshReport] = {}
        for _ in range(2):  # one source per tick, in id order: the hostile one first
            started = time.monotonic()
            assert await scheduler.tick() == 1
            await scheduler.wait_idle()
            report = scheduler.reports[-1]
            reports[report.source_id] = report
            assert time.monotonic() - started < 60, report

        hostile, steady = reports["a-hostile"], reports["b-steady"]
        assert hostile.status is FetchStatus.OK, hostile
        # The untitled page still yields its body, under a title guessed from its first
        # sentence (issue 12: no page without a result where a library gets one).
        assert hostile.new == 3
        errors = sorted(hostile.article_errors)
        assert len(errors) == 2, errors
        assert errors[0].startswith(f"{site_url}/a/empty.html: ")
        assert errors[1].startswith(f"{site_url}/a/slow.html: took longer than {TIMEOUT} s")
        assert steady.status is FetchStatus.OK, steady
        assert steady.new == 2
        stored = await store.known_articles(
            [
                f"{site_url}/{page}.html"
                for page in ("a/good1", "a/good2", "a/untitled", "b/good3", "b/good4")
            ]
        )
        assert len(stored) == 5

        scheduler.start()  # its first tick finds nothing due; health needs it running
        try:
            health = await healthz(config, store, scheduler)
        finally:
            await scheduler.stop()
        assert health["status"] == "degraded", health
        assert health["extract_processes_replaced"] == 1
        assert "extraction process" in health["degraded"][0]


async def healthz(config: Any, store: Any, scheduler: Scheduler) -> dict[str, Any]:
    async def health() -> dict[str, object]:
        return scheduler.health()

    client: TestClient[Any, Any] = TestClient(
        TestServer(create_app(config.settings, reader=store, health=health), host="127.0.0.1")
    )
    await client.start_server()
    try:
        response = await client.get("/healthz")
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        return body
    finally:
        await client.close()
