"""The exception tree, and what the service does when each error is raised.

Every error names what failed and where (URL, file, line, field). A failed *list page*
fails its source's refresh: the error is recorded on the source (``last_error``, a
``fetch_runs`` row), the source's stored articles stay in every feed, and the error's
:class:`Retry` hint alone decides when the source is checked again
(:func:`feedsvc.refresh.policy.backoff`; the intervals below use the settings
``max_backoff`` and ``robots_ttl``, and a source is never checked sooner than its own
interval). A failed *article page* is logged and that article is tried again on the
next refresh; it never changes the source's schedule.

::

    FeedsvcError                  base; an unexpected one is treated as TRANSIENT
    ├── ConfigError               bad sources file or setting (file, line, field)
    │                             → nothing starts (exit 2); at refresh time: PERMANENT
    ├── FetchError                one HTTP fetch failed; always carries the URL → TRANSIENT
    │   ├── BlockedAddressError   resolves to a private/loopback/link-local address
    │   │                         → PERMANENT: a configuration problem (allow_private_networks)
    │   ├── FetchTimeoutError     connect/read/total timeout → TRANSIENT
    │   ├── HTTPStatusError       a non-2xx/304 status; carries ``status`` and Retry-After
    │   │                         → 429, 503 or any Retry-After: RATE_LIMITED;
    │   │                           408, 425, 5xx: TRANSIENT; other 4xx (404, 410, 403…)
    │   │                           and 3xx without Location: PERMANENT
    │   ├── TooLargeError         body or decompressed body over the cap → PERMANENT
    │   ├── TooManyRedirectsError redirect chain over the cap (a loop) → PERMANENT
    │   ├── DecodeError           bytes no candidate charset decodes sensibly → PERMANENT
    │   │                         (set the source's ``encoding``)
    │   ├── UnsupportedContentError  not an HTML page (image, PDF, …) → PERMANENT
    │   ├── RobotsDisallowedError the site's robots.txt disallows the URL for feedsvc
    │   │                         → RATE_LIMITED for ``robots_ttl``: asked again only
    │   │                           once robots.txt is re-read
    │   └── ConnectionFailedError DNS, refused, reset, TLS → TRANSIENT
    ├── ExtractError              a page that yields nothing usable (names URL and why)
    │   │                         → TRANSIENT (a list page without article links)
    │   └── ListDriftError        a list page that yielded links before yields none now
    │                             → TRANSIENT, and the source is flagged ``drift``
    ├── StoreError                database problems → TRANSIENT
    │   ├── LeaseLostError        our lease on a source expired and another worker took it
    │   │                         → nothing is written; the new lease holder decides
    │   ├── NotFoundError         an admin write names no such source/article (→ HTTP 404)
    │   ├── ConflictError         an admin create names an existing source id (→ HTTP 409)
    │   ├── StaleWriteError       an admin write's If-Match is not the stored ETag (→ HTTP 412)
    │   ├── NoDatabaseError       a read-only open found no SQLite file (→ the command says so,
    │   │                         nothing is created)
    │   ├── SchemaMismatchError   the database's schema revision is not this code's: behind
    │   │                         (→ run `feedsvc migrate`) or unknown/newer (→ upgrade
    │   │                         feedsvc); nothing starts (exit 2)
    │   └── PruneRefusedError     a sources sync would disable every enabled source
    │                             → nothing synced: a ConfigError asking for --prune
    ├── FeedNotFoundError         an unknown feed key (→ HTTP 404)
    ├── FeedRenderError           a rendered feed failed its structural check (→ HTTP 500)
    └── ListenError               the server cannot bind its address (→ exit 1, nothing started)

The retry kinds (:class:`RetryKind`):

* TRANSIENT: may fix itself soon: exponential back-off, interval · 2^n after n failures
  in a row, capped by ``max_backoff``.
* PERMANENT: will not fix itself without someone acting (a gone page, a setting to
  change): ``max_backoff`` at once, not a climb of needless requests.
* RATE_LIMITED: the site asked us to wait: the ``retry_after`` seconds it gave, capped
  by ``max_backoff``; without a readable one, as TRANSIENT.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from feedsvc.redact import redact_credentials


class RetryKind(enum.Enum):
    """How a failure drives the source's next check (see the module docstring)."""

    TRANSIENT = "transient"
    PERMANENT = "permanent"
    RATE_LIMITED = "rate-limited"


@dataclass(frozen=True)
class Retry:
    """An error's retry hint: its kind, and the wait the site asked for, in seconds."""

    kind: RetryKind
    after: float | None = None


