"""A small fake web of news sources and a real ``feedsvc serve`` process against it.

The site runs in the test's event loop on 127.0.0.1. It can hold one article response open
until the test says so (``hold``), which tells the test that the service is inside a fetch.
The service runs as a subprocess (bench/live.py's ``Child``), so it can be killed with
SIGKILL, and restarted on the same database.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import make_url

from feedsvc.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from live import Child, clean_env

SOURCES = ("s1", "s2", "s3")
ARTICLES_PER_SOURCE = 3
SHARED_PATH = "/shared/1.html"  # linked by every source: stored once
# Long, so only the first tick (at start) can refresh anything within a test's bounds.
SCHEDULER_TICK = 60
WAIT_SECONDS = 40.0  # bound on every wait; well under SCHEDULER_TICK


def article_paths(source_id: str) -> list[str]:
    return [f"/{source_id}/{n}.html" for n in range(1, ARTICLES_PER_SOURCE + 1)]


def all_article_paths() -> set[str]:
    return {p for s in SOURCES for p in article_paths(s)} | {SHARED_PATH}


class CrashSite:
    """List pages /s1/ … and their articles; ``hold`` keeps one response open."""

    def __init__(self) -> None:
        self.held_path: str | None = None
        self.entered = asyncio.Event()  # the held path was requested
        self._released = asyncio.Event()

    def hold(self, path: str) -> None:
        self.held_path = path

    def release(self) -> None:
        self._released.set()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/{source}/", self.list_page)
        app.router.add_get("/{section}/{n}.html", self.article)
        return app

    async def list_page(self, request: web.Request) -> web.Response:
        source = request.match_info["source"]
        if source not in SOURCES:
            raise web.HTTPNotFound()
        items = "".join(
            f'<li><a href="{path}">{_title(path)}</a><span class="date">2026-11-1{i}</span></li>'
            for i, path in enumerate([*article_paths(source), SHARED_PATH], start=1)
        )
        return _html(f'<ul class="news-list">{items}</ul>')

    async def article(self, request: web.Request) -> web.Response:
        path = request.path
        if path not in all_article_paths():
            raise web.HTTPNotFound()
        if path == self.held_path and not self._released.is_set():
            self.entered.set()
            await self._released.wait()
        title = _title(path)
        return _html(
            f"<h1>{title}</h1><p>日期: 2026-11-12 08:00 来源:测试台</p>"
            f'<div class="content"><p>{title}的正文，内容足够长，用来测试抽取是否正常工作。'
            "本段继续补充一些文字，保证正文长度超过阈值，并且每篇文章都不一样。</p></div>",
            title=title,
        )


def _title(path: str) -> str:
    return f"崩溃测试新闻{path.strip('/').replace('/', '第').removesuffix('.html')}号"


def _html(body: str, title: str = "列表") -> web.Response:
    return web.Response(
        text=f"<html><head><title>{title}</title></head><body>{body}</body></html>",
        content_type="text/html",
    )


def write_config(path: Path, *, database_url: str, site_url: str) -> Path:
    sources = "".join(
        f"""  - id: {sid}
    name: 崩溃测试{sid}
    url: {site_url}/{sid}/
    category: 测试
    interval: 1h
    allow_private_networks: true
    selectors:
      item: "ul.news-list > li"
      title: "a"
      link: "a@href"
      date: "span.date"
      content: "div.content"
"""
        for sid in SOURCES
    )
    path.write_text(
        "settings:\n"
        f"  database_url: '{database_url}'\n"
        "  auto_migrate: always\n"  # PostgreSQL too: no separate `feedsvc migrate` here
        "  timezone: Asia/Shanghai\n"
        "  extract_workers: 0\n"  # one process, so SIGKILL takes all of it
        f"  scheduler_tick: {SCHEDULER_TICK}\n"
        "  jitter: 0\n"
        "  log_level: INFO\n"
        "sources:\n" + sources,
        encoding="utf-8",
    )
    return path


def start_worker(config: Path, log: Path, env: dict[str, str] | None = None) -> Child:
    """``feedsvc serve --role worker``: the scheduler alone, whose first tick is at start."""
    argv = [sys.executable, "-m", "feedsvc", "serve", "--config", str(config), "--role", "worker"]
    return Child.start("feedsvc serve", argv, log, clean_env(env))


async def wait_for(
    what: str, ready: Callable[[], bool | Awaitable[bool]], child: Child, every: float = 0.05
) -> None:
    """Until ``ready()`` is true; fails (with the child's log) if ``child`` dies or after
    WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        done = ready()
        if done if isinstance(done, bool) else await done:
            return
        child.check_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {WAIT_SECONDS}s:\n{child.output()[-3000:]}")
        await asyncio.sleep(every)


@dataclass(frozen=True)
class Snapshot:
    """What the database holds: entry id per canonical URL, and each source's schedule."""

    entries: dict[str, str]
    rows: int  # article rows: more than len(entries) would mean a duplicate
    entry_ids: int  # distinct entry ids: fewer than len(entries) would mean one id twice
    last_success: dict[str, datetime | None]
    leased: set[str]

    def refreshed(self) -> bool:
        """Every source saved at least once and none leased, every article stored."""
        return (
            not self.leased
            and all(self.last_success.get(s) is not None for s in SOURCES)
            and len(self.entries) == len(all_article_paths())
        )


async def snapshot(store: Store) -> Snapshot:
    """Read with a connection of the test's own, as another process would."""
    async with store.engine.connect() as conn:
        pairs = (await conn.execute(text("SELECT canonical_url, entry_id FROM articles"))).all()
    entries: dict[str, str] = dict(pairs)
    states = await store.list_sources()
    return Snapshot(
        entries=entries,
        rows=len(pairs),
        entry_ids=len({e for _, e in pairs}),
        last_success={s.config.id: s.last_success_at for s in states},
        leased={s.config.id for s in states if s.lease_owner is not None},
    )


def sqlite_integrity(database_url: str) -> str:
    """``PRAGMA integrity_check`` of a SQLite database ("ok" when sound)."""
    path = make_url(database_url).database
    assert path
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(r[0]) for r in rows)
