"""A fake web of many small news sources, and the feedsvc processes of a cluster.

:class:`ClusterSite` runs in the test's event loop on 127.0.0.1. It counts every request
per path, and how many requests of one path were in flight at once (each list page takes
a little while to answer, so two workers fetching one source at once would overlap). It
can hold one article response open until released (so the test knows a worker is inside
a refresh), and add articles to a source's list page.

The processes are ``feedsvc migrate`` / ``serve --role web|worker`` subprocesses
(bench/live.py's ``Child``), configured by environment and one sources file.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aiohttp import web
from sqlalchemy import text

from feedsvc.refresh.leases import parse_owner
from feedsvc.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from live import Child, clean_env, free_port

SOURCES = 24
ARTICLES = 3  # per source at first
LIST_DELAY = 0.05  # seconds a list page takes: wide enough to see two fetches overlap
LEASE_SECONDS = 10
LEASE_HEARTBEAT = 0.5  # a silent lease is free after 3 missed beats: 1.5 s
# A slow beat: sources made due or added are claimed at once only because the change
# signal wakes the schedulers; a lease freed by a dead worker waits for a beat.
SCHEDULER_TICK = 5.0
CLAIM_BATCH = 10  # three workers' first beats claim every source
PUBLIC_URL = "http://feeds.cluster.test"


def source_ids() -> list[str]:
    return [f"s{i:02d}" for i in range(SOURCES)]


class ClusterSite:
    def __init__(self) -> None:
        self.articles: dict[str, list[int]] = {
            sid: list(range(1, ARTICLES + 1)) for sid in source_ids()
        }
        self.hits: Counter[str] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.most_at_once: Counter[str] = Counter()
        self.held_path: str | None = None
        self.entered = asyncio.Event()
        self._released = asyncio.Event()

    def add_article(self, sid: str) -> str:
        n = len(self.articles[sid]) + 1
        self.articles[sid].append(n)
        return article_path(sid, n)

    def hold(self, path: str) -> None:
        self.held_path = path

    def release(self) -> None:
        self._released.set()

    def all_article_paths(self) -> set[str]:
        return {article_path(sid, n) for sid, ns in self.articles.items() for n in ns}

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._count])
        app.router.add_get("/{sid}/", self.list_page)
        app.router.add_get("/{sid}/{n}.html", self.article)
        return app

    @web.middleware
    async def _count(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        path = request.path
        self.hits[path] += 1
        self.in_flight[path] += 1
        self.most_at_once[path] = max(self.most_at_once[path], self.in_flight[path])
        try:
            return await handler(request)
        finally:
            self.in_flight[path] -= 1

    async def list_page(self, request: web.Request) -> web.Response:
        sid = request.match_info["sid"]
        if sid not in self.articles:
            raise web.HTTPNotFound()
        await asyncio.sleep(LIST_DELAY)
        items = "".join(
            f'<li><a href="{article_path(sid, n)}">{title(sid, n)}</a>'
            f'<span class="date">{day(n)}</span></li>'
            for n in reversed(self.articles[sid])
        )
        return _html(f'<ul class="news-list">{items}</ul>', "列表")

    async def article(self, request: web.Request) -> web.Response:
        sid, n = request.match_info["sid"], int(request.match_info["n"])
        if n not in self.articles.get(sid, ()):
            raise web.HTTPNotFound()
        if request.path == self.held_path and not self._released.is_set():
            self.entered.set()
            await self._released.wait()
        name = title(sid, n)
        return _html(
            f"<h1>{name}</h1><p>日期: {day(n)} 08:00 来源:集群测试台</p>"
            f'<div class="content"><p>{name}的正文，内容足够长，用来测试抽取是否正常工作。'
            "本段继续补充一些文字，保证正文长度超过阈值，并且每篇文章都不一样。</p></div>",
            name,
        )


def article_path(sid: str, n: int) -> str:
    return f"/{sid}/{n}.html"


def title(sid: str, n: int) -> str:
    return f"集群新闻{sid}第{n}号"


def day(n: int) -> str:
    return f"2026-11-{n:02d}"


def _html(body: str, head_title: str) -> web.Response:
    return web.Response(
        text=f"<html><head><title>{head_title}</title></head><body>{body}</body></html>",
        content_type="text/html",
    )


def write_sources(path: Path, site_url: str) -> Path:
    entries = "".join(
        f"""  - id: {sid}
    name: 集群{sid}
    url: {site_url}/{sid}/
    category: 集群
    interval: 30s
    allow_private_networks: true
    selectors:
      item: "ul.news-list > li"
      title: "a"
      link: "a@href"
      date: "span.date"
      content: "div.content"
