"""``feedsvc sources list|export|import|enable|disable|refresh``: the database's sources.

The database is the runtime truth; ``list`` and ``export`` only read it. Every write
(``import``, ``enable``, ``disable``, ``refresh``) prints what it wrote and leaves an audit
row by ``cli:<user>``, like the admin API's writes.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from feedsvc.adminmodels import AdminSource, SourceChange
from feedsvc.config import AppConfig, load_config, source_fields
from feedsvc.errors import ConfigError, NotFoundError
from feedsvc.models import FetchStatus, SourceConfig, SourceState
from feedsvc.redact import redact_credentials
from feedsvc.refresh.policy import format_seconds

if TYPE_CHECKING:
    from feedsvc.store import Store

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
PRUNE_HELP = (
    "allow a sources file that lists none of the enabled sources to disable them all "
    "(refused without it)"
)


def add_sources_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``feedsvc sources [ACTION]``; no ACTION is ``list``."""
    config_help = "sources file whose settings apply (database_url); list notes its differences"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=config_help)
    sources = sub.add_parser(
        "sources",
        parents=[common],
        help="list, export, import, enable, disable or refresh the database's sources",
    )
    # Not "config": parents share the --config action, and its default would override.
    json_help = "print the admin API's JSON"
    sources.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=json_help)
    actions = sources.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser(
        "list", parents=[common], help="a table of the sources and their health (default)"
    )
    listing.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=json_help)
    export = actions.add_parser(
        "export", parents=[common], help="print the sources as a sources file (YAML)"
    )
    export.add_argument("--output", type=Path, metavar="FILE", help="write FILE instead")
    imp = actions.add_parser(
        "import", parents=[common], help="apply a sources file to the database, as serve does"
    )
    imp.add_argument("file", type=Path, metavar="FILE", help="the sources file to apply")
    imp.add_argument(
        "--dry-run", action="store_true", help="print what would change; write nothing"
    )
    imp.add_argument("--prune", action="store_true", help=PRUNE_HELP)
    for name, text in (
        ("enable", "resume refreshing a source"),
        ("disable", "stop refreshing a source (its articles stay in the feeds)"),
        ("refresh", "refresh a source now and print the outcome"),
    ):
        one = actions.add_parser(name, parents=[common], help=text)
        one.add_argument("source_id", metavar="ID")


