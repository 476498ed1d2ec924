"""Fixtures for the admin API: a real store (SQLite and PostgreSQL), the feed server with
the API mounted, a scheduler that refreshes through the same code as `serve`, and the
demo news portal on 127.0.0.1 as the site being scraped."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from feedsvc.admintokens import parse_admin_tokens
from feedsvc.config import Settings
from feedsvc.demo.portal import PortalState, create_portal_app
from feedsvc.refresh.scheduler import Scheduler
from feedsvc.runtime import refresh_context
from feedsvc.store import Store
from feedsvc.web import create_app
from feedsvc.web.api import ApiContext

WRITE = "write-token-0123456789"
READ = "read-token-0123456789"
TOKENS = f"ops:write:{WRITE},grafana:read:{READ}"


def auth(token: str = WRITE) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class ApiHarness:
    client: TestClient[Any, Any]
    store: Store
    scheduler: Scheduler
    ctx: ApiContext
    portal: str  # the demo portal's base URL

    def source_body(self, source_id: str = "caijing", **extra: Any) -> dict[str, Any]:
        """A source for the portal's 财经 list, pinned selectors (as the demo's file)."""
        return {
            "id": source_id,
            "name": "财经",
            "url": f"{self.portal}/caijing/",
            "category": "财经",
            "interval": "30m",
            "timezone": "Asia/Shanghai",
            "allow_private_networks": True,
            "selectors": {
                "item": "ul.news-list > li",
                "title": "a",
                "link": "a@href",
                "date": "span.date",
                "content": "div.content",
            },
            **extra,
        }

    async def create(self, source_id: str = "caijing", **extra: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/sources", json=self.source_body(source_id, **extra), headers=auth()
        )
        assert response.status == 201, await response.text()
        body: dict[str, Any] = await response.json()
        return body


def api_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "admin_tokens": TOKENS,
        "allow_private_networks": True,
        "extract_workers": 0,
        "public_url": "http://feeds.test",
        "scheduler_tick": 0.2,
        "jitter": 0.0,
    }
    values.update(overrides)
    return Settings(**values)


HarnessMaker = Callable[..., Awaitable[ApiHarness]]


@pytest.fixture
async def make_harness(
    store: Store, aiohttp_client: Callable[..., Awaitable[TestClient[Any, Any]]]
) -> AsyncIterator[HarnessMaker]:
    portal = TestServer(create_portal_app(PortalState(seed=7)), host="127.0.0.1")
    await portal.start_server()
    stacks: list[Any] = []

    async def make(**overrides: Any) -> ApiHarness:
        settings = api_settings(**overrides)
        context = refresh_context(settings, store, owner="api-test")
        ctx = await context.__aenter__()
        stacks.append(context)
        scheduler = Scheduler(ctx)
        api = ApiContext(
            settings,
            store,
            parse_admin_tokens(settings.admin_tokens),
            refresh_now=scheduler.refresh_now,
        )
        app = create_app(settings, reader=store, api=api, ready=store.check_ready)
        client = await aiohttp_client(app)
        base = str(portal.make_url("")).rstrip("/")
        return ApiHarness(client, store, scheduler, api, base)

    yield make
    for context in reversed(stacks):
        await context.__aexit__(None, None, None)
    await portal.close()


@pytest.fixture
async def harness(make_harness: HarnessMaker) -> ApiHarness:
    return await make_harness()
