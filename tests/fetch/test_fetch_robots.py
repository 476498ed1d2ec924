"""robots.txt is fetched once per origin and obeyed."""

from __future__ import annotations

import gzip
from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from feedsvc.config import Settings
from feedsvc.errors import RobotsDisallowedError
from feedsvc.fetch import Fetcher

PAGE = "<html><body><p>ok</p></body></html>"


def site(robots: web.Response | None, hits: dict[str, int]) -> web.Application:
    async def robots_txt(request: web.Request) -> web.Response:
        hits["robots"] = hits.get("robots", 0) + 1
        assert robots is not None
        return robots

    async def page(request: web.Request) -> web.Response:
        hits[request.path] = hits.get(request.path, 0) + 1
        return web.Response(text=PAGE, content_type="text/html")

    async def to_private(request: web.Request) -> web.Response:
        raise web.HTTPFound("/private/moved.html")

    app = web.Application()
    if robots is not None:
        app.router.add_get("/robots.txt", robots_txt)
    app.router.add_get("/go", to_private)
    app.router.add_get("/{tail:.*}", page)
    return app


SETTINGS = Settings(allow_private_networks=True)
RULES = "User-agent: *\nDisallow: /private/\n\nUser-agent: feedsvc\nDisallow: /nofeeds/\n"


async def serve(app: web.Application) -> TestServer:
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


async def test_disallowed_paths_are_refused_and_robots_is_read_once() -> None:
    hits: dict[str, int] = {}
    server = await serve(site(web.Response(text=RULES), hits))
    try:
        async with Fetcher(SETTINGS) as fetcher:
            for _ in range(3):
                result = await fetcher.fetch(str(server.make_url("/news/1.html")))
                assert result.status == 200
            # The feedsvc group applies to us, not the * group.
            assert (await fetcher.fetch(str(server.make_url("/private/x.html")))).status == 200
            with pytest.raises(RobotsDisallowedError, match=r"robots\.txt"):
                await fetcher.fetch(str(server.make_url("/nofeeds/x.html")))
        assert hits["robots"] == 1
        assert "/nofeeds/x.html" not in hits  # never requested
    finally:
        await server.close()


async def test_redirect_into_a_disallowed_path_is_refused() -> None:
    hits: dict[str, int] = {}
    rules = "User-agent: *\nDisallow: /private/\n"
    server = await serve(site(web.Response(text=rules), hits))
    try:
        async with Fetcher(SETTINGS) as fetcher:
            with pytest.raises(RobotsDisallowedError, match="redirected to"):
                await fetcher.fetch(str(server.make_url("/go")))
        assert "/private/moved.html" not in hits
    finally:
        await server.close()


@pytest.mark.parametrize("robots", [None, web.Response(status=500, text="oops")])
async def test_missing_or_broken_robots_allows(robots: web.Response | None) -> None:
    hits: dict[str, int] = {}
    server = await serve(site(robots, hits))
    try:
        async with Fetcher(SETTINGS) as fetcher:
            assert (await fetcher.fetch(str(server.make_url("/nofeeds/x.html")))).status == 200
    finally:
        await server.close()


async def test_obeying_can_be_switched_off() -> None:
    hits: dict[str, int] = {}
    server = await serve(site(web.Response(text=RULES), hits))
    try:
        async with Fetcher(replace(SETTINGS, obey_robots_txt=False)) as fetcher:
            assert (await fetcher.fetch(str(server.make_url("/nofeeds/x.html")))).status == 200
        assert "robots" not in hits
    finally:
        await server.close()


async def test_a_gzip_encoded_robots_txt_is_obeyed() -> None:
    # We ask for gzip, so a server may send robots.txt compressed: it is read, not ignored.
    hits: dict[str, int] = {}
    robots = web.Response(body=gzip.compress(RULES.encode()), headers={"Content-Encoding": "gzip"})
    server = await serve(site(robots, hits))
    try:
        async with Fetcher(SETTINGS) as fetcher:
            with pytest.raises(RobotsDisallowedError):
                await fetcher.fetch(str(server.make_url("/nofeeds/x.html")))
        assert "/nofeeds/x.html" not in hits
    finally:
        await server.close()
