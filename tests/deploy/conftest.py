"""The shipped deploy/ files, run as shipped where this machine can (nginx, systemd,
the container entrypoint) and read and checked where it cannot (compose, Kubernetes)."""

from __future__ import annotations

import sys

from deploy_paths import ROOT

# bench/live.py starts the demo portal, `feedsvc refresh` and `feedsvc serve` for real.
sys.path.insert(0, str(ROOT / "bench"))
