"""Engine creation: the SQLite connection setup and the one-writer transaction rule.

SQLite (aiosqlite) runs in WAL mode with foreign keys on and a busy timeout. pysqlite's own
transaction handling is switched off and SQLAlchemy emits BEGIN itself (the recipe in
SQLAlchemy's SQLite docs, "Enabling Non-Legacy SQLite Transactional Modes"), so that write
transactions can start with ``BEGIN IMMEDIATE``: they take the write lock up front instead
of failing with "database is locked" when a read turns into a write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from feedsvc.errors import NoDatabaseError, StoreError

# Execution option set on a connection before begin() to ask for BEGIN IMMEDIATE.
WRITE_OPTION = "feedsvc_write"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}


def hide_password(database_url: str) -> str:
    """The URL as it may be shown: SQLAlchemy's rendering with the password as ***."""
    try:
        return make_url(database_url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def parse_database_url(database_url: str, *, create_folder: bool = True) -> URL:
    """Parse and check a database URL; create a SQLite file's parent directory."""
    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise StoreError(f"database_url {database_url!r}: {exc}") from exc
    if url.drivername not in SUPPORTED_DRIVERS:
        raise StoreError(
            f"database_url {hide_password(database_url)!r}: driver "
            f"{url.drivername!r} is not supported; use one of {sorted(SUPPORTED_DRIVERS)}"
        )
    if url.drivername.startswith("sqlite"):
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise StoreError(
                f"database_url {database_url!r}: SQLite needs a file path "
                "(sqlite+aiosqlite:///PATH); in-memory databases are not supported"
            )
        if create_folder:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    return url


def create_engine(
    database_url: str, *, for_migrations: bool = False, read_only: bool = False
) -> AsyncEngine:
    """The application's engine, or (``for_migrations``) a pool-less one for Alembic.

    ``read_only`` connections cannot write: SQLite opens the file with ``mode=ro`` (a
    missing file is a StoreError, not a new database) and PostgreSQL sessions default to
    read-only transactions.

    On SQLite the migration engine runs with foreign keys OFF: batch mode rebuilds a table
    by copy, drop and rename, and with foreign keys on, dropping ``sources`` would cascade
    into ``article_sources``. SQLite's own ALTER procedure prescribes the same, followed by
    ``PRAGMA foreign_key_check`` (see Store.migrate).
    """
    url = parse_database_url(database_url, create_folder=not read_only)
    if read_only:
        return _read_only_engine(url)
    if url.get_backend_name() == "sqlite":
        if for_migrations:
            engine = create_async_engine(url, poolclass=NullPool)
        else:
            engine = create_async_engine(url)
        _install_sqlite_hooks(engine, foreign_keys=not for_migrations)
        return engine
    if for_migrations:
        return create_async_engine(url, poolclass=NullPool)
    return create_async_engine(url, pool_pre_ping=True)


def _read_only_engine(url: URL) -> AsyncEngine:
    if url.get_backend_name() != "sqlite":
        settings = {"default_transaction_read_only": "on"}
        return create_async_engine(url, connect_args={"server_settings": settings})
    path = Path(url.database or "").absolute()
    if not path.is_file():
        raise NoDatabaseError(f"no database at {path} yet (serve, refresh or migrate creates it)")
    uri = url.set(database=f"file:{path.as_posix()}", query={"mode": "ro", "uri": "true"})
    engine = create_async_engine(uri, poolclass=NullPool)
    _install_sqlite_hooks(engine, foreign_keys=True, read_only=True)
    return engine


def _install_sqlite_hooks(
    engine: AsyncEngine, *, foreign_keys: bool, read_only: bool = False
) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop the driver from issuing its own (deferred) BEGIN; _on_begin does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            if read_only:
                cursor.execute("PRAGMA query_only=ON")  # a second lock beside mode=ro
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            # WAL + NORMAL is durable across application crashes; only an OS crash may
            # lose the last commits, which a re-fetch restores.
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
