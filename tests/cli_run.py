"""Running the real `feedsvc` command in tests: a free port, one subprocess call."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

PYTHON = sys.executable
TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_feedsvc(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m feedsvc ARGS`` in ``cwd``. The caller's ``FEEDSVC_*`` variables are left
    out, so only the sources file and ``env`` configure it."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("FEEDSVC_")}
    return subprocess.run(
        [PYTHON, "-m", "feedsvc", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**inherited, **(env or {})},
        check=False,
    )