def cli_actor() -> str:
    """Who the audit names for a CLI write."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (a container)
        return "cli:unknown"


async def run_sources(config: AppConfig, args: argparse.Namespace) -> int:
    from feedsvc.runtime import utc_now

    action: str = args.action or "list"
    if action == "list":
        return await _list(config, as_json=getattr(args, "json", False))
    if action == "export":
        return await _export(config, args.output)
    if action == "import":
        return await _import(config, args.file, dry_run=args.dry_run, prune=args.prune)
    store = await _open(config, migrate=False)
    try:
        found = await store.admin_sources(args.source_id)
        if not found:
            raise NotFoundError(f"no source {args.source_id!r}")
        if action == "refresh":
            await store.change_source(
                args.source_id,
                SourceChange("source.refresh", cli_actor(), utc_now(), request_refresh=True),
            )
            return await refresh_sources(config, store, [args.source_id])
        enable = action == "enable"
        change = SourceChange(f"source.{action}", cli_actor(), utc_now(), enabled=enable)
        if found[0].enabled == enable:
            print(f"{args.source_id}: already {action}d; nothing written")
            return EXIT_OK
        await store.change_source(args.source_id, change)
    except NotFoundError as exc:
        print(f"feedsvc: sources {action}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    finally:
        await store.close()
    print(
        f"{args.source_id}: {action}d (audit: {change.actor}); running workers "
        + ("refresh it from their next tick" if enable else "stop refreshing it at their next tick")
    )
    if found[0].managed_by == "file":
        print(f"{args.source_id}: file-managed: this lasts until its entry in the file changes")
    return EXIT_OK


async def _open(config: AppConfig, *, migrate: bool, read_only: bool = False) -> Store:
    from feedsvc.runtime import open_database

    return await open_database(config, migrate=migrate, read_only=read_only)


async def refresh_sources(
    config: AppConfig, store: Store, only: Sequence[str], *, manual: bool = True
) -> int:
    """Refresh ``only`` now, each under a lease as a tick would, printing each outcome and
    a summary; EXIT_FAILED when every one failed or was skipped. Used by ``feedsvc
    refresh`` and ``feedsvc sources refresh``: ``manual`` refreshes, which re-check the
    recent articles still on the list pages for edits (``manual_recheck_max``); ``feedsvc
    refresh --scheduled`` runs them as a tick would."""
    from feedsvc.refresh.leases import heartbeat_timeout, make_owner, refresh_leased
    from feedsvc.runtime import refresh_context, utc_now

    settings = config.settings
    owner = make_owner("cli")
    failed = skipped = new = updated = rechecked = 0
    async with refresh_context(settings, store, owner=owner) as ctx:

        async def one(source_id: str) -> None:
            nonlocal failed, skipped, new, updated, rechecked
            state = await store.claim_source(
                source_id,
                owner,
                utc_now(),
                settings.lease_seconds,
                heartbeat_timeout=heartbeat_timeout(settings),
            )
            if state is None:
                skipped += 1
                print(f"{source_id}: skipped, another process is refreshing it", flush=True)
                return
            report = await refresh_leased(ctx, state, manual=manual)
            print(redact_credentials(report.line()), flush=True)
            failed += report.status is FetchStatus.FAILED
            new += report.new
            updated += report.updated
            rechecked += report.rechecked

        await asyncio.gather(*(one(s) for s in only))
    print(
        f"{len(only)} sources: {len(only) - failed - skipped} ok, {failed} failed, "
        f"{skipped} skipped; {new} new, {updated} updated articles, {rechecked} re-checked"
    )
    return EXIT_FAILED if failed and failed + skipped == len(only) else EXIT_OK


# --- list ----------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns two spaces apart, the first row the header."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


def _when(value: datetime | None) -> str:
    return "-" if value is None else f"{value:%Y-%m-%d %H:%M:%S}"


HEADER = ("ID", "ENABLED", "MANAGED", "CATEGORY", "INTERVAL", "LAST SUCCESS", "FAILURES",
          "NEXT RUN", "ITEMS")  # fmt: skip


def source_row(source: AdminSource) -> tuple[str, ...]:
    health = source.health
    return (
        source.config.id,
        "yes" if source.enabled else "no",
        source.managed_by,
        source.config.category or "-",
        format_seconds(source.config.interval_seconds),
        _when(health.last_success),
        str(health.consecutive_failures),
        _when(health.next_run),
        str(health.items),
    )


def file_note(configured: SourceConfig | None, source: AdminSource | None) -> str | None:
    """How the sources file (when given) differs from the database for one id."""
    if source is None:
        return "not in the database yet (serve or refresh adds it)"
    if configured is None:
        if source.managed_by == "api":
            return "[added through the admin API]"
        return "[not in the file: a sync disables it]" if source.enabled else None
    if configured.enabled != source.enabled:
        said = "enabled" if configured.enabled else "disabled"
        return f"[the file says {said}; a sync applies that when its entry changes]"
    if configured != source.config:
        return "[changed in the file: a sync applies it]"
    return None


def source_line(state: SourceState) -> str:
    """One stored source's schedule state (drift included) on one line; the caller
    redacts credentials."""
    last_ok = state.last_success_at.isoformat() if state.last_success_at else "never"
    drift = f"  DRIFT since {state.drift_since.isoformat()}" if state.drift_since else ""
    return (
        f"{state.config.id:24} every {state.config.interval_seconds:>6}s  "
        f"next {state.next_check_at:%Y-%m-%d %H:%M:%S}  "
        f"last ok {last_ok}  failures {state.error_count}{drift}"
        + (f"  times in {state.zone}" if state.zone else "")
        + (f"  last error: {state.last_error}" if state.last_error else "")
    )


async def _list(config: AppConfig, *, as_json: bool) -> int:
    """The database's sources (and, with --config, how the file differs); reads only."""
    from feedsvc.errors import NoDatabaseError

    stored: list[AdminSource] = []
    try:
        store = await _open(config, migrate=False, read_only=True)
    except ConfigError as exc:
        if not isinstance(exc.__cause__, NoDatabaseError):
            raise
        print(f"feedsvc: {exc}", file=sys.stderr)
    else:
        try:
            stored = await store.admin_sources()
        finally:
            await store.close()
    if as_json:
        from feedsvc.web.api.views import source_json

        print(json.dumps({"sources": [source_json(s) for s in stored]}, ensure_ascii=False))
        return EXIT_OK
    by_id = {s.config.id: s for s in stored}
    in_file = {s.id: s for s in config.sources} if config.path is not None else {}
    ids = sorted(by_id.keys() | in_file.keys())
    rows: list[tuple[str, ...]] = [HEADER]
    notes: list[str] = []
    for sid in ids:
        source = by_id.get(sid)
        configured = in_file.get(sid)
        if source is not None:
            rows.append(source_row(source))
            if source.health.drift:
                notes.append(f"{sid}: DRIFT: its list pages yield no items any more")
            if source.health.zone:
                notes.append(f"{sid}: times in {source.health.zone}")
            if source.health.last_error:
                notes.append(f"{sid}: last error: {source.health.last_error}")
        elif configured is not None:
            every = format_seconds(configured.interval_seconds)
            rows.append((sid, "-", "file", configured.category or "-", every, *"----"))
        note = file_note(configured, source) if config.path is not None else None
        if note:
            notes.append(f"{sid}: {note}")
    for line in [*table(rows), *notes] if ids else ["no sources"]:
        print(redact_credentials(line))
    file_enabled = {s.config.id for s in stored if s.enabled and s.managed_by == "file"}
    if config.path is not None and file_enabled and in_file.keys().isdisjoint(file_enabled):
        print(
            f"feedsvc: {config.path} lists none of the {len(file_enabled)} enabled sources; "
            "serve and refresh refuse it unless --prune",
            file=sys.stderr,
        )
    return EXIT_OK


