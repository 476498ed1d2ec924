"""A real browser opens a served feed: headless Chromium, when installed, applies the
stylesheet at a phone's width (375 px). Skipped without Chromium; never run in CI, which
does not install a browser. Chromium plans to disable XSLT by default (docs/feeds.md):
where it has, this test fails and says so."""

from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web
from memory_reader import MemoryReader

from feedsvc.config import Settings
from feedsvc.feeds.cache import FeedCache
from feedsvc.web import create_app

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 60.0


def chromium() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"no headless browser installed (looked for {', '.join(BROWSERS)})")


async def run_browser(browser: str, *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--window-size=375,800",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    return out.decode("utf-8", "replace")


@asynccontextmanager
async def serving(reader: MemoryReader) -> AsyncIterator[str]:
    """A feedsvc app over ``reader`` on a free local port: its origin."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    origin = f"http://127.0.0.1:{sock.getsockname()[1]}"
    # The stylesheet must come from the feed's own origin: public_url is the server's.
    app = create_app(Settings(public_url=origin), reader=reader, cache=FeedCache())
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
        yield origin
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("fmt", ["atom", "rss"])
async def test_chromium_shows_a_served_feed_as_a_page(
    reader: MemoryReader, fmt: str, tmp_path: Path
) -> None:
    browser = chromium()
    async with serving(reader) as origin:
        url = f"{origin}/feeds/categories/tech.{fmt}"
        dom = await run_browser(browser, "--dump-dom", url)
        assert "Copy this URL into your feed reader" in dom, (
            f"this Chromium did not apply the stylesheet (XSLT disabled?): {dom[:300]!r}"
        )
        assert "Tech story 8" in dom and "Tech story 7" in dom
        assert "<script" not in dom
        screenshot = tmp_path / f"feed-{fmt}.png"
        await run_browser(browser, f"--screenshot={screenshot}", url)
        assert screenshot.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("fmt", ["atom", "rss"])
async def test_chromium_shows_times_in_the_feeds_zone(reader: MemoryReader, fmt: str) -> None:
    """Chromium fetches feed.xsl?zone=... and does the date arithmetic as libxslt does."""
    browser = chromium()
    reader.source_zones["weifang-caijing"] = "Asia/Shanghai"
    reader.source_zones["city-tech"] = "Europe/Berlin"
    async with serving(reader) as origin:
        shanghai = await run_browser(
            browser, "--dump-dom", f"{origin}/feeds/sources/weifang-caijing.{fmt}"
        )
        berlin = await run_browser(browser, "--dump-dom", f"{origin}/feeds/categories/tech.{fmt}")
    assert "Times are shown in Asia/Shanghai." in shanghai, shanghai[:300]
    # make_article(6): 2024-05-18 08:20 UTC; make_article(8): 10:20 UTC, summer in Berlin.
    assert "2024-05-18 16:20 UTC+08:00" in shanghai
    assert "Times are shown in Europe/Berlin." in berlin, berlin[:300]
    assert "2024-05-18 12:20 UTC+02:00" in berlin
