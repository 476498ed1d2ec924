"""Settings and the sources file.

Settings are declared once, here, with their default and help text; the README table is
checked against this declaration by a test. Precedence: defaults < the sources file's
``settings:`` block < ``FEEDSVC_<NAME>`` environment variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TypeVar

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
        "UTC", "IANA zone for page times that carry none (a source's timezone wins)"
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
    feed_max_age: int = setting(60, "Cache-Control max-age of feeds in seconds (at least 60)")
    scheduler_tick: float = setting(5.0, "seconds between scheduler ticks that claim due sources")
    claim_batch: int = setting(4, "sources claimed per tick by one worker")
    lease_seconds: int = setting(
        600, "how long a claimed source stays leased before another worker may take it"
    )
    max_backoff: int = setting(
        6 * 3600, "cap in seconds on the exponential back-off after failures"
    )
    jitter: float = setting(0.1, "fraction of the interval added at random to spread refreshes")
    extract_workers: int = setting(
        1, "processes for parsing pages; 0 = a thread (tests, tiny installs)"
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
    log_level: str = setting("INFO", "DEBUG, INFO, WARNING or ERROR")

    @property
    def effective_public_url(self) -> str:
        return (self.public_url or f"http://{self.listen}").rstrip("/")


def setting_help() -> dict[str, tuple[object, str]]:
    """Every setting's name → (default, help), for docs and the README check."""
    return {f.name: (f.default, str(f.metadata["help"])) for f in fields(Settings)}
