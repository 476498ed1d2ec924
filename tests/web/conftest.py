"""Fixtures for HTTP tests of the web layer over the in-memory FeedReader double."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from article_factory import BASE_TIME, make_article
from memory_reader import MemoryReader
from web_support import PUBLIC_URL, ClientMaker

from feedsvc.config import Settings
from feedsvc.feeds.cache import FeedCache
from feedsvc.web import create_app


@pytest.fixture
def settings() -> Settings:
    return Settings(
        public_url=PUBLIC_URL + "/", feed_default_limit=5, feed_max_limit=20, feed_max_age=120
    )


@pytest.fixture
def reader() -> MemoryReader:
    """Seven 财经 articles from one source, two English 'Tech' ones from another."""
    memory = MemoryReader()
    for n in range(7):
        memory.add(make_article(n), at=BASE_TIME + timedelta(days=1, minutes=n))
    for n in (7, 8):
        memory.add(
            make_article(
                n,
                source_id="city-tech",
                source_name="City Tech",
                category="Tech",
                title=f"Tech story {n}",
                language="en",
            ),
            at=BASE_TIME + timedelta(days=1, minutes=n),
        )
    return memory


@pytest.fixture
def make_client(aiohttp_client: Any, settings: Settings, reader: MemoryReader) -> ClientMaker:
    """A client for a new app: each call is a fresh process (empty cache) over the data."""

    async def make(**overrides: Any) -> TestClient[web.Request, web.Application]:
        options: dict[str, Any] = {"reader": reader, "cache": FeedCache()}
        options.update(overrides)
        chosen = options.pop("settings", settings)
        client: TestClient[web.Request, web.Application] = await aiohttp_client(
            create_app(chosen, **options)
        )
        return client

    return make
