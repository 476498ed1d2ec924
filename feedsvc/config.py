"""Settings and the sources file.

Settings are declared once, here, with their default and help text; the README table is
checked against this declaration by a test. Precedence: defaults < the sources file's
``settings:`` block < ``FEEDSVC_<NAME>`` environment variables.

``load_config`` validates the whole sources file before anything runs and reports every
problem at once as ``FILE:LINE: field: message`` (the YAML node tree keeps line numbers).
Relative SQLite paths in ``database_url`` are relative to the working directory, not to the
sources file. ``python -m feedsvc.config --markdown`` prints docs/settings.md's table;
``--check FILE`` validates a sources file, like ``feedsvc config check FILE`` (the documented
entry point): exit 0 when valid, 2 when not. YAML syntax errors read ``FILE:LINE:COL:``
(``yamlfile``).
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import functools
import ipaddress
import math
import os
import re
import sys
import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, get_type_hints
from urllib.parse import urlsplit

import idna
import yaml

from feedsvc.admintokens import admin_tokens_problem
from feedsvc.errors import ConfigError
from feedsvc.htmlcap import DEFAULT_MAX_CONTENT_BYTES
from feedsvc.models import Selectors, SourceConfig
from feedsvc.redact import redact_credentials
from feedsvc.yamlfile import compose_file

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


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_value(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


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


def _check_event_loop(value: Any) -> str | None:
    return None if value in ("auto", "asyncio") else f"must be auto or asyncio, got {value!r}"


HOUR, DAY = 3600, 86400
_SECONDS = _within(0, HOUR, above=True)  # timeouts and ticks: finite, positive, at most an hour

# One check per setting whose type alone does not make it valid; every number has a range.
_SETTING_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "database_url": _check_database_url,
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


# --------------------------------------------------------------------------------------------
# The sources file
# --------------------------------------------------------------------------------------------

MIN_INTERVAL = 30
MAX_INTERVAL = 7 * 24 * 3600
DEFAULT_INTERVAL = 15 * 60
MAX_PAGES = 50
_SOURCE_ID = re.compile(r"[a-z0-9-]{1,64}")
_INTERVAL = re.compile(
    r"(?:(?P<d>\d+)\s*d)?\s*(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m)?\s*(?:(?P<s>\d+)\s*s)?",
    re.IGNORECASE,
)
# BCP 47, the common subset: language[-Script][-REGION][-variant…]
_LANGUAGE = re.compile(
    r"(?P<lang>[a-z]{2,3})(?:-(?P<script>[a-z]{4}))?(?:-(?P<region>[a-z]{2}|\d{3}))?"
    r"(?P<variants>(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*)",
    re.IGNORECASE,
)
_ATTR_SUFFIX = re.compile(r"@(?P<attr>[A-Za-z_:][-\w:.]*)\s*$")
_TOP_KEYS = ("settings", "sources")
_SOURCE_KEYS = (
    "id",
    "name",
    "url",
    "urls",
    "category",
    "interval",
    "timezone",
    "full_text",
    "encoding",
    "language",
    "max_pages",
    "allow_private_networks",
    "selectors",
    "enabled",
)
_SELECTOR_KEYS = tuple(f.name for f in fields(Selectors))
_MERGE_TAG = "tag:yaml.org,2002:merge"
_YAML_TAG = "tag:yaml.org,2002:"
# The tags the file may use (plain YAML); !!python/*, !!binary, !!set, local !tags are refused.
_PLAIN_TAGS = frozenset(
    _YAML_TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)
MAX_NUMBER_CHARS = 100  # longer digit strings are refused before int() is asked (4300 max)
_TAG_WORDS = {
    "tag:yaml.org,2002:str": "a string",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:timestamp": "a date",
}


@dataclass(frozen=True)
class AppConfig:
    """A validated sources file plus the effective settings."""

    settings: Settings
    sources: tuple[SourceConfig, ...]
    path: Path | None
    warnings: tuple[str, ...] = ()
    # setting name → where its value came from ("FILE:LINE: settings.NAME", "FEEDSVC_NAME", …)
    origins: Mapping[str, str] = field(default_factory=dict)

    def origin(self, name: str) -> str:
        return self.origins.get(name, f"settings.{name}")


def parse_interval(text: str | int) -> int:
    """``30s``, ``15m``, ``2h``, ``1d``, ``1h30m`` or a number of seconds → seconds (30 s … 7 d).

    Raises ValueError with a message fit to follow ``FILE:LINE: field:``.
    """
    if isinstance(text, bool):
        raise ValueError(f"expected a duration like 15m, got {_describe_value(text)}")
    if isinstance(text, int):
        seconds = text
        shown = f"{text}"
    else:
        shown = text.strip()
        match = _INTERVAL.fullmatch(shown) if 0 < len(shown) <= 40 else None
        if shown.isdigit() and len(shown) <= 40:
            seconds = int(shown)
        elif match and any(match.groupdict().values()):
            parts = {k: int(v or 0) for k, v in match.groupdict().items()}
            seconds = parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
        else:
            raise ValueError(
                f"expected a duration like 30s, 15m, 2h, 1d or 1h30m, got {_shorten(text)!r}"
            )
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise ValueError(f"must be between 30s and 7d, got {shown!r}")
    return seconds


def normalize_language(tag: str) -> str:
    """``zh_CN`` → ``zh-CN``, ``EN-us`` → ``en-US``; ValueError when not a BCP 47 tag."""
    text = tag.strip().replace("_", "-")
    match = _LANGUAGE.fullmatch(text)
    if match is None:
        raise ValueError(f"not a BCP 47 language tag (e.g. zh-CN, en): {tag!r}")
    parts = [match["lang"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    parts.extend(v.lower() for v in match["variants"].split("-") if v)
    return "-".join(parts)


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _count(problems: list[str]) -> str:
    return f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"


def _url_problem(url: str) -> str | None:
    shown = redact_credentials(url)  # a password in the URL stays out of the message
    try:
        parsed = urlsplit(url)
        parsed.port  # noqa: B018 — raises ValueError on a bad port
    except ValueError as exc:
        return f"not a valid URL: {shown!r} ({exc})"
    if parsed.scheme.lower() not in ("http", "https"):
        return f"URL must start with http:// or https://, got {shown!r}"
    if not parsed.hostname:
        return f"URL has no host: {shown!r}"
    if any(ch.isspace() for ch in url.strip()):
        return f"URL contains whitespace: {shown!r}"
    return _host_problem(parsed.hostname)


def _host_problem(host: str) -> str | None:
    """A host that DNS can be asked about: an IP address or labels of 1-63 characters, with
    ``xn--`` and non-ASCII labels valid IDNA (``idna``); ASCII labels keep their ``_``."""
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host)
        return None
    name = host.removesuffix(".")
    if len(name) > 253:
        return f"invalid host {_shorten(host)!r}: longer than 253 characters"
    for label in name.split("."):
        try:
            if not label:
                raise idna.IDNAError("empty label")
            if not label.isascii():
                idna.encode(label, uts46=True)
            elif len(label) > 63:
                raise idna.IDNAError(f"label longer than 63 characters ({len(label)})")
            elif label.lower().startswith("xn--"):
                idna.decode(label)
        except (idna.IDNAError, UnicodeError) as exc:
            return f"invalid host {_shorten(host, 80)!r}: {exc}"
    return None


@functools.cache
def _timezone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _timezone_problem(name: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {name!r}{_suggest(name, _timezone_names())}"
    return None


def _encoding_problem(name: str) -> str | None:
    """A page charset: a known codec that turns bytes into text (not rot13, base64, zlib…)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return f"unknown encoding {name!r} (e.g. utf-8, gbk, gb18030, big5)"
    if not getattr(info, "_is_text_encoding", True):
        return f"{name!r} is not a text encoding; use a charset such as utf-8, gbk or big5"
    try:
        b"<html>".decode(info.name)
    except (UnicodeError, ValueError, LookupError) as exc:
        return f"{name!r} cannot decode a web page ({exc}); use a charset such as utf-8"
    return None


