"""VersionMemo: versions from memory while the database is unchanged, never stale."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedsvc.models import FeedInfo, FeedKey, FeedKind, FeedVersion
from feedsvc.web.feedinfo import FeedInfoMemo
from feedsvc.web.versions import SQLiteChangeProbe, VersionMemo

LATEST = FeedKey(FeedKind.LATEST)
T0 = datetime(2024, 5, 1, tzinfo=UTC)


class CountingReader:
    """Just the two reads the memo makes, counted."""

    def __init__(self) -> None:
        self.version = 1
        self.version_reads = 0
        self.category_reads = 0

    async def feed_version(self, key: FeedKey) -> FeedVersion | None:
        self.version_reads += 1
        return FeedVersion(key=key, version=self.version, updated_at=T0)

    async def resolve_category(self, name_or_slug: str) -> str | None:
        self.category_reads += 1
        return "财经" if name_or_slug in ("财经", "cai-jing") else None


class StepProbe:
    def __init__(self) -> None:
        self.value = 0

    def token(self) -> object:
        return self.value


async def test_without_a_probe_every_call_reads() -> None:
    reader = CountingReader()
    memo = VersionMemo()
    for _ in range(3):
        await memo.feed_version(reader, LATEST)  # type: ignore[arg-type]
    assert reader.version_reads == 3


async def test_unchanged_data_is_read_once_and_a_change_is_seen_at_once() -> None:
    reader, probe = CountingReader(), StepProbe()
    memo = VersionMemo(probe)
    for _ in range(5):
        found = await memo.feed_version(reader, LATEST)  # type: ignore[arg-type]
        assert found is not None and found.version == 1
    assert reader.version_reads == 1
    reader.version, probe.value = 2, 1  # a commit somewhere
    found = await memo.feed_version(reader, LATEST)  # type: ignore[arg-type]
    assert found is not None and found.version == 2
    assert reader.version_reads == 2


async def test_categories_and_misses_are_remembered_until_a_change() -> None:
    reader, probe = CountingReader(), StepProbe()
    memo = VersionMemo(probe)
    for _ in range(3):
        assert await memo.resolve_category(reader, "cai-jing") == "财经"  # type: ignore[arg-type]
        assert await memo.resolve_category(reader, "nope") is None  # type: ignore[arg-type]
    assert reader.category_reads == 2
    probe.value = 1
    await memo.resolve_category(reader, "nope")  # type: ignore[arg-type]
    assert reader.category_reads == 3


def test_sqlite_probe_changes_on_a_commit_by_another_connection(tmp_path: Path) -> None:
    path = tmp_path / "feeds.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
    probe = SQLiteChangeProbe(path)
    try:
        first = probe.token()
        assert probe.token() == first  # nothing committed: same token
        writer = sqlite3.connect(path)
        writer.execute("INSERT INTO t VALUES (1)")
        writer.commit()
        second = probe.token()
        assert second != first
        writer.execute("SELECT count(*) FROM t").fetchone()
        writer.close()
        assert probe.token() == second  # a read is not a change
    finally:
        probe.close()


def test_sqlite_probe_never_creates_a_missing_database(tmp_path: Path) -> None:
    probe = SQLiteChangeProbe(tmp_path / "absent.db")
    assert probe.token() != probe.token()  # unreadable: always "changed", so never stale
    assert not (tmp_path / "absent.db").exists()


@pytest.mark.parametrize(
    ("url", "probed"),
    [
        ("sqlite+aiosqlite:////srv/feedsvc.db", True),
        ("sqlite+aiosqlite:///var/feedsvc.db", True),
        ("sqlite+aiosqlite://", False),
        ("sqlite+aiosqlite:///:memory:", False),
        ("postgresql+asyncpg://postgres@127.0.0.1/test", False),
    ],
)
def test_a_probe_only_for_sqlite_files(url: str, probed: bool) -> None:
    assert (SQLiteChangeProbe.for_url(url) is not None) is probed


class SlowReader(CountingReader):
    """Reads that take a while, so concurrent requests overlap."""

    async def feed_version(self, key: FeedKey) -> FeedVersion | None:
        await asyncio.sleep(0.01)
        return await super().feed_version(key)


async def test_concurrent_misses_share_one_read() -> None:
    reader, probe = SlowReader(), StepProbe()
    memo = VersionMemo(probe)
    found = await asyncio.gather(*(memo.feed_version(reader, LATEST) for _ in range(30)))  # type: ignore[arg-type]
    assert {v.version for v in found if v} == {1}
    assert reader.version_reads == 1


async def test_a_commit_during_a_shared_read_starts_a_new_one() -> None:
    reader, probe = SlowReader(), StepProbe()
    memo = VersionMemo(probe)
    first = asyncio.ensure_future(memo.feed_version(reader, LATEST))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    reader.version, probe.value = 2, 1  # committed after the first read began
    second = await memo.feed_version(reader, LATEST)  # type: ignore[arg-type]
    await first
    assert second is not None and second.version == 2
    assert reader.version_reads == 2


async def test_without_a_probe_concurrent_reads_are_not_shared() -> None:
    reader = SlowReader()
    memo = VersionMemo()
    await asyncio.gather(*(memo.feed_version(reader, LATEST) for _ in range(5)))  # type: ignore[arg-type]
    assert reader.version_reads == 5


async def test_feed_info_misses_share_one_read() -> None:
    class InfoReader:
        reads = 0

        async def feed_info(self, key: FeedKey) -> FeedInfo | None:
            InfoReader.reads += 1
            await asyncio.sleep(0.01)
            return FeedInfo(key, "Latest", None, 3, T0, 600, None)

    memo = FeedInfoMemo()
    version = FeedVersion(LATEST, 7, T0)
    infos = await asyncio.gather(*(memo.get(InfoReader(), version) for _ in range(20)))  # type: ignore[arg-type]
    assert {i.interval_seconds for i in infos if i} == {600}
    assert InfoReader.reads == 1
    assert await memo.get(InfoReader(), version) is infos[0]  # type: ignore[arg-type]
    assert InfoReader.reads == 1
    assert memo.expires(LATEST) == pytest.approx(memo.clock() + memo.ttl, abs=5)
