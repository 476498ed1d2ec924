"""Serving benchmark: feedsvc against nginx serving the same bytes, on this machine.

    .venv/bin/python bench/serve.py [--seconds 3] [--connections 64]

Builds a temporary deployment (demo portal → ``feedsvc refresh`` → SQLite), starts
``feedsvc serve`` (``--workers 1``, then ``--workers 2``) and nginx (a non-daemon child
with a generated config, serving the latest feed's bytes from a file, with the same
worker count), and drives both with wrk on loopback: the cached 50-entry feed, a 304 and a
gzip request. A cold render (empty render cache) is timed in-process, request by request,
and the feed's p99 is measured while ``feedsvc refresh`` of every demo source runs.
Needs ``wrk`` and ``nginx`` on PATH (Debian: apt-get install wrk nginx). Every process it
starts is stopped before it exits. Not part of the test suite; see docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from live import Child, LiveDeployment, clean_env, free_port, wait_http

FEED_PATH = "/feeds/latest.atom"
WARMUP_SECONDS = 1
COLD_RENDERS = 100
# Targets from the issue; each is printed with the measured figure.
CACHED_VS_NGINX = 0.4
CACHED_P99_MS = 10.0
COLD_RENDER_MS = 10.0
REFRESH_P99_MS = 50.0

_WRK_RPS = re.compile(r"Requests/sec:\s+([0-9.]+)")
_WRK_PCT = re.compile(r"^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$", re.MULTILINE)
_WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float

    def row(self, ceiling: Result | None) -> str:
        ratio = f"{self.rps / ceiling.rps:.2f}×" if ceiling else ""
        return (
            f"| {self.name} | {self.rps:,.0f} | {self.p50_ms:.2f} | {self.p99_ms:.2f} | {ratio} |"
        )


def wrk(name: str, url: str, seconds: int, connections: int, headers: dict[str, str]) -> Result:
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header, value in headers.items():
        argv += ["-H", f"{header}: {value}"]
    done = subprocess.run(
        [*argv, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    out = done.stdout
    errors = [m.group(0) for m in _WRK_ERRORS.finditer(out)]
    if errors:
        raise RuntimeError(f"wrk {name}: {errors}\n{out}")
    rps = _WRK_RPS.search(out)
    pct = {p: float(v) * _UNIT_MS[u] for p, v, u in _WRK_PCT.findall(out)}
    if rps is None or set(pct) != {"50", "99"}:
        raise RuntimeError(f"cannot read wrk's output for {name}:\n{out}")
    return Result(name, float(rps.group(1)), pct["50"], pct["99"])


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, b""


def scenarios(
    label: str, url: str, seconds: int, connections: int, *, gzip_ok: bool = True
) -> list[Result]:
    """Cached 200, 304 and gzip against ``url`` (after a warm-up)."""
    status, headers, _ = fetch(url)
    if status != 200:
        raise RuntimeError(f"{url} answered {status}")
    etag = headers["etag"]
    not_modified, _, _ = fetch(url, {"If-None-Match": etag})
    if not_modified != 304:
        raise RuntimeError(f"{url} answered {not_modified} to If-None-Match {etag}")
    zipped, zheaders, _ = fetch(url, {"Accept-Encoding": "gzip"})
    if gzip_ok and zheaders.get("content-encoding") != "gzip":
        raise RuntimeError(f"{url} did not gzip: {zipped} {zheaders}")
    wrk("warm-up", url, WARMUP_SECONDS, connections, {})
    return [
        wrk(f"{label} cached 200", url, seconds, connections, {}),
        wrk(f"{label} 304", url, seconds, connections, {"If-None-Match": etag}),
        wrk(f"{label} gzip 200", url, seconds, connections, {"Accept-Encoding": "gzip"}),
    ]


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


def start_nginx(workdir: Path, body: bytes, gzip_body: bytes, workers: int) -> tuple[Child, str]:
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
        ["nginx", "-c", str(conf), "-p", str(root), "-e", str(root / "error.log")],
        root / "stdout.log",
        clean_env(),
    )
    url = f"http://127.0.0.1:{port}{FEED_PATH}"
    wait_http(url, nginx)
    return nginx, url


async def cold_renders(live: LiveDeployment, count: int) -> list[float]:
    """Milliseconds per feed request with an empty render cache (in-process, real store)."""
    from aiohttp import ClientSession
    from aiohttp.test_utils import TestServer

    from feedsvc.config import load_config
    from feedsvc.store import Store
    from feedsvc.web import create_app
    from feedsvc.web.keys import CACHE_KEY

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
                t0 = time.perf_counter()
                async with session.get(url) as response:
                    await response.read()
                    assert response.status == 200
                times.append((time.perf_counter() - t0) * 1000)
    finally:
        await server.close()
        await store.close()
    return times[5:]  # the first ones pay for imports and connection set-up


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def under_refresh(
    live: LiveDeployment, seconds: int, connections: int, *, nice: int = 0
) -> tuple[Result, str]:
    """The feed's latency while ``feedsvc refresh`` of every source runs beside it."""
    for slug in ("caijing", "shehui", "wenhua", "tiyu"):
        for _ in range(5):
            live.publish(slug)  # new pages to fetch, extract and store: a real refresh
    summary: list[str] = []

    def refresh() -> None:
        time.sleep(0.3)  # let wrk connect first
        t0 = time.monotonic()
        out = live.refresh(nice=nice).strip().splitlines()[-1]
        summary.append(f"{out} ({time.monotonic() - t0:.1f}s)")

    worker = threading.Thread(target=refresh)
    worker.start()
    name = f"during refresh{' (nice 10)' if nice else ''}, cached 200"
    result = wrk(name, live.base_url + FEED_PATH, seconds, connections, {})
    worker.join()
    return result, summary[0] if summary else "refresh did not finish"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="per wrk run (3)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    args = parser.parse_args()
    missing = [tool for tool in ("wrk", "nginx") if shutil.which(tool) is None]
    if missing:
        print(f"bench/serve.py needs {' and '.join(missing)} (apt-get install wrk nginx)")
        return 2
    started = time.monotonic()
    seconds, conns = args.seconds, args.connections
    with tempfile.TemporaryDirectory(prefix="feedsvc-bench-") as tmp:
        workdir = Path(tmp)
        with LiveDeployment(workdir, access_log=False) as live:
            for slug in ("caijing", "shehui", "wenhua", "tiyu"):
                live.publish(slug)  # 52 articles: the latest feed shows its full 50
            live.refresh()
            rows: list[tuple[Result, Result | None]] = []
            cold: list[float] = []
            for workers in (1, 2):
                live.start_server(workers=workers)
                if workers > 1:
                    _wait_workers(live, workers)
                url = live.base_url + FEED_PATH
                _, _, body = fetch(url)
                entries = body.count(b"<entry>")
                _, _, gz = fetch(url, {"Accept-Encoding": "gzip"})
                mine = scenarios(f"feedsvc --workers {workers}", url, seconds, conns)
                nginx, nginx_url = start_nginx(workdir, body, gz, workers)
                try:
                    theirs = scenarios(f"nginx {workers} worker(s)", nginx_url, seconds, conns)
                finally:
                    nginx.stop()
                rows += [(m, n) for m, n in zip(mine, theirs, strict=True)]
                rows += [(n, None) for n in theirs]
                if workers == 1:
                    cold = asyncio.run(cold_renders(live, COLD_RENDERS))
                    refreshing, refresh_summary = under_refresh(live, seconds + 1, conns)
                    niced, niced_summary = under_refresh(live, seconds + 1, conns, nice=10)
                live.stop_server()

    print(f"\nfeed: {FEED_PATH}, {entries} entries, {len(body):,} bytes ({len(gz):,} gzipped)")
    print(f"wrk: 2 threads, {conns} connections, {seconds:g}s per run, loopback\n")
    print("| run | requests/s | p50 ms | p99 ms | vs nginx (same workers) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for result, ceiling in rows:
        print(result.row(ceiling))
    print(refreshing.row(None))
    print(niced.row(None))
    cold_p50, cold_p99 = statistics.median(cold), percentile(cold, 99)
    print(
        f"\ncold render ({len(cold)} requests, empty render cache, in-process): "
        f"p50 {cold_p50:.2f} ms, p99 {cold_p99:.2f} ms"
    )
    print(f"refresh during the run: {refresh_summary}; niced: {niced_summary}")

    by_name = {r.name: r for r, _ in rows}
    cached, nginx1 = (
        by_name["feedsvc --workers 1 cached 200"],
        by_name["nginx 1 worker(s) cached 200"],
    )
    not_modified = by_name["feedsvc --workers 1 304"]
    ratio = cached.rps / nginx1.rps
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
        f"- cold render ≤ {COLD_RENDER_MS:g} ms: p50 {cold_p50:.2f} ms — "
        f"{verdict(cold_p50 <= COLD_RENDER_MS)}"
    )
    print(
        f"- p99 during a refresh < {REFRESH_P99_MS:g} ms: {refreshing.p99_ms:.2f} ms — "
        f"{verdict(refreshing.p99_ms < REFRESH_P99_MS)}; with the refresh at nice 10: "
        f"{niced.p99_ms:.2f} ms — {verdict(niced.p99_ms < REFRESH_P99_MS)}"
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
