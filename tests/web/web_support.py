"""Names shared by the web tests and their conftest (conftest itself is not importable
by name: every test directory has one)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.test_utils import TestClient

PUBLIC_URL = "http://feeds.example.test"

ClientMaker = Callable[..., Awaitable[TestClient[web.Request, web.Application]]]
