"""The console speaks Chinese or English by the browser's Accept-Language (zh → Chinese,
else English), every label has its Chinese text, and Chinese names render as they are."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from admin_support import csrf_of
from api.api_support import WRITE, ApiHarness

from feedsvc.web.admin.labels import ZH, language

ZH_BROWSER = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("zh-TW", "zh"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr-FR, zh;q=0.5", "zh"),  # the first language the console has
        ("fr-FR", "en"),
        ("zh;q=0, en", "en"),  # q=0: not acceptable
        ("", "en"),
        ("*;q=0.5, zh-Hans;q=0.9", "zh"),
        ("zh;q=abc", "en"),  # an unreadable weight is ignored, not guessed
    ],
)
def test_language_follows_accept_language(header: str, expected: str) -> None:
    assert language(header) == expected


def test_every_label_in_the_templates_has_chinese() -> None:
    templates = files("feedsvc.web.admin").joinpath("templates")
    used: set[str] = set()
    for template in templates.iterdir():
        used.update(re.findall(r'\bt\("([^"]+)"', template.read_text(encoding="utf-8")))
    assert len(used) > 40
    assert sorted(used - set(ZH)) == []


async def test_sign_in_page_in_chinese_and_english(harness: ApiHarness) -> None:
    chinese = await harness.client.get("/admin/signin", headers=ZH_BROWSER)
    html = await chinese.text()
    assert '<html lang="zh-CN">' in html and "<h1>登录</h1>" in html
    assert "Accept-Language" in chinese.headers["Vary"]
    english = await harness.client.get("/admin/signin", headers={"Accept-Language": "en-GB"})
    html = await english.text()
    assert '<html lang="en">' in html and "<h1>Sign in</h1>" in html


async def test_signed_in_pages_in_chinese_keep_chinese_names(harness: ApiHarness) -> None:
    await harness.create()  # named 财经
    client = harness.client
    page = await client.get("/admin/signin", headers=ZH_BROWSER)
    signed = await client.post(
        "/admin/signin",
        data={"csrf": csrf_of(await page.text()), "token": WRITE},
        headers=ZH_BROWSER,
    )
    html = await signed.text()
    assert "<h1>信息源" in html and "财经" in html and "等待首次运行" in html
    source = await (await client.get("/admin/sources/caijing", headers=ZH_BROWSER)).text()
    assert "<h2>运行记录" in source and "<h1>财经" in source and "暂停" in source
    paused = await client.post(
        "/admin/sources/caijing/pause", data={"csrf": csrf_of(source)}, headers=ZH_BROWSER
    )
    assert "已暂停" in await paused.text()
    feed = await (await client.get("/admin/sources/caijing/feed", headers=ZH_BROWSER)).text()
    assert "财经 的信息流" in feed or "财经的信息流" in feed
