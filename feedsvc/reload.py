"""Live reload of the sources file by a running ``serve`` (roles ``all`` and ``worker``).

The database is the runtime truth; the file is one way to fill it. Every
``scheduler_tick`` seconds the file's fingerprint (mtime, size and a hash of its bytes) is
compared with the last one seen, and SIGHUP asks for a reload at once. A reload validates
the whole file first: an invalid file, or one that would disable every enabled source
without ``serve --prune``, changes nothing and is logged once as one line naming
``FILE:LINE``. A valid one is synced (store/sources.py: only the entries that changed are
written) and the ids added, changed, enabled and disabled are logged. Schedulers in every
process claim from the database each tick, so they all see the result at their next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from feedsvc.adminmodels import SourceSync
from feedsvc.config import AppConfig, load_config
from feedsvc.errors import ConfigError, PruneRefusedError
from feedsvc.store import Store
from feedsvc.yamlfile import MAX_FILE_BYTES

log = logging.getLogger(__name__)

Fingerprint = tuple[int, int, str] | None  # (mtime ns, size, sha256); None: unreadable


def fingerprint(path: Path) -> Fingerprint:
    """Blocking (a stat and one read of at most MAX_FILE_BYTES): call it off the loop."""
    try:
        stat = path.stat()
        with path.open("rb") as file:
            digest = hashlib.sha256(file.read(MAX_FILE_BYTES + 1)).hexdigest()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, digest


class SourcesReloader:
    """Watches ``config.path`` and applies it to ``store`` when it changes or on request."""

    def __init__(
        self,
        config: AppConfig,
        store: Store,
        *,
        prune: bool,
        now: Callable[[], datetime],
    ) -> None:
        if config.path is None:
            raise ValueError("SourcesReloader needs a sources file")
        self._path: Path = config.path
        self._settings = config.settings
        self._store = store
        self._prune = prune
        self._now = now
        self._poll = config.settings.scheduler_tick
        self._seen: Fingerprint = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Remember the file as it is now (the caller has just synced it) and watch it."""
        self._seen = await asyncio.to_thread(fingerprint, self._path)
        self._task = asyncio.create_task(self._watch(), name="sources-reload")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def request(self) -> None:
        """Reload at once, changed or not (the SIGHUP handler)."""
        log.info("SIGHUP: reloading the sources file %s", self._path)
        self._wake.set()

    async def _watch(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)
            forced = self._wake.is_set()
            self._wake.clear()
            try:
                await self.check(forced=forced)
            except Exception:  # the database went away, …: try again at the next poll
                self._seen = None
                log.exception("sources file %s: reload failed; nothing changed", self._path)

    async def check(self, *, forced: bool = False) -> SourceSync | None:
        """Reload when the file changed since the last look (or ``forced``); the sync's
        report, or None when nothing was applied."""
        now_seen = await asyncio.to_thread(fingerprint, self._path)
        if now_seen == self._seen and not forced:
            return None
        self._seen = now_seen  # an invalid version is reported once, not every poll
        return await self.reload("SIGHUP" if forced else "the file changed")

    async def reload(self, why: str) -> SourceSync | None:
        try:
            config = await asyncio.to_thread(load_config, self._path)
        except ConfigError as exc:
            log.error(
                "sources file not reloaded (%s), nothing changed: %s", why, "; ".join(exc.problems)
            )
            return None
        try:
            report = await self._store.sync_sources(config.sources, self._now(), prune=self._prune)
        except PruneRefusedError as exc:
            log.error(
                "sources file %s not reloaded (%s), nothing changed: %s; start serve with "
                "--prune to allow it",
                self._path,
                why,
                exc,
            )
            return None
        log.info("sources file %s reloaded (%s): %s", self._path, why, report.summary())
        if config.settings != self._settings:
            log.warning("%s: its settings changed; they apply at the next restart", self._path)
        return report
