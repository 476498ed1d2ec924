"""`feedsvc migrate` says what it did, and serve/refresh refuse a schema that is not
this code's (unmigrated, or newer) with one line naming both revisions, on both engines."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest
from cli_run import free_port, run_feedsvc
from sqlalchemy import text

from feedsvc.config import Settings
from feedsvc.runtime import auto_migrates
from feedsvc.store import Store
from feedsvc.store.migrate import head_revision

HEAD = head_revision()
SQLITE_URL = "sqlite+aiosqlite:///var/feedsvc.db"
POSTGRES_URL = "postgresql+asyncpg://u@db/feeds"
FUTURE = "9999_from_future"


def _env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        "FEEDSVC_DATABASE_URL": database_url,
        "FEEDSVC_LISTEN": f"127.0.0.1:{free_port()}",
        **extra,
    }


def _sources_file(tmp_path: Path) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - id: a\n    name: A\n    url: http://127.0.0.1:9/a/\n", encoding="utf-8"
    )
    return path


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


async def _set_revision(database_url: str, revision: str) -> None:
    async with (
        await Store.open(database_url, check=False) as store,
        store.engine.begin() as conn,
    ):
        await conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


async def test_migrate_twice_says_the_second_run_has_nothing_to_do(
    tmp_path: Path, database_url: str
) -> None:
    env = _env(database_url)
    first = await asyncio.to_thread(run_feedsvc, "migrate", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert f"migrated from an empty database to {HEAD}" in first.stdout
    second = await asyncio.to_thread(run_feedsvc, "migrate", cwd=tmp_path, env=env)
    assert second.returncode == 0, second.stderr
    assert f"already at revision {HEAD}: nothing to do" in second.stdout


async def test_a_schema_newer_than_the_code_is_refused_by_every_command(
    tmp_path: Path, database_url: str
) -> None:
    env = _env(database_url, FEEDSVC_AUTO_MIGRATE="always")
    assert (await asyncio.to_thread(run_feedsvc, "migrate", cwd=tmp_path, env=env)).returncode == 0
    await _set_revision(database_url, FUTURE)
    config = str(_sources_file(tmp_path))
    for argv in (
        ("migrate",),
        ("serve", "--role", "web"),
        ("serve", "--role", "worker", "--config", config),
        ("refresh", "--config", config),
    ):
        done = await asyncio.to_thread(run_feedsvc, *argv, cwd=tmp_path, env=env)
        assert done.returncode == 2, (argv, done.stdout, done.stderr)
        line = _one_line(done.stderr)
        assert FUTURE in line and HEAD in line and "does not know" in line, (argv, line)


async def test_serve_and_refresh_refuse_an_unmigrated_database_without_auto_migrate(
    tmp_path: Path, database_url: str
) -> None:
    # PostgreSQL by default (auto_migrate=sqlite), SQLite only when told "never".
    extra = {} if database_url.startswith("postgresql") else {"FEEDSVC_AUTO_MIGRATE": "never"}
    env = _env(database_url, **extra)
    config = str(_sources_file(tmp_path))
    for argv in (
        ("serve", "--role", "web"),
        ("serve", "--role", "all", "--config", config),
        ("refresh", "--config", config),
    ):
        done = await asyncio.to_thread(run_feedsvc, *argv, cwd=tmp_path, env=env)
        assert done.returncode == 2, (argv, done.stdout, done.stderr)
        line = _one_line(done.stderr)
        assert "revision none (empty database)" in line and f"needs {HEAD}" in line, line
        assert "feedsvc migrate" in line
    async with await Store.open(database_url, check=False) as store:
        assert await store.schema_revision() is None  # nothing migrated it


async def test_refresh_migrates_sqlite_by_default(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'auto.db'}"
    done = await asyncio.to_thread(
        run_feedsvc,
        "refresh",
        "--config",
        str(_sources_file(tmp_path)),
        cwd=tmp_path,
        env=_env(url),
    )
    assert "schema" not in done.stderr, done.stderr
    async with await Store.open(url) as store:
        assert await store.schema_revision() == HEAD


@pytest.mark.parametrize(
    ("setting", "url", "migrates"),
    [
        ("sqlite", SQLITE_URL, True),
        ("sqlite", POSTGRES_URL, False),
        ("always", POSTGRES_URL, True),
        ("never", SQLITE_URL, False),
    ],
)
def test_auto_migrate_decides_who_migrates(setting: str, url: str, migrates: bool) -> None:
    settings = dataclasses.replace(Settings(), auto_migrate=setting, database_url=url)
    assert auto_migrates(settings) is migrates
