"""Fixtures for the crash tests: the fake web of a few news sources."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer
from crash_support import CrashSite


@pytest.fixture
async def crash_site() -> AsyncIterator[tuple[CrashSite, str]]:
    site = CrashSite()
    server = TestServer(site.app(), host="127.0.0.1")
    await server.start_server()
    try:
        yield site, str(server.make_url("")).rstrip("/")
    finally:
        site.release()  # a held response must not keep the server from closing
        await server.close()
