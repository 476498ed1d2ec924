"""A cluster as separate processes on PostgreSQL: ``feedsvc migrate``, then 2 ``serve
--role web`` and 3 ``serve --role worker`` against a fake web of many small sources.

It shows, counting requests per path at the fake web and reading the database:

- every due source is fetched once per round (each round: all sources made due at once)
  and never by two workers at once;
- a worker killed with SIGKILL in the middle of a refresh loses no article, and another
  worker finishes its sources within one lease time (heartbeats stop, the lease is free);
- both web replicas answer the same bytes and ETag for every feed;
- a change committed by a worker is visible on both replicas within one second
  (PostgreSQL LISTEN/NOTIFY: the replicas otherwise answer versions from memory);
- a web replica restarted under load drops no request a proxy would not retry
  (connection refused is retried; an answer cut off is not).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import aiohttp
import pytest
from cluster_support import (
    LEASE_SECONDS,
    SCHEDULER_TICK,
    ClusterSite,
    Web,
    cluster_env,
    feedsvc_argv,
    source_ids,
    start_web,
    start_worker,
    stored,
    wait_until,
    write_sources,
)
from live import Child
from sqlalchemy import text

from feedsvc.store import Store
from feedsvc.store.migrate import head_revision

pytestmark = pytest.mark.timeout(150)

STARTUP = 40.0  # bound on processes becoming ready on a loaded 2-core machine
ROUND = 30.0  # bound on one round of refreshes
VISIBLE_WITHIN = 1.0
HELD_SOURCE = "s05"
STORED = text("SELECT count(*) FROM articles WHERE canonical_url = :url")


@dataclass
class Cluster:
    site: ClusterSite
    site_url: str
    database_url: str
    logs: Path
    store: Store | None = None
    webs: list[Web] = field(default_factory=list)
    workers: list[Child] = field(default_factory=list)
    retired: list[Child] = field(default_factory=list)

    @property
    def children(self) -> list[Child]:
        return [w.child for w in self.webs] + self.workers

    def kill_all(self) -> None:
        for child in self.children + self.retired:
            with contextlib.suppress(ProcessLookupError):
                child.process.kill()
            child.stop(timeout=5)

    async def db(self) -> Store:
        assert self.store is not None
        return self.store


async def test_cluster_of_two_web_replicas_and_three_workers(
    cluster_database: str, cluster_site: tuple[ClusterSite, str], tmp_path: Path
) -> None:
    site, site_url = cluster_site
    cluster = Cluster(site, site_url, cluster_database, tmp_path)
    started = time.monotonic()
    try:
        await _migrate_and_start(cluster, tmp_path)
        await _first_round_once_each(cluster)
        async with aiohttp.ClientSession(
            auto_decompress=False, timeout=aiohttp.ClientTimeout(total=10)
        ) as http:
            await _replicas_answer_the_same(cluster, http)
            await _a_commit_is_visible_on_both_replicas_within_a_second(cluster, http)
            await _a_killed_worker_loses_nothing(cluster)
            await _a_restarted_replica_drops_no_request(cluster)
    finally:
        cluster.kill_all()
        if cluster.store is not None:
            await cluster.store.close()
    print(f"cluster test took {time.monotonic() - started:.1f}s")


async def _migrate_and_start(cluster: Cluster, tmp_path: Path) -> None:
    migrate = Child.start(
        "migrate",
        feedsvc_argv("migrate"),
        tmp_path / "migrate.log",
        cluster_env(cluster.database_url),
    )
    code = await asyncio.to_thread(migrate.process.wait, STARTUP)
    assert code == 0, migrate.output()
    assert f"to {head_revision()}" in migrate.output()
    sources = write_sources(tmp_path / "sources.yaml", cluster.site_url)
    # All at once: the workers sync the sources file concurrently (one at a time inside).
    cluster.webs = [start_web(f"web{i}", cluster.database_url, tmp_path) for i in (1, 2)]
    cluster.workers = [
        start_worker(f"worker{i}", cluster.database_url, sources, tmp_path) for i in (1, 2, 3)
    ]
    cluster.store = await Store.open(cluster.database_url)
    for web in cluster.webs:
        await wait_until("ready web", lambda w=web: _ready(w), STARTUP, cluster.children)  # type: ignore[misc]


async def _ready(web: Web) -> bool:
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http,
            http.get(f"{web.url}/readyz") as response,
        ):
            return response.status == 200
    except (aiohttp.ClientError, TimeoutError):
        return False


async def _round_done(cluster: Cluster, since: dict[str, object]) -> bool:
    """Every source saved since ``since`` (its last success then), every article stored,
    no lease held."""
    now = await stored(await cluster.db())
    return (
        not now.lease_pids
        and all(now.last_success.get(s) not in (None, since.get(s)) for s in source_ids())
        and now.urls >= {cluster.site_url + p for p in cluster.site.all_article_paths()}
    )


def _list_hits(site: ClusterSite) -> dict[str, int]:
    return {sid: site.hits[f"/{sid}/"] for sid in source_ids()}


async def _first_round_once_each(cluster: Cluster) -> None:
    took = await wait_until(
        "first round", lambda: _round_done(cluster, {}), STARTUP + ROUND, cluster.children
    )
    site = cluster.site
    assert _list_hits(site) == dict.fromkeys(source_ids(), 1)
    assert all(site.hits[p] == 1 for p in site.all_article_paths()), site.hits
    assert max(site.most_at_once.values()) == 1
    now = await stored(await cluster.db())
    assert now.rows == now.entry_ids == len(site.all_article_paths())
    print(f"first round: {len(source_ids())} sources in {took:.1f}s after the webs were ready")


def _feed_paths() -> list[str]:
    return [
        "/feeds/latest.atom",
        "/feeds/latest.json",
        f"/feeds/categories/{quote('集群')}.atom",
        *(f"/feeds/sources/{sid}.atom" for sid in source_ids()),
        *(f"/feeds/sources/{sid}.rss" for sid in source_ids()[:3]),
    ]


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, str, bytes]:
    async with http.get(url, headers={"Accept-Encoding": "gzip"}) as response:
        return response.status, response.headers.get("ETag", ""), await response.read()


async def _replicas_answer_the_same(cluster: Cluster, http: aiohttp.ClientSession) -> None:
    one, two = cluster.webs
    for path in _feed_paths():
        first = await _get(http, one.url + path)
        second = await _get(http, two.url + path)
        assert first[0] == 200, (path, first[:2])
        assert first == second, f"{path}: replicas differ: {first[:2]} vs {second[:2]}"


async def _a_commit_is_visible_on_both_replicas_within_a_second(
    cluster: Cluster, http: aiohttp.ClientSession
) -> None:
    """Both replicas are asked all along (so each remembers the old version until told
    otherwise) while the database is watched for the worker's commit."""
    store = await cluster.db()
    path = "/feeds/latest.atom"
    before = {(await _get(http, web.url + path))[1] for web in cluster.webs}
    assert len(before) == 1
    new_url = cluster.site_url + cluster.site.add_article("s00")
    async with store.engine.begin() as conn:  # due now: the NOTIFY wakes a scheduler
        await conn.exec_driver_sql("UPDATE sources SET next_check_at = now() WHERE id = 's00'")
    made_due = time.monotonic()
    seen: dict[str, float] = {}
    deadline = time.monotonic() + ROUND
    while len(seen) < 3 and time.monotonic() < deadline:
        for web in cluster.webs:
            if web.url not in seen and (await _get(http, web.url + path))[1] not in before:
                seen[web.url] = time.monotonic()
        if "commit" not in seen:
            async with store.engine.connect() as conn:
                found = await conn.execute(STORED, {"url": new_url})
                if found.scalar():
                    seen["commit"] = time.monotonic()
        await asyncio.sleep(0.01)
    assert "commit" in seen, "the worker never committed the new article"
    claimed_in = seen["commit"] - made_due
    print(f"made due → committed in {claimed_in:.3f}s (the beat is {SCHEDULER_TICK}s)")
    assert claimed_in < 1.5, "the change signal did not wake a scheduler"
    lags = [round(seen.get(web.url, deadline) - seen["commit"], 3) for web in cluster.webs]
    print(f"commit visible on the replicas after {lags}s")
    assert max(lags) < VISIBLE_WITHIN, lags
    await _replicas_answer_the_same(cluster, http)