# --- export and import ---------------------------------------------------------------------


def export_text(sources: Sequence[AdminSource]) -> str:
    """The sources as a sources file (``enabled: false`` where disabled), which
    ``python -m feedsvc.config --check`` accepts and ``import`` reads back unchanged."""
    data = {"sources": [source_fields(s.config) for s in sources]}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


async def _export(config: AppConfig, output: Path | None) -> int:
    store = await _open(config, migrate=False, read_only=True)
    try:
        stored = await store.admin_sources()
    finally:
        await store.close()
    text = export_text(stored)
    if output is None:
        sys.stdout.write(text)
        print(f"exported {len(stored)} sources", file=sys.stderr)
    else:
        await asyncio.to_thread(output.write_text, text, encoding="utf-8")
        print(f"wrote {len(stored)} sources to {output}")
    return EXIT_OK


def field_changes(before: SourceConfig, after: SourceConfig) -> str:
    """``interval 900 -> 600, name 'a' -> 'b'``: the file fields that differ."""
    old, new = source_fields(before), source_fields(after)
    return ", ".join(
        f"{key} {old.get(key)!r} -> {new.get(key)!r}"
        for key in dict.fromkeys([*old, *new])
        if key != "enabled" and old.get(key) != new.get(key)
    )


async def _import(config: AppConfig, path: Path, *, dry_run: bool, prune: bool) -> int:
    """Validate ``path`` whole, then sync it as serve would (only changed entries)."""
    from feedsvc.errors import NoDatabaseError, PruneRefusedError
    from feedsvc.runtime import auto_migrates, utc_now

    imported = load_config(path)  # a ConfigError names FILE:LINE; nothing is opened
    settings_from = config if config.path is not None else imported
    if dry_run:
        try:  # a dry run creates no database: without one, every source would be added
            await (await _open(settings_from, migrate=False, read_only=True)).close()
        except ConfigError as exc:
            if not isinstance(exc.__cause__, NoDatabaseError):
                raise
            for source in imported.sources:
                print(f"would add {source.id}")
            print(f"dry run of {path}: no database yet; nothing written")
            return EXIT_OK
    store = await _open(
        settings_from, migrate=not dry_run and auto_migrates(settings_from.settings)
    )
    try:
        before = {s.config.id: s.config for s in await store.admin_sources()}
        actor = cli_actor()
        try:
            report = await store.sync_sources(
                imported.sources, utc_now(), prune=prune, actor=actor, dry_run=dry_run
            )
        except PruneRefusedError as exc:
            raise ConfigError(f"{path}: {exc}; to do that, run again with --prune") from exc
    finally:
        await store.close()
    after = {s.id: s for s in imported.sources}
    verb = {"added": "would add", "changed": "would change", "enabled": "would enable",
            "disabled": "would disable"} if dry_run else {}  # fmt: skip
    for kind, ids in (
        ("added", report.added),
        ("changed", report.changed),
        ("enabled", report.enabled),
        ("disabled", report.disabled),
    ):
        for sid in ids:
            detail = field_changes(before[sid], after[sid]) if kind == "changed" else ""
            line = f"{verb.get(kind, kind)} {sid}" + (f": {detail}" if detail else "")
            print(redact_credentials(line))
    if dry_run:
        print(f"dry run of {path}: {report.summary()}; nothing written")
    else:
        print(f"imported {path}: {report.summary()} (audit: {actor})")
    return EXIT_OK