# These select elements to work inside; reading an attribute of them means nothing.
_ELEMENT_SELECTORS = frozenset({"item", "content"})


def selector_problem(selector: str, *, key: str = "") -> str | None:
    """Why a CSS / ``xpath:`` selector does not compile, or None.

    Compiles with the extract stage's own compiler, so the file accepts exactly what
    extraction runs. ``a@href`` reads an attribute, except on ``item`` and ``content``.
    """
    from feedsvc.extract.selecting import validate_selector  # ~90 ms; only when selectors exist

    text = selector.strip()
    is_xpath = text.lower().startswith("xpath:")
    if key in _ELEMENT_SELECTORS and not is_xpath and _ATTR_SUFFIX.search(text):
        return f"selects elements, so it cannot end in an @attribute: {selector!r}"
    try:
        validate_selector(text)
    except ValueError as exc:
        return str(exc)
    return None


class _Reader:
    """Walks a composed YAML node tree, turning problems into ``FILE:LINE: field: message``."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._problems: list[tuple[int, str]] = []
        self.warnings: list[str] = []
        self._constructor = yaml.SafeLoader("")
        self._refused: set[yaml.Node] = set()  # reported by screen(); never read

    def screen(self, root: yaml.Node) -> None:
        """Report every node whose value cannot be built safely, before anything is read:
        tags that are not plain YAML and scalars their constructor rejects (``!!int abc``,
        a 5000-digit number). Each node is visited once, so aliases cannot multiply work."""
        seen: set[yaml.Node] = set()
        pending: list[tuple[yaml.Node, str]] = [(root, "")]
        while pending:
            node, where = pending.pop()
            if node in seen:
                continue
            seen.add(node)
            problem = self._node_problem(node)
            if problem:
                self.add(node, where, problem)
                self._refused.add(node)
            elif isinstance(node, yaml.SequenceNode):
                pending.extend((item, f"{where}[{i}]") for i, item in enumerate(node.value))
            elif isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                    pending.extend(((key, where), (value, self.join(where, name))))

    def _node_problem(self, node: yaml.Node) -> str | None:
        if node.tag not in _PLAIN_TAGS:
            yaml_tag = node.tag.startswith(_YAML_TAG)
            tag = "!!" + node.tag.removeprefix(_YAML_TAG) if yaml_tag else node.tag
            return (
                f"the YAML tag {_shorten(tag, 60)} is not allowed; "
                "write plain strings, numbers, true/false, lists and mappings"
            )
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _TAG_WORDS:
            return None
        text = str(node.value)
        if len(text) > MAX_NUMBER_CHARS and node.tag.endswith(("int", "float")):
            return f"number too long ({len(text)} characters; at most {MAX_NUMBER_CHARS})"
        try:
            self._constructor.construct_object(node, deep=True)
        except Exception:  # PyYAML's constructors fail in many ways (IndexError on "!!int")
            word = _TAG_WORDS[node.tag].split(" ", 1)[1]  # "an integer" → "integer"
            return f"not a valid {word}: {_shorten(text)!r}"
        return None

    def add(self, node: yaml.Node | None, where: str, message: str) -> None:
        if node in self._refused:
            return  # screen() said why already
        line = node.start_mark.line + 1 if node is not None else 0
        prefix = f"{self.label}:{line}" if line else self.label
        self.add_text(line, f"{prefix}: {where}: {message}" if where else f"{prefix}: {message}")

    def add_text(self, line: int, text: str) -> None:
        self._problems.append((line, text))

    @property
    def count(self) -> int:
        return len(self._problems)

    @property
    def problems(self) -> list[str]:
        """In file order, so a long report reads top to bottom."""
        return [text for _, text in sorted(self._problems, key=lambda item: item[0])]

    def describe(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        word = _TAG_WORDS.get(node.tag, f"a {node.tag}")
        if node.tag == "tag:yaml.org,2002:null":
            return word
        value = str(node.value)
        shown = value if len(value) <= 40 else value[:39] + "…"
        return f"{word} ({shown!r})" if node.tag.endswith(":str") else f"{word} ({shown})"

    def scalar(self, node: yaml.Node) -> object:
        """The node's value (screened, so safe to build), or ``_MISSING`` when refused."""
        if node in self._refused:
            return _MISSING
        return self._constructor.construct_object(node, deep=True)

    def mapping(
        self, node: yaml.Node, where: str, allowed: Sequence[str]
    ) -> dict[str, yaml.Node] | None:
        """The mapping's keys → value nodes; unknown and repeated keys are reported."""
        if node in self._refused:
            return None
        if not isinstance(node, yaml.MappingNode):
            self.add(node, where, f"expected a mapping, got {self.describe(node)}")
            return None
        explicit: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = str(key_node.value)
            if key in explicit:
                self.add(key_node, self.join(where, key), "repeated key")
            explicit.add(key)
        try:
            self._constructor.flatten_mapping(node)  # resolves `<<: *anchor` merges
        except yaml.MarkedYAMLError as exc:
            self.add(node, where, f"bad merge: {exc.problem}")
            return None
        except RecursionError:
            self.add(node, where, "bad merge: it merges itself")
            return None
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":str")):
                self.add(key_node, where, f"keys must be names, got {self.describe(key_node)}")
                continue
            key = key_node.value
            if key not in allowed:
                self.add(key_node, self.join(where, key), f"unknown key{_suggest(key, allowed)}")
                continue
            result[key] = value_node
        return result

    @staticmethod
    def join(where: str, key: str) -> str:
        return f"{where}.{key}" if where else key

    def string(self, node: yaml.Node, where: str) -> str | None:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str"):
            hint = "; quote it" if isinstance(node, yaml.ScalarNode) and node.value else ""
            self.add(node, where, f"expected a string, got {self.describe(node)}{hint}")
            return None
        text = str(node.value).strip()
        if not text:
            self.add(node, where, "must not be empty")
            return None
        return text

    def boolean(self, node: yaml.Node, where: str) -> bool | None:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool"):
            self.add(node, where, f"expected true or false, got {self.describe(node)}")
            return None
        value = self.scalar(node)
        return value if isinstance(value, bool) else None

    def integer(self, node: yaml.Node, where: str, low: int, high: int) -> int | None:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int"):
            self.add(node, where, f"expected an integer, got {self.describe(node)}")
            return None
        value = self.scalar(node)
        if not isinstance(value, int):
            return None
        if not low <= value <= high:
            self.add(node, where, f"must be between {low} and {high}, got {value}")
            return None
        return value

    def setting_value(self, node: yaml.Node, where: str, kind: type) -> object:
        """A settings value from YAML, type-checked; ``_MISSING`` when reported as bad."""
        if not isinstance(node, yaml.ScalarNode):
            self.add(node, where, f"expected {_TYPE_WORDS[kind]}, got {self.describe(node)}")
            return _MISSING
        value = self.scalar(node)
        if value is _MISSING:
            return _MISSING
        problem = _python_type_problem(kind, value)
        if problem:
            self.add(node, where, problem)
            return _MISSING
        return float(value) if kind is float else value  # type: ignore[arg-type]


