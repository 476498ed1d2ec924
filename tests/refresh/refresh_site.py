"""A tiny news site whose answers a test switches, and a harness that refreshes sources
from it through the real worker, fetcher and store (a module name unique in tests/)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestServer
from manual_clock import Clock

from feedsvc.config import AppConfig, load_config
from feedsvc.models import FeedKey, FeedKind, SourceState
from feedsvc.refresh.context import RefreshContext, RefreshReport
from feedsvc.refresh.worker import refresh_source
from feedsvc.runtime import open_store, refresh_context
from feedsvc.store import Store

START = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)


@dataclass
class Answer:
    """How the site answers one list page: a status with headers, or the list itself."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # None: the list of ``items``


@dataclass
class NewsSite:
    """List pages at /{name}/ linking /news/{n}.html; robots.txt as set (404 if None)."""

    lists: dict[str, list[int]] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)
    robots: str | None = None
    gone: set[int] = field(default_factory=set)  # article pages that answer 404

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/robots.txt", self.robots_txt)
        app.router.add_get("/news/{n}.html", self.article)
        app.router.add_get("/{name}/", self.list_page)
        return app

    async def robots_txt(self, request: web.Request) -> web.Response:
        if self.robots is None:
            raise web.HTTPNotFound()
        return web.Response(text=self.robots, content_type="text/plain")

    async def list_page(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        answer = self.answers.get(name, Answer())
        if answer.status != 200 or answer.body is not None:
            return web.Response(
                status=answer.status,
                headers=answer.headers,
                text=answer.body if answer.body is not None else "no",
                content_type="text/html",
            )
        items = "".join(
            f'<li><a href="/news/{n}.html">本站第{n}条新闻的标题</a>'
            f'<span class="date">2026-11-{10 + n % 10:02d}</span></li>'
            for n in self.lists.get(name, [])
        )
        return web.Response(
            text=f'<html><body><ul class="news-list">{items}</ul></body></html>',
            content_type="text/html",
        )

    async def article(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        if n in self.gone:
            raise web.HTTPNotFound()
        body = (
            f"<html><head><title>本站第{n}条新闻的标题</title></head><body>"
            f"<h1>本站第{n}条新闻的标题</h1><p>日期: 2026-11-{10 + n % 10:02d} 08:00</p>"
            f'<div class="content"><p>这是第{n}条新闻的正文，内容足够长，用来测试抽取。'
            "本段继续补充一些文字，保证正文长度超过阈值。</p></div></body></html>"
        )
        return web.Response(text=body, content_type="text/html")


def source_yaml(
    source_id: str,
    url: str,
    *,
    category: str | None = None,
    allow_private: bool = True,
) -> str:
    lines = [
        f"  - id: {source_id}",
        f"    name: Source {source_id}",
        f"    url: {url}",
        "    interval: 1m",
        "    timezone: Asia/Shanghai",
        f"    allow_private_networks: {'true' if allow_private else 'false'}",
        "    selectors:",
        '      item: "ul.news-list > li"',
        '      title: "a"',
        '      link: "a@href"',
        '      date: "span.date"',
        '      content: "div.content"',
    ]
    if category:
        lines.insert(3, f"    category: {category}")
    return "\n".join(lines) + "\n"


@dataclass
class Harness:
    site: NewsSite
    base_url: str
    clock: Clock
    config: AppConfig
    store: Store
    ctx: RefreshContext

    async def refresh(self, source_id: str) -> RefreshReport:
        state = await self.store.claim_source(source_id, self.ctx.owner, self.clock(), 600)
        assert state is not None, f"could not claim {source_id}"
        return await refresh_source(self.ctx, state)

    async def state(self, source_id: str) -> SourceState:
        state = await self.store.get_source(source_id)
        assert state is not None
        return state

    async def seconds_to_next_check(self, source_id: str) -> float:
        return ((await self.state(source_id)).next_check_at - self.clock()).total_seconds()

    async def entries(self, kind: FeedKind, value: str = "") -> list[str]:
        key = FeedKey(kind, value)
        return sorted(
            a.canonical_url.rsplit("/", 1)[1] for a in await self.store.feed_entries(key, 50)
        )

    async def version(self, kind: FeedKind, value: str = "") -> int:
        found = await self.store.feed_version(FeedKey(kind, value))
        return 0 if found is None else found.version


@asynccontextmanager
async def harness(
    tmp_path: Path,
    sources: str,
    *,
    database_url: str | None = None,
    settings: str = "",
    site: NewsSite | None = None,
) -> AsyncIterator[Harness]:
    """Serve ``site`` on 127.0.0.1; ``sources`` may say ``${base_url}`` for its address."""
    site = site or NewsSite()
    clock = Clock(START)
    database_url = database_url or f"sqlite+aiosqlite:///{tmp_path / 'feedsvc.db'}"
    async with AsyncExitStack() as stack:
        server = TestServer(site.app(), host="127.0.0.1")
        await server.start_server()
        stack.push_async_callback(server.close)
        base_url = str(server.make_url("")).rstrip("/")
        path = tmp_path / "sources.yaml"
        path.write_text(
            "settings:\n"
            f"  database_url: {database_url}\n"
            "  extract_workers: 0\n"
            "  jitter: 0\n"
            "  max_backoff: 7200\n"
            "  connect_timeout: 2\n"
            f"{settings}sources:\n{sources.replace('${base_url}', base_url)}",
            encoding="utf-8",
        )
        config = load_config(path, env={})
        store = await stack.enter_async_context(open_store(config, migrate=True, now=clock))
        ctx = await stack.enter_async_context(
            refresh_context(config.settings, store, owner="test", now=clock)
        )
        yield Harness(site, base_url, clock, config, store, ctx)
