"""The checks settings declare (``setting(..., check=...)`` in ``settings``): each takes a
value of the setting's type and returns the problem with it, or None."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from feedsvc.admintokens import admin_tokens_problem
from feedsvc.config.values import _timezone_problem, _url_problem

__all__ = [
    "DAY",
    "HOUR",
    "SECONDS",
    "admin_tokens_problem",
    "check_database_url",
    "check_event_loop",
    "check_fraction",
    "check_listen",
    "check_log_level",
    "check_nice",
    "check_one_line",
    "check_timezone",
    "check_url_or_empty",
    "within",
]

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_DATABASE_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


def within(low: float, high: float, *, above: bool = False) -> Callable[[Any], str | None]:
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


def check_listen(value: Any) -> str | None:
    host, sep, port = str(value).rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        return f"must be HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got {value!r}"
    if host.startswith("[") != host.endswith("]"):
        return f"unbalanced brackets around the IPv6 address in {value!r}"
    return None


def check_url_or_empty(value: Any) -> str | None:
    if value == "":
        return None
    problem = _url_problem(str(value))
    return f"must be an absolute http(s) URL or empty: {problem}" if problem else None


def check_timezone(value: Any) -> str | None:
    return None if str(value) == "auto" else _timezone_problem(str(value))


def check_database_url(value: Any) -> str | None:
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


def check_log_level(value: Any) -> str | None:
    if str(value).upper() in _LOG_LEVELS:
        return None
    return f"must be one of {', '.join(_LOG_LEVELS)}, got {value!r}"


def check_one_line(value: Any) -> str | None:
    return "must be one line" if "\n" in str(value) or "\r" in str(value) else None


def check_fraction(value: Any) -> str | None:
    return None if 0 <= value <= 1 else f"must be between 0 and 1, got {value}"


def check_nice(value: Any) -> str | None:
    return None if 0 <= value <= 19 else f"must be between 0 and 19, got {value}"


AUTO_MIGRATE_CHOICES = ("sqlite", "always", "never")


def check_auto_migrate(value: Any) -> str | None:
    if value in AUTO_MIGRATE_CHOICES:
        return None
    return f"must be one of {', '.join(AUTO_MIGRATE_CHOICES)}, got {value!r}"


def check_event_loop(value: Any) -> str | None:
    return None if value in ("auto", "asyncio") else f"must be auto or asyncio, got {value!r}"


HOUR, DAY = 3600, 86400
SECONDS = within(0, HOUR, above=True)  # timeouts and ticks: finite, positive, at most an hour
