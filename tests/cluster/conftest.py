"""Fixtures for the cluster test: a PostgreSQL database of its own, and the fake web."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer
from cluster_support import ClusterSite
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

POSTGRES_DSN_ENV = "FEEDSVC_TEST_POSTGRES_DSN"


async def _admin(dsn: str, statement: str) -> None:
    engine = create_async_engine(make_url(dsn), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture
async def cluster_database() -> AsyncIterator[str]:
    """A new PostgreSQL database on the FEEDSVC_TEST_POSTGRES_DSN server, dropped after."""
    dsn = os.environ.get(POSTGRES_DSN_ENV)
    if not dsn:
        pytest.skip(f"{POSTGRES_DSN_ENV} not set: the cluster runs on PostgreSQL")
    name = f"feedsvc_cluster_{uuid.uuid4().hex[:12]}"
    await _admin(dsn, f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield make_url(dsn).set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def cluster_site() -> AsyncIterator[tuple[ClusterSite, str]]:
    site = ClusterSite()
    server = TestServer(site.app(), host="127.0.0.1")
    await server.start_server()
    try:
        yield site, str(server.make_url("")).rstrip("/")
    finally:
        site.release()  # a held response must not keep the server from closing
        await server.close()
