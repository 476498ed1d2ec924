"""Soak benchmark: ``feedsvc serve`` refreshing hundreds of sources under steady load.

    .venv/bin/python bench/soak.py [--minutes 10] [--sources 300] [--interval 60]

Starts a fake web of demo portals (bench/soakweb.py: one site per loopback address, four
category sources each, every third site publishing and editing articles), fills a fresh
SQLite database with one ``feedsvc refresh``, and then measures, with ``wrk`` cycling
through the latest feed, every category feed and a few source feeds (a third of the
requests gzipped):

1. baseline: ``feedsvc serve --role web`` (no scheduler, nothing refreshes);
2. soak: ``feedsvc serve --role all`` refreshing every source each ``--interval`` seconds,
   for ``--minutes``, wrk running a minute at a time.

The server's RSS and its children's (the extraction process) are sampled every few
seconds. The report: per minute requests/s, p50/p99 latency, errors (non-2xx/3xx and
socket errors), refreshes completed and RSS; the soak against the baseline (ratios); RSS
at start and end and its slope in MB per minute (least squares, from the first minute on:
the caches fill during the first). Everything listens on loopback, every process started
is stopped, and the run is bounded by ``--minutes``. Needs ``wrk`` on PATH. Not part of the
test suite (tests/bench/test_soak.py runs it for half a minute).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import yaml
from fakeweb import start_fake_web
from live import Child, clean_env, free_port, wait_http
from repeating import Repeating
from wrk import WrkReport, parse_wrk, process_rss_mb, process_tree

from feedsvc.demo.sources import demo_sources
from feedsvc.models import FetchStatus

CHUNK_SECONDS = 60.0  # wrk runs a minute at a time: one report row per minute
WRK_TIMEOUT = "5s"
START_SECONDS = 60.0


@dataclass(frozen=True)
class Sample:
    """RSS at ``seconds`` after the soak started: the server process, its children."""

    seconds: float
    server_mb: float
    children_mb: float

    @property
    def total_mb(self) -> float:
        return self.server_mb + self.children_mb


@dataclass(frozen=True)
class Minute:
    """One wrk chunk of the soak and what happened meanwhile."""

    end_seconds: float
    wrk: WrkReport
    refreshes: int
    refresh_errors: int
    rss: Sample


def rss_sample(pid: int, started: float) -> Sample:
    tree = process_tree(pid)
    children = sum(process_rss_mb(p) for p in tree[1:])
    return Sample(time.monotonic() - started, process_rss_mb(pid), children)


class RssSampler(Repeating):
    """Samples a process tree's RSS every ``every`` seconds in a thread until stopped."""

    def __init__(self, pid: int, started: float, every: float) -> None:
        super().__init__("rss-sampler")
        self.samples: list[Sample] = []
        self._pid, self._started, self._every = pid, started, every

    def step(self) -> float:
        self.samples.append(rss_sample(self._pid, self._started))
        return self._every


def slope_mb_per_minute(samples: list[Sample]) -> float:
    """Least-squares slope of total RSS over time, from the first minute on (all samples
    when the run is shorter than two minutes)."""
    steady = [s for s in samples if s.seconds >= 60.0]
    points = steady if len(steady) >= 3 else samples
    if len(points) < 2:
        return 0.0
    fit = statistics.linear_regression(
        [s.seconds / 60.0 for s in points], [s.total_mb for s in points]
    )
    return fit.slope


def sources_yaml(sites: list[str], count: int, interval: int) -> str:
    """``count`` sources: the four demo sources of each site, ids ``s{N}-{slug}``."""
    entries = []
    for index, site in enumerate(sites):
        for entry in demo_sources(site):
            slug = entry["id"].removeprefix("demo-")
            entry["id"] = f"s{index}-{slug}"
            entry["name"] = f"站点 {index} · {entry.get('category', slug)}"
            entry["interval"] = f"{interval}s"
            entries.append(entry)
    return yaml.safe_dump({"sources": entries[:count]}, allow_unicode=True, sort_keys=False)


