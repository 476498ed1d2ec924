"""``bench/soak.py`` runs end to end for half a minute and prints its report."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from required_tool import required_tool

SOAK = Path(__file__).resolve().parents[2] / "bench" / "soak.py"
# The soak's summary row: | soak: … | requests/s | p50 | p99 | errors | refreshes (failed) |
_SOAK_ROW = re.compile(
    r"^\| soak: [^|]+\| ([\d,]+) \| ([\d.]+) \| ([\d.]+) \| (\d+) \| (\d+) \((\d+)\) \|$",
    re.MULTILINE,
)


@pytest.fixture
def wrk() -> str:
    return required_tool("wrk", "the soak smoke test")


@pytest.mark.timeout(110)
def test_half_a_minute_soak_prints_its_table(wrk: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDSVC_")}
    # 8 sources due every 30 s: they come due during the soak, so refreshes are counted.
    argv = [sys.executable, str(SOAK), "--minutes", "0.5", "--sources", "8", "--interval", "30"]
    done = subprocess.run(
        [*argv, "--baseline-seconds", "5", "--connections", "4"],
        capture_output=True,
        text=True,
        timeout=100,
        env=env,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "| minute | requests/s | p50 ms | p99 ms | errors | refreshes (failed) | RSS MB |" in out
    assert "| baseline: serve --role web" in out
    assert "| soak ÷ baseline |" in out
    row = _SOAK_ROW.search(out)
    assert row is not None, out
    rps, _p50, _p99, errors, refreshes, failed = row.groups()
    assert float(rps.replace(",", "")) > 0
    assert int(errors) == 0, out  # no non-2xx/3xx answer and no socket error
    assert int(refreshes) >= 1 and int(failed) == 0, out
    assert re.search(r"slope [+-]\d+\.\d\d MB/min", out), out
    assert "0 ERROR/Traceback lines" in out, out
