"""Fetcher against local aiohttp servers on 127.0.0.1 (no other address is ever contacted).

Names such as ``news.test`` reach the local server through ``MapResolver``; names mapped to
10.x are only fetched through the guarded session, which refuses them before connecting.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import socket
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from aiohttp import web
from fetch_support import MapResolver, make_settings
from pytest_aiohttp import AiohttpServer

from feedsvc import __version__
from feedsvc.errors import (
    BlockedAddressError,
    ConfigError,
    ConnectionFailedError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    TooLargeError,
    TooManyRedirectsError,
    UnsupportedContentError,
)
from feedsvc.fetch import Fetcher
from feedsvc.models import PageValidators

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
NEWS = "潍坊新闻：寿光蔬菜博览会开幕"
ARTICLE = (
    "4月20日，第二十四届中国（寿光）国际蔬菜科技博览会在寿光开幕。本届菜博会以“绿色·科技·未来”"
    "为主题，展览面积达45万平方米，设置12个展厅和4个露天展区，集中展示国内外蔬菜新品种、"
    "新技术、新模式。来自全国各地的客商和市民纷纷前来参观，现场人气火爆。"
) * 2


def html(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


@dataclass
class Site:
    """A local test server that counts requests per path and keeps their headers."""

    server: object
    port: int
    hits: dict[str, int] = field(default_factory=dict)
    headers: list[dict[str, str]] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


ServeFn = Callable[[dict[str, Handler]], Awaitable[Site]]


@pytest.fixture
def serve(aiohttp_server: AiohttpServer) -> ServeFn:
    async def start(routes: dict[str, Handler]) -> Site:
        site: Site

        @web.middleware
        async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
            site.hits[request.path] = site.hits.get(request.path, 0) + 1
            site.headers.append(dict(request.headers))
            return await handler(request)

        app = web.Application(middlewares=[record])
        for path, handler in routes.items():
            app.router.add_get(path, handler)
        server = await aiohttp_server(app)
        assert server.port is not None
        site = Site(server, server.port)
        return site

    return start


def page(text: str, charset: str | None = "utf-8", **headers: str) -> Handler:
    body = text.encode(charset or "utf-8")
    content_type = "text/html" + (f"; charset={charset}" if charset else "")

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": content_type, **headers})

    return handler


def raw(body: bytes, content_type: str = "text/html", **headers: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": content_type, **headers})

    return handler


def redirect(location: str, status: int = 302) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, headers={"Location": location})

    return handler


# --- a plain fetch -----------------------------------------------------------------------


async def test_fetch_records_page_and_metadata(serve: ServeFn) -> None:
    site = await serve(
        {"/a": page(html(NEWS), ETag='"abc"', **{"Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT"})}
    )
    before = datetime.now(UTC)
    async with Fetcher(make_settings()) as fetcher:
        result = await fetcher.fetch(site.url("/a"))
    assert result.status == 200
    assert result.url == result.final_url == site.url("/a")
    assert result.text == html(NEWS)
    assert result.body == html(NEWS).encode()
    assert (result.encoding, result.encoding_source) == ("utf-8", "http")
    assert result.content_type == "text/html"
    assert result.etag == '"abc"'
    assert result.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert result.fetched_at.tzinfo is UTC
    assert before <= result.fetched_at <= datetime.now(UTC)
    assert not result.not_modified


async def test_honest_default_headers(serve: ServeFn) -> None:
    site = await serve({"/a": page(html("x"))})
    async with Fetcher(make_settings()) as fetcher:
        await fetcher.fetch(site.url("/a"))
    sent = site.headers[0]
    assert sent["User-Agent"] == f"feedsvc/{__version__} (+http://feeds.example.org)"
    assert sent["Accept-Encoding"] == "gzip, deflate"
    assert sent["Accept-Language"].startswith("zh-CN")
    assert "If-None-Match" not in sent


async def test_configured_user_agent(serve: ServeFn) -> None:
    site = await serve({"/a": page(html("x"))})
    async with Fetcher(make_settings(user_agent="MyReader/2.0 (ops@example.org)")) as fetcher:
        await fetcher.fetch(site.url("/a"))
    assert site.headers[0]["User-Agent"] == "MyReader/2.0 (ops@example.org)"


# --- charsets over HTTP ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handler", "text", "encoding", "source"),
    [
        (page(html(NEWS), "gbk"), html(NEWS), "gb18030", "http"),
        (
            raw(html(NEWS, '<meta charset="gbk">').encode("gbk")),
            html(NEWS, '<meta charset="gbk">'),
            "gb18030",
            "meta",
        ),
        (
            raw(b"\xef\xbb\xbf" + html(NEWS).encode(), "text/html; charset=gbk"),
            html(NEWS),
            "utf-8",
            "bom",
        ),
        (
            raw(html(ARTICLE, '<meta charset="gb2312">').encode()),
            html(ARTICLE, '<meta charset="gb2312">'),
            "utf-8",
            "detected",
        ),
        (raw(html(ARTICLE).encode("gbk")), html(ARTICLE), "gb18030", "detected"),
    ],
    ids=["http-header", "meta-only-gbk", "bom", "lying-meta", "undeclared-gbk"],
)
async def test_charsets(
    serve: ServeFn, handler: Handler, text: str, encoding: str, source: str
) -> None:
    site = await serve({"/p": handler})
    async with Fetcher(make_settings()) as fetcher:
        result = await fetcher.fetch(site.url("/p"))
    assert (result.text, result.encoding, result.encoding_source) == (text, encoding, source)


async def test_forced_encoding(serve: ServeFn) -> None:
    site = await serve({"/p": raw(html(NEWS).encode("gbk"), "text/html; charset=utf-8")})
    async with Fetcher(make_settings()) as fetcher:
        result = await fetcher.fetch(site.url("/p"), encoding="gbk")
    assert (result.text, result.encoding_source) == (html(NEWS), "forced")


# --- conditional GET -----------------------------------------------------------------------


async def test_conditional_get_304_flow(serve: ServeFn) -> None:
    last_modified = "Wed, 21 Oct 2015 07:28:00 GMT"

    async def handler(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(
            text=html(NEWS),
            content_type="text/html",
            headers={"ETag": '"v1"', "Last-Modified": last_modified},
        )

    site = await serve({"/list": handler})
    async with Fetcher(make_settings()) as fetcher:
        first = await fetcher.fetch(site.url("/list"))
        validators = PageValidators(etag=first.etag, last_modified=first.last_modified)
        second = await fetcher.fetch(site.url("/list"), validators=validators)
    assert first.status == 200
    assert validators == PageValidators('"v1"', last_modified)
    assert second.status == 304
    assert second.not_modified
    assert (second.body, second.text, second.encoding) == (b"", "", None)
    assert second.etag == '"v1"'
    assert second.last_modified == last_modified  # kept from what we sent
    assert site.headers[1]["If-None-Match"] == '"v1"'
    assert site.headers[1]["If-Modified-Since"] == last_modified


# --- redirects ---------------------------------------------------------------------------


async def test_redirects_are_followed(serve: ServeFn) -> None:
    site: Site

    async def absolute(request: web.Request) -> web.Response:
        raise web.HTTPPermanentRedirect(f"http://localhost.test:{site.port}/new")

    site = await serve(
        {"/old": redirect("/older", 301), "/older": absolute, "/new": page(html("moved"))}
    )
    resolver = MapResolver({"localhost.test": "127.0.0.1"})
    async with Fetcher(make_settings(), resolver=resolver) as fetcher:
        result = await fetcher.fetch(site.url("/old"))
    assert result.text == html("moved")
    assert result.url == site.url("/old")  # relative, then absolute to another host name
    assert result.final_url == site.url("/new", host="localhost.test")
    assert site.hits == {"/old": 1, "/older": 1, "/new": 1}


async def test_redirect_chain_up_to_the_limit_is_fine(serve: ServeFn) -> None:
    site = await serve(
        {"/1": redirect("/2"), "/2": redirect("/3"), "/3": redirect("/4"), "/4": page(html("ok"))}
    )
    async with Fetcher(make_settings(max_redirects=3)) as fetcher:
        assert (await fetcher.fetch(site.url("/1"))).final_url == site.url("/4")
    async with Fetcher(make_settings(max_redirects=2)) as fetcher:
        with pytest.raises(TooManyRedirectsError, match="max_redirects=2"):
            await fetcher.fetch(site.url("/1"))


async def test_redirect_loop_stops_at_the_limit(serve: ServeFn) -> None:
    site = await serve({"/loop": redirect("/loop")})
    async with Fetcher(make_settings(max_redirects=4)) as fetcher:
        with pytest.raises(TooManyRedirectsError) as caught:
            await fetcher.fetch(site.url("/loop"))
    assert caught.value.url == site.url("/loop")
    assert site.hits["/loop"] == 5  # the first request + 4 redirects followed


async def test_redirect_to_other_scheme_is_refused(serve: ServeFn) -> None:
    site = await serve({"/r": redirect("file:///etc/passwd")})
    async with Fetcher(make_settings()) as fetcher:
        with pytest.raises(FetchError, match="only http and https"):
            await fetcher.fetch(site.url("/r"))


async def test_redirect_without_location(serve: ServeFn) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=302)

    site = await serve({"/r": handler})
    async with Fetcher(make_settings()) as fetcher:
        with pytest.raises(HTTPStatusError, match="without a Location") as caught:
            await fetcher.fetch(site.url("/r"))
    assert caught.value.status == 302


# --- the private-network guard ---------------------------------------------------------


def guarded_fetcher(mapping: dict[str, str | list[str]], exempt: tuple[str, ...] = ()) -> Fetcher:
    return Fetcher(
        make_settings(allow_private_networks=False),
        resolver=MapResolver(mapping),
        guard_exempt=exempt,
    )


async def test_redirect_to_a_private_address_is_blocked(serve: ServeFn) -> None:
    site = await serve({"/go": redirect("http://intranet.test/admin"), "/admin": page("secret")})
    # 127.0.0.1 is exempt so the first hop can reach the test server as a "public" site would.
    mapping: dict[str, str | list[str]] = {"news.test": "127.0.0.1", "intranet.test": "10.1.2.3"}
    async with guarded_fetcher(mapping, exempt=("127.0.0.1/32",)) as fetcher:
        with pytest.raises(BlockedAddressError) as caught:
            await fetcher.fetch(site.url("/go", host="news.test"))
    message = str(caught.value)
    assert caught.value.url == site.url("/go", host="news.test")
    assert "intranet.test" in message
    assert "10.1.2.3 (private)" in message
    assert "redirected to http://intranet.test/admin" in message
    assert site.hits == {"/go": 1}


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://127.0.0.2:{port}/admin", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/admin", "loopback IPv4 127.0.0.1 inside IPv6"),
        ("http://localhost.test:{port}/admin", "loopback"),
    ],
)
async def test_redirect_to_loopback_forms_is_blocked(
    serve: ServeFn, location: str, reason: str
) -> None:
    site: Site
    handlers: dict[str, Handler] = {"/admin": page("secret")}

    async def go(request: web.Request) -> web.Response:
        raise web.HTTPFound(location.format(port=site.port))

    handlers["/go"] = go
    site = await serve(handlers)
    mapping: dict[str, str | list[str]] = {"news.test": "127.0.0.1", "localhost.test": "::1"}
    async with guarded_fetcher(mapping, exempt=("127.0.0.1/32",)) as fetcher:
        with pytest.raises(BlockedAddressError, match=reason):
            await fetcher.fetch(site.url("/go", host="news.test"))
    assert site.hits == {"/go": 1}


async def test_loopback_is_blocked_unless_allowed(serve: ServeFn) -> None:
    site = await serve({"/": page(html("local"))})
    async with guarded_fetcher({"news.test": "127.0.0.1"}) as fetcher:
        for url in (site.url("/", host="news.test"), site.url("/")):  # name and IP literal
            with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.1 \(loopback\)"):
                await fetcher.fetch(url)
        assert site.hits == {}
        result = await fetcher.fetch(site.url("/", host="news.test"), allow_private=True)
        assert result.text == html("local")


async def test_per_source_false_overrides_a_permissive_setting(serve: ServeFn) -> None:
    site = await serve({"/": page(html("local"))})
    async with Fetcher(make_settings(allow_private_networks=True)) as fetcher:
        assert (await fetcher.fetch(site.url("/"))).status == 200
        with pytest.raises(BlockedAddressError):
            await fetcher.fetch(site.url("/"), allow_private=False)


# --- size caps ---------------------------------------------------------------------------


async def test_content_length_over_the_cap_is_refused(serve: ServeFn) -> None:
    site = await serve({"/big": raw(b"x" * 5000)})
    async with Fetcher(make_settings(max_body_bytes=1000)) as fetcher:
        with pytest.raises(TooLargeError, match="Content-Length 5000 exceeds max_body_bytes=1000"):
            await fetcher.fetch(site.url("/big"))


def streamed(chunks: int, chunk: bytes, **headers: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html", **headers})
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            for _ in range(chunks):
                await response.write(chunk)
        except (ConnectionResetError, RuntimeError):
            pass  # the client gave up, as it should
        return response

    return handler


async def test_streamed_body_without_length_is_cut_at_the_cap(serve: ServeFn) -> None:
    site = await serve({"/stream": streamed(100, b"y" * 1000)})
    async with Fetcher(make_settings(max_body_bytes=5000)) as fetcher:
        with pytest.raises(TooLargeError, match="max_body_bytes=5000 as received"):
            await fetcher.fetch(site.url("/stream"))


async def test_gzip_bomb_is_stopped_at_the_decompressed_cap(serve: ServeFn) -> None:
    bomb = gzip.compress(b" " * 20_000_000)  # ~20 KB on the wire, 20 MB inflated
    site = await serve({"/bomb": raw(bomb, **{"Content-Encoding": "gzip"})})
    async with Fetcher(make_settings(max_decompressed_bytes=100_000)) as fetcher:
        with pytest.raises(TooLargeError, match="max_decompressed_bytes=100000"):
            await fetcher.fetch(site.url("/bomb"))


async def test_compressed_size_is_capped_too(serve: ServeFn) -> None:
    noise = gzip.compress(os.urandom(50_000))  # incompressible: ~50 KB on the wire
    site = await serve({"/noise": streamed(1, noise, **{"Content-Encoding": "gzip"})})
    async with Fetcher(make_settings(max_body_bytes=20_000)) as fetcher:
        with pytest.raises(TooLargeError, match="max_body_bytes=20000 as received"):
            await fetcher.fetch(site.url("/noise"))


async def test_gzip_and_deflate_pages_are_decompressed(serve: ServeFn) -> None:
    body = html(ARTICLE).encode("gbk")
    site = await serve(
        {
            "/gz": raw(gzip.compress(body), **{"Content-Encoding": "gzip"}),
            "/df": raw(zlib.compress(body), **{"Content-Encoding": "deflate"}),
        }
    )
    async with Fetcher(make_settings()) as fetcher:
        for path in ("/gz", "/df"):
            result = await fetcher.fetch(site.url(path))
            assert result.body == body
            assert (result.text, result.encoding) == (html(ARTICLE), "gb18030")


# --- timeouts ------------------------------------------------------------------------------


async def test_read_timeout(serve: ServeFn) -> None:
    release = asyncio.Event()

    async def stall(request: web.Request) -> web.Response:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(release.wait(), 1.5)
        return web.Response(text="late")

    site = await serve({"/slow": stall})
    try:
        async with Fetcher(make_settings(read_timeout=0.2)) as fetcher:
            with pytest.raises(FetchTimeoutError, match=r"read_timeout=0\.2s") as caught:
                await fetcher.fetch(site.url("/slow"))
        assert caught.value.url == site.url("/slow")
    finally:
        release.set()


async def test_total_timeout_covers_a_slow_trickle(serve: ServeFn) -> None:
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        try:
            for _ in range(20):  # bounded: 2 s at most
                await response.write(b"<p>drip</p>")
                await asyncio.sleep(0.1)
        except (ConnectionResetError, RuntimeError):
            pass
        return response

    site = await serve({"/trickle": trickle})
    async with Fetcher(make_settings(read_timeout=1.0, total_timeout=0.4)) as fetcher:
        with pytest.raises(FetchTimeoutError, match=r"total_timeout=0\.4s"):
            await fetcher.fetch(site.url("/trickle"))


# --- other failures -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 500, 503])
async def test_error_status(serve: ServeFn, status: int) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, text="nope")

    site = await serve({"/e": handler})
    async with Fetcher(make_settings()) as fetcher:
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.fetch(site.url("/e"))
    assert caught.value.status == status
    assert caught.value.url == site.url("/e")
    assert str(status) in str(caught.value)


async def test_non_html_content_is_refused(serve: ServeFn) -> None:
    site = await serve(
        {
            "/img": raw(b"\x89PNG\r\n", "image/png"),
            "/br": raw(b"\x0b\x02", **{"Content-Encoding": "br"}),
        }
    )
    async with Fetcher(make_settings()) as fetcher:
        with pytest.raises(UnsupportedContentError, match="not HTML: image/png"):
            await fetcher.fetch(site.url("/img"))
        with pytest.raises(UnsupportedContentError, match="'br'"):
            await fetcher.fetch(site.url("/br"))


async def test_connection_refused() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago, now closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    async with Fetcher(make_settings()) as fetcher:
        with pytest.raises(ConnectionFailedError) as caught:
            await fetcher.fetch(url)
    assert caught.value.url == url


async def test_unknown_host_is_a_connection_failure() -> None:
    async with Fetcher(make_settings(), resolver=MapResolver({})) as fetcher:
        with pytest.raises(ConnectionFailedError, match=r"nowhere\.test"):
            await fetcher.fetch("http://nowhere.test/")


@pytest.mark.parametrize("url", ["ftp://example.org/", "javascript:alert(1)", "/relative", ""])
async def test_only_http_urls(url: str) -> None:
    async with Fetcher(make_settings()) as fetcher:
        with pytest.raises(FetchError, match=r"only http and https|has no host"):
            await fetcher.fetch(url)


async def test_fetcher_must_be_opened() -> None:
    with pytest.raises(RuntimeError, match="async with"):
        await Fetcher(make_settings()).fetch("http://example.org/")


# --- concurrency -------------------------------------------------------------------------


@dataclass
class Gauge:
    active: dict[str, int] = field(default_factory=dict)
    peak: dict[str, int] = field(default_factory=dict)
    total: int = 0
    peak_total: int = 0

    def handler(self) -> Handler:
        async def handle(request: web.Request) -> web.Response:
            host = request.host.split(":")[0]
            self.active[host] = self.active.get(host, 0) + 1
            self.total += 1
            self.peak[host] = max(self.peak.get(host, 0), self.active[host])
            self.peak_total = max(self.peak_total, self.total)
            await asyncio.sleep(0.05)
            self.active[host] -= 1
            self.total -= 1
            return web.Response(text="<p>ok</p>", content_type="text/html")

        return handle


async def test_per_host_concurrency_is_bounded(serve: ServeFn) -> None:
    gauge = Gauge()
    site = await serve({"/p": gauge.handler()})
    async with Fetcher(make_settings(per_host_concurrency=2)) as fetcher:
        await asyncio.gather(*(fetcher.fetch(site.url("/p")) for _ in range(8)))
    assert site.hits["/p"] == 8
    assert gauge.peak == {"127.0.0.1": 2}


async def test_hosts_are_limited_separately_and_globally(serve: ServeFn) -> None:
    gauge = Gauge()
    site = await serve({"/p": gauge.handler()})
    hosts = ["a.test", "b.test", "c.test"]
    resolver = MapResolver(dict.fromkeys(hosts, "127.0.0.1"))
    settings = make_settings(per_host_concurrency=1, max_concurrency=16)
    async with Fetcher(settings, resolver=resolver) as fetcher:
        await asyncio.gather(*(fetcher.fetch(site.url("/p", h)) for h in hosts for _ in range(3)))
    assert gauge.peak == dict.fromkeys(hosts, 1)
    assert gauge.peak_total == 3  # one per host, all hosts at once

    gauge = Gauge()
    site = await serve({"/p": gauge.handler()})
    settings = make_settings(per_host_concurrency=5, max_concurrency=2)
    async with Fetcher(settings, resolver=resolver) as fetcher:
        await asyncio.gather(*(fetcher.fetch(site.url("/p", h)) for h in hosts for _ in range(3)))
    assert gauge.peak_total == 2


async def test_system_resolver_is_guarded_too(serve: ServeFn) -> None:
    site = await serve({"/": page(html("local"))})
    url = site.url("/", host="localhost")  # /etc/hosts, no network involved
    async with Fetcher(make_settings(allow_private_networks=False)) as fetcher:
        with pytest.raises(BlockedAddressError, match=r"'localhost'.*loopback"):
            await fetcher.fetch(url)
        assert site.hits == {}
        assert (await fetcher.fetch(url, allow_private=True)).text == html("local")


@pytest.mark.parametrize("name", ["per_host_concurrency", "max_concurrency", "max_body_bytes"])
def test_impossible_limits_are_refused(name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Fetcher(make_settings(**{name: 0}))
