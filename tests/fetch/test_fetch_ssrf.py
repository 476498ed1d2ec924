"""SSRF: no request the fetcher makes reaches a private address, on any hop of any chain.

A "public" site runs on 127.0.0.1 under the names ``news.test`` and ``other.test`` (that one
address is exempt from the guard, as a public address would be); an "internal" server runs
on 127.0.0.2, reachable as the literal or as ``intranet.test``. The internal server counts
every request it receives: each test asserts it received none.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from fetch_support import MapResolver, make_settings

from feedsvc.errors import BlockedAddressError
from feedsvc.fetch import Fetcher

PAGE = "<html><head><title>t</title></head><body><p>public page</p></body></html>"
MAPPING: dict[str, str | list[str]] = {
    "news.test": "127.0.0.1",
    "other.test": "127.0.0.1",
    "intranet.test": "127.0.0.2",
}
# The forms a redirect can name the internal server in: an IP literal (which aiohttp never
# hands to the resolver) and a host name resolving to it.
INTERNAL_FORMS = ("127.0.0.2", "intranet.test")


@dataclass
class Servers:
    public: TestServer
    internal: TestServer
    routes: dict[str, str] = field(default_factory=dict)  # path → redirect target
    internal_hits: list[str] = field(default_factory=list)

    def public_url(self, path: str, host: str = "news.test") -> str:
        return f"http://{host}:{self.public.port}{path}"

    def internal_url(self, form: str, path: str = "/secret") -> str:
        return f"http://{form}:{self.internal.port}{path}"


@pytest.fixture
async def servers() -> AsyncIterator[Servers]:
    hits: list[str] = []
    routes: dict[str, str] = {}

    async def internal(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(text="User-agent: *\nAllow: /\n" if "robots" in request.path else PAGE)

    async def public(request: web.Request) -> web.Response:
        target = routes.get(request.path)
        if target is not None:
            raise web.HTTPFound(target)
        if request.path == "/robots.txt":
            return web.Response(status=404)
        return web.Response(text=PAGE, content_type="text/html")

    internal_app = web.Application()
    internal_app.router.add_route("*", "/{tail:.*}", internal)
    public_app = web.Application()
    public_app.router.add_get("/{tail:.*}", public)
    internal_server = TestServer(internal_app, host="127.0.0.2")
    public_server = TestServer(public_app, host="127.0.0.1")
    await internal_server.start_server()
    await public_server.start_server()
    try:
        yield Servers(public_server, internal_server, routes, hits)
    finally:
        await public_server.close()
        await internal_server.close()


def fetcher(*, robots: bool = True) -> Fetcher:
    return Fetcher(
        make_settings(allow_private_networks=False, obey_robots_txt=robots, max_redirects=5),
        resolver=MapResolver(MAPPING),
        guard_exempt=("127.0.0.1/32",),
    )


def chain(servers: Servers, hops: int, last: str, host: str = "news.test") -> str:
    """Make ``/r0`` redirect ``hops`` times (via /r1, /r2, …) and then to ``last``."""
    for n in range(hops):
        servers.routes[f"/r{n}"] = servers.public_url(f"/r{n + 1}", host)
    servers.routes[f"/r{hops}"] = last
    return servers.public_url("/r0", host)


# --- robots.txt --------------------------------------------------------------------------


@pytest.mark.parametrize("form", INTERNAL_FORMS)
@pytest.mark.parametrize("hops", [0, 1, 3])
async def test_robots_txt_redirect_to_a_private_address_is_not_followed(
    servers: Servers, form: str, hops: int, caplog: pytest.LogCaptureFixture
) -> None:
    # /robots.txt → (hops public redirects) → the internal server.
    for n in range(hops):
        source = "/robots.txt" if n == 0 else f"/rr{n}"
        servers.routes[source] = servers.public_url(f"/rr{n + 1}")
    servers.routes["/robots.txt" if hops == 0 else f"/rr{hops}"] = servers.internal_url(
        form, "/robots.txt"
    )
    caplog.set_level(logging.WARNING, logger="feedsvc.fetch.robots")
    async with fetcher() as f:
        # An unreachable robots.txt allows (and is logged), so the page itself is fetched.
        result = await f.fetch(servers.public_url("/news/1.html"))
    assert result.status == 200
    assert servers.internal_hits == []
    assert any("robots.txt" in r.getMessage() for r in caplog.records), caplog.text


@pytest.mark.parametrize("form", INTERNAL_FORMS)
async def test_robots_of_another_origin_is_guarded_for_a_private_source(
    servers: Servers, form: str
) -> None:
    # A source allowed on private networks keeps that for its own pages only: the robots.txt
    # of another origin it redirects to (here other.test) is fetched through the guard.
    servers.routes["/go"] = servers.public_url("/landing", host="other.test")
    servers.routes["/robots.txt"] = servers.internal_url(form, "/robots.txt")
    async with fetcher() as f:
        result = await f.fetch(servers.public_url("/go"), allow_private=True)
    assert result.status == 200
    assert servers.internal_hits == []


async def test_a_private_source_still_reads_its_own_robots_txt(servers: Servers) -> None:
    async with fetcher() as f:
        result = await f.fetch(servers.internal_url("intranet.test", "/a"), allow_private=True)
    assert result.status == 200
    assert servers.internal_hits == ["/robots.txt", "/a"]


# --- pages: every hop of the chain ---------------------------------------------------------


@pytest.mark.parametrize("form", INTERNAL_FORMS)
@pytest.mark.parametrize("hops", [0, 1, 2, 4])  # 4 + 1 = max_redirects
async def test_page_redirect_to_a_private_address_is_refused_on_every_hop(
    servers: Servers, form: str, hops: int
) -> None:
    url = chain(servers, hops, servers.internal_url(form))
    async with fetcher(robots=False) as f:
        with pytest.raises(BlockedAddressError) as caught:
            await f.fetch(url)
    assert caught.value.url == url
    assert "127.0.0.2 (loopback)" in str(caught.value)
    assert servers.internal_hits == []


@pytest.mark.parametrize("form", INTERNAL_FORMS)
async def test_a_private_start_is_refused(servers: Servers, form: str) -> None:
    async with fetcher() as f:
        with pytest.raises(BlockedAddressError, match="loopback"):
            await f.fetch(servers.internal_url(form, "/a"))
    assert servers.internal_hits == []
