"""Serving benchmark: feedsvc against nginx serving the same bytes, on this machine.

    .venv/bin/python bench/serve.py [--seconds 2] [--rounds 3] [--connections 64]

Builds a temporary deployment (demo portal → ``feedsvc refresh`` → SQLite), starts
``feedsvc serve`` and nginx (a non-daemon child with a generated config, serving the
latest feed's bytes from a file, with the same worker count), and drives both with wrk on
loopback: the cached 50-entry feed, a 304 and a gzip request.

Method (see docs/performance.md): with one worker, the server under test (feedsvc, its
refresh and extraction processes, or nginx) runs on CPU 0 and wrk and the demo portal
(the outside world) on CPU 1, identically for both servers, so the ratio compares the
servers and not the scheduler's placement. Each scenario runs ``--rounds`` times,
alternating feedsvc and nginx (ABBA), and the medians and the range are reported, with the
server's CPU time per request (from /proc), which background load disturbs far less than
requests/s. ``--workers 2`` runs unpinned (two servers need both cores).

A cold render (empty render cache) is timed in-process, request by request, and the
feed's latency is measured while every demo source is refreshed: by a separate
``feedsvc refresh`` (at normal priority and under ``nice -n 10``) and by the scheduler of
``serve --role all`` (its extraction pool niced by ``extract_nice``). Needs ``wrk``,
``nginx`` and ``taskset`` on PATH. Every process it starts is stopped before it exits.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from live import Child, LiveDeployment, clean_env, free_port, pinned, wait_http
from wrk import parse_wrk, process_tree_cpu

FEED_PATH = "/feeds/latest.atom"
CATEGORIES = ("caijing", "shehui", "wenhua", "tiyu")
WARMUP_SECONDS = 1
COLD_RENDERS = 100
SERVER_CPU, CLIENT_CPU = "0", "1"
# Targets from the issue; each is printed with the measured figure.
CACHED_VS_NGINX = 0.4
CACHED_P99_MS = 10.0
COLD_RENDER_MS = 10.0
REFRESH_P99_MS = 50.0


@dataclass(frozen=True)
class Run:
    """One wrk run; ``cpu_us`` is the server's CPU time per request (None: not measured)."""

    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float | None


@dataclass(frozen=True)
class Result:
    """A scenario's rounds; figures are medians, ``ratios`` per round against nginx."""

    name: str
    runs: tuple[Run, ...]
    ratios: tuple[float, ...] = ()

    @property
    def rps(self) -> float:
        return statistics.median(r.rps for r in self.runs)

    @property
    def p50_ms(self) -> float:
        return statistics.median(r.p50_ms for r in self.runs)

    @property
    def p99_ms(self) -> float:
        return statistics.median(r.p99_ms for r in self.runs)

    @property
    def cpu_us(self) -> float | None:
        values = [r.cpu_us for r in self.runs if r.cpu_us is not None]
        return statistics.median(values) if values else None

    @property
    def ratio(self) -> float | None:
        return statistics.median(self.ratios) if self.ratios else None

    def row(self) -> str:
        ratio = ""
        if self.ratios:
            ratio = f"{self.ratio:.2f}× ({min(self.ratios):.2f}–{max(self.ratios):.2f})"
        cpu = f"{self.cpu_us:.0f}" if self.cpu_us is not None else ""
        p99s = sorted(r.p99_ms for r in self.runs)
        p99 = f"{self.p99_ms:.2f}" + (f" ({p99s[0]:.1f}–{p99s[-1]:.1f})" if len(p99s) > 1 else "")
        return f"| {self.name} | {self.rps:,.0f} | {self.p50_ms:.2f} | {p99} | {cpu} | {ratio} |"


