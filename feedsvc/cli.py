"""The ``feedsvc`` command: serve | refresh | check | sources | migrate | config | demo.

Exit status: 0 success, 1 the work failed (e.g. every source failed), 2 bad configuration
or usage, an unreachable database, or a sources file that would disable every enabled
source without ``--prune`` (nothing was written).

``sources``, ``check`` and ``config check`` only read. ``serve --role all|worker`` and
``refresh`` apply the sources file to the database; ``serve --role web`` does not.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedsvc import __version__
from feedsvc.config import AppConfig, check_file, load_config
from feedsvc.errors import ConfigError, FeedsvcError, ListenError
from feedsvc.models import FetchStatus, Selectors, SourceConfig, SourceState
from feedsvc.redact import redact_credentials

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
PRUNE_HELP = (
    "allow a sources file that lists none of the enabled sources to disable them all "
    "(refused without it)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="feedsvc", description="Turns news sites without feeds into Atom feeds."
    )
    parser.add_argument("--version", action="version", version=f"feedsvc {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log everything (DEBUG), libraries included"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the feed server and/or the scheduler")
    serve.add_argument("--config", type=Path, help="sources file (YAML)")
    serve.add_argument(
        "--role",
        choices=["all", "web", "worker"],
        default="all",
        help="all: one process (default); web: feeds only; worker: scheduler only",
    )
    serve.add_argument("--prune", action="store_true", help=PRUNE_HELP)
    serve.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="server processes sharing the port (SO_REUSEPORT); default 1",
    )

    refresh = sub.add_parser("refresh", help="refresh sources once, then exit")
    refresh.add_argument("--config", type=Path, required=True, help="sources file (YAML)")
    refresh.add_argument(
        "--source", action="append", metavar="ID", help="only this source (repeatable)"
    )
    refresh.add_argument("--prune", action="store_true", help=PRUNE_HELP)

    check = sub.add_parser("check", help="show what would be extracted from a page; writes nothing")
    check.add_argument(
        "target",
        nargs="?",
        help="list-page URL, or a saved HTML file (default with --source:"
        " the source's first list page)",
    )
    check.add_argument(
        "--source",
        metavar="ID",
        help="check a source of --config exactly as a refresh of it would run (its"
        " selectors, encoding, zone and private-network opt-in)",
    )
    check.add_argument("--article", action="store_true", help="treat the page as an article")
    check.add_argument(
        "--base-url",
        help="URL a saved file came from (resolves its links; without it the address is"
        " guessed and nothing is fetched)",
    )
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument("--config", type=Path, help="sources file whose settings apply")
    check.add_argument(
        "--timezone",
        metavar="ZONE",
        help="IANA zone for page times without one (default: the setting; auto: from the"
        " page's country TLD or language)",
    )
    for name in ("item", "title", "link", "date", "content"):
        check.add_argument(f"--{name}", help=f"{name} selector (CSS, or xpath:…)")

    sources = sub.add_parser(
        "sources", help="list the file's and the database's sources and their state; writes nothing"
    )
    sources.add_argument("--config", type=Path, required=True, help="sources file (YAML)")

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    migrate.add_argument("--config", type=Path, help="sources file whose settings apply")

    config = sub.add_parser("config", help="work with a sources file; writes nothing")
    config_sub = config.add_subparsers(dest="config_command", required=True)
    config_check = config_sub.add_parser(
        "check", help="validate a sources file: exit 0 if valid, 2 with every problem if not"
    )
    config_check.add_argument("file", type=Path, metavar="FILE", help="sources file (YAML)")

    demo = sub.add_parser("demo", help="run the bundled demo portal and the service together")
    demo.add_argument("--port", type=int, default=8080, help="feed server port (default 8080)")
    demo.add_argument("--portal-port", type=int, default=8081, help="demo portal port")
    demo.add_argument("--data-dir", type=Path, default=Path("var/demo"), help="database folder")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except ConfigError as exc:
        print(f"feedsvc: configuration error: {redact_credentials(str(exc))}", file=sys.stderr)
        return EXIT_CONFIG
    except ListenError as exc:  # raised before anything started or wrote
        print(f"feedsvc: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from feedsvc.listener import bind_each

        # Both ports before the heavy imports: a busy one fails fast, with nothing written.
        portal, feeds = bind_each(("127.0.0.1", args.portal_port), ("127.0.0.1", args.port))
        from feedsvc.demo.run import DemoSockets, run_demo

        return asyncio.run(
            run_demo(
                args.port,
                args.portal_port,
                args.data_dir,
                verbose=args.verbose,
                sockets=DemoSockets(feeds=feeds, portal=portal),
            )
        )
    if args.command == "config":  # only "check" so far; argparse requires the action
        return check_file(args.file)
    config = load_config(getattr(args, "config", None), os.environ)
    from feedsvc.runtime import configure_logging

    configure_logging(config.settings, verbose=args.verbose)
    if args.command == "serve":
        from feedsvc.listener import claim_address

        # The port before the heavy imports and the database: a busy one fails fast.
        sockets = claim_address(config.settings.listen, role=args.role, workers=args.workers)
        from feedsvc.service import run_serve

        return run_serve(
            config, role=args.role, workers=args.workers, sockets=sockets, prune=args.prune
        )
    if args.command == "refresh":
        return asyncio.run(_refresh(config, args.source, prune=args.prune))
    if args.command == "check":
        return asyncio.run(_check(config, args))
    if args.command == "sources":
        return asyncio.run(_sources(config))
    if args.command == "migrate":
        return asyncio.run(_migrate(config))
    raise AssertionError(f"unhandled command {args.command}")


async def _refresh(config: AppConfig, only: list[str] | None, *, prune: bool) -> int:
    from feedsvc.refresh.leases import heartbeat_timeout, make_owner, refresh_leased
    from feedsvc.runtime import open_store, refresh_context, utc_now

    known = {s.id for s in config.sources}
    unknown = sorted(set(only or ()) - known)
    if unknown:
        print(f"feedsvc: unknown source id(s): {', '.join(unknown)}", file=sys.stderr)
        return EXIT_CONFIG
    wanted = [s for s in config.sources if not only or s.id in only]
    if not wanted:
        print("feedsvc: the sources file lists no sources", file=sys.stderr)
        return EXIT_CONFIG
    owner = make_owner("cli")
    failed = skipped = new = updated = 0
    async with (
        open_store(config, migrate=True, prune=prune) as store,
        refresh_context(config.settings, store, owner=owner) as ctx,
    ):

        async def one(source_id: str) -> None:
            nonlocal failed, skipped, new, updated
            state = await store.claim_source(
                source_id,
                owner,
                utc_now(),
                config.settings.lease_seconds,
                heartbeat_timeout=heartbeat_timeout(config.settings),
            )
            if state is None:
                skipped += 1
                print(f"{source_id}: skipped, another process is refreshing it", flush=True)
                return
            report = await refresh_leased(ctx, state)
            print(report.line(), flush=True)
            failed += report.status is FetchStatus.FAILED
            new += report.new
            updated += report.updated

        await asyncio.gather(*(one(s.id) for s in wanted))
    print(
        f"{len(wanted)} sources: {len(wanted) - failed - skipped} ok, {failed} failed, "
        f"{skipped} skipped; {new} new, {updated} updated articles"
    )
    return EXIT_FAILED if failed and failed + skipped == len(wanted) else EXIT_OK


async def _check(config: AppConfig, args: argparse.Namespace) -> int:
    from feedsvc.check import dumps, run_check

    if args.timezone is not None:
        try:
            ZoneInfo(args.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            print(
                f"feedsvc: check --timezone: unknown time zone {args.timezone!r}", file=sys.stderr
            )
            return EXIT_CONFIG
    source = None
    if args.source is not None:
        source = next((s for s in config.sources if s.id == args.source), None)
        if source is None:
            known = ", ".join(s.id for s in config.sources) or "none"
            where = f"in {args.config}" if args.config else "without --config"
            print(
                f"feedsvc: check --source: no source {args.source!r} {where} (known: {known})",
                file=sys.stderr,
            )
            return EXIT_CONFIG
    target = args.target or (source.urls[0] if source is not None else None)
    if target is None:
        print("feedsvc: check: give a URL or file, or --config FILE --source ID", file=sys.stderr)
        return EXIT_CONFIG
    given = {n: getattr(args, n) for n in ("item", "title", "link", "date", "content")}
    selectors = Selectors(**given) if any(given.values()) else None
    try:
        result = await run_check(
            config.settings,
            target,
            source=source,
            selectors=selectors,
            article_only=args.article,
            base_url=args.base_url,
            timezone=args.timezone,
        )
    except FeedsvcError as exc:
        print(f"feedsvc: check {redact_credentials(target)}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(redact_credentials(dumps(result) if args.json else result.to_text()))
    return EXIT_OK if (result.items or result.article) else EXIT_FAILED


async def _sources(config: AppConfig) -> int:
    """The file's sources beside what the database holds, read-only: nothing is synced."""
    from feedsvc.errors import NoDatabaseError
    from feedsvc.runtime import open_database

    states: dict[str, SourceState] = {}
    enabled: set[str] = set()
    by_api: set[str] = set()  # added through the admin API: the file's sync leaves them be
    try:
        store = await open_database(config, migrate=False, read_only=True)
    except ConfigError as exc:
        if not isinstance(exc.__cause__, NoDatabaseError):
            raise
        print(f"feedsvc: {exc}", file=sys.stderr)
    else:
        try:
            states = {s.config.id: s for s in await store.list_sources(include_disabled=True)}
            enabled = {s.config.id for s in await store.list_sources()}
            by_api = {s.config.id for s in await store.admin_sources() if s.managed_by == "api"}
        finally:
            await store.close()
    in_file = {s.id: s for s in config.sources}
    for sid in sorted(in_file.keys() | enabled):
        line = _source_line(sid, in_file.get(sid), states.get(sid), sid in enabled, sid in by_api)
        print(redact_credentials(line))
    file_enabled = enabled - by_api
    if file_enabled and in_file.keys().isdisjoint(file_enabled):
        print(
            f"feedsvc: {config.path} lists none of the {len(file_enabled)} enabled sources; "
            "serve and refresh refuse it unless --prune",
            file=sys.stderr,
        )
    return EXIT_OK


