"""The scale benchmark's database side: a fresh SQLite file or PostgreSQL database per run
(dropped after), and what the benchmark reads back or sets through feedsvc's own schema."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.sql import Executable

from feedsvc.store.schema import articles, fetch_runs, sources

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Run:
    """One refresh as recorded in fetch_runs."""

    source_id: str
    started_at: datetime
    finished_at: datetime
    status: str
    new: int


@dataclass(frozen=True)
class Database:
    kind: str  # "sqlite" or "postgres"
    url: str
    path: Path | None = None  # SQLite's file
    admin_url: str | None = None  # PostgreSQL: where CREATE/DROP DATABASE run
    name: str | None = None

    @classmethod
    def sqlite(cls, workdir: Path) -> Database:
        path = workdir / "feedsvc.db"
        return cls("sqlite", f"sqlite+aiosqlite:///{path}", path=path)

    @classmethod
    def postgres(cls, dsn: str, tag: str) -> Database:
        """A new database on the server of ``dsn`` (an SQLAlchemy asyncpg URL)."""
        name = f"feedsvc_scale_{os.getpid()}_{tag}"
        if not _NAME.match(name):
            raise ValueError(f"not a safe database name: {name!r}")
        base = dsn.rsplit("/", 1)[0]
        db = cls("postgres", f"{base}/{name}", admin_url=dsn, name=name)
        db._admin(f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        return db

    def _admin(self, *statements: str) -> None:
        async def run() -> None:
            assert self.admin_url is not None
            engine = create_async_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            try:
                async with engine.connect() as conn:
                    for statement in statements:
                        await conn.execute(text(statement))
            finally:
                await engine.dispose()

        asyncio.run(run())

    def drop(self) -> None:
        if self.kind == "postgres" and self.name is not None:
            self._admin(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()",
                f"DROP DATABASE IF EXISTS {self.name}",
            )

    def _run(self, *statements: Executable) -> list[Sequence[Any]]:
        async def run() -> list[Sequence[Any]]:
            engine = create_async_engine(self.url)
            out: list[Sequence[Any]] = []
            try:
                async with engine.begin() as conn:
                    for statement in statements:
                        result = await conn.execute(statement)
                        out.append(result.all() if result.returns_rows else [])
            finally:
                await engine.dispose()
            return out

        return asyncio.run(run())

    def make_all_due(self, at: datetime) -> None:
        """Every source due at ``at`` (the benchmark's synchronized sweep)."""
        self._run(update(sources).values(next_check_at=at, error_count=0))

    def last_run_id(self) -> int:
        rows = self._run(select(func.coalesce(func.max(fetch_runs.c.id), 0)))
        return int(rows[0][0][0])

    def runs_after(self, run_id: int) -> list[Run]:
        c = fetch_runs.c
        query = select(c.source_id, c.started_at, c.finished_at, c.status, c.new_count)
        rows = self._run(query.where(c.id > run_id).order_by(c.id))[0]
        return [Run(*row) for row in rows]

    def sources_refreshed_after(self, run_id: int) -> int:
        query = select(func.count(func.distinct(fetch_runs.c.source_id))).where(
            fetch_runs.c.id > run_id
        )
        return int(self._run(query)[0][0][0])

    def article_count(self) -> int:
        return int(self._run(select(func.count()).select_from(articles))[0][0][0])

    def size_mb(self) -> float:
        if self.kind == "sqlite":
            assert self.path is not None
            files = [self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")]
            return sum(f.stat().st_size for f in files if f.exists()) / 1e6
        rows = self._run(text("SELECT pg_database_size(current_database())"))
        return int(rows[0][0][0]) / 1e6