def wrk(
    name: str,
    url: str,
    seconds: float,
    connections: int,
    headers: dict[str, str],
    *,
    server_pid: int | None = None,
    cpus: str | None = CLIENT_CPU,
) -> Run:
    argv = [*pinned(cpus), "wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    for header, value in headers.items():
        argv += ["-H", f"{header}: {value}"]
    cpu_before = process_tree_cpu(server_pid) if server_pid else 0.0
    done = subprocess.run(
        [*argv, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    cpu_after = process_tree_cpu(server_pid) if server_pid else 0.0
    try:
        report = parse_wrk(done.stdout)
    except ValueError as exc:
        raise RuntimeError(f"wrk {name}: {exc}") from None
    if report.errors:
        raise RuntimeError(f"wrk {name}: {report.errors} errors\n{done.stdout}")
    cpu_us = None
    if server_pid:
        cpu_us = (cpu_after - cpu_before) * 1e6 / max(1, report.requests)
    return Run(report.rps, report.p50_ms, report.p99_ms, cpu_us)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, b""


@dataclass(frozen=True)
class Target:
    label: str
    url: str
    pid: int  # the server's top process; its whole tree is charged for CPU time


def requests_for(target: Target) -> list[tuple[str, dict[str, str]]]:
    """Cached 200, 304 and gzip, after checking the server answers each as expected."""
    status, headers, _ = fetch(target.url)
    if status != 200:
        raise RuntimeError(f"{target.url} answered {status}")
    etag = headers["etag"]
    not_modified, _, _ = fetch(target.url, {"If-None-Match": etag})
    if not_modified != 304:
        raise RuntimeError(f"{target.url} answered {not_modified} to If-None-Match {etag}")
    _, zheaders, _ = fetch(target.url, {"Accept-Encoding": "gzip"})
    if zheaders.get("content-encoding") != "gzip":
        raise RuntimeError(f"{target.url} did not gzip: {zheaders}")
    return [
        ("cached 200", {}),
        ("304", {"If-None-Match": etag}),
        ("gzip 200", {"Accept-Encoding": "gzip"}),
    ]


def compare(
    ours: Target,
    theirs: Target,
    *,
    seconds: float,
    rounds: int,
    connections: int,
    cpus: str | None,
) -> list[Result]:
    """Each scenario ``rounds`` times, alternating the servers (ABBA), so that background
    load drifting during the bench falls on both alike."""
    our_requests, their_requests = requests_for(ours), requests_for(theirs)
    for target in (ours, theirs):
        wrk("warm-up", target.url, WARMUP_SECONDS, connections, {}, cpus=cpus)
    results = []
    for (scenario, our_headers), (_, their_headers) in zip(
        our_requests, their_requests, strict=True
    ):
        mine: list[Run] = []
        nginx: list[Run] = []
        for round_ in range(rounds):
            order = [(ours, our_headers, mine), (theirs, their_headers, nginx)]
            for target, headers, runs in order if round_ % 2 == 0 else order[::-1]:
                runs.append(
                    wrk(
                        f"{target.label} {scenario}",
                        target.url,
                        seconds,
                        connections,
                        headers,
                        server_pid=target.pid,
                        cpus=cpus,
                    )
                )
        ratios = tuple(m.rps / n.rps for m, n in zip(mine, nginx, strict=True))
        results.append(Result(f"{ours.label} {scenario}", tuple(mine), ratios))
        results.append(Result(f"{theirs.label} {scenario}", tuple(nginx)))
    return results


NGINX_CONF = """worker_processes {workers};
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    gzip_static on;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        default_type application/atom+xml;
        etag on;
    }}
}}
"""


def start_nginx(
    workdir: Path, body: bytes, gzip_body: bytes, workers: int, cpus: str | None
) -> tuple[Child, str]:
    root = workdir / f"nginx-{workers}"
    # nginx run by root drops its workers to an unprivileged user, who must read the file.
    workdir.chmod(0o755)
    (root / "www" / "feeds").mkdir(parents=True)
    (root / "tmp").mkdir()
    target = root / "www" / FEED_PATH.lstrip("/")
    # The very bytes feedsvc sends (identity and gzip), so both move the same data.
    target.write_bytes(body)
    target.with_name(target.name + ".gz").write_bytes(gzip_body)
    port = free_port()
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=workers, root=root, port=port), encoding="utf-8")
    nginx = Child.start(
        f"nginx ({workers} workers)",
        [
            *pinned(cpus),
            "nginx",
            "-c",
            str(conf),
            "-p",
            str(root),
            "-e",
            str(root / "error.log"),
        ],
        root / "stdout.log",
        clean_env(),
    )
    url = f"http://127.0.0.1:{port}{FEED_PATH}"
    wait_http(url, nginx)
    return nginx, url


async def cold_renders(live: LiveDeployment, count: int) -> list[float]:
    """Milliseconds per feed request with an empty render cache (in-process, real store).

    Each request finds the cache and the prepared answers empty, so it reads the entries
    and renders; what the fragment memo (feeds/fragments.py) keeps is kept, as it would be
    in a server whose feed just got a new version.
    """
    from aiohttp import ClientSession
    from aiohttp.test_utils import TestServer

    from feedsvc.config import load_config
    from feedsvc.store import Store
    from feedsvc.web import create_app
    from feedsvc.web.keys import CACHE_KEY, PREPARED_KEY

    config = load_config(live.config_path)
    store = await Store.open(config.settings.database_url)
    app = create_app(config.settings, reader=store)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    times = []
    try:
        async with ClientSession() as session:
            url = str(server.make_url(FEED_PATH))
            for _ in range(count + 5):
                app[CACHE_KEY].clear()
                app[PREPARED_KEY].clear()
                t0 = time.perf_counter()
                async with session.get(url) as response:
                    await response.read()
                    assert response.status == 200
                times.append((time.perf_counter() - t0) * 1000)
    finally:
        await server.close()
        await store.close()
    return times[5:]  # the first ones pay for imports, connection set-up, the first build


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def article_count(live: LiveDeployment) -> int:
    with sqlite3.connect(live.database) as db:
        count: int = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        return count


def under_load(
    name: str,
    live: LiveDeployment,
    seconds: float,
    connections: int,
    work: Callable[[], None],
) -> tuple[Result, str]:
    """The feed's latency while ``work`` (a refresh) runs beside it; the refresh's time."""
    for slug in CATEGORIES:
        for _ in range(5):
            live.publish(slug)  # new pages to fetch, extract and store: a real refresh
    before = article_count(live)
    took: list[float] = []

    def run() -> None:
        time.sleep(0.3)  # let wrk connect first
        t0 = time.monotonic()
        work()
        took.append(time.monotonic() - t0)

    worker = threading.Thread(target=run)
    worker.start()
    assert live.server is not None
    result = wrk(
        name, live.base_url + FEED_PATH, seconds, connections, {}, server_pid=live.server.pid
    )
    worker.join()
    new = article_count(live) - before
    summary = f"{new} new articles in {took[0]:.1f}s" if took else "the refresh failed"
    return Result(name, (result,)), summary


def separate_refresh(live: LiveDeployment, *, nice: int) -> Callable[[], None]:
    def work() -> None:
        live.refresh(nice=nice, cpus=SERVER_CPU)

    return work


def scheduled_refresh(live: LiveDeployment, expected: int, timeout: float = 30.0) -> None:
    """Make every source due now and wait until the scheduler of ``serve --role all`` has
    stored ``expected`` more articles."""
    target = article_count(live) + expected
    with sqlite3.connect(live.database) as db:
        db.execute("UPDATE sources SET next_check_at = '2000-01-01 00:00:00.000000'")
    deadline = time.monotonic() + timeout
    while article_count(live) < target:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the scheduler did not store {expected} new articles")
        time.sleep(0.1)


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2, help="per wrk run (2)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per scenario and server")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    args = parser.parse_args()
    missing = [tool for tool in ("wrk", "nginx", "taskset") if shutil.which(tool) is None]
    if missing:
        print(f"bench/serve.py needs {' and '.join(missing)} (apt-get install wrk nginx)")
        return 2
    if (os.cpu_count() or 1) < 2:
        print("bench/serve.py needs two CPUs (the server on one, wrk on the other)")
        return 2
    started = time.monotonic()
    seconds, conns, rounds = args.seconds, args.connections, args.rounds
    rows: list[Result] = []
    during: list[tuple[Result, str]] = []
    with tempfile.TemporaryDirectory(prefix="feedsvc-bench-") as tmp:
        workdir = Path(tmp)
        with LiveDeployment(workdir, access_log=False, portal_cpus=CLIENT_CPU) as live:
            for slug in CATEGORIES:
                live.publish(slug)  # 52 articles: the latest feed shows its full 50
            live.refresh()
            for workers in (1, 2):
                cpus = SERVER_CPU if workers == 1 else None
                server = live.start_server(workers=workers, cpus=cpus)
                if workers > 1:
                    _wait_workers(live, workers)
                url = live.base_url + FEED_PATH
                _, _, body = fetch(url)
                entries = body.count(b"<entry>")
                _, _, gz = fetch(url, {"Accept-Encoding": "gzip"})
                nginx, nginx_url = start_nginx(workdir, body, gz, workers, cpus)
                try:
                    rows += compare(
                        Target(f"feedsvc --workers {workers}", url, server.pid),
                        Target(f"nginx {workers} worker(s)", nginx_url, nginx.pid),
                        seconds=seconds,
                        rounds=rounds,
                        connections=conns,
                        cpus=CLIENT_CPU if workers == 1 else None,
                    )
                finally:
                    nginx.stop()
                if workers == 1:
                    cold = asyncio.run(cold_renders(live, COLD_RENDERS))
                    for nice in (0, 10):
                        label = " (nice 10)" if nice else ""
                        during.append(
                            under_load(
                                f"during `feedsvc refresh`{label}, cached 200",
                                live,
                                seconds + 2,
                                conns,
                                separate_refresh(live, nice=nice),
                            )
                        )
                live.stop_server()
            # The scheduler and its extraction pool in the serving process, all on CPU 0;
            # nothing is due until under_load's refresh says so.
            with sqlite3.connect(live.database) as db:
                db.execute("UPDATE sources SET next_check_at = '2100-01-01 00:00:00.000000'")
            live.start_server(role="all", cpus=SERVER_CPU, env={"FEEDSVC_SCHEDULER_TICK": "0.2"})
            fetch(live.base_url + FEED_PATH)
            during.append(
                under_load(
                    "during a scheduled refresh (`serve --role all`), cached 200",
                    live,
                    seconds + 2,
                    conns,
                    lambda: scheduled_refresh(live, 5 * len(CATEGORIES)),
                )
            )
            live.stop_server()

    print(f"\nfeed: {FEED_PATH}, {entries} entries, {len(body):,} bytes ({len(gz):,} gzipped)")
    print(
        f"wrk: 2 threads, {conns} connections, {seconds:g}s per run, {rounds} rounds (ABBA); "
        f"one worker: servers on CPU {SERVER_CPU}, wrk and the portal on CPU {CLIENT_CPU}\n"
    )
    print(
        "| run | requests/s | p50 ms | p99 ms (range) | server CPU µs/request | vs nginx (range) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for result in rows:
        print(result.row())
    for result, _ in during:
        print(result.row())
    cold_p50, cold_p99 = statistics.median(cold), percentile(cold, 99)
    print(
        f"\ncold render ({len(cold)} requests, empty render cache, in-process): "
        f"p50 {cold_p50:.2f} ms, p99 {cold_p99:.2f} ms"
    )
    for result, summary in during:
        print(f"{result.name}: {summary}")

    by_name = {r.name: r for r in rows}
    cached = by_name["feedsvc --workers 1 cached 200"]
    not_modified = by_name["feedsvc --workers 1 304"]
    ratio = cached.ratio or 0.0
    print("\ntargets (feedsvc --workers 1):")
    ok = verdict(ratio >= CACHED_VS_NGINX)
    print(f"- cached feed ≥ {CACHED_VS_NGINX}× nginx: {ratio:.2f}× — {ok}")
    print(
        f"- cached p99 < {CACHED_P99_MS:g} ms at {conns} connections: "
        f"{cached.p99_ms:.2f} ms — {verdict(cached.p99_ms < CACHED_P99_MS)}"
    )
    print(
        f"- 304 at least as fast as 200: {not_modified.rps:,.0f} vs {cached.rps:,.0f} req/s — "
        f"{verdict(not_modified.rps >= cached.rps)}"
    )
    print(
        f"- cold render ≤ {COLD_RENDER_MS:g} ms: p50 {cold_p50:.2f} ms, p99 {cold_p99:.2f} ms "
        f"— {verdict(cold_p50 <= COLD_RENDER_MS)}"
    )
    for result, _ in during:
        print(
            f"- p99 {result.name.removesuffix(', cached 200')} < {REFRESH_P99_MS:g} ms: "
            f"{result.p99_ms:.2f} ms — {verdict(result.p99_ms < REFRESH_P99_MS)}"
        )
    print(f"\nbench took {time.monotonic() - started:.0f}s")
    return 0


def _wait_workers(live: LiveDeployment, count: int, timeout: float = 20.0) -> None:
    assert live.server is not None
    deadline = time.monotonic() + timeout
    while live.server.output().count("serving feeds on") < count:
        live.server.check_alive()
        if time.monotonic() > deadline:
            raise TimeoutError(live.server.output())
        time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(main())