_MISSING = object()


def _read_settings(reader: _Reader, node: yaml.Node) -> dict[str, _Value]:
    kinds = _setting_types()
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return {}
    entries = reader.mapping(node, "settings", list(kinds))
    values: dict[str, _Value] = {}
    for name, value_node in (entries or {}).items():
        where = f"settings.{name}"
        value = reader.setting_value(value_node, where, kinds[name])
        if value is not _MISSING:
            origin = f"{reader.label}:{value_node.start_mark.line + 1}: {where}"
            values[name] = _Value(value, origin, value_node.start_mark.line + 1)
    return values


def _read_selectors(reader: _Reader, node: yaml.Node, where: str) -> Selectors | None:
    entries = reader.mapping(node, where, _SELECTOR_KEYS)
    if entries is None:
        return None
    values: dict[str, str] = {}
    for key, value_node in entries.items():
        field_where = f"{where}.{key}"
        text = reader.string(value_node, field_where)
        if text is None:
            continue
        problem = selector_problem(text, key=key)
        if problem:
            reader.add(value_node, field_where, problem)
            continue
        values[key] = text
    return Selectors(**values) if values else None


def _read_urls(
    reader: _Reader, entries: dict[str, yaml.Node], node: yaml.Node, where: str
) -> list[str]:
    if "url" in entries and "urls" in entries:
        reader.add(entries["urls"], f"{where}.urls", "give either url or urls, not both")
        return []
    if "url" not in entries and "urls" not in entries:
        reader.add(node, where, "missing url (or urls: a list of list pages)")
        return []
    if "url" in entries:
        items = [(entries["url"], f"{where}.url")]
    else:
        list_node = entries["urls"]
        if not isinstance(list_node, yaml.SequenceNode) or not list_node.value:
            got = (
                reader.describe(list_node)
                if not isinstance(list_node, yaml.SequenceNode)
                else "an empty list"
            )
            reader.add(list_node, f"{where}.urls", f"expected a list of URLs, got {got}")
            return []
        items = [(n, f"{where}.urls[{i}]") for i, n in enumerate(list_node.value)]
    urls: list[str] = []
    for url_node, url_where in items:
        url = reader.string(url_node, url_where)
        if url is None:
            continue
        problem = _url_problem(url)
        if problem:
            reader.add(url_node, url_where, problem)
        elif url in urls:
            reader.add(url_node, url_where, f"repeated URL {redact_credentials(url)!r}")
        else:
            urls.append(url)
    return urls


