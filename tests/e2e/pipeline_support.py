"""An end-to-end harness: the demo portal, the real store, the real worker and web app.

Everything runs in-process on 127.0.0.1. Portal and service share one hand-moved clock, so
"the next refresh" and "an edit after the interval" are exact, not sleeps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient, TestServer
from manual_clock import Clock as ManualClock

from feedsvc.config import AppConfig, load_config
from feedsvc.demo.portal import PortalState, create_portal_app
from feedsvc.demo.sources import demo_sources_yaml
from feedsvc.refresh.context import RefreshContext, RefreshReport
from feedsvc.refresh.worker import refresh_source
from feedsvc.runtime import open_store, refresh_context
from feedsvc.store import Store
from feedsvc.web import create_app

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 20, 9, 30, tzinfo=SHANGHAI)


class Clock(ManualClock):
    def __init__(self, start: datetime = START) -> None:
        super().__init__(start)


def selector_source(source_id: str, name: str, url: str) -> str:
    """A sources-file entry (YAML, indented for ``sources:``) for a small test site whose
    list is ``ul.news-list > li`` items (``a`` title and link, ``span.date``) and whose
    article text is in ``div.content``; private addresses allowed (the site is on loopback)."""
    return f"""  - id: {source_id}
    name: {name}
    url: {url}
    category: 测试
    interval: 1m
    timezone: Asia/Shanghai
    allow_private_networks: true
    selectors:
      item: "ul.news-list > li"
      title: "a"
      link: "a@href"
      date: "span.date"
      content: "div.content"
"""


def write_config(
    path: Path,
    *,
    base_url: str,
    db_url: str,
    extra_sources: str = "",
    extra_settings: str = "",
    extract_workers: int = 0,
) -> AppConfig:
    text = (
        "settings:\n"
        f"  database_url: {db_url}\n"
        "  public_url: http://feeds.test\n"
        "  timezone: Asia/Shanghai\n"
        f"  extract_workers: {extract_workers}\n"
        "  jitter: 0\n"
        f"{extra_settings}" + demo_sources_yaml(base_url) + extra_sources
    )
    path.write_text(text, encoding="utf-8")
    return load_config(path, env={})


@dataclass
class Pipeline:
    clock: Clock
    portal: PortalState
    portal_server: TestServer
    config: AppConfig
    store: Store
    ctx: RefreshContext
    client: TestClient[Any, Any]
    stack: AsyncExitStack = field(repr=False)

    @property
    def base_url(self) -> str:
        return str(self.portal_server.make_url("")).rstrip("/")

    async def refresh(self, *source_ids: str) -> dict[str, RefreshReport]:
        """One refresh of the given (default: all) sources, like `feedsvc refresh`."""
        reports: dict[str, RefreshReport] = {}
        for source in self.config.sources:
            if source_ids and source.id not in source_ids:
                continue
            state = await self.store.claim_source(
                source.id, self.ctx.owner, self.clock(), self.config.settings.lease_seconds
            )
            assert state is not None, f"could not claim {source.id}"
            reports[source.id] = await refresh_source(self.ctx, state)
        return reports

    async def feed(self, path: str, **headers: str) -> Any:
        return await self.client.get(path, headers=headers)


async def start_pipeline(
    tmp_path: Path,
    *,
    db_url: str | None = None,
    extra_sources: str = "",
    extra_settings: str = "",
    extract_workers: int = 0,
    clock: Clock | None = None,
    portal: PortalState | None = None,
) -> Pipeline:
    clock = clock or Clock()
    portal = portal or PortalState(seed=3, now=clock)
    stack = AsyncExitStack()
    portal_server = TestServer(create_portal_app(portal), host="127.0.0.1")
    await portal_server.start_server()
    stack.push_async_callback(portal_server.close)
    base_url = str(portal_server.make_url("")).rstrip("/")
    config = write_config(
        tmp_path / "sources.yaml",
        base_url=base_url,
        db_url=db_url or f"sqlite+aiosqlite:///{tmp_path / 'feedsvc.db'}",
        extra_sources=extra_sources.replace("${base_url}", base_url),
        extra_settings=extra_settings,
        extract_workers=extract_workers,
    )
    store = await stack.enter_async_context(open_store(config, migrate=True, now=clock))
    ctx = await stack.enter_async_context(
        refresh_context(config.settings, store, owner="e2e-test", now=clock)
    )
    client: TestClient[Any, Any] = TestClient(
        TestServer(create_app(config.settings, reader=store), host="127.0.0.1")
    )
    await client.start_server()
    stack.push_async_callback(client.close)
    return Pipeline(clock, portal, portal_server, config, store, ctx, client, stack)


async def pipeline_context(tmp_path: Path, **kwargs: Any) -> AsyncIterator[Pipeline]:
    pipeline = await start_pipeline(tmp_path, **kwargs)
    try:
        yield pipeline
    finally:
        await pipeline.stack.aclose()
