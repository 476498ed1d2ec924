"""Settings: declared once, with default and help text (docs/settings.md is generated from
this declaration), read from the sources file's ``settings:`` block and ``FEEDSVC_*``
environment variables (the environment wins), each checked by its validator."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from feedsvc.admintokens import admin_tokens_problem
from feedsvc.config.values import (
    _count,
    _describe_value,
    _shorten,
    _suggest,
    _timezone_problem,
    _url_problem,
)
from feedsvc.errors import ConfigError
from feedsvc.htmlcap import DEFAULT_MAX_CONTENT_BYTES

T = TypeVar("T")


def setting(default: T, help_text: str) -> T:
    """Declare a setting: its default and the one-line help shown in docs and errors."""
    # dataclasses accept the Field object; typing it as T keeps every attribute precise.
    return field(default=default, metadata={"help": help_text})


@dataclass(frozen=True)
class Settings:
    database_url: str = setting(
        "sqlite+aiosqlite:///var/feedsvc.db",
        "SQLAlchemy URL: sqlite+aiosqlite:///PATH (default, file under ./var/) or "
        "postgresql+asyncpg://USER@HOST/DB",
    )
    auto_migrate: str = setting(
        "sqlite",
        "whether serve, refresh and sources import migrate the schema themselves: sqlite "
        "(only a SQLite database: one host), always, or never (run `feedsvc migrate` first; "
        "they refuse a schema that is not this version's)",
    )
    listen: str = setting("127.0.0.1:8080", "HOST:PORT the HTTP server binds")
    public_url: str = setting("", "absolute base URL used in feed links; empty = http://{listen}")
    timezone: str = setting(
        "auto",
        "IANA zone for page times that carry none (a source's timezone wins); auto: per page"
        " from its host's country TLD or language (zh → Asia/Shanghai), else UTC",
    )
    allow_private_networks: bool = setting(
        False, "fetch from private, loopback and link-local addresses (local/test sources only)"
    )
    user_agent: str = setting("", "User-Agent for fetches; empty = feedsvc/VERSION (+public_url)")
    connect_timeout: float = setting(10.0, "seconds to establish a connection")
    read_timeout: float = setting(20.0, "seconds between bytes of a response")
    total_timeout: float = setting(30.0, "seconds for a whole fetch, redirects included")
    max_body_bytes: int = setting(
        5 * 1024 * 1024, "cap on a response body as received (compressed) in bytes"
    )
    max_decompressed_bytes: int = setting(
        20 * 1024 * 1024, "cap on a response body after decompression in bytes"
    )
    max_redirects: int = setting(5, "redirects followed per fetch")
    per_host_concurrency: int = setting(2, "simultaneous fetches to one host")
    max_concurrency: int = setting(16, "simultaneous fetches in this process")
    feed_default_limit: int = setting(50, "entries in a feed without ?limit=")
    feed_max_limit: int = setting(500, "the largest ?limit= accepted")
    feed_max_age: int = setting(
        60,
        "least Cache-Control max-age of feeds in seconds (at least 60); a feed gets half "
        "its sources' refresh interval, up to an hour, when that is longer",
    )
    max_content_bytes: int = setting(
        DEFAULT_MAX_CONTENT_BYTES,
        "cap on an article's stored HTML in bytes; longer content is cut at an element or "
        "text boundary and ends with a note linking the original (at least 1024)",
    )
    max_feed_bytes: int = setting(
        4 * 1024 * 1024,
        "cap on a feed page's body in bytes: the oldest entries that do not fit move to the "
        "next page (one entry is always served; at least 65536)",
    )
    websub_hub: str = setting(
        "", "WebSub hub URL: feeds advertise it and every changed feed is published to it"
    )
    scheduler_tick: float = setting(5.0, "seconds between scheduler ticks that claim due sources")
    claim_batch: int = setting(4, "sources claimed per tick by one worker")
    lease_seconds: int = setting(
        600, "how long a claimed source stays leased before another worker may take it"
    )
    lease_heartbeat: float = setting(
        30.0,
        "seconds between heartbeats of a running refresh; after 3 missed ones its lease is "
        "free for any worker",
    )
    max_backoff: int = setting(
        6 * 3600,
        "cap in seconds on the wait after a failure (back-off, a site's Retry-After); "
        "the wait after a permanent one (404, blocked address, too large)",
    )
    jitter: float = setting(0.1, "fraction of the interval added at random to spread refreshes")
    extract_workers: int = setting(
        1, "processes for parsing pages; 0 = a thread (tests, tiny installs)"
    )
    extract_nice: int = setting(
        10, "niceness (0-19) added to the extraction processes, so parsing yields to serving"
    )
    extract_timeout: float = setting(
        10.0,
        "seconds one page may take in an extraction process; past it the page fails and the "
        "process is killed and replaced (no limit when extract_workers is 0)",
    )
    event_loop: str = setting(
        "auto", "auto: uvloop when it is installed, else asyncio; asyncio: always asyncio"
    )
    recheck_hours: int = setting(
        48, "known articles still on a list page are re-checked for edits this long"
    )
    recheck_per_refresh: int = setting(
        10, "known articles re-checked for edits per refresh (conditional GET)"
    )
    max_new_per_refresh: int = setting(
        100, "new article pages fetched per refresh; the rest wait for the next one"
    )
    obey_robots_txt: bool = setting(
        True, "fetch nothing a site's robots.txt disallows for the product token feedsvc"
    )
    robots_ttl: int = setting(3600, "seconds a site's robots.txt is cached")
    log_level: str = setting("INFO", "DEBUG, INFO, WARNING or ERROR")
    access_log: bool = setting(
        False, "log every HTTP request to the feeds server (with its conditional headers)"
    )
    # The HTTP server against idle and slow clients (feedsvc/web/connections.py).
    header_timeout: float = setting(
        10.0, "seconds a new connection gets to send its first request's headers, then closed"
    )
    keepalive_timeout: float = setting(
        15.0, "seconds an idle keep-alive connection waits for its next request, then closed"
    )
    max_connections: int = setting(
        1000,
        "open client connections per server process; past it the oldest that has sent no "
        "request is closed, else the new one gets a 503",
    )
    admin_tokens: str = setting(
        "",
        "admin API bearer tokens: NAME:SCOPE:TOKEN items (SCOPE read or write) separated by "
        "commas; empty = the /api/v1 admin API and the /admin console are off (404)",
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


# --------------------------------------------------------------------------------------------
# Settings: env values, validation, the docs table
# --------------------------------------------------------------------------------------------

ENV_PREFIX = "FEEDSVC_"
# Variables under the prefix that are not settings: the test suite's own knobs.
_IGNORED_ENV_PREFIXES = ("FEEDSVC_TEST_",)
# Non-setting variables other modules read (the CLI's default config path, …). Add, don't remove.
EXTRA_ENV_VARS: frozenset[str] = frozenset({"FEEDSVC_CONFIG"})

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_DATABASE_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


def env_name(setting_name: str) -> str:
    return f"{ENV_PREFIX}{setting_name.upper()}"


def _setting_types() -> dict[str, type]:
    hints = get_type_hints(Settings)
    return {f.name: hints[f.name] for f in fields(Settings)}


_TYPE_WORDS: dict[type, str] = {
    bool: "true or false",
    int: "an integer",
    float: "a number",
    str: "a string",
}


def _parse_env_value(kind: type, text: str) -> object:
    """Parse one environment string into the setting's type; ValueError says what was expected."""
    if kind is str:
        return text
    raw = text.strip()
    if kind is bool:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise ValueError(f"expected true or false, got {text!r}")
    if kind not in (int, float):
        raise TypeError(f"unsupported setting type {kind!r}")  # a new Settings field type
    try:
        return int(raw.replace("_", "")) if kind is int else float(raw)
    except ValueError:
        raise ValueError(f"expected {_TYPE_WORDS[kind]}, got {_shorten(text)!r}") from None


