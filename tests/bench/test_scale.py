"""bench/scale.py runs end to end on a tiny N and prints its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "scale.py"


def test_scale_bench_runs_and_prints_the_table() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--sizes", "8", "--fill-timeout", "60"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| sqlite | 8 |" in done.stdout
    assert "Growth against the smallest N" in done.stdout
