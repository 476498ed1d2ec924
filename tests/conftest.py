"""Database fixtures, parametrized over both engines.

Self-contained so it can move to tests/conftest.py unchanged. ``database_url`` gives an
empty database per test: a SQLite file under tmp_path, or, when FEEDSVC_TEST_POSTGRES_DSN
is set, a PostgreSQL database created on that server for the session (its public schema
wiped before each test) and dropped at the end; the DSN's own database is never touched.
An unset DSN skips the PostgreSQL half; a set DSN whose server cannot be reached fails.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from feedsvc.store import Store

POSTGRES_DSN_ENV = "FEEDSVC_TEST_POSTGRES_DSN"

StoreOpener = Callable[[], Awaitable[Store]]  # same as store_factories.StoreOpener


async def _admin(dsn: str, *statements: str) -> None:
    engine = create_async_engine(make_url(dsn), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


def _admin_blocking(dsn: str, statement: str) -> None:
    """Run ``statement`` on a private event loop in a worker thread, so session-scoped
    setup works whether or not the caller is inside a test's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _admin(dsn, statement)).result()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """One database per test session, created on the FEEDSVC_TEST_POSTGRES_DSN server."""
    dsn = os.environ.get(POSTGRES_DSN_ENV)
    if not dsn:
        pytest.skip(f"{POSTGRES_DSN_ENV} not set")
    url = make_url(dsn)
    name = f"feedsvc_test_{uuid.uuid4().hex[:16]}"
    try:
        _admin_blocking(dsn, f'CREATE DATABASE "{name}" TEMPLATE template0')
    except Exception as exc:
        pytest.fail(
            f"{POSTGRES_DSN_ENV}={url.render_as_string(hide_password=True)} is set but "
            f"a test database could not be created there: {type(exc).__name__}: {exc}",
            pytrace=False,
        )
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        _admin_blocking(dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """An empty database for this test (SQLite file, or the session's PostgreSQL
    database with its schema wiped)."""
    if request.param == "sqlite":
        # A subdirectory that does not exist yet: the store must create it.
        return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db')}/var/feedsvc.db"
    url: str = request.getfixturevalue("postgres_database")
    await _admin(url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public")
    return url


@pytest.fixture
async def open_store(database_url: str) -> AsyncIterator[StoreOpener]:
    """Opens extra Store instances (own engine and connections) on the test database,
    standing in for other processes; all are closed after the test."""
    opened: list[Store] = []

    async def opener() -> Store:
        store = await Store.open(database_url, migrate=True)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        await store.close()


@pytest.fixture
async def store(open_store: StoreOpener) -> Store:
    return await open_store()
