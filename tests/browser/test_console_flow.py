"""An admin's whole round in a real browser: sign in, add a source from the demo portal
through preview, see its items reach its public feed (no restart), pause it, hide an
article and see it leave the feed, sign out. Screenshots go to the test's tmp dir."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from api.api_support import WRITE, ApiHarness
from playwright.async_api import Browser, Page, expect

FEED = "/feeds/sources/caijing.atom"
WAIT = 30.0  # seconds, bounded: a loaded 2-core machine


async def _feed(h: ApiHarness) -> str:
    response = await h.client.get(FEED)
    return await response.text() if response.status == 200 else ""


async def _until_feed(h: ApiHarness, check: str, present: bool) -> str:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        text = await _feed(h)
        if (check in text) == present:
            return text
        await asyncio.sleep(0.2)
    raise AssertionError(f"{check!r} {'never appeared in' if present else 'never left'} {FEED}")


async def _shot(page: Page, shots: Path, name: str) -> None:
    await page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


async def test_admin_round_in_chromium(
    harness: ApiHarness, browser: Browser, tmp_path: Path
) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    base = str(harness.client.make_url("/admin")).rstrip("/")
    harness.scheduler.start()
    page = await browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        # sign in
        await page.goto(f"{base}/")
        await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        await page.get_by_label("Admin token").fill(WRITE)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("heading", name="Sources")).to_be_visible()
        await _shot(page, shots, "01-sources-empty")

        # add a source through preview: candidates, pick one, selectors prefilled, save
        await page.get_by_role("link", name="Add source").first.click()
        await page.get_by_label("List page URL").fill(f"{harness.portal}/caijing/")
        await page.get_by_label("Allow a private-network address").check()
        await page.get_by_role("button", name="Preview").click()
        preview = page.get_by_role("region", name="Preview")
        await expect(preview.get_by_role("heading", name="List candidates")).to_be_visible()
        await expect(preview.get_by_text("dropped").first).to_be_visible()
        await _shot(page, shots, "02-preview")
        await preview.get_by_role("button", name="Use this list").first.click()
        await expect(page.get_by_label("item")).not_to_have_value("")
        await page.get_by_label("Id").fill("caijing")
        await page.get_by_label("Name").fill("财经")
        await page.get_by_label("Category").fill("财经")
        await page.get_by_role("button", name="Save source").click()
        await expect(page.get_by_role("heading", name="财经")).to_be_visible()
        stored = (await harness.store.admin_sources("caijing"))[0]
        assert stored.config.selectors is not None and stored.config.selectors.item  # pinned

        # its items reach the public feed with no restart (the scheduler's next tick)
        await _until_feed(harness, "<entry", present=True)
        await page.reload()
        first = page.locator("ul.articles > li").first
        await expect(first).to_be_visible()
        title = (await first.locator("a").inner_text()).strip()
        assert title and title in await _feed(harness)
        await _shot(page, shots, "03-source-page")

        # pause it
        await page.get_by_role("button", name="Pause").click()
        await expect(page.locator(".badge.paused")).to_have_text("Paused")
        assert not (await harness.store.admin_sources("caijing"))[0].enabled

        # hide an article: it leaves the feed
        await first.get_by_role("button", name="Hide").click()
        await expect(page.get_by_role("status")).to_contain_text("Hidden")
        await _until_feed(harness, title, present=False)
        await _shot(page, shots, "04-hidden")

        # the sources table at 375 px: health as text, no sideways scrolling
        await page.set_viewport_size({"width": 375, "height": 812})
        await page.goto(f"{base}/")
        await expect(page.locator(".badge").first).to_have_text("Paused")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, width
        await _shot(page, shots, "05-sources-375px")

        # sign out
        await page.get_by_role("button", name="Sign out").click()
        await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        await page.goto(f"{base}/")
        await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    finally:
        await page.close()
        await harness.scheduler.stop()
    assert len(list(shots.glob("*.png"))) == 5
    print(f"screenshots: {shots}")
