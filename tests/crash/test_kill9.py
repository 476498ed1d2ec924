"""kill -9 of a real ``feedsvc serve`` during a fetch, an extraction and the save
transaction, on SQLite and PostgreSQL: after a restart the database is sound, nothing that
was committed is lost or duplicated, and the interrupted sources are refreshed on the
restarted process's first scheduler tick (not after their lease of ``lease_seconds``)."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crash_support import (
    SCHEDULER_TICK,
    CrashSite,
    all_article_paths,
    snapshot,
    sqlite_integrity,
    start_worker,
    wait_for,
    write_config,
)

from feedsvc.pause_points import ENV_VAR
from feedsvc.store import Store

HELD_ARTICLE = "/s2/2.html"


@pytest.mark.parametrize("point", ["fetch", "extract", "save"])
async def test_kill9_then_restart_loses_and_duplicates_nothing(
    point: str, database_url: str, crash_site: tuple[CrashSite, str], tmp_path: Path
) -> None:
    site, site_url = crash_site
    config = write_config(tmp_path / "sources.yaml", database_url=database_url, site_url=site_url)
    flag = tmp_path / "paused"
    env: dict[str, str] = {}
    if point == "fetch":
        site.hold(HELD_ARTICLE)
    else:
        env[ENV_VAR] = f"{point}={flag}"

    first = start_worker(config, tmp_path / "first.log", env)
    try:
        if point == "fetch":
            await wait_for("held fetch", site.entered.is_set, first)
        else:
            await wait_for(f"pause at {point}", flag.exists, first)
        reader = await Store.open(database_url)  # migrated by the first process
        before = await snapshot(reader)
    finally:
        first.process.kill()  # SIGKILL: no cleanup of any kind
        first.process.wait()
        first.stop()
    site.release()

    try:
        assert before.leased, "the killed process was refreshing something"
        restarted = time.monotonic()
        second = start_worker(config, tmp_path / "second.log")
        try:

            async def refreshed() -> bool:
                return (await snapshot(reader)).refreshed()

            await wait_for("a refresh of every source", refreshed, second, every=0.2)
            seconds = time.monotonic() - restarted
        finally:
            assert second.stop() == 0, second.output()[-3000:]
        after = await snapshot(reader)
    finally:
        await reader.close()

    # Refreshed by the first tick: the next one comes SCHEDULER_TICK seconds later.
    assert seconds < SCHEDULER_TICK, seconds
    expected = all_article_paths()
    assert after.rows == after.entry_ids == len(after.entries) == len(expected)
    assert {urlsplit(url).path for url in after.entries} == expected
    lost = {url: e for url, e in before.entries.items() if after.entries.get(url) != e}
    assert not lost, f"committed before the kill, then lost or re-minted: {lost}"
    if database_url.startswith("sqlite"):
        assert sqlite_integrity(database_url) == "ok"
    assert "Traceback" not in second.output(), second.output()[-3000:]
