"""Settings and the sources file.

Settings are declared once, here, with their default and help text; the README table is
checked against this declaration by a test. Precedence: defaults < the sources file's
``settings:`` block < ``FEEDSVC_<NAME>`` environment variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def setting(default: object, help: str) -> object:  # noqa: A002 - "help" reads best here
    """Declare a setting: its default and the one-line help shown in docs and errors."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    database_url: str = setting(  # type: ignore[assignment]
        "sqlite+aiosqlite:///var/feedsvc.db",
        "SQLAlchemy URL: sqlite+aiosqlite:///PATH (default, file under ./var/) or "
        "postgresql+asyncpg://USER@HOST/DB",
    )
    listen: str = setting("127.0.0.1:8080", "HOST:PORT the HTTP server binds")  # type: ignore[assignment]
    public_url: str = setting(  # type: ignore[assignment]
        "", "absolute base URL used in feed links; empty = http://{listen}"
    )
    timezone: str = setting(  # type: ignore[assignment]
        "UTC", "IANA zone for page times that carry none (a source's timezone wins)"
    )
    allow_private_networks: bool = setting(  # type: ignore[assignment]
        False, "fetch from private, loopback and link-local addresses (local/test sources only)"
    )
    user_agent: str = setting(  # type: ignore[assignment]
        "", "User-Agent for fetches; empty = feedsvc/VERSION (+public_url)"
    )
    connect_timeout: float = setting(10.0, "seconds to establish a connection")  # type: ignore[assignment]
    read_timeout: float = setting(20.0, "seconds between bytes of a response")  # type: ignore[assignment]
    total_timeout: float = setting(30.0, "seconds for a whole fetch, redirects included")  # type: ignore[assignment]
    max_body_bytes: int = setting(  # type: ignore[assignment]
        5 * 1024 * 1024, "cap on a response body as received (compressed) in bytes"
    )
    max_decompressed_bytes: int = setting(  # type: ignore[assignment]
        20 * 1024 * 1024, "cap on a response body after decompression in bytes"
    )
    max_redirects: int = setting(5, "redirects followed per fetch")  # type: ignore[assignment]
    per_host_concurrency: int = setting(2, "simultaneous fetches to one host")  # type: ignore[assignment]
    max_concurrency: int = setting(16, "simultaneous fetches in this process")  # type: ignore[assignment]
    feed_default_limit: int = setting(50, "entries in a feed without ?limit=")  # type: ignore[assignment]
    feed_max_limit: int = setting(500, "the largest ?limit= accepted")  # type: ignore[assignment]
    feed_max_age: int = setting(  # type: ignore[assignment]
        60, "Cache-Control max-age of feeds in seconds (at least 60)"
    )
    scheduler_tick: float = setting(5.0, "seconds between scheduler ticks that claim due sources")  # type: ignore[assignment]
    claim_batch: int = setting(4, "sources claimed per tick by one worker")  # type: ignore[assignment]
    lease_seconds: int = setting(  # type: ignore[assignment]
        600, "how long a claimed source stays leased before another worker may take it"
    )
    max_backoff: int = setting(  # type: ignore[assignment]
        6 * 3600, "cap in seconds on the exponential back-off after failures"
    )
    jitter: float = setting(  # type: ignore[assignment]
        0.1, "fraction of the interval added at random to spread refreshes"
    )
    extract_workers: int = setting(  # type: ignore[assignment]
        1, "processes for parsing pages; 0 = a thread (tests, tiny installs)"
    )
    recheck_hours: int = setting(  # type: ignore[assignment]
        48, "known articles still on a list page are re-checked for edits this long"
    )
    recheck_per_refresh: int = setting(  # type: ignore[assignment]
        10, "known articles re-checked for edits per refresh (conditional GET)"
    )
    max_new_per_refresh: int = setting(  # type: ignore[assignment]
        100, "new article pages fetched per refresh; the rest wait for the next one"
    )
    log_level: str = setting("INFO", "DEBUG, INFO, WARNING or ERROR")  # type: ignore[assignment]

    @property
    def effective_public_url(self) -> str:
        return (self.public_url or f"http://{self.listen}").rstrip("/")


def setting_help() -> dict[str, tuple[object, str]]:
    """Every setting's name → (default, help), for docs and the README check."""
    return {f.name: (f.default, str(f.metadata["help"])) for f in fields(Settings)}