def _read_source(
    reader: _Reader, node: yaml.Node, where: str
) -> tuple[SourceConfig | None, str | None]:
    """The source (None when it has problems) and its id when readable, for duplicate checks."""
    before = reader.count
    entries = reader.mapping(node, where, _SOURCE_KEYS)
    if entries is None:
        return None, None
    source_id: str | None = None
    if "id" not in entries:
        reader.add(node, where, "missing id (letters a-z, digits and '-', used in feed URLs)")
    else:
        source_id = reader.string(entries["id"], f"{where}.id")
        if source_id is not None and not _SOURCE_ID.fullmatch(source_id):
            fixed = re.sub(r"[^a-z0-9]+", "-", source_id.lower()).strip("-")[:64]
            hint = f"; try {fixed!r}" if fixed else ""
            reader.add(
                entries["id"],
                f"{where}.id",
                f"must be 1-64 characters of a-z, 0-9 and '-', got {source_id!r}{hint}",
            )
    urls = _read_urls(reader, entries, node, where)
    text: dict[str, str | None] = {}
    for key in ("name", "category", "timezone", "encoding", "language"):
        text[key] = reader.string(entries[key], f"{where}.{key}") if key in entries else None

    def check(key: str, problem: Callable[[str], str | None]) -> None:
        value = text[key]
        message = problem(value) if value is not None else None
        if message:
            reader.add(entries[key], f"{where}.{key}", message)

    check("timezone", _timezone_problem)
    check("encoding", _encoding_problem)
    language = text["language"]
    if language is not None:
        try:
            language = normalize_language(language)
        except ValueError as exc:
            reader.add(entries["language"], f"{where}.language", str(exc))
    interval = DEFAULT_INTERVAL
    if "interval" in entries:
        interval_node = entries["interval"]
        value = reader.scalar(interval_node) if isinstance(interval_node, yaml.ScalarNode) else None
        if not isinstance(value, str | int) or isinstance(value, bool):
            reader.add(
                interval_node,
                f"{where}.interval",
                f"expected a duration like 15m, got {reader.describe(interval_node)}",
            )
        else:
            try:
                interval = parse_interval(value)
            except ValueError as exc:
                reader.add(interval_node, f"{where}.interval", str(exc))
    full_text = True
    if "full_text" in entries:
        full_text = bool(reader.boolean(entries["full_text"], f"{where}.full_text"))
    allow_private: bool | None = None
    if "allow_private_networks" in entries:
        allow_private = reader.boolean(
            entries["allow_private_networks"], f"{where}.allow_private_networks"
        )
    enabled = True
    if "enabled" in entries:
        enabled = reader.boolean(entries["enabled"], f"{where}.enabled") is not False
    max_pages = 1
    if "max_pages" in entries:
        max_pages = reader.integer(entries["max_pages"], f"{where}.max_pages", 1, MAX_PAGES) or 1
    selectors = None
    if "selectors" in entries:
        selectors = _read_selectors(reader, entries["selectors"], f"{where}.selectors")
    if reader.count > before or source_id is None:
        return None, source_id
    encoding = text["encoding"]
    return SourceConfig(
        id=source_id,
        name=text["name"] or source_id,
        urls=tuple(urls),
        interval_seconds=interval,
        category=text["category"],
        timezone=text["timezone"],
        full_text=full_text,
        selectors=selectors,
        encoding=codecs.lookup(encoding).name if encoding else None,
        language=language,
        max_pages=max_pages,
        allow_private_networks=allow_private,
        enabled=enabled,
    ), source_id


