"""Mojibake: UTF-8 read as GBK is repaired; undecodable pages are refused, naming the URL."""

from __future__ import annotations

import pytest
from aiohttp import web
from fetch_support import make_settings
from pytest_aiohttp import AiohttpServer

from feedsvc.errors import DecodeError
from feedsvc.fetch import Fetcher
from feedsvc.fetch.charset import decode_html, garbled_reason, repair_mojibake

ARTICLE = (
    "<html><head><title>潍坊新闻</title></head>"
    "<body><p>潍坊市今日召开新闻发布会，介绍经济运行情况。</p></body></html>"
)


def test_utf8_page_forced_to_gbk_is_repaired() -> None:
    body = ARTICLE.encode("utf-8")
    assert body.decode("gb18030", errors="replace") != ARTICLE  # the forced charset is wrong
    decoded = decode_html(body, None, forced="gbk")
    assert (decoded.text, decoded.encoding, decoded.source) == (ARTICLE, "utf-8", "repaired")


def test_double_encoded_page_is_repaired() -> None:
    # Stored by a server that read UTF-8 as GB18030 and wrote the result back as UTF-8.
    garbled = "潍坊新闻".encode().decode("gb18030")
    body = f"<html><body><p>{garbled}</p></body></html>".encode()
    assert "潍坊新闻" in decode_html(body, "utf-8").text


@pytest.mark.parametrize(
    "text",
    [
        ARTICLE,
        "<p>plain ASCII</p>",
        "<p>Café © 2023 — naïve</p>",
        ARTICLE.replace("今日", "\ufffd") * 3,  # a few bad bytes in a real GB page are kept
    ],
)
def test_real_text_is_neither_repaired_nor_refused(text: str) -> None:
    assert repair_mojibake(text) is None
    assert garbled_reason(text) is None


def test_mostly_replacement_characters_is_garbled() -> None:
    reason = garbled_reason("<p>" + "\ufffd" * 200 + "中文" + "</p>")
    assert reason is not None and "U+FFFD" in reason


def test_doubled_replacement_sequences_are_garbled() -> None:
    reason = garbled_reason("<p>" + "锟斤拷" * 4 + ARTICLE + "</p>")
    assert reason is not None and "锟斤拷" in reason


async def test_fetcher_refuses_garbage_naming_the_url(aiohttp_server: AiohttpServer) -> None:
    body = ("<html><body>" + "锟斤拷" * 10 + "</body></html>").encode()

    async def page(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": "text/html; charset=utf-8"})

    app = web.Application()
    app.router.add_get("/garbled", page)
    server = await aiohttp_server(app)
    url = f"http://127.0.0.1:{server.port}/garbled"
    async with Fetcher(make_settings(allow_private_networks=True)) as fetcher:
        with pytest.raises(DecodeError) as info:
            await fetcher.fetch(url)
    # "锟斤拷" is U+FFFD U+FFFD read as GBK: repaired to replacement characters, then refused.
    assert url in str(info.value) and "undecodable" in str(info.value)
