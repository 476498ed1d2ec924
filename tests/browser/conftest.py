"""Headless Chromium (Debian's package, driven by Playwright) against the console on the
admin API's harness. Skipped with a reason where /usr/bin/chromium is absent, except in CI
(CI=true), where its absence fails: CI installs it (.ci/run)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from api.api_support import harness, make_harness
from playwright.async_api import Browser, async_playwright

__all__ = ["browser", "chromium", "harness", "make_harness"]

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def chromium() -> Path:
    """The browser's path; skip without it, or fail in CI."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is absent: apt-get install -y chromium to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()