def _read_sources(reader: _Reader, node: yaml.Node) -> list[SourceConfig]:
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        reader.warnings.append(f"{reader.label}:{node.start_mark.line + 1}: sources: empty")
        return []
    if not isinstance(node, yaml.SequenceNode):
        reader.add(node, "sources", f"expected a list of sources, got {reader.describe(node)}")
        return []
    sources: list[SourceConfig] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(node.value):
        where = f"sources[{index}]"
        source, source_id = _read_source(reader, item, where)
        if source_id is None:
            continue
        if source_id in first_line:
            reader.add(
                item,
                f"{where}.id",
                f"repeated source id {source_id!r} (first at line {first_line[source_id]})",
            )
            continue
        first_line[source_id] = item.start_mark.line + 1
        if source is not None:
            sources.append(source)
    if not node.value:
        reader.warnings.append(f"{reader.label}:{node.start_mark.line + 1}: sources: empty")
    return sources


# --- One source from JSON (the admin API): the same rules as the file ---------------------


class SourceProblem(NamedTuple):
    field: str  # a path inside the source: "interval", "selectors.item", "urls[1]"
    message: str


class _FieldReader(_Reader):
    """Collects ``(field, message)`` pairs instead of ``FILE:LINE`` lines."""

    def __init__(self) -> None:
        super().__init__("")
        self.fields: list[SourceProblem] = []

    def add(self, node: yaml.Node | None, where: str, message: str) -> None:
        if node in self._refused:
            return  # screen() said why already
        # "; quote it" is advice for YAML, where JSON has no such thing.
        self.fields.append(SourceProblem(where.lstrip("."), message.removesuffix("; quote it")))
        self.add_text(0, message)


