"""Settings: declared once, each with its default, its help text (docs/settings.md is
generated from this declaration) and the check its value must pass (``setting(...,
check=...)``; the checks are in ``checks``). Reading them from the sources file's
``settings:`` block and ``FEEDSVC_*`` environment variables is ``settingsload``'s job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from feedsvc.config.checks import (
    DAY,
    SECONDS,
    admin_tokens_problem,
    check_auto_migrate,
    check_database_url,
    check_event_loop,
    check_fraction,
    check_listen,
    check_log_level,
    check_nice,
    check_one_line,
    check_timezone,
    check_url_or_empty,
    within,
)
from feedsvc.htmlcap import DEFAULT_MAX_CONTENT_BYTES

T = TypeVar("T")
Check = Callable[[Any], str | None]  # the problem with a value, or None when it is valid

ENV_PREFIX = "FEEDSVC_"


def setting(default: T, help_text: str, *, check: Check | None = None) -> T:
    """Declare a setting: its default, the one-line help shown in docs and errors, and the
    check a value must pass beyond its type (every number has a range)."""
    # dataclasses accept the Field object; typing it as T keeps every attribute precise.
    return field(default=default, metadata={"help": help_text, "check": check})


@dataclass(frozen=True)
class Settings:
    database_url: str = setting(
        "sqlite+aiosqlite:///var/feedsvc.db",
        "SQLAlchemy URL: sqlite+aiosqlite:///PATH (default, file under ./var/) or "
        "postgresql+asyncpg://USER@HOST/DB",
        check=check_database_url,
    )
    listen: str = setting("127.0.0.1:8080", "HOST:PORT the HTTP server binds", check=check_listen)
    public_url: str = setting(
        "",
        "absolute base URL used in feed links; empty = http://{listen}",
        check=check_url_or_empty,
    )
    auto_migrate: str = setting(
        "sqlite",
        "whether serve, refresh and sources import migrate the schema themselves: sqlite "
        "(only a SQLite database: one host), always, or never (run `feedsvc migrate` first; "
        "they refuse a schema that is not this version's)",
        check=check_auto_migrate,
    )
    timezone: str = setting(
        "auto",
        "IANA zone for page times that carry none (a source's timezone wins); auto: per page"
        " from its host's country TLD or language (zh → Asia/Shanghai), else UTC",
        check=check_timezone,
    )
    allow_private_networks: bool = setting(
        False, "fetch from private, loopback and link-local addresses (local/test sources only)"
    )
    user_agent: str = setting(
        "", "User-Agent for fetches; empty = feedsvc/VERSION (+public_url)", check=check_one_line
    )
    connect_timeout: float = setting(10.0, "seconds to establish a connection", check=SECONDS)
    read_timeout: float = setting(20.0, "seconds between bytes of a response", check=SECONDS)
    total_timeout: float = setting(
        30.0, "seconds for a whole fetch, redirects included", check=SECONDS
    )
    max_body_bytes: int = setting(
        5 * 1024 * 1024,
        "cap on a response body as received (compressed) in bytes",
        check=within(0, 1 << 30, above=True),
    )
    max_decompressed_bytes: int = setting(
        20 * 1024 * 1024,
        "cap on a response body after decompression in bytes",
        check=within(0, 1 << 31, above=True),
    )
    max_redirects: int = setting(5, "redirects followed per fetch", check=within(0, 50))
    per_host_concurrency: int = setting(
        2, "simultaneous fetches to one host", check=within(0, 256, above=True)
    )
    max_concurrency: int = setting(
        16, "simultaneous fetches in this process", check=within(0, 4096, above=True)
    )
    feed_default_limit: int = setting(
        50, "entries in a feed without ?limit=", check=within(0, 10_000, above=True)
    )
    feed_max_limit: int = setting(
        500, "the largest ?limit= accepted", check=within(0, 10_000, above=True)
    )
    feed_max_age: int = setting(
        60,
        "least Cache-Control max-age of feeds in seconds (at least 60); a feed gets half "
        "its sources' refresh interval, up to an hour, when that is longer",
        check=within(60, DAY),
    )
    max_content_bytes: int = setting(
        DEFAULT_MAX_CONTENT_BYTES,
        "cap on an article's stored HTML in bytes; longer content is cut at an element or "
        "text boundary and ends with a note linking the original (at least 1024)",
        check=within(1024, 1 << 30),
    )
    max_feed_bytes: int = setting(
        4 * 1024 * 1024,
        "cap on a feed page's body in bytes: the oldest entries that do not fit move to the "
        "next page (one entry is always served; at least 65536)",
        check=within(65536, 1 << 31),
    )
    websub_hub: str = setting(
        "",
        "WebSub hub URL: feeds advertise it and every changed feed is published to it",
        check=check_url_or_empty,
    )
    scheduler_tick: float = setting(
        5.0, "seconds between scheduler ticks that claim due sources", check=SECONDS
    )
    claim_batch: int = setting(
        4,
        "sources claimed by one claim statement (a tick, or a refill of freed slots)",
        check=within(0, 1000, above=True),
    )
    refresh_concurrency: int = setting(
        0,
        "refreshes one worker process runs at once; a finished one frees its slot for the "
        "next due source at once; 0 = min(max_concurrency, 8 per CPU), at least claim_batch",
        check=within(0, 4096),
    )
    lease_seconds: int = setting(
        600,
        "how long a claimed source stays leased before another worker may take it",
        check=within(0, DAY, above=True),
    )
    lease_heartbeat: float = setting(
        30.0,
        "seconds between heartbeats of a running refresh; after 3 missed ones its lease is "
        "free for any worker",
        check=SECONDS,
    )
    max_backoff: int = setting(
        6 * 3600,
        "cap in seconds on the wait after a failure (back-off, a site's Retry-After); "
        "the wait after a permanent one (404, blocked address, too large)",
        check=within(0, 30 * DAY, above=True),
    )
    jitter: float = setting(
        0.1, "fraction of the interval added at random to spread refreshes", check=check_fraction
    )
    extract_workers: int = setting(
        1, "processes for parsing pages; 0 = a thread (tests, tiny installs)", check=within(0, 64)
    )
    extract_nice: int = setting(
        10,
        "niceness (0-19) added to the extraction processes, so parsing yields to serving",
        check=check_nice,
    )
    extract_timeout: float = setting(
        10.0,
        "seconds one page may take in an extraction process; past it the page fails and the "
        "process is killed and replaced (no limit when extract_workers is 0)",
        check=SECONDS,
    )
    event_loop: str = setting(
        "auto",
        "auto: uvloop when it is installed, else asyncio; asyncio: always asyncio",
        check=check_event_loop,
    )
    recheck_hours: int = setting(
        48,
        "known articles still on a list page are re-checked for edits this long",
        check=within(0, 366 * 24),
    )
    recheck_per_refresh: int = setting(
        10,
        "known articles re-checked for edits per refresh (conditional GET)",
        check=within(0, 1000),
    )
    manual_recheck_max: int = setting(
        50,
        "known articles a manual refresh (`feedsvc refresh`, the admin API's refresh)"
        " re-checks for edits: those still on the list page, first seen within"
        " recheck_hours, newest first; not capped by recheck_per_refresh or the interval",
        check=within(0, 10_000),
    )
    max_new_per_refresh: int = setting(
        100,
        "new article pages fetched per refresh; the rest wait for the next one",
        check=within(0, 10_000, above=True),
    )
    obey_robots_txt: bool = setting(
        True, "fetch nothing a site's robots.txt disallows for the product token feedsvc"
    )
    robots_ttl: int = setting(
        3600, "seconds a site's robots.txt is cached", check=within(0, 30 * DAY)
    )
    log_level: str = setting("INFO", "DEBUG, INFO, WARNING or ERROR", check=check_log_level)
    access_log: bool = setting(
        False, "log every HTTP request to the feeds server (with its conditional headers)"
    )
    # The HTTP server against idle and slow clients (feedsvc/web/connections.py).
    header_timeout: float = setting(
        10.0,
        "seconds a new connection gets to send its first request's headers, then closed",
        check=SECONDS,
    )
    keepalive_timeout: float = setting(
        15.0,
        "seconds an idle keep-alive connection waits for its next request, then closed",
        check=SECONDS,
    )
    max_connections: int = setting(
        1000,
        "open client connections per server process; past it the oldest that has sent no "
        "request is closed, else the new one gets a 503",
        check=within(0, 1_000_000, above=True),
    )
    admin_tokens: str = setting(
        "",
        "admin API bearer tokens: NAME:SCOPE:TOKEN items (SCOPE read or write) separated by "
        "commas; empty = the /api/v1 admin API and the /admin console are off (404)",
        check=admin_tokens_problem,
    )
    # Prometheus metrics (feedsvc/metrics/, docs/metrics.md).
    metrics: bool = setting(
        False,
        "serve Prometheus metrics at /metrics (off = 404); when admin_tokens is set, a "
        "bearer token from it (read scope is enough) is required",
    )
    metrics_dir: str = setting(
        "",
        "directory where every process of this deployment on this machine writes its "
        "metrics (shared by --workers and separate --role processes); empty = "
        "feedsvc-metrics-HASH of database_url under the system temp directory",
    )

    @property
    def effective_public_url(self) -> str:
        return (self.public_url or f"http://{self.listen}").rstrip("/")


def setting_help() -> dict[str, tuple[object, str]]:
    """Every setting's name → (default, help), for docs and the README check."""
    return {f.name: (f.default, str(f.metadata["help"])) for f in fields(Settings)}


def setting_checks() -> dict[str, Check]:
    """Every setting's name → the check declared with it (settings without one left out)."""
    return {f.name: f.metadata["check"] for f in fields(Settings) if f.metadata["check"]}


def env_name(setting_name: str) -> str:
    return f"{ENV_PREFIX}{setting_name.upper()}"


def _markdown_default(value: object) -> str:
    if value == "":
        return "*(empty)*"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def settings_markdown() -> str:
    """The settings table for docs/settings.md (regenerate with ``python -m feedsvc.config``)."""
    lines = [
        "| Environment variable | Default | Meaning |",
        "| --- | --- | --- |",
    ]
    for name, (default, help_text) in setting_help().items():
        meaning = help_text.replace("|", "\\|")
        lines.append(f"| `{env_name(name)}` | {_markdown_default(default)} | {meaning} |")
    return "\n".join(lines) + "\n"