def _rebuild(cls: type[FeedsvcError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """Unpickle an error without calling its ``__init__`` (see ``FeedsvcError.__reduce__``)."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class FeedsvcError(Exception):
    """Base of every error feedsvc raises on purpose.

    ``retry_kind`` (a class attribute; an instance may override it) and ``retry_after``
    make the error's :attr:`retry` hint, which the refresh policy reads.
    """

    retry_kind: RetryKind = RetryKind.TRANSIENT
    retry_after: float | None = None

    @property
    def retry(self) -> Retry:
        return Retry(self.retry_kind, self.retry_after)

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own pickling calls ``cls(*self.args)``, which fails (or garbles the
        # message) for every subclass whose ``__init__`` takes other parameters than the
        # message; the extraction pool sends errors between processes, so each one must
        # arrive whole: rebuilt from its args and attributes, its ``__init__`` not re-run.
        return _rebuild, (type(self), self.args, self.__dict__)


class ConfigError(FeedsvcError):
    """A sources file or setting is invalid. ``problems`` lists each one found."""

    retry_kind = RetryKind.PERMANENT

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or [message]
        super().__init__(message if problems is None else "\n".join([message, *problems]))


class FetchError(FeedsvcError):
    """One fetch of ``url`` failed because of ``reason``. ``url`` is kept whole (to fetch
    again); the message has credentials redacted."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = redact_credentials(reason)
        super().__init__(redact_credentials(f"{url}: {reason}"))


class BlockedAddressError(FetchError):
    """The host resolves to an address the private-network guard refuses."""

    retry_kind = RetryKind.PERMANENT


class FetchTimeoutError(FetchError):
    """No connection, no bytes or no complete response in time."""


class HTTPStatusError(FetchError):
    """A status other than 2xx/304; ``retry_after`` is the server's Retry-After in
    seconds from the response (None when absent or unreadable)."""

    def __init__(
        self,
        url: str,
        status: int,
        reason: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.retry_after = retry_after
        self.retry_kind = status_retry_kind(status, retry_after)
        super().__init__(url, reason or f"HTTP {status}")


def status_retry_kind(status: int, retry_after: float | None) -> RetryKind:
    """The retry kind of an HTTP status (see HTTPStatusError in the module docstring)."""
    if retry_after is not None or status in (429, 503):
        return RetryKind.RATE_LIMITED
    if status >= 500 or status in (408, 425):
        return RetryKind.TRANSIENT
    return RetryKind.PERMANENT


class TooLargeError(FetchError):
    """The body, as sent or decompressed, is over its cap."""

    retry_kind = RetryKind.PERMANENT


class TooManyRedirectsError(FetchError):
    """The redirect chain is longer than ``max_redirects``."""

    retry_kind = RetryKind.PERMANENT


class DecodeError(FetchError):
    """No candidate charset decodes the bytes into sensible text."""

    retry_kind = RetryKind.PERMANENT


class ConnectionFailedError(FetchError):
    """DNS failure, connection refused or reset, TLS failure."""


class UnsupportedContentError(FetchError):
    """Not an HTML page, or an encoding we do not decode."""

    retry_kind = RetryKind.PERMANENT


class RobotsDisallowedError(FetchError):
    """robots.txt disallows the URL; ``retry_after`` is how long until it is re-read."""

    retry_kind = RetryKind.RATE_LIMITED

    def __init__(self, url: str, reason: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(url, reason)


class ExtractError(FeedsvcError):
    """A page yields nothing usable (``url`` and ``reason``)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = redact_credentials(reason)
        super().__init__(redact_credentials(f"{url}: {reason}"))


class ListDriftError(ExtractError):
    """A list page that yielded ``before`` links on its last good refresh yields none:
    the site changed under the source's selectors (or detection)."""

    def __init__(self, url: str, before: int) -> None:
        self.before = before
        super().__init__(url, f"list page yielded no items (it yielded {before} before)")


class StoreError(FeedsvcError):
    """The database refused or failed an operation."""


class NoDatabaseError(StoreError):
    """A read-only open of a SQLite database whose file does not exist (nothing stored yet)."""


class SchemaMismatchError(StoreError):
    """The database's schema revision (``current``, None when empty) is not ``expected``;
    ``too_new``: a revision this code does not know (a newer feedsvc migrated it)."""

    def __init__(self, message: str, *, current: str | None, expected: str, too_new: bool) -> None:
        self.current = current
        self.expected = expected
        self.too_new = too_new
        super().__init__(message)


class PruneRefusedError(StoreError):
    """A sync would disable every source enabled in the database; ``prune=True`` allows it."""

    def __init__(self, enabled: list[str]) -> None:
        self.enabled = enabled
        shown = ", ".join(enabled[:5]) + (", …" if len(enabled) > 5 else "")
        super().__init__(
            f"lists none of the {len(enabled)} sources enabled in the database ({shown}); "
            "syncing it would disable every one of them"
        )


class LeaseLostError(StoreError):
    """``owner``'s lease on ``source_id`` expired and another worker took the source."""

    def __init__(self, source_id: str, owner: str) -> None:
        self.source_id = source_id
        self.owner = owner
        super().__init__(f"source {source_id!r}: lease held by {owner!r} was lost")


class NotFoundError(StoreError):
    """An admin write names a source or article that does not exist."""


class ConflictError(StoreError):
    """An admin create names a source id that is already taken."""


class StaleWriteError(StoreError):
    """An admin write was based on an older version of the source (If-Match mismatch)."""


class FeedNotFoundError(FeedsvcError):
    """No feed has the ``key`` asked for."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"no such feed: {key}")


class FeedRenderError(FeedsvcError):
    """The rendered feed ``key`` failed its structural check (``reason``)."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"feed {key}: {reason}")


class ListenError(FeedsvcError):
    """The server cannot listen on ``address``: the CLI prints one line and exits 1,
    before anything else has started or written."""

    def __init__(self, address: str, reason: str) -> None:
        self.address = address
        self.reason = reason
        super().__init__(f"cannot listen on {address}: {reason}")