def _yaml_node(value: object) -> yaml.Node:
    """A JSON value as the YAML node the file's reader walks (so both share every rule)."""
    mark = yaml.Mark("json", 0, -1, -1, None, 0)
    if isinstance(value, Mapping):
        pairs = [(_yaml_node(str(k)), _yaml_node(v)) for k, v in value.items()]
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, mark, mark)
    if isinstance(value, list | tuple):
        return yaml.SequenceNode(
            "tag:yaml.org,2002:seq", [_yaml_node(v) for v in value], mark, mark
        )
    if value is None:
        tag, text = "null", "null"
    elif isinstance(value, bool):
        tag, text = "bool", str(value).lower()
    elif isinstance(value, int):
        tag, text = "int", str(value)
    elif isinstance(value, float):
        tag, text = "float", repr(value)
    else:
        tag, text = "str", str(value)
    return yaml.ScalarNode(f"tag:yaml.org,2002:{tag}", text, mark, mark)


def parse_source(data: object) -> SourceConfig | list[SourceProblem]:
    """Validate one source given as JSON data with exactly the sources file's rules.

    Returns the SourceConfig, or every problem as ``(field, message)``.
    """
    reader = _FieldReader()
    node = _yaml_node(data)
    reader.screen(node)
    source, _ = _read_source(reader, node, "")
    if reader.fields or source is None:
        return reader.fields or [SourceProblem("", "not a valid source")]
    return source


