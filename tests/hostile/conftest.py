"""Fixtures for the hostile-web suite (helpers live in hostile_web.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hostile_web import PAGE, HostileServer, SsrfPair, respond


@pytest.fixture
async def ssrf() -> AsyncIterator[SsrfPair]:
    """A public site (news.test, other.test) and an internal server that must stay untouched."""
    async with (
        HostileServer({"/robots.txt": respond(b"", 404)}, host="127.0.0.1") as public,
        HostileServer({"/a": respond(PAGE)}, host="127.0.0.2") as internal,
    ):
        yield SsrfPair(public, internal)