async def _a_killed_worker_loses_nothing(cluster: Cluster) -> None:
    site, store = cluster.site, await cluster.db()
    before_hits = Counter(site.hits)
    before = await stored(store)
    for sid in source_ids():
        site.add_article(sid)
    held = f"/{HELD_SOURCE}/{len(site.articles[HELD_SOURCE])}.html"
    site.hold(held)
    async with store.engine.begin() as conn:  # a second round: everything due now
        await conn.exec_driver_sql("UPDATE sources SET next_check_at = now()")
    await wait_until("the held fetch", lambda: _is_set(site.entered), ROUND, cluster.children)
    leases = (await stored(store)).lease_pids
    victim = next(w for w in cluster.workers if w.pid == leases[HELD_SOURCE])
    interrupted = {sid for sid, pid in leases.items() if pid == victim.pid}
    victim.process.send_signal(signal.SIGKILL)
    await asyncio.to_thread(victim.process.wait, 10)
    killed_at = time.monotonic()
    cluster.workers.remove(victim)
    cluster.retired.append(victim)
    site.release()

    finished: dict[str, float] = {}

    async def done() -> bool:
        now = await stored(store)
        for sid in interrupted:
            if sid not in finished and now.last_success[sid] != before.last_success[sid]:
                finished[sid] = time.monotonic() - killed_at
        return await _round_done(cluster, dict(before.last_success))

    await wait_until("the second round", done, ROUND, cluster.children)
    print(f"killed worker held {sorted(interrupted)}; finished by others after {finished}")
    assert max(finished.values()) < LEASE_SECONDS, finished
    after = await stored(store)
    assert after.rows == after.entry_ids == len(site.all_article_paths())  # none lost or twice
    hits = {sid: n - before_hits[f"/{sid}/"] for sid, n in _list_hits(site).items()}
    for sid in source_ids():  # once per round; a refresh cut short is done once more
        assert hits[sid] in ({1, 2} if sid in interrupted else {1}), (sid, hits[sid])
    assert max(site.most_at_once.values()) == 1, "two workers fetched one page at once"


