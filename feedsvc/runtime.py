"""Assembles the long-lived pieces (store, fetcher, parser pool) for the CLI and the server."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime

from feedsvc.config import AppConfig, Settings
from feedsvc.errors import ConfigError, PruneRefusedError, StoreError
from feedsvc.fetch import Fetcher
from feedsvc.redact import RedactingFormatter
from feedsvc.refresh.context import RefreshContext
from feedsvc.refresh.leases import parse_owner, release_dead_leases
from feedsvc.refresh.offload import Offloader
from feedsvc.store import Store
from feedsvc.websub import WebSubPublisher

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


_CHATTY_LIBRARIES = ("apscheduler", "alembic")


def configure_logging(settings: Settings, *, verbose: bool = False) -> None:
    """Log to stderr at ``log_level`` (DEBUG with ``verbose``, the CLI's ``-v``)."""
    handler = logging.StreamHandler(sys.stderr)
    # Every line, tracebacks included, with credentials in URLs redacted.
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(
        level="DEBUG" if verbose else settings.log_level.upper(), handlers=[handler]
    )
    # Libraries' INFO lines are noise to an operator: APScheduler logs every tick, Alembic
    # every migration step ("Context impl SQLiteImpl."). Our own loggers say what matters
    # (claims, refresh reports, "migrated to …"); DEBUG (`feedsvc -v`) shows everything.
    quiet = max(logging.WARNING, logging.root.level)
    if logging.root.level > logging.DEBUG:
        for name in _CHATTY_LIBRARIES:
            logging.getLogger(name).setLevel(quiet)


def auto_migrates(settings: Settings) -> bool:
    """Whether serve, refresh and sources import migrate the schema themselves
    (``auto_migrate``): by default only on SQLite, where one host runs everything; with
    PostgreSQL the operator runs ``feedsvc migrate`` once, before the new version starts."""
    if settings.auto_migrate == "always":
        return True
    if settings.auto_migrate == "never":
        return False
    return settings.database_url.startswith("sqlite")


async def open_database(
    config: AppConfig, *, migrate: bool, read_only: bool = False, check: bool = True
) -> Store:
    """``Store.open``; a database that cannot be opened, or whose schema is not this code's
    (when not ``migrate``), is a ConfigError naming the setting (``FILE:LINE:
    settings.database_url: cannot open the database …``), so the CLI exits 2."""
    try:
        return await Store.open(
            config.settings.database_url, migrate=migrate, read_only=read_only, check=check
        )
    except StoreError as exc:
        raise ConfigError(f"{config.origin('database_url')}: {exc}") from exc


@asynccontextmanager
async def open_store(
    config: AppConfig,
    *,
    migrate: bool,
    sync: bool = True,
    prune: bool = False,
    now: Callable[[], datetime] = utc_now,
) -> AsyncIterator[Store]:
    """The store, with the file's sources synced into it when ``sync`` and there is a file.

    A file that keeps none of the enabled sources is refused (ConfigError) unless ``prune``.
    """
    store = await open_database(config, migrate=migrate)
    try:
        if sync and config.path is not None:
            try:
                report = await store.sync_sources(config.sources, now(), prune=prune)
                if report.ids:
                    log.info("sources file %s applied: %s", config.path, report.summary())
            except PruneRefusedError as exc:
                raise ConfigError(
                    f"{config.path}: {exc}; to do that, run again with --prune"
                ) from exc
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def refresh_context(
    settings: Settings,
    store: Store,
    *,
    owner: str,
    now: Callable[[], datetime] = utc_now,
) -> AsyncIterator[RefreshContext]:
    me = parse_owner(owner)
    if me is not None:  # leases of this machine's dead processes: free them now
        await release_dead_leases(store, me)
    offloader = Offloader(
        settings.extract_workers,
        nice=settings.extract_nice,
        timeout=settings.extract_timeout,
        preload=("feedsvc.refresh.articles", "feedsvc.refresh.listscan"),  # what its jobs call
    )
    try:
        async with Fetcher(settings) as fetcher, AsyncExitStack() as stack:
            publisher = None
            if settings.websub_hub:
                publisher = await stack.enter_async_context(
                    WebSubPublisher(settings, store, fetcher=fetcher)
                )
            yield RefreshContext(
                settings=settings,
                store=store,
                fetcher=fetcher,
                offloader=offloader,
                owner=owner,
                now=now,
                on_feeds_changed=publisher.publish if publisher else None,
            )
    finally:
        offloader.close()
