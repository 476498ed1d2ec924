"""Scale benchmark: how many sources one machine keeps fresh, on SQLite and PostgreSQL.

    .venv/bin/python bench/scale.py [--sizes 1000,3000,10000] [--databases sqlite,postgres]
                                    [--quick] [--change 0.03]

For each database and each N: a fake web of N sources (bench/scaleweb.py: demo portals on
their own loopback addresses, list pages ~60 KB and articles ~45 KB, conditional GET with
ETag/304, 1 % of sites slow, 1 % failing), a fresh database (PostgreSQL: its own database,
dropped after; DSN from ``--postgres-dsn`` or FEEDSVC_TEST_POSTGRES_DSN), then real
processes: ``feedsvc migrate``, ``feedsvc serve --role worker`` and ``serve --role web``.

1. Fill: the worker's first refresh of every source (every article new; backfill).
2. Sweep: ``--change`` of the sources get a new article, then every source is made due at
   the same instant T and the worker refreshes them all (the rest answer 304), while a
   steady feed load (``LOAD_RPS`` requests/s over the latest, category and source feeds)
   measures what readers see. Lag = a refresh's start − T.

The sweep is the worst case of a schedule (everything due at once). The time it takes is
the shortest interval at which every source stays fresh: with any longer interval the
worker finishes each round before the next falls due, so the scheduler lag p99 stays below
the interval (the table shows the sweep's lag p99 too). Reported per N: refreshes/s, that
interval, CPU (cores busy during the sweep) and peak RSS per process (worker with its
extraction process, web), database size, feed latency, and each against the smallest N.
Where the time goes: each refresh's own length (p50/p99) and how many ran at once on
average (sum of lengths ÷ sweep): near ``refresh_slots`` with CPU to spare means the sweep
waits on the web (slow sites, per-host limits), not on the machine. Each row is printed to
stderr as soon as it is measured, so a failure later in the run loses nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fakeweb import start_fake_web
from live import Child, clean_env, free_port, wait_http
from repeating import Repeating
from scaledb import Database, Run
from soak import feed_paths, sources_yaml
from wrk import process_tree, process_tree_cpu

LOAD_RPS = 20.0  # steady feed requests per second during the sweep
START_SECONDS = 120.0


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]
    databases: tuple[str, ...]
    change: float
    articles: int
    fill_timeout: float
    sweep_timeout: float
    postgres_dsn: str | None


@dataclass
class Result:
    database: str
    sources: int
    fill_seconds: float = math.nan
    sweep_seconds: float = math.nan
    lag_p99: float = math.nan
    refresh_p50: float = math.nan  # one refresh's own length (finished − started), s
    refresh_p99: float = math.nan
    in_flight: float = math.nan  # refreshes running at once, on average over the sweep
    lists_changed: int = 0
    failed: int = 0
    worker_cpu: float = math.nan  # cores busy during the sweep (worker + its children)
    web_cpu: float = math.nan
    fakeweb_cpu: float = math.nan
    worker_rss: float = math.nan  # peak MB: worker process + its largest child
    web_rss: float = math.nan
    db_mb: float = math.nan
    articles: int = 0
    feed_p50: float = math.nan
    feed_p99: float = math.nan
    feed_errors: int = 0
    note: str = ""

    @property
    def rate(self) -> float:
        return self.sources / self.sweep_seconds if self.sweep_seconds else math.nan


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of one process in MB; 0 once it has exited."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def tree_peak_mb(pid: int) -> float:
    """Peak RSS of ``pid`` plus that of its largest child (the extraction process)."""
    children = [peak_rss_mb(p) for p in process_tree(pid)[1:]]
    return peak_rss_mb(pid) + max(children, default=0.0)


class FeedLoad(Repeating):
    """Requests the feeds at a steady rate in a thread; records latencies (ms)."""

    def __init__(self, base_url: str, paths: list[str], rps: float) -> None:
        super().__init__("feed-load")
        self.latencies: list[float] = []
        self.errors = 0
        self._urls = [base_url + p for p in paths]
        self._gap = 1.0 / rps
        self._sent = 0
        self._next_at = time.monotonic()

    def step(self) -> float:
        url = self._urls[self._sent % len(self._urls)]
        self._sent += 1
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                response.read()
            self.latencies.append((time.perf_counter() - started) * 1000)
        except OSError:
            self.errors += 1
        self._next_at += self._gap
        return self._next_at - time.monotonic()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


@dataclass
class FakeWeb:
    """bench/scaleweb.py running, steered through its stdin."""

    child: Child
    sites: list[str]

    @classmethod
    def start(cls, sources: int, articles: int, workdir: Path) -> FakeWeb:
        args = ["--sources", str(sources), "--articles", str(articles)]
        return cls(*start_fake_web("scaleweb.py", args, workdir, stdin=True))

    def command(self, line: str) -> dict[str, object]:
        stdin = self.child.process.stdin
        assert stdin is not None
        seen = len(self.child.output().splitlines())
        stdin.write(line.encode() + b"\n")
        stdin.flush()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self.child.check_alive()
            lines = self.child.output().splitlines()[seen:]
            for out in lines:
                if out.startswith("{"):
                    answer: dict[str, object] = json.loads(out)
                    return answer
            time.sleep(0.05)
        raise TimeoutError(f"the fake web did not answer {line!r}")


def write_config(workdir: Path, db: Database, sites: list[str], count: int, port: int) -> Path:
    path = workdir / "sources.yaml"
    path.write_text(
        "settings:\n"
        f"  database_url: {db.url}\n"
        f"  listen: 127.0.0.1:{port}\n"
        f"  public_url: http://127.0.0.1:{port}\n"
        "  timezone: Asia/Shanghai\n"
        "  allow_private_networks: true\n"
        "  log_level: WARNING\n"
        "  jitter: 0\n"
        "  scheduler_tick: 1\n" + sources_yaml(sites, count, 3600),
        # An hour: nothing falls due again by itself while the benchmark measures.
        encoding="utf-8",
    )
    return path


def feedsvc(*args: str, log: Path) -> Child:
    argv = [sys.executable, "-m", "feedsvc", *args]
    return Child.start(f"feedsvc {args[0]}", argv, log, clean_env())


def wait_until(what: str, done: object, timeout: float, *children: Child) -> float:
    """Poll ``done()`` every half second; seconds waited."""
    started = time.monotonic()
    while not (callable(done) and done()):
        for child in children:
            child.check_alive()
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{what}: not done after {timeout:.0f}s")
        time.sleep(0.5)
    return time.monotonic() - started


def measure(plan: Plan, kind: str, count: int, workdir: Path) -> Result:
    result = Result(kind, count)
    if kind == "postgres":
        assert plan.postgres_dsn is not None
        db = Database.postgres(plan.postgres_dsn, str(count))
    else:
        db = Database.sqlite(workdir)
    web = FakeWeb.start(count, plan.articles, workdir)
    children: list[Child] = []
    try:
        port = free_port()
        config = write_config(workdir, db, web.sites, count, port)
        migrate = subprocess.run(
            [sys.executable, "-m", "feedsvc", "migrate", "--config", str(config)],
            capture_output=True,
            text=True,
            env=clean_env(),
            timeout=START_SECONDS,
        )
        if migrate.returncode != 0:
            raise RuntimeError(f"feedsvc migrate failed:\n{migrate.stdout}{migrate.stderr}")
        worker = feedsvc("serve", "--config", str(config), "--role", "worker", log=workdir / "w")
        children.append(worker)
        result.fill_seconds = wait_until(
            "fill", lambda: db.sources_refreshed_after(0) >= count, plan.fill_timeout, worker
        )
        server = feedsvc("serve", "--config", str(config), "--role", "web", log=workdir / "s")
        children.append(server)
        base_url = f"http://127.0.0.1:{port}"
        wait_http(base_url + "/healthz", server, timeout=START_SECONDS)
        web.command(f"change {plan.change}")
        before = db.last_run_id()
        cpu0 = {c.pid: process_tree_cpu(c.pid) for c in (worker, server, web.child)}
        due = datetime.now(UTC)
        db.make_all_due(due)
        with FeedLoad(base_url, feed_paths(count), LOAD_RPS) as load:
            wait_until(
                "sweep",
                lambda: db.sources_refreshed_after(before) >= count,
                plan.sweep_timeout,
                worker,
                server,
            )
        runs = first_runs(db.runs_after(before))
        end = max(r.finished_at for r in runs)
        result.sweep_seconds = (end - due).total_seconds()
        lags = [(r.started_at - due).total_seconds() for r in runs]
        result.lag_p99 = percentile(lags, 0.99)
        lengths = [(r.finished_at - r.started_at).total_seconds() for r in runs]
        result.refresh_p50 = percentile(lengths, 0.50)
        result.refresh_p99 = percentile(lengths, 0.99)
        result.in_flight = sum(lengths) / result.sweep_seconds
        result.lists_changed = sum(1 for r in runs if r.status == "ok")
        result.failed = sum(1 for r in runs if r.status == "failed")
        busy = (datetime.now(UTC) - due).total_seconds()  # CPU was read before T: a bit over
        result.worker_cpu = (process_tree_cpu(worker.pid) - cpu0[worker.pid]) / busy
        result.web_cpu = (process_tree_cpu(server.pid) - cpu0[server.pid]) / busy
        result.fakeweb_cpu = (process_tree_cpu(web.child.pid) - cpu0[web.child.pid]) / busy
        result.worker_rss = tree_peak_mb(worker.pid)
        result.web_rss = tree_peak_mb(server.pid)
        result.feed_p50 = percentile(load.latencies, 0.50)
        result.feed_p99 = percentile(load.latencies, 0.99)
        result.feed_errors = load.errors
        result.articles = db.article_count()
        result.db_mb = db.size_mb()
    finally:
        for child in reversed(children):
            child.stop()
        web.child.stop()
        db.drop()
    return result


def first_runs(runs: list[Run]) -> list[Run]:
    """Each source's first run of the sweep."""
    seen: dict[str, Run] = {}
    for run in runs:
        seen.setdefault(run.source_id, run)
    return list(seen.values())


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}×" if base and not math.isnan(base) else "–"


