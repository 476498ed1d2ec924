"""The ``feedsvc`` command: serve | refresh | check | sources | migrate | config | demo.

Exit status: 0 success, 1 the work failed (e.g. every source failed), 2 bad configuration
or usage, an unreachable database, or a sources file that would disable every enabled
source without ``--prune`` (nothing was written).

``check``, ``config check``, ``sources list`` and ``sources export`` only read.
``serve --role all|worker``, ``refresh`` and ``sources import`` apply the sources file to
the database (serve again on SIGHUP and when the file changes, reload.py); ``serve --role
web`` does not. ``sources enable|disable|refresh`` write one source (sourcescli.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedsvc import __version__
from feedsvc.config import AppConfig, check_file, load_config
from feedsvc.errors import ConfigError, FeedsvcError, ListenError
from feedsvc.models import Selectors
from feedsvc.redact import redact_credentials
from feedsvc.sourcescli import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    PRUNE_HELP,
    add_sources_parser,
    run_sources,
)

if TYPE_CHECKING:
    from feedsvc.extract.template import Template


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
    refresh.add_argument(
        "--scheduled",
        action="store_true",
        help="refresh as a worker's tick would (for cron): list pages by conditional GET,"
        " re-checks capped by recheck_per_refresh; without it a manual refresh re-checks"
        " the recent articles still listed (manual_recheck_max)",
    )

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

    add_sources_parser(sub)

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
        return asyncio.run(
            _refresh(config, args.source, prune=args.prune, manual=not args.scheduled)
        )
    if args.command == "check":
        return asyncio.run(_check(config, args))
    if args.command == "sources":
        return asyncio.run(run_sources(config, args))
    if args.command == "migrate":
        return asyncio.run(_migrate(config))
    raise AssertionError(f"unhandled command {args.command}")


async def _refresh(config: AppConfig, only: list[str] | None, *, prune: bool, manual: bool) -> int:
    from feedsvc.runtime import auto_migrates, open_store
    from feedsvc.sourcescli import refresh_sources

    known = {s.id for s in config.sources}
    unknown = sorted(set(only or ()) - known)
    if unknown:
        print(f"feedsvc: unknown source id(s): {', '.join(unknown)}", file=sys.stderr)
        return EXIT_CONFIG
    # Named sources run even when disabled; without names, the file's enabled ones.
    wanted = (
        [s.id for s in config.sources if s.id in only]
        if only
        else [s.id for s in config.sources if s.enabled]
    )
    if not wanted:
        print("feedsvc: the sources file lists no enabled sources", file=sys.stderr)
        return EXIT_CONFIG
    async with open_store(config, migrate=auto_migrates(config.settings), prune=prune) as store:
        return await refresh_sources(config, store, wanted, manual=manual)


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
    template, summary = (
        (None, None) if source is None else await _stored_template(config, source.id)
    )
    try:
        result = await run_check(
            config.settings,
            target,
            source=source,
            selectors=selectors,
            article_only=args.article,
            base_url=args.base_url,
            timezone=args.timezone,
            template=template,
        )
    except FeedsvcError as exc:
        print(f"feedsvc: check {redact_credentials(target)}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    result.template = summary
    print(redact_credentials(dumps(result) if args.json else result.to_text()))
    return EXIT_OK if (result.items or result.article) else EXIT_FAILED


async def _stored_template(
    config: AppConfig, source_id: str
) -> tuple[Template | None, dict[str, Any]]:
    """The source's learned template from the database (read-only) and its summary; a
    database that cannot be read gives a summary saying why."""
    from feedsvc.runtime import open_database
    from feedsvc.store.templates import TemplateState

    try:
        store = await open_database(config, migrate=False, read_only=True)
    except FeedsvcError as exc:
        why = f"not read: {exc}"
        return None, {"status": "unknown", "message": why, "parts": [], "source": source_id}
    try:
        state = await store.template_state(source_id) or TemplateState(source_id)
    finally:
        await store.close()
    return state.template, state.summary()


async def _migrate(config: AppConfig) -> int:
    """Upgrade the schema (safe to run from several hosts at once: Store.migrate); a
    database already there is left alone, one this code is too old for is refused."""
    from feedsvc.errors import SchemaMismatchError
    from feedsvc.runtime import open_database

    where = f"database at {redact_credentials(config.settings.database_url)}"
    store = await open_database(config, migrate=False, check=False)
    try:
        done = await store.migrate()
    except SchemaMismatchError as exc:
        print(f"feedsvc: migrate: {where}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    finally:
        await store.close()
    if done.changed:
        print(f"{where} migrated from {done.before or 'an empty database'} to {done.after}")
    else:
        print(f"{where} is already at revision {done.after}: nothing to do")
    return EXIT_OK
