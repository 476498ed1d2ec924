"""A real deployment on loopback, as separate processes: the demo portal, ``feedsvc serve``
and ``feedsvc refresh`` against one SQLite database in a temporary folder.

Used by the serving benchmark (bench/serve.py) and the real-client tests (tests/clients/).
Everything binds 127.0.0.1 on free ports; every process started here is stopped by
:meth:`LiveDeployment.close` (SIGTERM, then SIGKILL after a grace period).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from feedsvc.demo.sources import demo_sources_yaml

STARTUP_SECONDS = 60.0  # generous: a loaded 2-core machine starts a server and its parser slowly
STOP_SECONDS = 10.0
REFRESH_SECONDS = 90.0
# Our access log line (feedsvc.service.ACCESS_LOG_FORMAT), parsed back.
_ACCESS = re.compile(
    r'"(?P<method>[A-Z]+) (?P<target>\S+) HTTP/[0-9.]+" (?P<status>\d{3}) (?P<size>\S+) '
    r"inm=(?P<inm>.*) ims=(?P<ims>.*) pid=<?(?P<pid>\d+)>?$",
    re.MULTILINE,
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def pinned(cpus: str | None) -> list[str]:
    """The argv prefix that runs a command on ``cpus`` only (``taskset -c``); [] for any."""
    return ["taskset", "-c", cpus] if cpus else []


def fd_limited(nofile: int | None) -> list[str]:
    """The argv prefix that runs a command with at most ``nofile`` open files (soft and
    hard ``RLIMIT_NOFILE``, via util-linux ``prlimit``); [] for the inherited limit."""
    return ["prlimit", f"--nofile={nofile}:{nofile}", "--"] if nofile else []


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without FEEDSVC_* (an unknown one is a config error in the child)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDSVC_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class AccessRecord:
    method: str
    target: str
    status: int
    if_none_match: str  # "-" when the request had none
    if_modified_since: str
    pid: int


def parse_access_log(text: str) -> list[AccessRecord]:
    return [
        AccessRecord(m["method"], m["target"], int(m["status"]), m["inm"], m["ims"], int(m["pid"]))
        for m in _ACCESS.finditer(text)
    ]


@dataclass
class Child:
    """A subprocess whose output goes to a log file, stopped by SIGTERM."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] = field(repr=False)

    @classmethod
    def start(
        cls,
        name: str,
        argv: list[str],
        log_path: Path,
        env: dict[str, str],
        *,
        stdin: int | None = None,
    ) -> Child:
        """Start ``argv``; ``stdin=subprocess.PIPE`` leaves ``process.stdin`` to write to."""
        log = log_path.open("wb")
        process = subprocess.Popen(argv, stdin=stdin, stdout=log, stderr=subprocess.STDOUT, env=env)
        return cls(name, process, log_path, log)

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def check_alive(self) -> None:
        code = self.process.poll()
        if code is not None:
            raise RuntimeError(f"{self.name} exited with {code}:\n{self.output()[-3000:]}")

    def stop(self, timeout: float = STOP_SECONDS) -> int:
        """SIGTERM, wait, SIGKILL if it hangs; the exit status (negative: killed)."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


def wait_http(url: str, child: Child, timeout: float = STARTUP_SECONDS) -> None:
    """Until ``url`` answers at all (any status), or fail with the child's output."""
    deadline = time.monotonic() + timeout
    while True:
        child.check_alive()
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{child.name} did not answer {url} within {timeout}s:\n{child.output()}"
                ) from None
            time.sleep(0.05)


