"""Store: the one gateway to the database. Every method is one short transaction."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from feedsvc.adminmodels import (
    AdminSource,
    ArticleFilter,
    ArticleSummary,
    AuditEntry,
    SourceChange,
    SourceSync,
)
from feedsvc.errors import StoreError
from feedsvc.models import (
    FeedInfo,
    FeedKey,
    FeedKind,
    FeedQuery,
    FeedVersion,
    FetchRun,
    KnownArticle,
    PageValidators,
    RefreshOutcome,
    SaveResult,
    SourceConfig,
    SourceState,
    StoredArticle,
)
from feedsvc.pause_points import pause_point_async
from feedsvc.store import admin as _admin
from feedsvc.store import articles as _articles
from feedsvc.store import categories as _categories
from feedsvc.store import feedlist as _feedlist
from feedsvc.store import feeds as _feeds
from feedsvc.store import migrate as _migrate
from feedsvc.store import runs as _runs
from feedsvc.store import sources as _sources
from feedsvc.store import templates as _templates
from feedsvc.store.engine import WRITE_OPTION, create_engine, hide_password
from feedsvc.store.templates import TemplateState

# Serialise `feedsvc migrate`, and sources-file syncs, run by several processes at once
# on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).
MIGRATION_LOCK_ID = 0x66656564  # "feed"
SYNC_LOCK_ID = 0x66656565

Dialect = Literal["sqlite", "postgresql"]


@dataclass(frozen=True)
class Migration:
    """What :meth:`Store.migrate` did: the revision before and after (equal: nothing)."""

    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _reason(exc: BaseException) -> str:
    """The driver's own words, one line: "file is not a database", "Connect call failed…"."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(inner).strip().splitlines()
    return text[0] if text else type(inner).__name__


