"""A busy port ends ``serve`` and ``demo`` at once: one line naming the address, exit 1,
nothing started and nothing written. A ``--workers`` deployment holds its port against a
second one (listener.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import free_port

HANG_LIMIT = 30  # the bug was a hang; the real figure (well under 2 s) is printed below


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port some other program listens on (no SO_REUSEPORT, as most servers)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


def _env(tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDSVC_")}
    env["FEEDSVC_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/db/feedsvc.db"
    env["FEEDSVC_LISTEN"] = f"127.0.0.1:{port}"
    return env


def _run(tmp_path: Path, port: int, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "feedsvc", *args],
        cwd=tmp_path,
        env=_env(tmp_path, port),
        capture_output=True,
        text=True,
        timeout=HANG_LIMIT,
        check=False,
    )
    return done, time.monotonic() - t0


def _assert_refused(done: subprocess.CompletedProcess[str], port: int, elapsed: float) -> None:
    print(f"refused in {elapsed:.2f}s: {done.stderr.strip()}")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"127.0.0.1:{port}" in lines[0]
    assert "already in use" in lines[0]


@pytest.mark.parametrize("extra", [[], ["--role", "web"], ["--workers", "2"]])
def test_serve_on_a_busy_port_exits_with_one_line_and_writes_nothing(
    tmp_path: Path, busy_port: int, extra: list[str]
) -> None:
    done, elapsed = _run(tmp_path, busy_port, "serve", *extra)
    _assert_refused(done, busy_port, elapsed)
    assert not (tmp_path / "db").exists()  # no database opened, so nothing written


def test_demo_on_a_busy_feed_port(tmp_path: Path, busy_port: int) -> None:
    portal = free_port()
    done, elapsed = _run(
        tmp_path, busy_port, "demo", "--port", str(busy_port), "--portal-port", str(portal)
    )
    _assert_refused(done, busy_port, elapsed)
    assert not (tmp_path / "var").exists()  # not even the demo's sources file
    with socket.socket() as s:  # the portal port it bound first was let go
        s.bind(("127.0.0.1", portal))


def test_demo_on_a_busy_portal_port(tmp_path: Path, busy_port: int) -> None:
    done, elapsed = _run(
        tmp_path, busy_port, "demo", "--port", str(free_port()), "--portal-port", str(busy_port)
    )
    _assert_refused(done, busy_port, elapsed)
    assert not (tmp_path / "var").exists()


def _wait_healthy(port: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("first deployment never answered /healthz")


@pytest.mark.parametrize("second", [["--workers", "2"], []])
def test_a_second_deployment_cannot_share_a_workers_port(tmp_path: Path, second: list[str]) -> None:
    port = free_port()
    first_dir = tmp_path / "first"
    first_dir.mkdir()
    first = subprocess.Popen(
        [sys.executable, "-m", "feedsvc", "serve", "--role", "web", "--workers", "2"],
        cwd=first_dir,
        env=_env(first_dir, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_healthy(port, first)
        again = tmp_path / "second"
        again.mkdir()
        done, elapsed = _run(again, port, "serve", "--role", "web", *second)
        _assert_refused(done, port, elapsed)
        assert not (again / "db").exists()
    finally:
        first.terminate()
        first.communicate(timeout=60)
