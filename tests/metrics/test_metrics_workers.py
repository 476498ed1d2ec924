"""``feedsvc serve --workers 2`` with metrics on: requests answered by either process are
all counted in one /metrics answer, whichever process gives it; the directory is cleared of
stopped processes' files."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from live import LiveDeployment
from metrics_support import samples, value

from feedsvc.metrics.directory import prepare_directory

REQUESTS = 40


def scrape(live: LiveDeployment) -> str:
    with urllib.request.urlopen(live.base_url + "/metrics", timeout=10) as response:
        assert response.status == 200
        text: str = response.read().decode()
        return text


def test_requests_over_both_workers_are_counted_in_one_answer(tmp_path: Path) -> None:
    directory = tmp_path / "metrics"
    with LiveDeployment(tmp_path) as live:
        live.refresh()
        env = {"FEEDSVC_METRICS": "true", "FEEDSVC_METRICS_DIR": str(directory)}
        server = live.start_server(workers=2, role="web", env=env)
        live.wait_for_workers(2)
        mark = len(live.access_log())
        for _ in range(REQUESTS):
            # A new connection each time, so the kernel picks a worker each time.
            with urllib.request.urlopen(live.base_url + "/feeds/latest.atom", timeout=10) as r:
                assert r.status == 200
                r.read()
        records = live.wait_access_log(mark + REQUESTS)[mark:]
        feed_pids = {r.pid for r in records if r.target == "/feeds/latest.atom"}
        assert len(feed_pids) == 2, records  # both processes answered feeds
        # Several scrapes, so each process answers at least one: every answer sums both.
        answered_by: set[int] = set()
        for _ in range(12):
            found = samples(scrape(live))
            latest = value(found, "feedsvc_http_requests_total", route="latest", status="200")
            assert latest == REQUESTS
            records = live.wait_access_log(len(live.access_log()))
            answered_by |= {r.pid for r in records if r.target == "/metrics"}
        assert answered_by == feed_pids
        assert any(directory.glob("counter_*.db"))
        assert live.stop_server() == 0
        assert "Traceback" not in server.output(), server.output()
    assert not any(directory.glob("*.db"))  # the supervisor deleted its workers' files


def test_prepare_keeps_live_processes_files_and_deletes_dead_ones(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(gone.stdout)
    live_pid = os.getpid()
    directory = tmp_path / "m"
    directory.mkdir()
    dead = directory / f"counter_{dead_pid}.db"
    alive = directory / f"histogram_{live_pid}.db"
    other = directory / "notes.txt"
    for path in (dead, alive, other):
        path.write_bytes(b"x")
    prepare_directory(directory)
    assert not dead.exists()
    assert alive.exists() and other.exists()
    prepare_directory(tmp_path / "new" / "dir")
    assert (tmp_path / "new" / "dir").is_dir()