def _python_type_problem(kind: type, value: object) -> str | None:
    """Why ``value`` (from YAML or Python) does not fit a setting of type ``kind``, or None."""
    if kind is bool:
        ok = isinstance(value, bool)
    else:
        # bool is an int subclass, but `feed_max_age: true` is a mistake, not 1.
        accepted: type | tuple[type, ...] = (int, float) if kind is float else kind
        ok = isinstance(value, accepted) and not isinstance(value, bool)
    if ok:
        return None
    return f"expected {_TYPE_WORDS.get(kind, kind.__name__)}, got {_describe_value(value)}"


def _within(low: float, high: float, *, above: bool = False) -> Callable[[Any], str | None]:
    """A finite number in [low, high] (``above``: greater than ``low``)."""

    def check(value: Any) -> str | None:
        if not math.isfinite(value):
            return f"must be a finite number, got {value}"
        if above and value <= low:
            return f"must be greater than {low}, got {value}"
        if value < low:
            return f"must be at least {low}, got {value}"
        if value > high:
            return f"must be at most {high}, got {value}"
        return None

    return check


def _check_listen(value: Any) -> str | None:
    host, sep, port = str(value).rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        return f"must be HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got {value!r}"
    if host.startswith("[") != host.endswith("]"):
        return f"unbalanced brackets around the IPv6 address in {value!r}"
    return None


