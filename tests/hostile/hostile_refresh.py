"""Run sources through the real scheduler → worker → store path against test servers.

``async with refresh_rig(tmp_path, sources_yaml, ...) as rig:`` writes a sources file (with
tiny timeouts), opens a SQLite store, a Fetcher (optionally with a test resolver and guard
exemptions) and a Scheduler; ``await rig.tick()`` claims every due source, refreshes them
as the service would and returns their reports.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiohttp.abc import AbstractResolver

from feedsvc.config import AppConfig, load_config
from feedsvc.fetch import Fetcher
from feedsvc.refresh.context import RefreshContext, RefreshReport
from feedsvc.refresh.offload import Offloader
from feedsvc.refresh.scheduler import Scheduler
from feedsvc.store import Store

FAST_SETTINGS = {
    "connect_timeout": 1,
    "read_timeout": 0.5,
    "total_timeout": 2,
    "max_body_bytes": 200_000,
    "max_decompressed_bytes": 400_000,
    "max_redirects": 3,
    "claim_batch": 40,
    "extract_workers": 0,
    "jitter": 0,
    "obey_robots_txt": "false",
}


def source_yaml(source_id: str, url: str, *, private: bool | None = True, extra: str = "") -> str:
    """One source entry; ``private`` None leaves allow_private_networks to the default;
    ``extra`` is added as is (e.g. a ``selectors:`` block, indented by four spaces)."""
    lines = [
        f"  - id: {source_id}",
        f"    name: {source_id}",
        f"    url: {url}",
        "    category: hostile",
        "    interval: 1m",
    ]
    if private is not None:
        lines.append(f"    allow_private_networks: {str(private).lower()}")
    return "\n".join(lines) + "\n" + extra


@dataclass
class Rig:
    config: AppConfig
    store: Store
    ctx: RefreshContext
    scheduler: Scheduler

    async def tick(self) -> dict[str, RefreshReport]:
        before = len(self.scheduler.reports)
        await self.scheduler.tick()
        await self.scheduler.wait_idle()
        return {r.source_id: r for r in self.scheduler.reports[before:]}


@asynccontextmanager
async def refresh_rig(
    tmp_path: Path,
    sources: str,
    *,
    resolver: AbstractResolver | None = None,
    guard_exempt: Iterable[str] = (),
    **settings: object,
) -> AsyncIterator[Rig]:
    values = {**FAST_SETTINGS, **settings}
    text = (
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{tmp_path / 'feedsvc.db'}\n"
        + "".join(f"  {name}: {value}\n" for name, value in values.items())
        + "sources:\n"
        + sources
    )
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path, env={})
    store = await Store.open(config.settings.database_url, migrate=True)
    offloader = Offloader(0)
    try:
        await store.sync_sources(config.sources, datetime.now(UTC))
        async with Fetcher(config.settings, resolver=resolver, guard_exempt=guard_exempt) as f:
            ctx = RefreshContext(
                settings=config.settings,
                store=store,
                fetcher=f,
                offloader=offloader,
                owner="hostile-test",
                now=lambda: datetime.now(UTC),
            )
            yield Rig(config, store, ctx, Scheduler(ctx))
    finally:
        offloader.close()
        await store.close()
