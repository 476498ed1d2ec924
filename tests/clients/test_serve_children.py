"""``kill -9`` of ``feedsvc serve``: its extraction processes and multiprocessing's resource
tracker go with it, instead of running on as orphans."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from live import LiveDeployment
from process_support import children_of, running

GONE_WITHIN = 10.0  # seconds; the kernel's parent-death signal and EOFs take milliseconds


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_children_die_with_a_killed_server(tmp_path: Path) -> None:
    with LiveDeployment(tmp_path, access_log=False) as live:
        # Role all: the scheduler's extraction processes start before the port opens.
        # (extract_workers is 1 by default.)
        server = live.start_server(role="all")
        children = children_of(server.pid)
        extractors = [p for p, cmd in children.items() if "multiprocessing" in cmd]
        assert len(extractors) >= 2, children  # the extraction process + resource tracker
        assert any("resource_tracker" in cmd for cmd in children.values()), children

        os.kill(server.pid, signal.SIGKILL)
        server.process.wait(10)
        deadline = time.monotonic() + GONE_WITHIN
        while (left := [p for p in children if running(p)]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not left, {p: children[p] for p in left}