def _check_public_url(value: Any) -> str | None:
    if value == "":
        return None
    problem = _url_problem(str(value))
    return f"must be an absolute http(s) URL or empty: {problem}" if problem else None


def _check_timezone(value: Any) -> str | None:
    return None if str(value) == "auto" else _timezone_problem(str(value))


def _check_database_url(value: Any) -> str | None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(str(value))
    except ArgumentError:
        return f"not a database URL: {value!r} (e.g. sqlite+aiosqlite:///var/feedsvc.db)"
    if url.drivername not in _DATABASE_DRIVERS:
        wanted = " or ".join(f"{d}://…" for d in _DATABASE_DRIVERS)
        return f"unsupported driver {url.drivername!r}; use {wanted}"
    return _sqlite_file_problem(url.database) if url.drivername.startswith("sqlite") else None


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _sqlite_file_problem(database: str | None) -> str | None:
    """A SQLite path must be new, empty or a SQLite database (not a picture, not a folder)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None  # the store explains why it refuses these
    path = Path(database)
    if path.is_dir():
        return f"{database} is a folder; give a database file path inside it"
    try:
        with path.open("rb") as file:
            head = file.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return None  # created on first use
    except OSError as exc:
        return f"cannot read {database}: {exc.strerror or exc}"
    if head and head != _SQLITE_MAGIC:
        return f"{database} is not a SQLite database (it starts with {head[:8]!r})"
    return None


def _check_log_level(value: Any) -> str | None:
    if str(value).upper() in _LOG_LEVELS:
        return None
    return f"must be one of {', '.join(_LOG_LEVELS)}, got {value!r}"


def _check_user_agent(value: Any) -> str | None:
    return "must be one line" if "\n" in str(value) or "\r" in str(value) else None


def _check_jitter(value: Any) -> str | None:
    return None if 0 <= value <= 1 else f"must be between 0 and 1, got {value}"


def _check_nice(value: Any) -> str | None:
    return None if 0 <= value <= 19 else f"must be between 0 and 19, got {value}"


def _check_auto_migrate(value: Any) -> str | None:
    if value in AUTO_MIGRATE_CHOICES:
        return None
    return f"must be one of {', '.join(AUTO_MIGRATE_CHOICES)}, got {value!r}"


def _check_event_loop(value: Any) -> str | None:
    return None if value in ("auto", "asyncio") else f"must be auto or asyncio, got {value!r}"


AUTO_MIGRATE_CHOICES = ("sqlite", "always", "never")
HOUR, DAY = 3600, 86400
_SECONDS = _within(0, HOUR, above=True)  # timeouts and ticks: finite, positive, at most an hour

# One check per setting whose type alone does not make it valid; every number has a range.
_SETTING_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "database_url": _check_database_url,
    "auto_migrate": _check_auto_migrate,
    "listen": _check_listen,
    "public_url": _check_public_url,
    "timezone": _check_timezone,
    "user_agent": _check_user_agent,
    "connect_timeout": _SECONDS,
    "read_timeout": _SECONDS,
    "total_timeout": _SECONDS,
    "max_body_bytes": _within(0, 1 << 30, above=True),
    "max_decompressed_bytes": _within(0, 1 << 31, above=True),
    "max_redirects": _within(0, 50),
    "per_host_concurrency": _within(0, 256, above=True),
    "max_concurrency": _within(0, 4096, above=True),
    "feed_default_limit": _within(0, 10_000, above=True),
    "feed_max_limit": _within(0, 10_000, above=True),
    "feed_max_age": _within(60, DAY),
    "max_content_bytes": _within(1024, 1 << 30),
    "max_feed_bytes": _within(65536, 1 << 31),
    "websub_hub": _check_public_url,
    "scheduler_tick": _SECONDS,
    "claim_batch": _within(0, 1000, above=True),
    "lease_seconds": _within(0, DAY, above=True),
    "lease_heartbeat": _SECONDS,
    "max_backoff": _within(0, 30 * DAY, above=True),
    "jitter": _check_jitter,
    "extract_workers": _within(0, 64),
    "extract_nice": _check_nice,
    "extract_timeout": _SECONDS,
    "event_loop": _check_event_loop,
    "recheck_hours": _within(0, 366 * 24),
    "recheck_per_refresh": _within(0, 1000),
    "max_new_per_refresh": _within(0, 10_000, above=True),
    "robots_ttl": _within(0, 30 * DAY),
    "log_level": _check_log_level,
    "header_timeout": _SECONDS,
    "keepalive_timeout": _SECONDS,
    "max_connections": _within(0, 1_000_000, above=True),
    "admin_tokens": admin_tokens_problem,
}


_ENV_LINE = 1 << 30


@dataclass(frozen=True)
class _Value:
    """A setting's value and where it came from, for error messages."""

    value: object
    origin: str  # "FILE:LINE: settings.NAME", "FEEDSVC_NAME" or "default"
    line: int = _ENV_LINE  # where a problem with it sorts among the file's problems


