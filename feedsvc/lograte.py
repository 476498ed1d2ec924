"""A per-cause rate limit for log records, so one client repeating a failing request cannot
fill the disk with tracebacks (one wrote 14 MB in 5 seconds).

A record's cause is its logger, level, message template (before ``%`` formatting, so the
client address in "Error handling request from %s" does not make every line new), and,
when it carries an exception, the exception's type and the line that raised it. Each cause
may log ``burst`` records per ``window`` seconds; later ones are dropped and counted, and
the first record of the cause after the window says how many were suppressed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiohttp.http_exceptions import HttpProcessingError

__all__ = ["ClientErrorFilter", "RateLimitFilter", "client_errors_as_warnings", "rate_limit"]

MAX_CAUSES = 1024  # causes remembered at once; the least recently seen is forgotten first

Cause = tuple[str, int, str, str, str, int]


@dataclass
class _Window:
    start: float
    logged: int = 0
    suppressed: int = 0


class RateLimitFilter(logging.Filter):
    """Lets at most ``burst`` records of one cause through per ``window`` seconds."""

    def __init__(
        self,
        *,
        burst: int = 5,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_causes: int = MAX_CAUSES,
    ) -> None:
        super().__init__()
        if burst < 1 or window <= 0:
            raise ValueError(f"burst must be >= 1 and window > 0, got {burst} and {window}")
        self.burst, self.window = burst, window
        self._clock = clock
        self._max_causes = max_causes
        self._windows: OrderedDict[Cause, _Window] = OrderedDict()
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        cause = cause_of(record)
        now = self._clock()
        with self._lock:
            window = self._windows.get(cause)
            suppressed = 0
            if window is None or now - window.start >= self.window:
                suppressed = window.suppressed if window is not None else 0
                window = _Window(start=now)
                self._windows[cause] = window
            self._windows.move_to_end(cause)
            while len(self._windows) > self._max_causes:
                self._windows.popitem(last=False)
            if window.logged >= self.burst:
                window.suppressed += 1
                return False
            window.logged += 1
        if suppressed:
            _append(record, f" [suppressed {suppressed} similar in the last {self.window:g} s]")
        return True


def cause_of(record: logging.LogRecord) -> Cause:
    """What makes two records "the same": see the module docstring."""
    template = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
    exc_type, where, line = "", "", 0
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        exc_type = type(exc).__qualname__
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            where, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
    return (record.name, record.levelno, template, exc_type, where, line)


def _append(record: logging.LogRecord, note: str) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format is the handler's to report, not ours
        return
    record.msg, record.args = message + note, None


class ClientErrorFilter(logging.Filter):
    """A malformed request is the client's fault, not the server's: a record carrying an
    HTTP parse error (aiohttp's ``HttpProcessingError``: a bad method, request line or
    header, say a port scanner's or a slowloris client's bytes) becomes one WARNING line
    naming the error, without a traceback. aiohttp logs such a record at DEBUG on a
    connection's first request and at ERROR otherwise, which depends on how the bytes
    arrived; every other record passes unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError) and record.levelno > logging.WARNING:
            message = " ".join(str(exc).split())
            _append(record, f": {type(exc).__name__}: {message}")
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


def client_errors_as_warnings(logger_name: str) -> ClientErrorFilter:
    """Attach a ClientErrorFilter in front of the logger's other filters (idempotent)."""
    logger = logging.getLogger(logger_name)
    existing = next((f for f in logger.filters if isinstance(f, ClientErrorFilter)), None)
    if existing is not None:
        return existing
    created = ClientErrorFilter()
    logger.filters.insert(0, created)
    return created


def rate_limit(
    logger_names: Iterable[str], *, burst: int = 5, window: float = 60.0
) -> RateLimitFilter:
    """Attach one shared RateLimitFilter to each named logger (records logged there; a
    logger's filters do not see its children's records). Idempotent: a logger that has a
    RateLimitFilter keeps it, and the first one found is returned."""
    created = RateLimitFilter(burst=burst, window=window)
    found: RateLimitFilter | None = None
    for name in logger_names:
        logger = logging.getLogger(name)
        existing = next((f for f in logger.filters if isinstance(f, RateLimitFilter)), None)
        if existing is None:
            logger.addFilter(created)
            existing = created
        found = found or existing
    return found or created