class Store:
    """Async access to sources, articles and feeds on SQLite or PostgreSQL.

    Every datetime taken must be timezone-aware; every datetime returned is aware UTC.
    Writes on SQLite start with BEGIN IMMEDIATE and are queued in-process by a lock, so
    one writer at a time touches the file; other processes wait on the busy timeout.
    """

    def __init__(self, engine: AsyncEngine, database_url: str) -> None:
        name = engine.dialect.name
        if name not in ("sqlite", "postgresql"):
            raise StoreError(f"unsupported database dialect {name!r}")
        self._engine = engine
        self._database_url = database_url
        self._dialect: Dialect = "sqlite" if name == "sqlite" else "postgresql"
        self._write_lock = asyncio.Lock() if self._dialect == "sqlite" else None
        self.commits = 0  # write transactions this Store committed (web/versions.py)

    @classmethod
    async def open(
        cls,
        database_url: str,
        *,
        migrate: bool = False,
        read_only: bool = False,
        check: bool = True,
    ) -> Store:
        """Open, then migrate or check the schema (SchemaMismatchError); ``check=False``:
        only see that the database answers (``feedsvc migrate`` then migrates itself).
        Unreachable or unreadable databases raise StoreError naming the URL (password
        hidden). ``read_only``: the connections cannot write (SQLite ``mode=ro``,
        PostgreSQL read-only transactions); never with migrate.
        """
        if migrate and read_only:
            raise ValueError("a read-only store cannot migrate")
        store = cls(create_engine(database_url, read_only=read_only), database_url)
        try:
            if migrate:
                await store.migrate()
            elif check:
                await store.check_schema()
            else:
                await store.ping()
        except (DBAPIError, OSError) as exc:
            await store.close()
            raise StoreError(
                f"cannot open the database {hide_password(database_url)}: {_reason(exc)}"
            ) from exc
        except BaseException:
            await store.close()
            raise
        return store

    async def close(self) -> None:
        await self._engine.dispose()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def dialect(self) -> Dialect:
        return self._dialect

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    @contextlib.asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        async with self._engine.connect() as conn:
            yield conn

    @contextlib.asynccontextmanager
    async def _write(self, engine: AsyncEngine | None = None) -> AsyncIterator[AsyncConnection]:
        lock = self._write_lock or contextlib.nullcontext()
        async with lock, (engine or self._engine).connect() as conn:
            if self._dialect == "sqlite":
                await conn.execution_options(**{WRITE_OPTION: True})
            async with conn.begin():
                yield conn
            self.commits += 1

    # --- lifecycle ---------------------------------------------------------------------

    async def migrate(self) -> Migration:
        """Upgrade the schema to the newest revision in one transaction; a database already
        there is left as it is (``Migration.changed`` False). Several processes may run it
        at once: on PostgreSQL an advisory lock makes them take turns, and each reads the
        revision only once it holds the lock (SQLite: ``BEGIN IMMEDIATE`` does the same).
        A revision this code does not know (a newer feedsvc's) raises SchemaMismatchError
        and changes nothing."""
        engine = create_engine(self._database_url, for_migrations=True)
        try:
            async with self._write(engine) as conn:
                if self._dialect == "postgresql":
                    await conn.execute(
                        text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID}
                    )
                before = await conn.run_sync(_migrate.current_revision)
                status = _migrate.schema_status(before)
                if status is _migrate.SchemaStatus.UNKNOWN:
                    assert before is not None
                    raise _migrate.too_new_error(before)
                if status is _migrate.SchemaStatus.CURRENT:
                    return Migration(before, before)
                await conn.run_sync(_migrate.upgrade)
                if self._dialect == "sqlite":
                    # Foreign keys were off during the migration; refuse to commit one
                    # that broke them.
                    broken = (await conn.execute(text("PRAGMA foreign_key_check"))).all()
                    if broken:
                        raise StoreError(
                            f"migration left rows violating foreign keys: {broken[:10]}"
                        )
                return Migration(before, await conn.run_sync(_migrate.current_revision))
        finally:
            await engine.dispose()

    async def schema_revision(self) -> str | None:
        async with self._read() as conn:
            return await conn.run_sync(_migrate.current_revision)

    async def check_schema(self) -> None:
        """Raise SchemaMismatchError unless the database is at this code's revision."""
        problem = _migrate.schema_error(await self.schema_revision())
        if problem is not None:
            raise problem

    async def check_ready(self) -> None:
        """``/readyz``: raise SchemaMismatchError only for a schema *behind* this code's. A
        newer one means a rolling upgrade migrated it under this running process; by the
        expand/contract rule (docs/deploy.md) this version still works on it, and going
        unready would take every old replica out of service before any new one is up."""
        problem = _migrate.schema_error(await self.schema_revision())
        if problem is not None and not problem.too_new:
            raise problem

    async def ping(self) -> None:
        """Raise if the database is unreachable."""
        async with self._read() as conn:
            await conn.execute(select(1))

    # --- sources -----------------------------------------------------------------------

    async def sync_sources(
        self,
        configs: Sequence[SourceConfig],
        now: datetime,
        *,
        prune: bool = False,
        actor: str = "file",
        dry_run: bool = False,
    ) -> SourceSync:
        """Write the file's entries that differ from the database (keeping schedule state)
        and disable the file's sources it no longer lists; audit rows by ``actor``.
        ``dry_run``: the same work in a transaction that is rolled back (what it would do).

        A shorter interval pulls next_check_at in to at most now + interval. A renamed
        source bumps its feed version, since the feed's title changed. Disabling every
        enabled source at once needs ``prune`` (else PruneRefusedError, nothing written).
        """
        async with self._write() as conn:
            if self._dialect == "postgresql":
                # Workers starting together would each insert the new sources (a unique
                # violation) or write the same change twice: one sync at a time, each
                # reading the database only once the previous one committed.
                await conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": SYNC_LOCK_ID})
            report = await _sources.sync_sources(conn, configs, now, prune=prune, actor=actor)
            keys = [FeedKey(FeedKind.SOURCE, s) for s in report.renamed]
            await _feeds.bump_versions(conn, self._dialect, keys, now)
            if dry_run:
                await conn.rollback()
        return report

    async def get_source(self, source_id: str) -> SourceState | None:
        async with self._read() as conn:
            return await _sources.get_source(conn, source_id)

    async def list_sources(self, *, include_disabled: bool = False) -> list[SourceState]:
        async with self._read() as conn:
            return await _sources.list_sources(conn, include_disabled=include_disabled)

    async def claim_due(
        self,
        owner: str,
        now: datetime,
        lease_seconds: int,
        limit: int,
        *,
        heartbeat_timeout: float | None = None,
    ) -> list[SourceState]:
        """Lease up to ``limit`` enabled, due, unleased sources to ``owner``, most overdue
        first. Concurrent claimers never get the same source. A lease counts as free once
        ``lease_until`` has passed, or once its heartbeat is ``heartbeat_timeout`` seconds
        old (when given)."""
        async with self._write() as conn:
            return await _sources.claim_due(
                conn,
                self._dialect,
                owner=owner,
                now=now,
                lease_seconds=lease_seconds,
                limit=limit,
                heartbeat_timeout=heartbeat_timeout,
            )

    async def claim_source(
        self,
        source_id: str,
        owner: str,
        now: datetime,
        lease_seconds: int,
        *,
        heartbeat_timeout: float | None = None,
    ) -> SourceState | None:
        """Lease one source whether due or not (manual refresh). None when it does not
        exist or someone else holds a live lease on it (see claim_due)."""
        async with self._write() as conn:
            return await _sources.claim_source(
                conn,
                source_id=source_id,
                owner=owner,
                now=now,
                lease_seconds=lease_seconds,
                heartbeat_timeout=heartbeat_timeout,
            )

    async def touch_lease(self, source_id: str, owner: str, now: datetime) -> bool:
        """Record a heartbeat of ``owner``'s refresh; False if it no longer holds the lease."""
        async with self._write() as conn:
            return await _sources.touch_lease(conn, source_id=source_id, owner=owner, now=now)

    async def held_leases(self) -> list[tuple[str, str]]:
        """(source id, owner) of every lease in the database, expired or not."""
        async with self._read() as conn:
            return await _sources.held_leases(conn)

    async def release(self, source_id: str, owner: str) -> bool:
        """Drop ``owner``'s lease without recording anything; False if not held."""
        async with self._write() as conn:
            return await _sources.release(conn, source_id=source_id, owner=owner)

    async def page_validators(self, source_id: str) -> dict[str, PageValidators]:
        async with self._read() as conn:
            return await _sources.get_page_validators(conn, source_id)

    async def record_failure(
        self,
        source_id: str,
        owner: str,
        *,
        error: str,
        finished_at: datetime,
        next_check_at: datetime,
        run: FetchRun,
        drift: bool = False,
        served: datetime | None = None,
    ) -> None:
        """error_count + 1, last_error, next_check_at, lease released, run recorded;
        ``drift`` marks the source drifted since the run (kept until a success); the
        refresh request the run claimed (``served``) is cleared unless a newer one came.
        Raises LeaseLostError (writing nothing) if ``owner`` no longer holds the lease.
        ``finished_at`` is the run's; kept in the signature for symmetry with saves."""
        del finished_at  # the run row carries it
        async with self._write() as conn:
            await _sources.record_failure(
                conn,
                source_id=source_id,
                owner=owner,
                error=error,
                next_check_at=next_check_at,
                run=run,
                drift=drift,
                served=served,
            )

    async def template_state(self, source_id: str) -> TemplateState | None:
        """The source's learned template and its counters (None: nothing observed yet)."""
        async with self._read() as conn:
            return await _templates.get_template_state(conn, source_id)

    async def recent_runs(self, source_id: str, limit: int = 20) -> list[FetchRun]:
        async with self._read() as conn:
            return await _runs.recent_runs(conn, source_id, limit)

    # --- admin (the API): every write also records an audit row -----------------------

    async def admin_sources(self, source_id: str | None = None) -> list[AdminSource]:
        """Sources not deleted (or just ``source_id``), with health, ETag and manager."""
        async with self._read() as conn:
            return await _admin.admin_sources(conn, source_id)

    async def create_source(
        self, config: SourceConfig, *, enabled: bool, actor: str, now: datetime
    ) -> None:
        """An API-managed source, due now. ConflictError when the id is taken."""
        async with self._write() as conn:
            await _admin.create_source(
                conn, self._dialect, config, enabled=enabled, actor=actor, now=now
            )

    async def change_source(self, source_id: str, change: SourceChange) -> None:
        """Edit, enable/disable, delete (disable + hide, articles kept) or make due now.
        NotFoundError / StaleWriteError (``if_match`` not the stored ETag) write nothing."""
        async with self._write() as conn:
            await _admin.change_source(conn, self._dialect, source_id, change)

    async def list_articles(self, query: ArticleFilter) -> list[ArticleSummary]:
        async with self._read() as conn:
            return await _admin.list_articles(conn, query)

    async def set_article_hidden(
        self, article_id: str, hidden: bool, *, actor: str, now: datetime
    ) -> ArticleSummary:
        """Hide (a tombstone: in no feed, and refreshes never bring it back) or unhide."""
        async with self._write() as conn:
            return await _admin.set_hidden(
                conn, self._dialect, article_id, hidden, actor=actor, now=now
            )

    async def audit_entries(self, target: str | None = None, limit: int = 50) -> list[AuditEntry]:
        async with self._read() as conn:
            return await _admin.audit_entries(conn, target, limit)

    # --- articles ----------------------------------------------------------------------

    async def known_articles(self, urls: Sequence[str]) -> dict[str, KnownArticle]:
        """Stored articles keyed by the given URL, which may be a canonical URL or any
        link URL that led to the article before."""
        async with self._read() as conn:
            return await _articles.known_articles(conn, urls)

    async def articles_to_recheck(
        self, source_id: str, since: datetime, limit: int
    ) -> list[KnownArticle]:
        """This source's articles first seen after ``since``, least recently checked first."""
        async with self._read() as conn:
            return await _articles.articles_to_recheck(conn, source_id, since, limit)

    async def save_refresh(self, outcome: RefreshOutcome) -> SaveResult:
        """Write a successful refresh in one transaction, fenced by the lease.

        New articles are inserted; an article with a new content hash is updated (entry_id
        and first_seen kept, updated = max(finished_at, published)); a fallback published
        time is replaced by a real one; otherwise only last_checked_at and validators move.
        An article already stored for another source is linked, not duplicated. Feed
        versions are bumped only for feeds whose entries changed. Raises LeaseLostError,
        writing nothing, if ``outcome.owner`` no longer holds the lease.
        """
        async with self._write() as conn:
            saved = await _articles.save_refresh(conn, self._dialect, outcome)
            await pause_point_async("save")  # inert outside the crash tests
            return saved

    # --- feeds -------------------------------------------------------------------------

    async def list_feeds(self) -> list[FeedInfo]:
        async with self._read() as conn:
            return await _feedlist.list_feeds(conn)

    async def feed_version(self, key: FeedKey) -> FeedVersion | None:
        """None for an unknown feed; version 0 (at the source's or category's creation
        time, the epoch for 'latest') for a feed that never changed."""
        async with self._read() as conn:
            return await _feeds.feed_version(conn, key)

    async def feed_entries(self, key: FeedKey, limit: int) -> list[StoredArticle]:
        async with self._read() as conn:
            return await _feeds.feed_entries(conn, key, limit)

    async def feed_page(self, key: FeedKey, query: FeedQuery) -> list[StoredArticle]:
        """Entries newest first by (published, entry id), after ``query.before``, filtered
        by ``query.text`` (title or summary, case-insensitive substring: no word
        splitting, so Chinese works) and ``query.since`` (published or updated)."""
        async with self._read() as conn:
            return await _feeds.feed_page(conn, key, query)

    async def feed_info(self, key: FeedKey) -> FeedInfo | None:
        """One feed's title, slug, count, language and refresh interval; None if unknown."""
        async with self._read() as conn:
            return await _feedlist.feed_info(conn, key)

    async def resolve_category(self, name_or_slug: str) -> str | None:
        """The category's name, given its exact name or its slug (case-insensitive)."""
        async with self._read() as conn:
            return await _categories.resolve_category(conn, name_or_slug)