class LiveDeployment:
    """Portal + sources file + database in ``workdir``; ``serve`` and ``refresh`` on demand.

    The server runs with role ``web`` by default, so articles change only when
    :meth:`refresh` runs (as ``feedsvc refresh`` would from cron in a real deployment).
    """

    def __init__(
        self,
        workdir: Path,
        *,
        access_log: bool = True,
        seed: int = 1,
        portal_cpus: str | None = None,
    ) -> None:
        self.workdir = workdir
        self.portal_port = free_port()
        self.port = free_port()
        self.portal_url = f"http://127.0.0.1:{self.portal_port}"
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.config_path = workdir / "sources.yaml"
        self.database = workdir / "feedsvc.db"
        self.config_path.write_text(
            f"settings:\n"
            f"  database_url: sqlite+aiosqlite:///{self.database.resolve()}\n"
            f"  listen: 127.0.0.1:{self.port}\n"
            f"  public_url: {self.base_url}\n"
            f"  timezone: Asia/Shanghai\n"
            f"  access_log: {'true' if access_log else 'false'}\n"
            f"  log_level: INFO\n" + demo_sources_yaml(self.portal_url),
            encoding="utf-8",
        )
        self.server: Child | None = None
        # No automatic publishing or editing: the caller decides when the portal changes.
        self.portal = Child.start(
            "demo portal",
            [
                *pinned(portal_cpus),
                sys.executable,
                "-m",
                "feedsvc.demo.portal",
                "--port",
                str(self.portal_port),
                "--seed",
                str(seed),
                "--publish-every",
                "1e9",
                "--edit-every",
                "1e9",
                "--control",
            ],
            workdir / "portal.log",
            clean_env(),
        )
        try:
            wait_http(self.portal_url + "/robots.txt", self.portal)
        except BaseException:
            self.portal.stop()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def feedsvc(
        self,
        *args: str,
        timeout: float = REFRESH_SECONDS,
        nice: int = 0,
        cpus: str | None = None,
    ) -> str:
        """Run ``feedsvc ARGS --config …`` to completion; its output, or raise with it.

        ``nice`` > 0 runs it at a lower CPU priority, as a cron job beside a server would;
        ``cpus`` pins it (and its extraction processes) to those CPUs (taskset list).
        """
        argv = [sys.executable, "-m", "feedsvc", *args, "--config", str(self.config_path)]
        if nice:
            argv = ["nice", "-n", str(nice), *argv]
        argv = [*pinned(cpus), *argv]
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, env=clean_env(), check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"feedsvc {' '.join(args)} exited with {done.returncode}:\n"
                f"{done.stdout}\n{done.stderr}"
            )
        return done.stdout

    def refresh(self, *, nice: int = 0, cpus: str | None = None) -> str:
        return self.feedsvc("refresh", nice=nice, cpus=cpus)

    def publish(self, category_slug: str) -> dict[str, object]:
        """A new article in the portal now; its ground truth (id, title, url …)."""
        request = urllib.request.Request(
            f"{self.portal_url}/_demo/publish?category={category_slug}", method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            data: dict[str, object] = json.loads(response.read())
            return data

    def ground_truth(self) -> dict[str, object]:
        with urllib.request.urlopen(self.portal_url + "/_demo/state.json", timeout=10) as r:
            data: dict[str, object] = json.loads(r.read())
            return data

    def start_server(
        self,
        *,
        workers: int = 1,
        role: str = "web",
        cpus: str | None = None,
        env: dict[str, str] | None = None,
        nofile: int | None = None,
    ) -> Child:
        """``feedsvc serve``; ``cpus`` pins it and its children (taskset list), ``env`` adds
        variables (e.g. FEEDSVC_SCHEDULER_TICK), ``nofile`` caps its open files."""
        if self.server is not None:
            raise RuntimeError("the feed server is already running")
        self.server = Child.start(
            f"feedsvc serve --workers {workers}",
            [
                *pinned(cpus),
                *fd_limited(nofile),
                sys.executable,
                "-m",
                "feedsvc",
                "serve",
                "--config",
                str(self.config_path),
                "--role",
                role,
                "--workers",
                str(workers),
            ],
            self.workdir / "serve.log",
            clean_env(env),
        )
        wait_http(self.base_url + "/healthz", self.server)
        return self.server

    def wait_for_workers(self, count: int, timeout: float = 20.0) -> None:
        """Until ``count`` server processes have said they serve (``--workers``)."""
        server = self.server
        if server is None:
            raise RuntimeError("the feed server is not running")
        deadline = time.monotonic() + timeout
        while server.output().count("serving feeds on") < count:
            server.check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError(f"{count} workers did not start:\n{server.output()}")
            time.sleep(0.05)

    def stop_server(self) -> int:
        server, self.server = self.server, None
        return server.stop() if server is not None else 0

    def access_log(self) -> list[AccessRecord]:
        return parse_access_log(self.server.output() if self.server is not None else "")

    def wait_access_log(self, count: int, timeout: float = 5.0) -> list[AccessRecord]:
        """The access log once it holds ``count`` records: aiohttp writes a line only after
        the response has gone out, so the client can be faster than the log."""
        deadline = time.monotonic() + timeout
        while len(records := self.access_log()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return records

    def close(self) -> None:
        self.stop_server()
        self.portal.stop()
