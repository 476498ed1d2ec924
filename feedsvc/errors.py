"""The exception tree. Every error names what failed and where (URL, file, line, field).

::

    FeedsvcError
    ├── ConfigError                  bad sources file or setting (file, line, field)
    ├── FetchError                   one HTTP fetch failed (always carries the URL)
    │   ├── BlockedAddressError      resolves to a private/loopback/link-local address
    │   ├── FetchTimeoutError        connect/read/total timeout
    │   ├── HTTPStatusError          a non-2xx/304 status (carries the status)
    │   ├── TooLargeError            body or decompressed body over the cap
    │   ├── TooManyRedirectsError    redirect chain over the cap
    │   ├── DecodeError              bytes that no candidate charset decodes sensibly
    │   ├── UnsupportedContentError  not an HTML page (image, PDF, …) or an unknown encoding
    │   ├── RobotsDisallowedError    the site's robots.txt disallows the URL for feedsvc
    │   └── ConnectionFailedError    DNS, refused, reset, TLS
    ├── ExtractError                 a page that yields nothing usable (names URL and why)
    ├── StoreError                   database problems
    │   ├── LeaseLostError           our lease on a source expired and another worker took it
    │   ├── NotFoundError            an admin write names no such source/article (→ 404)
    │   ├── ConflictError            an admin create names an existing source id (→ 409)
    │   ├── StaleWriteError          an admin write's If-Match is not the stored ETag (→ 412)
    │   ├── NoDatabaseError          a read-only open found no SQLite file
    │   └── PruneRefusedError        a sources sync would disable every enabled source
    ├── FeedNotFoundError            an unknown feed key (→ 404)
    ├── FeedRenderError              a rendered feed failed its structural check (names the feed)
    └── ListenError                  the server cannot bind its address (→ exit 1, nothing started)
"""

from __future__ import annotations

from typing import Any

from feedsvc.redact import redact_credentials


def _rebuild(cls: type[FeedsvcError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """Unpickle an error without calling its ``__init__`` (see ``FeedsvcError.__reduce__``)."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class FeedsvcError(Exception):
    """Base of every error feedsvc raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own pickling calls ``cls(*self.args)``, which fails (or garbles the
        # message) for every subclass whose ``__init__`` takes other parameters than the
        # message; the extraction pool sends errors between processes, so each one must
        # arrive whole: rebuilt from its args and attributes, its ``__init__`` not re-run.
        return _rebuild, (type(self), self.args, self.__dict__)


class ConfigError(FeedsvcError):
    """A sources file or setting is invalid. ``problems`` lists each one found."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or [message]
        super().__init__(message if problems is None else "\n".join([message, *problems]))


class FetchError(FeedsvcError):
    """``url`` is kept whole (to fetch again); the message has credentials redacted."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = redact_credentials(reason)
        super().__init__(redact_credentials(f"{url}: {reason}"))


class BlockedAddressError(FetchError):
    pass


class FetchTimeoutError(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, url: str, status: int, reason: str | None = None) -> None:
        self.status = status
        super().__init__(url, reason or f"HTTP {status}")


class TooLargeError(FetchError):
    pass


class TooManyRedirectsError(FetchError):
    pass


class DecodeError(FetchError):
    pass


class ConnectionFailedError(FetchError):
    pass


class UnsupportedContentError(FetchError):
    pass


class RobotsDisallowedError(FetchError):
    pass


class ExtractError(FeedsvcError):
    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = redact_credentials(reason)
        super().__init__(redact_credentials(f"{url}: {reason}"))


class StoreError(FeedsvcError):
    pass


class NoDatabaseError(StoreError):
    """A read-only open of a SQLite database whose file does not exist (nothing stored yet)."""


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
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"no such feed: {key}")


class FeedRenderError(FeedsvcError):
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
