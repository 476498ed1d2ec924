"""Error logs are rate-limited per cause: a client repeating a failing request gets a few
tracebacks a minute into the log, then a count of the ones suppressed."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.http_exceptions import BadHttpMethod
from memory_reader import MemoryReader
from web_support import ClientMaker

from feedsvc.config import AppConfig, Settings
from feedsvc.lograte import ClientErrorFilter, RateLimitFilter, cause_of
from feedsvc.service import running_service
from feedsvc.web.app import ERROR_LOG_BURST, WEB_ERROR_LOGGERS, limit_web_error_logs


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _record(msg: str, *args: object, name: str = "aiohttp.server") -> logging.LogRecord:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, exc_info)


def test_burst_then_silence_then_a_summary_with_a_fake_clock() -> None:
    clock = FakeClock()
    limiter = RateLimitFilter(burst=3, window=60, clock=clock)
    passed = [
        limiter.filter(_record("Error handling request from %s", f"10.0.0.{n}")) for n in range(10)
    ]
    assert passed == [True] * 3 + [False] * 7  # the client address does not make a new cause
    clock.now += 59.9
    assert not limiter.filter(_record("Error handling request from %s", "10.0.0.1"))
    clock.now += 0.2  # the window is over
    summary = _record("Error handling request from %s", "10.0.0.99")
    assert limiter.filter(summary)
    assert summary.getMessage() == (
        "Error handling request from 10.0.0.99 [suppressed 8 similar in the last 60 s]"
    )
    assert limiter.filter(_record("Error handling request from %s", "x"))  # a fresh window


def test_causes_are_counted_apart() -> None:
    limiter = RateLimitFilter(burst=1, window=60, clock=FakeClock())
    assert limiter.filter(_record("one"))
    assert limiter.filter(_record("two"))
    assert limiter.filter(_record("one", name="feedsvc.web.health"))
    plain = logging.LogRecord("aiohttp.server", logging.ERROR, __file__, 1, "one", None, None)
    assert limiter.filter(plain)  # no exception: another cause than "one" with a traceback
    assert not limiter.filter(_record("one"))


def _bad_method_record() -> logging.LogRecord:
    try:
        raise BadHttpMethod("GX")
    except BadHttpMethod:
        exc_info = sys.exc_info()
    return logging.LogRecord(
        "aiohttp.server",
        logging.ERROR,
        __file__,
        1,
        "Error handling request from %s",
        ("127.0.0.1",),
        exc_info,
    )


def test_a_malformed_request_is_one_warning_line_without_traceback() -> None:
    record = _bad_method_record()
    assert ClientErrorFilter().filter(record)
    assert record.levelno == logging.WARNING and record.levelname == "WARNING"
    assert record.exc_info is None
    message = record.getMessage()
    assert message.startswith("Error handling request from 127.0.0.1: BadHttpMethod: ")
    assert "\n" not in message and "GX" in message


def test_a_server_error_keeps_its_traceback() -> None:
    record = _record("Error handling request from %s", "10.0.0.1")
    assert ClientErrorFilter().filter(record)
    assert record.levelno == logging.ERROR and record.exc_info is not None


def test_a_debug_record_of_a_malformed_request_stays_debug() -> None:
    record = _bad_method_record()
    record.levelno, record.levelname = logging.DEBUG, "DEBUG"
    assert ClientErrorFilter().filter(record)
    assert record.levelno == logging.DEBUG


def test_cause_names_the_line_that_raised() -> None:
    cause = cause_of(_record("x"))
    assert cause[3] == "RuntimeError" and cause[4] == __file__


def test_memory_is_bounded() -> None:
    limiter = RateLimitFilter(burst=1, window=60, clock=FakeClock(), max_causes=10)
    for n in range(100):
        limiter.filter(_record(f"message {n}"))
    assert len(limiter._windows) == 10


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="burst"):
        RateLimitFilter(burst=0)


@pytest.fixture
def limited() -> Iterator[RateLimitFilter]:
    """The web layer's limit, as the server installs it; removed after the test."""
    limiter = limit_web_error_logs()
    assert limit_web_error_logs() is limiter  # installing twice keeps one filter
    server_filters = logging.getLogger("aiohttp.server").filters
    assert sum(isinstance(f, ClientErrorFilter) for f in server_filters) == 1
    assert isinstance(server_filters[0], ClientErrorFilter)  # before the rate limit
    yield limiter
    for name in WEB_ERROR_LOGGERS:
        logging.getLogger(name).removeFilter(limiter)


async def test_repeated_failing_request_logs_a_few_tracebacks(
    make_client: ClientMaker,
    reader: MemoryReader,
    caplog: pytest.LogCaptureFixture,
    limited: RateLimitFilter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(key: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(reader, "feed_version", broken)
    client = await make_client()
    with caplog.at_level(logging.ERROR):
        for _ in range(30):
            response = await client.get("/feeds/latest.atom")
            assert response.status == 500
            assert "Traceback" not in await response.text()
    tracebacks = [r for r in caplog.records if r.name == "aiohttp.server" and r.exc_info]
    assert len(tracebacks) == ERROR_LOG_BURST


async def test_health_probe_during_an_outage_logs_a_few_tracebacks(
    make_client: ClientMaker,
    reader: MemoryReader,
    caplog: pytest.LogCaptureFixture,
    limited: RateLimitFilter,
) -> None:
    reader.ping_error = ConnectionError("database is down")
    client = await make_client()
    with caplog.at_level(logging.ERROR):
        for _ in range(30):
            assert (await client.get("/healthz")).status == 503
    failures = [r for r in caplog.records if r.getMessage() == "database ping failed"]
    assert len(failures) == ERROR_LOG_BURST


async def test_the_server_installs_the_limit(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/feedsvc.db", listen="127.0.0.1:0"
    )
    server_logger = logging.getLogger("aiohttp.server")
    before = list(server_logger.filters)
    try:
        async with running_service(AppConfig(settings, (), None), role="web"):
            installed = [f for f in server_logger.filters if isinstance(f, RateLimitFilter)]
            assert len(installed) == 1
    finally:
        for name in WEB_ERROR_LOGGERS:
            for added in [f for f in logging.getLogger(name).filters if f not in before]:
                logging.getLogger(name).removeFilter(added)