"""
        for sid in source_ids()
    )
    path.write_text("sources:\n" + entries, encoding="utf-8")
    return path


def cluster_env(database_url: str, **extra: str) -> dict[str, str]:
    """Settings shared by every process (the environment; the file only lists sources)."""
    return clean_env(
        {
            "FEEDSVC_DATABASE_URL": database_url,
            "FEEDSVC_PUBLIC_URL": PUBLIC_URL,  # the same on every replica: the same bytes
            "FEEDSVC_TIMEZONE": "Asia/Shanghai",
            "FEEDSVC_EXTRACT_WORKERS": "0",  # one process per worker: SIGKILL takes it all
            "FEEDSVC_SCHEDULER_TICK": str(SCHEDULER_TICK),
            "FEEDSVC_CLAIM_BATCH": str(CLAIM_BATCH),
            "FEEDSVC_LEASE_SECONDS": str(LEASE_SECONDS),
            "FEEDSVC_LEASE_HEARTBEAT": str(LEASE_HEARTBEAT),
            "FEEDSVC_JITTER": "0",
            "FEEDSVC_RECHECK_PER_REFRESH": "0",  # known articles are not fetched again
            "FEEDSVC_LOG_LEVEL": "INFO",
            **extra,
        }
    )


def feedsvc_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "feedsvc", *args]


@dataclass
class Web:
    child: Child
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_web(name: str, database_url: str, logs: Path, port: int | None = None) -> Web:
    port = port or free_port()
    env = cluster_env(database_url, FEEDSVC_LISTEN=f"127.0.0.1:{port}")
    log = logs / f"{name}-{time.monotonic_ns()}.log"
    return Web(Child.start(name, feedsvc_argv("serve", "--role", "web"), log, env), port)


def start_worker(name: str, database_url: str, sources: Path, logs: Path) -> Child:
    argv = feedsvc_argv("serve", "--role", "worker", "--config", str(sources))
    return Child.start(name, argv, logs / f"{name}.log", cluster_env(database_url))


async def wait_until(
    what: str,
    ready: Callable[[], Awaitable[bool]],
    seconds: float,
    children: Iterable[Child] = (),
    every: float = 0.05,
) -> float:
    """Seconds until ``ready()``; fails (with the children's logs) if one dies or after
    ``seconds``."""
    started = time.monotonic()
    watched = list(children)
    while not await ready():
        for child in watched:
            child.check_alive()
        if time.monotonic() - started > seconds:
            logs = "\n".join(f"--- {c.name}\n{c.output()[-2000:]}" for c in watched)
            raise AssertionError(f"no {what} within {seconds}s\n{logs}")
        await asyncio.sleep(every)
    return time.monotonic() - started


@dataclass(frozen=True)
class Stored:
    """What the database holds."""

    urls: set[str]  # canonical URLs of stored articles
    rows: int
    entry_ids: int
    last_success: dict[str, datetime | None]
    lease_pids: dict[str, int]  # source → pid of its lease holder


async def stored(store: Store) -> Stored:
    async with store.engine.connect() as conn:
        pairs = (await conn.execute(text("SELECT canonical_url, entry_id FROM articles"))).all()
    states = await store.list_sources()
    pids = {}
    for state in states:
        holder = parse_owner(state.lease_owner) if state.lease_owner else None
        if holder is not None:
            pids[state.config.id] = holder.pid
    return Stored(
        urls={url for url, _ in pairs},
        rows=len(pairs),
        entry_ids=len({e for _, e in pairs}),
        last_success={s.config.id: s.last_success_at for s in states},
        lease_pids=pids,
    )