def write_config(workdir: Path, sites: list[str], count: int, interval: int, port: int) -> Path:
    path = workdir / "sources.yaml"
    base = f"http://127.0.0.1:{port}"
    path.write_text(
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{workdir / 'feedsvc.db'}\n"
        f"  listen: 127.0.0.1:{port}\n"
        f"  public_url: {base}\n"
        "  timezone: Asia/Shanghai\n"
        "  log_level: INFO\n"
        # Enough claims per tick for hundreds of sources at a short interval.
        "  scheduler_tick: 1\n"
        "  claim_batch: 16\n" + sources_yaml(sites, count, interval),
        encoding="utf-8",
    )
    return path


def feed_paths(sources: int) -> list[str]:
    """What wrk asks for: the latest feed, each declared category's feed, a few source feeds."""
    categories = sorted({e["category"] for e in demo_sources("http://x") if "category" in e})
    some_sources = [f"s{i}-{slug}" for i, slug in ((0, "caijing"), (1, "shehui"), (2, "tiyu"))]
    paths = ["/feeds/latest.atom", "/feeds/latest.rss"]
    paths += [f"/feeds/categories/{quote(c, safe='')}.atom" for c in categories]
    paths += [f"/feeds/sources/{s}.atom" for s in some_sources[: max(1, sources // 4)]]
    return paths


def wrk_script(paths: list[str]) -> str:
    listed = ", ".join(f'"{p}"' for p in paths)
    return (
        f"local paths = {{{listed}}}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local path = paths[(n % #paths) + 1]\n"
        "  if n % 3 == 0 then\n"
        '    return wrk.format("GET", path, {["Accept-Encoding"] = "gzip"})\n'
        "  end\n"
        '  return wrk.format("GET", path)\n'
        "end\n"
    )


def run_wrk(base_url: str, script: Path, seconds: float, connections: int) -> WrkReport:
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:.0f}s", f"--timeout={WRK_TIMEOUT}"]
    argv += ["--latency", "-s", str(script), base_url]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return parse_wrk(done.stdout)


def refresh_runs(database: Path, after_id: int) -> tuple[int, int, int]:
    """(refreshes finished, of which failed, the last run id) since run id ``after_id``."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as db:
        row = db.execute(
            "SELECT count(*), coalesce(sum(status = ?), 0), coalesce(max(id), ?) "
            "FROM fetch_runs WHERE id > ?",
            (FetchStatus.FAILED.value, after_id, after_id),
        ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def start_serve(config: Path, workdir: Path, role: str, base_url: str) -> Child:
    server = Child.start(
        f"feedsvc serve --role {role}",
        [sys.executable, "-m", "feedsvc", "serve", "--config", str(config), "--role", role],
        workdir / f"serve-{role}.log",
        clean_env(),
    )
    try:
        wait_http(base_url + "/healthz", server, timeout=START_SECONDS)
    except BaseException:
        server.stop()
        raise
    return server


@dataclass(frozen=True)
class Plan:
    minutes: float
    sources: int
    interval: int
    connections: int
    baseline_seconds: float
    sample_every: float


def soak(plan: Plan, workdir: Path) -> int:
    portals = math.ceil(plan.sources / 4)
    args = ["--portals", str(portals), "--change-every", str(plan.interval / 2)]
    web, sites = start_fake_web("soakweb.py", args, workdir)
    try:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        config = write_config(workdir, sites, plan.sources, plan.interval, port)
        database = workdir / "feedsvc.db"
        script = workdir / "feeds.lua"
        script.write_text(wrk_script(feed_paths(plan.sources)), encoding="utf-8")
        t0 = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "feedsvc", "refresh", "--config", str(config)],
            capture_output=True,
            env=clean_env(),
            timeout=30 * 60,
            check=True,
        )
        initial = time.monotonic() - t0
        _, _, last_run = refresh_runs(database, 0)
        server = start_serve(config, workdir, "web", base_url)
        try:
            baseline = run_wrk(base_url, script, plan.baseline_seconds, plan.connections)
        finally:
            server.stop()
        server = start_serve(config, workdir, "all", base_url)
        try:
            minutes, samples = soak_phase(plan, server.pid, base_url, script, database, last_run)
        finally:
            code = server.stop()
        log_tail = server.output()
    finally:
        web.stop()
    print_report(plan, initial, baseline, minutes, samples)
    problems = [line for line in log_tail.splitlines() if "Traceback" in line or " ERROR " in line]
    print(f"\nserver exit status {code}; {len(problems)} ERROR/Traceback lines in its log")
    for line in problems[:10]:
        print("  " + line)
    return 0


def soak_phase(
    plan: Plan, pid: int, base_url: str, script: Path, database: Path, last_run: int
) -> tuple[list[Minute], list[Sample]]:
    started = time.monotonic()
    end = started + plan.minutes * 60.0
    rows: list[Minute] = []
    with RssSampler(pid, started, plan.sample_every) as sampler:
        while (left := end - time.monotonic()) >= 1.0:
            report = run_wrk(base_url, script, min(CHUNK_SECONDS, left), plan.connections)
            count, failed, last_run = refresh_runs(database, last_run)
            rows.append(
                Minute(time.monotonic() - started, report, count, failed, rss_sample(pid, started))
            )
    return rows, sampler.samples


def print_report(
    plan: Plan, initial: float, baseline: WrkReport, minutes: list[Minute], samples: list[Sample]
) -> None:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"soak: {plan.sources} sources every {plan.interval}s, {plan.minutes:g} min, wrk "
        f"{plan.connections} connections; {os.cpu_count()} CPUs, load average {load}; "
        f"initial refresh {initial:.0f}s; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
    )
    print("| minute | requests/s | p50 ms | p99 ms | errors | refreshes (failed) | RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    start = samples[0] if samples else None
    if start is not None:
        print(f"| start | | | | | | {start.total_mb:.1f} |")
    for row in minutes:
        w = row.wrk
        print(
            f"| {row.end_seconds / 60:.1f} | {w.rps:,.0f} | {w.p50_ms:.2f} | {w.p99_ms:.2f} | "
            f"{w.errors} | {row.refreshes} ({row.refresh_errors}) | {row.rss.total_mb:.1f} |"
        )
    if not minutes:
        return
    rps = statistics.median(m.wrk.rps for m in minutes)
    p50 = statistics.median(m.wrk.p50_ms for m in minutes)
    p99 = max(m.wrk.p99_ms for m in minutes)
    errors = sum(m.wrk.errors for m in minutes)
    refreshes = sum(m.refreshes for m in minutes)
    failed = sum(m.refresh_errors for m in minutes)
    print(
        "\n| run | requests/s | p50 ms | p99 ms | errors | refreshes (failed) |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        f"| baseline: serve --role web, nothing refreshes ({plan.baseline_seconds:g}s) | "
        f"{baseline.rps:,.0f} | {baseline.p50_ms:.2f} | {baseline.p99_ms:.2f} | "
        f"{baseline.errors} | 0 |\n"
        f"| soak: serve --role all (median minute; p99 of the worst) | {rps:,.0f} | "
        f"{p50:.2f} | {p99:.2f} | {errors} | {refreshes} ({failed}) |\n"
        f"| soak ÷ baseline | {rps / baseline.rps:.2f}× | {p50 / baseline.p50_ms:.2f}× | "
        f"{p99 / baseline.p99_ms:.2f}× | | |"
    )
    end = minutes[-1].rss
    first = start or end
    print(
        f"\nRSS (server + children): start {first.total_mb:.1f} MB "
        f"({first.server_mb:.1f} + {first.children_mb:.1f}), end {end.total_mb:.1f} MB "
        f"({end.server_mb:.1f} + {end.children_mb:.1f}); slope "
        f"{slope_mb_per_minute(samples):+.2f} MB/min over {len(samples)} samples "
        f"every {plan.sample_every:g}s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=10.0, help="soak duration (10)")
    parser.add_argument("--sources", type=int, default=300, help="sources refreshed (300)")
    parser.add_argument(
        "--interval", type=int, default=60, help="each source's refresh interval, s (60)"
    )
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument(
        "--baseline-seconds", type=float, help="baseline wrk run (default: 10%% of the soak, 5-60)"
    )
    parser.add_argument("--sample-every", type=float, default=5.0, help="RSS sampling, s (5)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    if args.minutes <= 0 or args.sources < 1 or args.interval < 30 or args.connections < 1:
        parser.error("need --minutes > 0, --sources >= 1, --interval >= 30, --connections >= 1")
    baseline = args.baseline_seconds or min(60.0, max(5.0, args.minutes * 6.0))
    plan = Plan(
        args.minutes, args.sources, args.interval, args.connections, baseline, args.sample_every
    )
    with tempfile.TemporaryDirectory(prefix="feedsvc-soak-") as tmp:
        return soak(plan, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
