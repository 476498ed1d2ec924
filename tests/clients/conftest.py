"""Real clients against a real deployment: portal, ``feedsvc serve`` and ``feedsvc
refresh`` as subprocesses on loopback (the harness is bench/live.py, shared with the
serving benchmark)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from live import LiveDeployment
from required_tool import required_tool


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveDeployment]:
    """The demo portal refreshed once into a fresh database, served by one web process."""
    with LiveDeployment(tmp_path) as deployment:
        deployment.refresh()
        deployment.start_server()
        yield deployment


@pytest.fixture
def newsboat() -> str:
    """The newsboat binary: CI must have it (.ci/run installs it); elsewhere skip."""
    return required_tool("newsboat", "the newsboat client test")
