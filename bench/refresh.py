"""Refresh benchmark: how long a refresh of the demo portal's sources takes.

    .venv/bin/python bench/refresh.py [--per-category 12] [--rounds 3]

Baseline, measured in the same run: fetching the same list and article pages with the same
Fetcher and concurrency but doing nothing with them (the I/O floor on this machine). The
ratio shows what extraction, normalization and storage add on top. Everything runs on
127.0.0.1; the portal runs in this process, so all scenarios pay the same serving cost.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from feedsvc.config import AppConfig, load_config
from feedsvc.demo.portal import PortalState, create_portal_app
from feedsvc.demo.sources import demo_sources_yaml
from feedsvc.extract import extract_list
from feedsvc.fetch import Fetcher
from feedsvc.refresh.worker import refresh_source
from feedsvc.runtime import open_store, refresh_context


@dataclass
class Row:
    scenario: str
    pages: int
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


async def start_portal(per_category: int) -> tuple[web.AppRunner, str, PortalState]:
    state = PortalState(seed=5, initial_per_category=per_category)
    runner = web.AppRunner(create_portal_app(state), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}", state


def make_config(tmp: Path, base_url: str, workers: int, name: str) -> AppConfig:
    path = tmp / f"{name}.yaml"
    path.write_text(
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{tmp / name}.db\n"
        "  timezone: Asia/Shanghai\n"
        f"  extract_workers: {workers}\n"
        "  max_new_per_refresh: 1000\n" + demo_sources_yaml(base_url),
        encoding="utf-8",
    )
    return load_config(path, env={})


async def fetch_only(config: AppConfig) -> tuple[int, float]:
    """The floor: the same pages through the same Fetcher, nothing else."""
    from zoneinfo import ZoneInfo

    from feedsvc.runtime import utc_now

    t0 = time.perf_counter()
    pages = 0
    async with Fetcher(config.settings) as fetcher:
        links: list[str] = []
        for source in config.sources:
            result = await fetcher.fetch(source.urls[0], allow_private=True)
            pages += 1
            # Link finding is needed to know what to fetch; it is a small share of the time.
            found = extract_list(
                result.text,
                result.final_url,
                selectors=source.selectors,
                tz=ZoneInfo("Asia/Shanghai"),
                now=utc_now(),
            )
            links += [item.url for item in found.items]
        await asyncio.gather(*(fetcher.fetch(url, allow_private=True) for url in links))
        pages += len(links)
    return pages, time.perf_counter() - t0


async def full_refresh(config: AppConfig) -> tuple[int, float, float]:
    """One refresh of every source from an empty database, then one with nothing new."""
    async with (
        open_store(config, migrate=True) as store,
        refresh_context(config.settings, store, owner="bench") as ctx,
    ):
        if config.settings.extract_workers:
            # Warm the worker process so start-up is not billed to the first refresh.
            await ctx.offloader.run(len, "warm")
        states = [await store.claim_source(s.id, "bench", ctx.now(), 600) for s in config.sources]
        t0 = time.perf_counter()
        reports = await asyncio.gather(*(refresh_source(ctx, s) for s in states if s))
        first = time.perf_counter() - t0
        pages = sum(r.items_seen for r in reports) + len(reports)
        states = [await store.claim_source(s.id, "bench", ctx.now(), 600) for s in config.sources]
        t1 = time.perf_counter()
        await asyncio.gather(*(refresh_source(ctx, s) for s in states if s))
        unchanged = time.perf_counter() - t1
    return pages, first, unchanged


async def run(per_category: int, rounds: int) -> list[Row]:
    runner, base_url, _ = await start_portal(per_category)
    rows = {
        "fetch only (baseline)": Row("fetch only (baseline)", 0, []),
        "refresh, parse in thread": Row("refresh, parse in thread", 0, []),
        "refresh, parse in process": Row("refresh, parse in process", 0, []),
        "refresh, nothing new (304)": Row("refresh, nothing new (304)", 0, []),
    }
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            for n in range(rounds):
                config = make_config(tmp, base_url, 0, f"floor{n}")
                pages, secs = await fetch_only(config)
                rows["fetch only (baseline)"].pages = pages
                rows["fetch only (baseline)"].seconds.append(secs)
                for workers, label in ((0, "thread"), (1, "process")):
                    config = make_config(tmp, base_url, workers, f"w{workers}-{n}")
                    pages, first, unchanged = await full_refresh(config)
                    rows[f"refresh, parse in {label}"].pages = pages
                    rows[f"refresh, parse in {label}"].seconds.append(first)
                    if workers == 0:
                        rows["refresh, nothing new (304)"].pages = len(config.sources)
                        rows["refresh, nothing new (304)"].seconds.append(unchanged)
    finally:
        await runner.cleanup()
    return list(rows.values())


def print_table(rows: list[Row], per_category: int) -> None:
    base = rows[0].median
    print(f"demo portal: 4 sources x {per_category} articles; median of the rounds\n")
    print("| scenario | pages | seconds (median) | pages/s | × baseline time |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        rate = row.pages / row.median if row.median else 0.0
        print(
            f"| {row.scenario} | {row.pages} | {row.median:.3f} | {rate:.0f} | "
            f"{row.median / base:.2f} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--per-category", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    rows = asyncio.run(run(args.per_category, args.rounds))
    print_table(rows, args.per_category)
    return 0


if __name__ == "__main__":
    sys.exit(main())
