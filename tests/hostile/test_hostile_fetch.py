"""Fault injection: a hostile server per misbehaviour, each fetch failing (or succeeding)
with the right error class naming the URL, in bounded time; and a refresh of sources
pointing at them records clear errors without hurting the scheduler.

Limits are tiny (hostile_refresh.FAST_SETTINGS): read_timeout 0.5 s, total_timeout 2 s,
max_body_bytes 200 kB, max_decompressed_bytes 400 kB, max_redirects 3.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from fetch.fetch_support import MapResolver
from hostile_refresh import FAST_SETTINGS, refresh_rig, source_yaml
from hostile_web import (
    Behaviour,
    HostileServer,
    endless,
    gzip_bomb,
    hang,
    head,
    raw,
    redirect,
    reset_mid_body,
    respond,
    trickle,
    truncated,
)

from feedsvc.config import Settings
from feedsvc.errors import (
    BlockedAddressError,
    ConnectionFailedError,
    DecodeError,
    FetchError,
    FetchTimeoutError,
    TooLargeError,
    TooManyRedirectsError,
    UnsupportedContentError,
)
from feedsvc.fetch import Fetcher

# Every fetch here must end well within this (total_timeout is 2 s), on a loaded machine.
BOUND_SECONDS = 6.0
PAGE = "<html><head><title>ok</title></head><body><p>正文内容在这里。</p></body></html>"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[HostileServer], Behaviour]
    error: type[FetchError] | None  # None: the fetch succeeds
    says: str  # a fragment the error message (or the page text) must contain


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20


CASES = [
    Case("hang", lambda s: hang(s), FetchTimeoutError, "read_timeout=0.5s"),
    Case("hang-after-head", lambda s: hang(s, send_head=True), FetchTimeoutError, "read_timeout"),
    Case("byte-per-second", lambda s: trickle(s, every=1.0), FetchTimeoutError, "read_timeout"),
    Case("slow-trickle", lambda s: trickle(s, every=0.1), FetchTimeoutError, "total_timeout=2s"),
    Case("reset-mid-body", lambda s: reset_mid_body(), ConnectionFailedError, "not completed"),
    Case("truncated", lambda s: truncated(), ConnectionFailedError, "received 18 of 5000 bytes"),
    Case("closed-without-answer", lambda s: raw(b""), ConnectionFailedError, "disconnected"),
    Case("binary-garbage-not-http", lambda s: raw(_png()), ConnectionFailedError, "status line"),
    Case(
        "header-bomb",
        lambda s: raw(head(200, X_Filler="a" * 100_000, Content_Length=0)),
        ConnectionFailedError,
        "Got more than 8190 bytes",
    ),
    Case("redirect-loop", lambda s: redirect("/page"), TooManyRedirectsError, "max_redirects=3"),
    Case(
        "redirect-to-private",
        lambda s: redirect(f"http://127.0.0.2:{s.port}/admin"),
        BlockedAddressError,
        "127.0.0.2 (loopback)",
    ),
    Case(
        "gzip-bomb",
        lambda s: respond(gzip_bomb(), Content_Encoding="gzip"),
        TooLargeError,
        "max_decompressed_bytes=400000",
    ),
    Case(
        "brotli",
        lambda s: respond(b"\x1b\xff\xff" * 100, Content_Encoding="br"),
        UnsupportedContentError,
        "'br'",
    ),
    Case(
        "corrupt-gzip",
        lambda s: respond(b"\x1f\x8b\x08\x00" + b"garbage" * 50, Content_Encoding="gzip"),
        FetchError,
        "corrupt gzip body",
    ),
    Case("oversized", lambda s: respond(b"x" * 300_000), TooLargeError, "Content-Length 300000"),
    Case("endless-chunked", lambda s: endless(s), TooLargeError, "max_body_bytes=200000"),
    Case(
        "wrong-content-type",
        lambda s: respond(_png(), Content_Type="image/png"),
        UnsupportedContentError,
        "image/png",
    ),
    Case("binary-as-html", lambda s: respond(_png()), DecodeError, "decoded as"),
    Case(
        "invalid-utf8",
        lambda s: respond(PAGE.encode()[:-30] + b"\xff\xfe\xc3(" + PAGE.encode()[-30:]),
        None,
        "在这里。</p>",  # the bad bytes are replaced, the rest of the page is kept
    ),
]


@pytest.fixture
async def hostile() -> AsyncIterator[HostileServer]:
    async with HostileServer({}) as server:
        yield server


def fast_settings(**overrides: object) -> Settings:
    values = {k: v for k, v in FAST_SETTINGS.items() if k in Settings.__dataclass_fields__}
    values["obey_robots_txt"] = False
    values.update(overrides)
    return replace(Settings(), **values)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
async def test_each_hostile_server_fails_cleanly_and_in_bounded_time(
    hostile: HostileServer, case: Case
) -> None:
    hostile.routes["/page"] = case.make(hostile)
    url = hostile.url("/page", "news.test")
    fetcher = Fetcher(
        fast_settings(allow_private_networks=False),
        resolver=MapResolver({"news.test": "127.0.0.1"}),
        guard_exempt=("127.0.0.1/32",),
    )
    started = time.monotonic()
    async with fetcher:
        if case.error is None:
            result = await fetcher.fetch(url)
            assert case.says in result.text
        else:
            with pytest.raises(FetchError) as caught:
                await fetcher.fetch(url)
            assert type(caught.value) is case.error, caught.value
            message = str(caught.value)
            assert message.startswith(f"{url}: "), message
            assert case.says in message, message
    assert time.monotonic() - started < BOUND_SECONDS


async def test_a_refresh_of_hostile_sources_records_clear_errors(
    hostile: HostileServer, tmp_path: Path
) -> None:
    sources = ""
    for case in CASES:
        hostile.routes[f"/{case.name}"] = case.make(hostile)
        # redirect-loop points at /page: make it loop on itself.
        if case.name == "redirect-loop":
            hostile.routes[f"/{case.name}"] = redirect(f"/{case.name}")
        sources += source_yaml(case.name, hostile.url(f"/{case.name}"))
    started = time.monotonic()
    async with refresh_rig(tmp_path, sources) as rig:
        reports = await rig.tick()
        assert set(reports) == {c.name for c in CASES}
        for case in CASES:
            state = await rig.store.get_source(case.name)
            assert state is not None
            error = state.last_error
            # Every source failed (the invalid-UTF-8 page has no article links) with an
            # error naming its URL; the scheduler is unharmed and ticks on.
            assert error is not None and hostile.url(f"/{case.name}") in error, (case, error)
            assert state.error_count == 1
            if case.error is not None and case.name != "redirect-to-private":
                assert case.says in error or case.name == "redirect-loop", (case, error)
        assert await rig.scheduler.tick() == 0  # nothing due now; no crash
        assert rig.scheduler.health()["refreshes_in_flight"] == 0
    # The refreshes ran in parallel: the whole tick is bounded like one fetch.
    assert time.monotonic() - started < 2 * BOUND_SECONDS


ROBOTS_CASES = {
    "hang": lambda s: hang(s),
    "byte-per-second": lambda s: trickle(s, every=1.0),
    "reset": lambda s: reset_mid_body(),
    "garbage": lambda s: raw(_png()),
    "gzip-bomb": lambda s: respond(gzip_bomb(), Content_Encoding="gzip"),
    "oversized": lambda s: endless(s),
    "redirect-loop": lambda s: redirect("/robots.txt"),
    "redirect-to-private": lambda s: redirect(f"http://127.0.0.2:{s.port}/robots.txt"),
}


@pytest.mark.parametrize("name", ROBOTS_CASES)
async def test_a_hostile_robots_txt_allows_after_a_bounded_wait(
    hostile: HostileServer, name: str
) -> None:
    # An unreachable robots.txt allows (logged), so the page is fetched, well within time.
    hostile.routes["/robots.txt"] = ROBOTS_CASES[name](hostile)
    hostile.routes["/page"] = respond(PAGE.encode())
    fetcher = Fetcher(
        fast_settings(allow_private_networks=False, obey_robots_txt=True),
        resolver=MapResolver({"news.test": "127.0.0.1"}),
        guard_exempt=("127.0.0.1/32",),
    )
    started = time.monotonic()
    async with fetcher:
        result = await fetcher.fetch(hostile.url("/page", "news.test"))
    assert result.status == 200
    assert time.monotonic() - started < BOUND_SECONDS
