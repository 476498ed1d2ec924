"""The per-deployment metrics directory of prometheus-client's multiprocess mode.

Every process of a deployment on one machine (``serve --workers N``, and separate
``--role web`` / ``--role worker`` processes with the same settings) writes its values to
``COUNTER-KIND_PID.db`` files in one directory; whichever process answers ``/metrics`` sums
them all. ``serve`` prepares the directory when it starts: it creates it (mode 0700) and
deletes the files of processes that no longer run (an earlier run, a crash), keeping the
files of live processes, such as a worker started separately next to the web server. When
it stops it deletes its own processes' files.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from feedsvc.config import Settings

log = logging.getLogger(__name__)


def metrics_directory(settings: Settings) -> Path:
    """``metrics_dir``, else a directory under the system temp directory named after the
    database, so every process of one deployment on this machine finds the same one."""
    if settings.metrics_dir:
        return Path(settings.metrics_dir)
    digest = hashlib.sha256(settings.database_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"feedsvc-metrics-{digest}"


def file_pid(path: Path) -> int | None:
    """The process id in a multiprocess file's name (``counter_1234.db`` → 1234)."""
    if path.suffix != ".db":
        return None
    tail = path.stem.rpartition("_")[2]
    return int(tail) if tail.isdigit() else None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, someone else's
    return True


def prepare_directory(directory: Path) -> None:
    """Create ``directory`` and delete the files of processes that are gone."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stale = [p for p in directory.iterdir() if (pid := file_pid(p)) and not process_alive(pid)]
    remove_files(stale)
    if stale:
        log.info("metrics: removed %d files of stopped processes from %s", len(stale), directory)


def remove_process_files(directory: Path, pids: Iterable[int | None]) -> None:
    """Delete the files written by ``pids`` (processes this deployment stopped)."""
    wanted = {pid for pid in pids if pid is not None}
    if directory.is_dir():
        remove_files(p for p in directory.iterdir() if file_pid(p) in wanted)


def remove_files(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