# Problems are sorted by line; the environment's come after the file's.


def _settings_from_env(
    env: Mapping[str, str], problems: list[tuple[int, str]]
) -> dict[str, _Value]:
    kinds = _setting_types()
    known = {env_name(name): name for name in kinds}
    found: dict[str, _Value] = {}
    for var in sorted(env):
        if not var.startswith(ENV_PREFIX) or var in EXTRA_ENV_VARS:
            continue
        if var.startswith(_IGNORED_ENV_PREFIXES):
            continue
        name = known.get(var)
        if name is None:
            problems.append((_ENV_LINE, f"{var}: unknown setting{_suggest(var, known)}"))
            continue
        try:
            found[name] = _Value(_parse_env_value(kinds[name], env[var]), var)
        except ValueError as exc:
            problems.append((_ENV_LINE, f"{var}: {exc}"))
    return found


def _build_settings(
    file_values: Mapping[str, _Value],
    env: Mapping[str, str],
    problems: list[tuple[int, str]],
    origins: dict[str, str] | None = None,
) -> Settings | None:
    """defaults < file < env; every invalid value is reported with its origin.

    ``origins`` receives each setting's origin for errors found later (an unreachable
    database): ``FILE:LINE: settings.NAME``, ``FEEDSVC_NAME`` or ``settings.NAME (default)``.
    """
    merged = {name: _Value(default, "default") for name, (default, _) in setting_help().items()}
    merged.update(file_values)
    merged.update(_settings_from_env(env, problems))
    if origins is not None:
        origins.update(
            (name, f"settings.{name} (default)" if item.origin == "default" else item.origin)
            for name, item in merged.items()
        )
    for name, item in merged.items():
        check = _SETTING_CHECKS.get(name)
        message = check(item.value) if check else None
        if message:
            problems.append((item.line, f"{item.origin}: {message}"))
    default_limit = merged["feed_default_limit"]
    max_limit = merged["feed_max_limit"]
    low, high = default_limit.value, max_limit.value
    if isinstance(low, int) and isinstance(high, int) and low > high:
        # Blame the value somebody set, not the default it collides with.
        if max_limit.origin == "default":
            message = f"must not exceed feed_max_limit ({high}), got {low}"
            problems.append((default_limit.line, f"{default_limit.origin}: {message}"))
        else:
            message = f"must be at least feed_default_limit ({low}), got {high}"
            problems.append((max_limit.line, f"{max_limit.origin}: {message}"))
    if problems:
        return None
    values = {name: item.value for name, item in merged.items()}
    values["log_level"] = str(values["log_level"]).upper()
    return Settings(**values)  # type: ignore[arg-type]


def load_settings(
    env: Mapping[str, str] | None = None,
    file_settings: Mapping[str, object] | None = None,
    origins: dict[str, str] | None = None,
) -> Settings:
    """Settings for commands without a sources file: defaults < ``file_settings`` < env.

    ``file_settings`` holds already-typed values (as a YAML ``settings:`` block would).
    Raises ConfigError naming every bad value and unknown ``FEEDSVC_*`` variable.
    """
    problems: list[tuple[int, str]] = []
    kinds = _setting_types()
    file_values: dict[str, _Value] = {}
    for name, value in (file_settings or {}).items():
        where = f"settings.{name}"
        if name not in kinds:
            problems.append((0, f"{where}: unknown setting{_suggest(name, kinds)}"))
            continue
        type_problem = _python_type_problem(kinds[name], value)
        if type_problem:
            problems.append((0, f"{where}: {type_problem}"))
            continue
        file_values[name] = _Value(value, where, 0)
    environ = os.environ if env is None else env
    settings = _build_settings(file_values, environ, problems, origins)
    if settings is None:
        texts = [text for _, text in problems]
        raise ConfigError(f"invalid settings ({_count(texts)}):", texts)
    return settings


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
