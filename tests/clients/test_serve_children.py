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

GONE_WITHIN = 10.0  # seconds; the kernel's parent-death signal and EOFs take milliseconds


def children_of(pid: int) -> dict[int, str]:
    """pid → command line of every live process whose parent is ``pid`` (from /proc)."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if int(fields[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (a container's init may never reap an orphan)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_children_die_with_a_killed_server(tmp_path: Path) -> None:
    with LiveDeployment(tmp_path, access_log=False) as live:
        # Role all: the scheduler's extraction processes start before the port opens.
        server = live.start_server(role="all", env={"FEEDSVC_EXTRACT_WORKERS": "2"})
        children = children_of(server.pid)
        extractors = [p for p, cmd in children.items() if "multiprocessing" in cmd]
        assert len(extractors) >= 3, children  # 2 extraction processes + resource tracker
        assert any("resource_tracker" in cmd for cmd in children.values()), children

        os.kill(server.pid, signal.SIGKILL)
        server.process.wait(10)
        deadline = time.monotonic() + GONE_WITHIN
        while (left := [p for p in children if running(p)]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not left, {p: children[p] for p in left}