def table(results: list[Result]) -> str:
    head = (
        "| database | N | fill s | sweep s (= shortest fresh interval) | refreshes/s | "
        "lag p99 s | refresh p50 / p99 s | in flight | lists changed | failed | "
        "worker CPU cores | web CPU | fake web CPU | "
        "worker peak RSS MB | web peak RSS MB | DB MB | articles | feed p50 / p99 ms |\n"
        + "| --- "
        + "| ---: " * 17
        + "|\n"
    )
    rows = []
    for r in results:
        rows.append(
            f"| {r.database} | {r.sources:,} | {r.fill_seconds:.0f} | {r.sweep_seconds:.1f} | "
            f"{r.rate:.1f} | {r.lag_p99:.1f} | {r.refresh_p50:.2f} / {r.refresh_p99:.1f} | "
            f"{r.in_flight:.1f} | {r.lists_changed} | {r.failed} | "
            f"{r.worker_cpu:.2f} | {r.web_cpu:.2f} | {r.fakeweb_cpu:.2f} | "
            f"{r.worker_rss:.0f} | {r.web_rss:.0f} | {r.db_mb:.1f} | {r.articles:,} | "
            f"{r.feed_p50:.1f} / {r.feed_p99:.1f} |"
        )
    growth = [
        "\nGrowth against the smallest N of the same database (N ratio first):\n",
        "| database | N | N × | sweep s × | worker CPU·s × | worker RSS × | DB MB × | "
        "feed p99 × |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        base = min((b for b in results if b.database == r.database), key=lambda b: b.sources)
        growth.append(
            f"| {r.database} | {r.sources:,} | {ratio(r.sources, base.sources)} | "
            f"{ratio(r.sweep_seconds, base.sweep_seconds)} | "
            f"{ratio(r.worker_cpu * r.sweep_seconds, base.worker_cpu * base.sweep_seconds)} | "
            f"{ratio(r.worker_rss, base.worker_rss)} | {ratio(r.db_mb, base.db_mb)} | "
            f"{ratio(r.feed_p99, base.feed_p99)} |"
        )
    return head + "\n".join(rows) + "\n" + "\n".join(growth)


def parse_plan(argv: list[str] | None) -> Plan:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", help="comma-separated source counts (1000,3000,10000)")
    parser.add_argument("--databases", help="sqlite,postgres (both; --quick: sqlite)")
    parser.add_argument("--quick", action="store_true", help="small sizes (40,120), SQLite")
    parser.add_argument("--change", type=float, default=0.03, help="share changed (0.03)")
    parser.add_argument("--articles", type=int, default=2, help="articles per list at start")
    parser.add_argument("--fill-timeout", type=float, default=3600.0)
    parser.add_argument("--sweep-timeout", type=float, default=3600.0)
    parser.add_argument("--postgres-dsn", default=os.environ.get("FEEDSVC_TEST_POSTGRES_DSN"))
    args = parser.parse_args(argv)
    default = "40,120" if args.quick else "1000,3000,10000"
    try:
        sizes = tuple(int(s) for s in (args.sizes or default).split(","))
    except ValueError:
        parser.error(f"--sizes: expected numbers separated by commas, got {args.sizes!r}")
    chosen = args.databases or ("sqlite" if args.quick else "sqlite,postgres")
    databases = tuple(d.strip() for d in chosen.split(","))
    if any(d not in ("sqlite", "postgres") for d in databases):
        parser.error(f"--databases: sqlite and/or postgres, got {chosen!r}")
    if "postgres" in databases and not args.postgres_dsn:
        parser.error("postgres needs --postgres-dsn or FEEDSVC_TEST_POSTGRES_DSN")
    if any(n < 4 for n in sizes) or not 0.0 <= args.change <= 1.0:
        parser.error("--sizes must be >= 4 each, --change within 0..1")
    return Plan(
        sizes,
        databases,
        args.change,
        args.articles,
        args.fill_timeout,
        args.sweep_timeout,
        args.postgres_dsn,
    )


def main(argv: list[str] | None = None) -> int:
    plan = parse_plan(argv)
    results: list[Result] = []
    started = datetime.now(UTC)
    for kind in plan.databases:
        for count in plan.sizes:
            with tempfile.TemporaryDirectory(prefix="feedsvc-scale-") as tmp:
                t0 = time.monotonic()
                results.append(measure(plan, kind, count, Path(tmp)))
                load = " ".join(f"{x:.1f}" for x in os.getloadavg())
                print(
                    f"{kind} N={count}: done in {time.monotonic() - t0:.0f}s, load {load}\n"
                    + table(results[-1:]).split("\n\n")[0],
                    file=sys.stderr,
                    flush=True,
                )
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"scale: {os.cpu_count()} CPUs, load average {load} at the end; "
        f"{started:%Y-%m-%d %H:%M} UTC; change {plan.change:.0%} per sweep, "
        f"{plan.articles} articles per list at start, feed load {LOAD_RPS:g} req/s\n"
    )
    print(table(results))
    print(f"\nmedian refreshes/s: {statistics.median(r.rate for r in results):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
