"""Test-only pauses at named points of a refresh, so crash tests can kill -9 a real process
at exactly that point (tests/crash/).

Inert unless the environment variable ``FEEDSVC_TEST_PAUSE_AT`` is set when the process
starts, as ``POINT=FLAG_FILE``: whenever the process reaches ``POINT`` it writes its PID
to ``FLAG_FILE`` (so the test knows where the process is) and then waits there for
``PAUSE_SECONDS`` before carrying on. Points:

- ``extract``: inside the extraction of an article page (in the parser thread or process);
- ``save``: inside ``Store.save_refresh``'s transaction, after its writes, before commit.

Settings ignore the ``FEEDSVC_TEST_`` prefix. Never set it in production: a paused save
holds the database's write lock.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

ENV_VAR = "FEEDSVC_TEST_PAUSE_AT"
POINTS = frozenset({"extract", "save"})
PAUSE_SECONDS = 60.0


def _parse(value: str | None) -> tuple[str, Path] | None:
    if not value:
        return None
    point, sep, flag = value.partition("=")
    if not sep or point not in POINTS or not flag:
        raise ValueError(
            f"{ENV_VAR}={value!r}: expected POINT=FLAG_FILE with POINT one of {sorted(POINTS)}"
        )
    return point, Path(flag)


_WANTED = _parse(os.environ.get(ENV_VAR))


def _arrived(point: str) -> bool:
    """True (once the flag file is written) when the process should pause at ``point``."""
    if _WANTED is None or _WANTED[0] != point:
        return False
    _WANTED[1].write_text(str(os.getpid()), encoding="utf-8")
    return True


def pause_point(point: str) -> None:
    """A blocking pause, for code that runs off the event loop."""
    if _arrived(point):
        time.sleep(PAUSE_SECONDS)


async def pause_point_async(point: str) -> None:
    """A pause that keeps the event loop running, for async code."""
    if _arrived(point):
        await asyncio.sleep(PAUSE_SECONDS)
