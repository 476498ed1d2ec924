"""What the soak and scale benchmarks' fake webs share (bench/soakweb.py, bench/scaleweb.py).

In the fake web's process: every site (an aiohttp application, usually a demo portal)
listens on its own loopback address (:func:`portal_host`), so per-host fetch limits apply
per site as on the web, and the process announces them on one line
``{"sites": ["http://HOST:PORT", ...]}`` (:func:`listening`). On the benchmark's side:
:func:`start_fake_web` starts that process and reads the line back.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from aiohttp import web
from live import Child, clean_env

BENCH = Path(__file__).resolve().parent
START_SECONDS = 120.0  # thousands of sites start slowly on a loaded 2-core machine
_ANNOUNCE = '{"sites"'


def portal_host(index: int) -> str:
    """The loopback address of site ``index`` (0 … 254 × 254 - 1): 127.0.1.1, 127.0.1.2, …
    (all of 127.0.0.0/8 is loopback)."""
    if not 0 <= index < 254 * 254:
        raise ValueError(f"portal index out of range: {index}")
    return f"127.0.{index // 254 + 1}.{index % 254 + 1}"


@contextlib.asynccontextmanager
async def listening(apps: Iterable[web.Application]) -> AsyncIterator[list[str]]:
    """Site ``i`` of ``apps`` on ``portal_host(i)`` (a free port), announced on stdout once
    all listen; every site is cleaned up when the block ends."""
    runners: list[web.AppRunner] = []
    sites: list[str] = []
    try:
        for index, app in enumerate(apps):
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            runners.append(runner)
            host = portal_host(index)
            await web.TCPSite(runner, host, 0).start()
            sites.append(f"http://{host}:{runner.addresses[0][1]}")
        print(json.dumps({"sites": sites}), flush=True)
        yield sites
    finally:
        for runner in runners:
            with contextlib.suppress(Exception):
                await runner.cleanup()


def start_fake_web(
    script: str, args: list[str], workdir: Path, *, stdin: bool = False
) -> tuple[Child, list[str]]:
    """``bench/<script>`` with ``args`` (its output in ``workdir/web.log``; ``stdin``: a pipe
    to steer it), once it has announced its sites; the child and the sites' base URLs."""
    argv = [sys.executable, str(BENCH / script), *args]
    pipe = subprocess.PIPE if stdin else None
    web_child = Child.start("fake web", argv, workdir / "web.log", clean_env(), stdin=pipe)
    deadline = time.monotonic() + START_SECONDS
    try:
        while time.monotonic() < deadline:
            web_child.check_alive()
            for line in web_child.output().splitlines():
                if line.startswith(_ANNOUNCE):
                    sites: list[str] = json.loads(line)["sites"]
                    return web_child, sites
            time.sleep(0.1)
    except BaseException:
        web_child.stop()
        raise
    web_child.stop()
    raise TimeoutError(f"the fake web did not start:\n{web_child.output()[-2000:]}")