async def _is_set(event: asyncio.Event) -> bool:
    return event.is_set()


@dataclass
class Load:
    """Clients fetching feeds from both replicas, each request on a new connection."""

    ok: Counter[str] = field(default_factory=Counter)
    refused: int = 0  # connection refused: a proxy tries the next replica
    dropped: list[str] = field(default_factory=list)  # anything else: a reader sees it
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, urls: list[str]) -> None:
        connector = aiohttp.TCPConnector(force_close=True)
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
            for url in itertools.cycle(urls):
                if self.stop.is_set():
                    return
                await self._one(http, url)

    async def _one(self, http: aiohttp.ClientSession, url: str) -> None:
        try:
            async with http.get(url) as response:
                body = await response.read()
                if response.status == 200 and body:
                    self.ok[_origin(url)] += 1
                else:
                    self.dropped.append(f"{url}: status {response.status}")
        except aiohttp.ClientConnectorError as exc:
            if not isinstance(exc.os_error, ConnectionRefusedError):
                self.dropped.append(f"{url}: {exc!r}")
            self.refused += 1
            await asyncio.sleep(0.01)
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.dropped.append(f"{url}: {exc!r}")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def _a_restarted_replica_drops_no_request(cluster: Cluster) -> None:
    one, two = cluster.webs
    paths = ["/feeds/latest.atom", "/feeds/sources/s01.atom", "/"]
    urls = [web.url + p for p in paths for web in (one, two)]
    load = Load()
    clients = [asyncio.create_task(load.run(urls[i:] + urls[:i])) for i in range(4)]
    try:
        await asyncio.sleep(1.0)
        before = load.ok[one.url]
        assert before > 0 and load.ok[two.url] > 0
        await asyncio.to_thread(one.child.stop)  # SIGTERM: a graceful stop, as systemd does
        cluster.retired.append(one.child)
        restarted = start_web("web1", cluster.database_url, cluster.logs, port=one.port)
        cluster.webs[0] = restarted
        await wait_until("restarted web", lambda: _ready(restarted), STARTUP, cluster.children)
        serving = load.ok[one.url]
        await asyncio.sleep(1.0)
    finally:
        load.stop.set()
        await asyncio.gather(*clients, return_exceptions=True)
    print(f"restart under load: answered {dict(load.ok)}, refused {load.refused}")
    assert load.ok[one.url] > serving, "the restarted replica answers"
    assert load.dropped == []