def source_fields(config: SourceConfig) -> dict[str, object]:
    """A SourceConfig as the file's keys (what :func:`parse_source` reads back unchanged)."""
    data: dict[str, object] = {
        "id": config.id,
        "name": config.name,
        "urls": list(config.urls),
        "interval": config.interval_seconds,
        "category": config.category,
        "timezone": config.timezone,
        "full_text": config.full_text,
        "encoding": config.encoding,
        "language": config.language,
        "max_pages": config.max_pages,
        "allow_private_networks": config.allow_private_networks,
    }
    if config.selectors is not None:
        data["selectors"] = config.selectors.as_dict()
    if not config.enabled:
        data["enabled"] = False  # the default (true) is left out
    return {k: v for k, v in data.items() if v is not None}


def load_config(path: Path | None, env: Mapping[str, str] | None = None) -> AppConfig:
    """Read and validate a sources file; ``env`` (default ``os.environ``) overrides settings.

    Every problem in the file and the environment is collected before raising one
    ConfigError whose lines read ``FILE:LINE: field: message``. ``path=None`` gives the
    settings from the environment and no sources. Relative SQLite paths in
    ``database_url`` stay relative to the working directory, not to the file.
    """
    environ = os.environ if env is None else env
    origins: dict[str, str] = {}
    if path is None:
        only = load_settings(environ, origins=origins)
        return AppConfig(settings=only, sources=(), path=None, origins=origins)
    path = Path(path)
    root = compose_file(path)
    reader = _Reader(str(path))
    if root is not None:
        reader.screen(root)
    file_settings: dict[str, _Value] = {}
    sources: list[SourceConfig] = []
    if root is None:
        reader.add(None, "", "the file is empty; expected 'sources:'")
    else:
        top = reader.mapping(root, "", _TOP_KEYS) if isinstance(root, yaml.MappingNode) else None
        if top is None:
            reader.add(
                root,
                "",
                "the top level must be a mapping with 'settings:' and 'sources:', "
                f"got {reader.describe(root)}",
            )
        else:
            if "settings" in top:
                file_settings = _read_settings(reader, top["settings"])
            if "sources" in top:
                sources = _read_sources(reader, top["sources"])
            else:
                reader.warnings.append(f"{reader.label}: no 'sources:' — serving stored feeds only")
    settings_problems: list[tuple[int, str]] = []
    settings = _build_settings(file_settings, environ, settings_problems, origins)
    for line, text in settings_problems:
        reader.add_text(line, text)
    problems = reader.problems
    if problems or settings is None:
        raise ConfigError(f"{path}: {_count(problems)}:", problems)
    return AppConfig(
        settings=settings,
        sources=tuple(sources),
        path=path,
        warnings=tuple(reader.warnings),
        origins=origins,
    )


def check_file(path: Path) -> int:
    """``feedsvc config check FILE``: 0 and ``FILE: OK, N sources`` when the file (with the
    environment's ``FEEDSVC_*``) is valid; 2 and every problem on stderr when it is not."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(redact_credentials(str(exc)), file=sys.stderr)
        return 2
    for warning in config.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{path}: OK, {len(config.sources)} sources")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m feedsvc.config --markdown`` prints the settings table for docs/settings.md."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m feedsvc.config")
    parser.add_argument("--markdown", action="store_true", help="print the settings table")
    parser.add_argument("--check", type=Path, metavar="FILE", help="validate a sources file")
    args = parser.parse_args(argv)
    if args.check:
        return check_file(args.check)
    if args.markdown:
        sys.stdout.write(settings_markdown())
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
