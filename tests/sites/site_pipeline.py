"""The real pipeline over the fixture portals, with NO selectors configured.

Like tests/e2e/pipeline_support.py: each site runs on 127.0.0.1, a sources file is written
and loaded, the real store, worker and web app run on one hand-moved clock, and the feeds
are read back over HTTP.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
from aiohttp.test_utils import TestClient, TestServer
from atom_validation import assert_valid_atom

from feedsvc.config import AppConfig, load_config
from feedsvc.demo.portal import PortalState, create_portal_app
from feedsvc.demo.sources import demo_sources_yaml
from feedsvc.refresh.context import RefreshContext, RefreshReport
from feedsvc.refresh.worker import refresh_source
from feedsvc.runtime import open_store, refresh_context
from feedsvc.store import Store
from feedsvc.web import create_app
from sites.site_support import FixtureSite, create_site_app

START = datetime(2026, 11, 20, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass
class SitePipeline:
    now: datetime
    config: AppConfig
    store: Store
    ctx: RefreshContext
    client: TestClient[Any, Any]
    bases: dict[str, str]  # source id (or "demo") → base URL
    stack: AsyncExitStack = field(repr=False)

    async def refresh(self, source_id: str) -> RefreshReport:
        state = await self.store.claim_source(
            source_id, self.ctx.owner, self.now, self.config.settings.lease_seconds
        )
        assert state is not None, f"could not claim {source_id}"
        return await refresh_source(self.ctx, state)

    async def feed(self, path: str) -> Any:
        resp = await self.client.get(path, params={"limit": "500"})
        assert resp.status == 200, await resp.text()
        body = await resp.read()
        assert_valid_atom(body)
        return feedparser.parse(body)


async def start_site_pipeline(
    tmp_path: Path,
    sites: list[FixtureSite],
    *,
    demo: PortalState | None = None,
    now: datetime = START,
    zones_configured: bool = True,
) -> SitePipeline:
    """``zones_configured=False``: no ``timezone`` in the settings or any source, so the
    zone of naive page times comes from evidence (extract/zone.py)."""
    stack = AsyncExitStack()
    bases: dict[str, str] = {}
    entries = ""
    for site in sites:
        server = TestServer(create_site_app(site), host="127.0.0.1")
        await server.start_server()
        stack.push_async_callback(server.close)
        bases[site.name] = str(server.make_url("")).rstrip("/")
        entries += site.source_yaml(bases[site.name], with_timezone=zones_configured)
    sources = "sources:\n" + entries
    if demo is not None:
        server = TestServer(create_portal_app(demo), host="127.0.0.1")
        await server.start_server()
        stack.push_async_callback(server.close)
        bases["demo"] = str(server.make_url("")).rstrip("/")
        demo_yaml = demo_sources_yaml(bases["demo"], with_selectors=False)
        sources += demo_yaml.split("sources:\n", 1)[1]
    path = tmp_path / "sources.yaml"
    path.write_text(
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{tmp_path / 'feedsvc.db'}\n"
        "  public_url: http://feeds.test\n"
        + ("  timezone: Asia/Shanghai\n" if zones_configured else "")
        + "  extract_workers: 0\n"
        "  jitter: 0\n" + sources,
        encoding="utf-8",
    )
    config = load_config(path, env={})
    clock = lambda: now  # noqa: E731 - one instant: relative times on the pages agree
    store = await stack.enter_async_context(open_store(config, migrate=True, now=clock))
    ctx = await stack.enter_async_context(
        refresh_context(config.settings, store, owner="sites-test", now=clock)
    )
    client: TestClient[Any, Any] = TestClient(
        TestServer(create_app(config.settings, reader=store), host="127.0.0.1")
    )
    await client.start_server()
    stack.push_async_callback(client.close)
    return SitePipeline(now, config, store, ctx, client, bases, stack)
