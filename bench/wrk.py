"""What the benchmarks read back: wrk's report, and a process tree from /proc.

Shared by bench/serve.py and bench/soak.py.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

_RPS = re.compile(r"Requests/sec:\s+([0-9.]+)")
_TOTAL = re.compile(r"(\d+) requests in")
_PCT = re.compile(r"^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$", re.MULTILINE)
_NON_2XX_3XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class WrkReport:
    """One wrk run as it reported it (run with ``--latency``)."""

    rps: float
    requests: int
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int  # connect + read + write + timeout

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors


def parse_wrk(out: str) -> WrkReport:
    """wrk's printed report; ValueError when it is not there."""
    rps, total = _RPS.search(out), _TOTAL.search(out)
    pct = {p: float(v) * _UNIT_MS[u] for p, v, u in _PCT.findall(out)}
    if rps is None or total is None or set(pct) != {"50", "99"}:
        raise ValueError(f"cannot read wrk's output (was it run with --latency?):\n{out}")
    non_2xx = _NON_2XX_3XX.search(out)
    sockets = _SOCKET_ERRORS.search(out)
    return WrkReport(
        rps=float(rps.group(1)),
        requests=int(total.group(1)),
        p50_ms=pct["50"],
        p99_ms=pct["99"],
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def process_tree(pid: int) -> list[int]:
    """``pid`` and its live descendants (children of every thread), parents first."""
    found: list[int] = []
    pending = [pid]
    while pending:
        current = pending.pop(0)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # exited meanwhile
        found.append(current)
    return found


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of one process; 0 once it has exited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def process_rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (10^6 bytes); 0 once it has exited."""
    try:
        resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return resident * _PAGE_BYTES / 1e6


def process_tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and all its live descendants."""
    return sum(process_cpu_seconds(p) for p in process_tree(pid))