def _source_line(
    sid: str,
    configured: SourceConfig | None,
    state: SourceState | None,
    enabled: bool,
    by_api: bool,
) -> str:
    if state is None:
        assert configured is not None
        every = configured.interval_seconds
        return f"{sid:24} every {every:>6}s  not in the database yet (serve or refresh adds it)"
    line = source_line(state)
    if configured is None:
        if by_api:
            return line + "  [added through the admin API]"
        return line + "  [not in the file: a sync disables it]"
    if not enabled:
        return line + "  [disabled: a sync enables it again]"
    if configured != state.config:
        return line + "  [changed in the file: a sync applies it]"
    return line


def source_line(state: SourceState) -> str:
    """One stored source's schedule state (drift included), as ``feedsvc sources`` prints
    it before its notes; the caller redacts credentials."""
    last_ok = state.last_success_at.isoformat() if state.last_success_at else "never"
    drift = f"  DRIFT since {state.drift_since.isoformat()}" if state.drift_since else ""
    return (
        f"{state.config.id:24} every {state.config.interval_seconds:>6}s  "
        f"next {state.next_check_at:%Y-%m-%d %H:%M:%S}  "
        f"last ok {last_ok}  failures {state.error_count}{drift}"
        + (f"  times in {state.zone}" if state.zone else "")
        + (f"  last error: {state.last_error}" if state.last_error else "")
    )


async def _migrate(config: AppConfig) -> int:
    from feedsvc.runtime import open_database

    store = await open_database(config, migrate=True)
    await store.close()
    print(f"database at {redact_credentials(config.settings.database_url)} is up to date")
    return EXIT_OK
