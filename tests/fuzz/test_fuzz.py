"""Runs the atheris harness (fuzz_inputs.py) for a bounded time: the whole fuzz budget in
CI is FUZZ_SECONDS (FEEDSVC_TEST_FUZZ_SECONDS overrides, a name the settings loader
ignores; 0 skips). A finding fails the test with the crashing input; add it to the
regression tests and fix it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FUZZ_SECONDS = int(os.environ.get("FEEDSVC_TEST_FUZZ_SECONDS", "45"))

pytestmark = pytest.mark.fuzz


@pytest.mark.timeout(FUZZ_SECONDS + 120)
def test_fuzz_harness_finds_nothing(tmp_path: Path) -> None:
    pytest.importorskip("atheris", reason="atheris has wheels for Linux x86-64 only")
    if FUZZ_SECONDS <= 0:
        pytest.skip("FEEDSVC_TEST_FUZZ_SECONDS=0")
    corpus = tmp_path / "corpus"  # libFuzzer adds new inputs to the first directory
    corpus.mkdir()
    run = subprocess.run(
        [
            sys.executable,
            str(HERE / "fuzz_inputs.py"),
            f"-max_total_time={FUZZ_SECONDS}",
            "-timeout=20",  # one input taking this long is a finding (a hang)
            "-rss_limit_mb=2048",
            f"-dict={HERE / 'fuzz.dict'}",
            f"-artifact_prefix={tmp_path}/",
            "-print_final_stats=1",
            str(corpus),
            str(HERE / "seeds"),
        ],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=FUZZ_SECONDS + 100,
        check=False,
    )
    findings = sorted(p for p in tmp_path.iterdir() if p.is_file())
    details = "\n".join(f"{p.name}: {p.read_bytes()[:2000]!r}" for p in findings)
    assert run.returncode == 0 and not findings, f"{details}\n{run.stderr[-6000:]}"
    assert "Done " in run.stderr, run.stderr[-3000:]
