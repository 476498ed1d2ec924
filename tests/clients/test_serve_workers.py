"""``feedsvc serve --workers 2``: two processes share the port and stop cleanly."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from live import LiveDeployment
from process_support import pid_alive

REQUESTS = 60


def test_two_workers_share_the_port_and_stop_on_sigterm(tmp_path: Path) -> None:
    with LiveDeployment(tmp_path) as live:
        live.refresh()
        # Role all: only worker 0 runs the scheduler, the other is a web worker.
        server = live.start_server(workers=2, role="all")
        live.wait_for_workers(2)
        bodies = set()
        mark = len(live.access_log())
        for _ in range(REQUESTS):
            # A new connection each time, so the kernel picks a worker each time.
            with urllib.request.urlopen(live.base_url + "/feeds/latest.atom", timeout=10) as r:
                assert r.status == 200
                bodies.add((r.headers["ETag"], r.read()))
        assert len(bodies) == 1  # every worker serves the same bytes under the same ETag
        with_scheduler = set()
        for _ in range(REQUESTS // 2):
            with urllib.request.urlopen(live.base_url + "/healthz", timeout=10) as r:
                with_scheduler.add(json.load(r).get("scheduler") != "not in this process")
        records = live.wait_access_log(mark + REQUESTS + REQUESTS // 2)[mark:]
        pids = {r.pid for r in records}
        assert len(pids) == 2, records
        assert server.process.pid not in pids  # the parent only supervises
        assert with_scheduler == {True, False}  # one worker has the scheduler, one has not

        assert live.stop_server() == 0
        output = server.output()
        assert "Traceback" not in output, output
        for pid in pids:
            assert not pid_alive(pid), f"worker {pid} outlived its parent"
