"""The console's feed view in a real Chinese browser at phone width: labels in Chinese,
entries readable, the hidden one marked, nothing wider than 375 px, no request the CSP
refuses, and Chinese text set in a CJK font (the console names Noto Sans CJK SC, Debian's
fonts-noto-cjk): the fonts Chromium really used, asked through the DevTools protocol."""

from __future__ import annotations

from pathlib import Path

from api.api_support import WRITE, ApiHarness, auth
from playwright.async_api import Browser, Page, expect


async def _platform_fonts(page: Page, selector: str) -> list[str]:
    """The fonts Chromium really drew the element's text with (DevTools protocol)."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("DOM.enable")
    await cdp.send("CSS.enable")
    root = await cdp.send("DOM.getDocument")
    node = await cdp.send(
        "DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": selector}
    )
    used = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    return [f["familyName"] for f in used["fonts"]]


async def test_feed_view_at_375px_in_chromium(
    harness: ApiHarness, browser: Browser, tmp_path: Path
) -> None:
    await harness.create()
    assert (
        await harness.client.post("/api/v1/sources/caijing/refresh", headers=auth())
    ).status == 200
    listed = await (
        await harness.client.get("/api/v1/articles?source=caijing", headers=auth())
    ).json()
    hidden = listed["articles"][0]
    await harness.client.post(f"/api/v1/articles/{hidden['id']}/hide", headers=auth())

    base = str(harness.client.make_url("/admin")).rstrip("/")
    # A Chinese browser (Accept-Language: zh-CN): the console answers in Chinese.
    page = await browser.new_page(viewport={"width": 375, "height": 812}, locale="zh-CN")
    refused: list[str] = []
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    try:
        await page.goto(f"{base}/")
        await page.get_by_label("管理令牌").fill(WRITE)
        await page.get_by_role("button", name="登录").click()
        await page.goto(f"{base}/sources/caijing")
        await page.get_by_role("link", name="在此阅读").click()
        await expect(page.get_by_role("heading", name="财经 的信息流")).to_be_visible()
        entries = page.locator("ol.feed > li")
        assert await entries.count() == len(listed["articles"])
        marked = page.locator("ol.feed > li.hidden")
        await expect(marked).to_have_count(1)
        await expect(marked.get_by_role("heading")).to_have_text(hidden["title"])
        await expect(marked).to_contain_text("已隐藏：不出现在任何订阅中")
        await expect(entries.nth(1).locator("time")).to_be_visible()
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, width
        fonts = await _platform_fonts(page, "ol.feed > li h2 a")
        assert any("CJK" in f for f in fonts), f"{fonts}: apt-get install fonts-noto-cjk"
        await page.screenshot(path=str(tmp_path / "feed-view-375px.png"), full_page=True)
        assert refused == []
    finally:
        await page.close()
    print(f"screenshot: {tmp_path / 'feed-view-375px.png'}")
