"""deploy/nginx as shipped: ``nginx -t`` passes, and the real nginx in front of a real
``feedsvc serve`` answers 200, 304, gzip and paging, caches feeds and revalidates them with
a conditional GET, and never caches the admin API, /admin or the probes."""

from __future__ import annotations

import gzip
import os
import shutil
import ssl
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from live import LiveDeployment, free_port
from lxml import etree
from nginx_site import Nginx, Tls, nginx_test, self_signed, write_site
from required_tool import required_tool

ATOM = "{http://www.w3.org/2005/Atom}"
TOKEN = "deploy-test-read-token-0123456789"
FEED = "/feeds/latest.atom"
FRESH_SECONDS = 5  # proxy_cache_valid in deploy/nginx/feedsvc-proxy.conf


@pytest.fixture(scope="module")
def nginx() -> str:
    found = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    # /usr/sbin is often off a normal user's PATH; elsewhere CI must have it (.ci/run).
    return found or required_tool("nginx", "the deploy/nginx test (apt-get install nginx-light)")


def _tls(tmp: Path) -> Tls | None:
    openssl = shutil.which("openssl")
    if openssl is None:
        return None  # the plain-HTTP server block is still tested
    cert, key = self_signed(openssl, tmp)
    return Tls(free_port(), cert, key)


def test_shipped_config_passes_nginx_t(nginx: str, tmp_path: Path) -> None:
    conf = write_site(
        nginx, tmp_path / "nginx", port=free_port(), upstream_port=free_port(), tls=_tls(tmp_path)
    )
    done = nginx_test(nginx, conf)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


@dataclass
class Proxied:
    live: LiveDeployment
    proxy: Nginx
    tls: Tls | None

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        request = urllib.request.Request(self.proxy.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return Response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as err:
            return Response(err.code, err.headers, err.read())


@dataclass
class Response:
    status: int
    headers: Message  # case-insensitive, as HTTP header names are
    body: bytes


@pytest.fixture(scope="module")
def proxied(nginx: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxied]:
    tmp = tmp_path_factory.mktemp("nginx-live")
    port = free_port()
    with LiveDeployment(tmp) as live:
        # Feed links name the proxy, as FEEDSVC_PUBLIC_URL does in a deployment.
        config = live.config_path.read_text()
        live.config_path.write_text(
            config.replace(f"public_url: {live.base_url}", f"public_url: http://127.0.0.1:{port}")
        )
        live.refresh()
        live.start_server(env={"FEEDSVC_ADMIN_TOKENS": f"test:read:{TOKEN}"})
        tls = _tls(tmp)
        conf = write_site(nginx, tmp / "nginx", port=port, upstream_port=live.port, tls=tls)
        with Nginx(nginx, conf, port) as proxy:
            yield Proxied(live, proxy, tls)


def test_feeds_are_cached_and_answer_304(proxied: Proxied) -> None:
    first = proxied.get(FEED + "?limit=3")
    assert first.status == 200, first
    assert first.headers["X-Cache-Status"] == "MISS"
    assert "Accept-Encoding" in first.headers["Vary"]  # passed on to clients
    again = proxied.get(FEED + "?limit=3")
    assert again.headers["X-Cache-Status"] == "HIT"
    assert (again.body, again.headers["ETag"]) == (first.body, first.headers["ETag"])
    for validator in (
        {"If-None-Match": first.headers["ETag"]},
        {"If-Modified-Since": first.headers["Last-Modified"]},
    ):
        cached = proxied.get(FEED + "?limit=3", validator)
        assert (cached.status, cached.body) == (304, b""), validator
        assert cached.headers["ETag"] == first.headers["ETag"]


def test_gzip_is_passed_through_with_its_own_etag(proxied: Proxied) -> None:
    plain = proxied.get(FEED)
    for spelling in ("gzip", "gzip, deflate, br", "br;q=1.0, GZIP;q=0.5"):
        zipped = proxied.get(FEED, {"Accept-Encoding": spelling})
        assert zipped.headers.get("Content-Encoding") == "gzip", spelling
        assert gzip.decompress(zipped.body) == plain.body
        assert zipped.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
        not_modified = proxied.get(
            FEED, {"Accept-Encoding": spelling, "If-None-Match": zipped.headers["ETag"]}
        )
        assert not_modified.status == 304, spelling
    for refusing in ("identity", "gzip;q=0", "br, gzip;q=0.0"):
        identity = proxied.get(FEED, {"Accept-Encoding": refusing})
        assert "Content-Encoding" not in identity.headers, refusing
        assert (identity.body, identity.headers["ETag"]) == (plain.body, plain.headers["ETag"])


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("browser_first", [True, False])
def test_browsers_and_readers_get_their_own_content_type(
    proxied: Proxied, browser_first: bool
) -> None:
    """feedsvc labels a browser's copy application/xml (Vary: Accept): the cache keeps the
    two apart whichever comes first, and every reader spelling shares the reader's copy."""
    path = f"{FEED}?limit={7 if browser_first else 8}"
    order = [("browser", BROWSER), ("reader", "application/atom+xml")]
    for _, accept in order if browser_first else order[::-1]:
        proxied.get(path, {"Accept": accept})
    for kind, accept in [*order, ("reader", "*/*"), ("reader", ""), ("browser", " TEXT/HTML")]:
        answer = proxied.get(path, {"Accept": accept} if accept else {})
        assert answer.headers["X-Cache-Status"] == "HIT", (kind, accept)
        expected = "application/xml" if kind == "browser" else "application/atom+xml"
        assert answer.headers["Content-Type"].startswith(expected), (kind, accept)


def _entries_and_next(body: bytes) -> tuple[list[str], str | None]:
    root = etree.fromstring(body)
    ids = [str(e.findtext(f"{ATOM}id")) for e in root.iter(f"{ATOM}entry")]
    nexts = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "next"]
    return ids, nexts[0] if nexts else None


def test_paging_through_the_proxy_follows_the_next_link(proxied: Proxied) -> None:
    everything, _ = _entries_and_next(proxied.get(FEED + "?limit=100").body)
    assert len(everything) > 6
    seen: list[str] = []
    path: str | None = FEED + "?limit=3"
    pages = 0
    while path is not None and pages < 50:
        page = proxied.get(path)
        assert page.status == 200, page
        ids, next_url = _entries_and_next(page.body)
        seen.extend(ids)
        pages += 1
        if next_url is None:
            break
        assert next_url.startswith(proxied.proxy.url + "/"), next_url  # links name the proxy
        path = next_url.removeprefix(proxied.proxy.url)
    assert pages >= 3
    assert seen == everything


def test_api_admin_and_probes_are_never_cached(proxied: Proxied) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = len(proxied.live.access_log())
    for path, headers, status in (
        ("/api/v1/sources", auth, 200),
        ("/api/v1/sources", {}, 401),
        ("/admin", {}, 200),  # the admin console (its sign-in page)
        ("/healthz", {}, 200),
        ("/readyz", {}, 200),
    ):
        for _ in range(3):
            answer = proxied.get(path, headers)
            assert answer.status == status, (path, answer)
            assert answer.headers["X-Cache-Status"] == "BYPASS", (path, answer.headers)
    # Every one of the requests reached feedsvc (the console's redirects add a few more).
    expected = {"/api/v1/sources": 6, "/admin": 3, "/healthz": 3, "/readyz": 3}
    deadline = time.monotonic() + 10  # aiohttp logs a line after its response went out
    while True:
        records = proxied.live.access_log()[before:]
        reached = Counter(r.target for r in records)
        if all(reached[p] >= n for p, n in expected.items()) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert {p: reached[p] for p in expected} == expected, records
    # /metrics is for scrapers on the internal network, not the public address.
    assert proxied.get("/metrics").status == 403
    # A feed asked for with credentials is neither answered from nor stored in the cache.
    proxied.get(FEED + "?limit=4")
    assert proxied.get(FEED + "?limit=4", auth).headers["X-Cache-Status"] == "BYPASS"


def test_tls_server_block_serves_the_same_feed(proxied: Proxied) -> None:
    if proxied.tls is None:
        pytest.skip("openssl is not installed: no throwaway certificate for the TLS block")
    context = ssl.create_default_context(cafile=str(proxied.tls.cert))
    context.check_hostname = False
    url = f"https://127.0.0.1:{proxied.tls.port}{FEED}"
    with urllib.request.urlopen(url, timeout=10, context=context) as r:
        assert r.status == 200
        assert r.headers["Strict-Transport-Security"]
        secure_etag = r.headers["ETag"]
    assert secure_etag == proxied.get(FEED).headers["ETag"]


def test_an_expired_feed_is_revalidated_with_a_conditional_get(proxied: Proxied) -> None:
    path = FEED + "?limit=5"
    stored = proxied.get(path)
    assert stored.headers["X-Cache-Status"] in ("MISS", "HIT")
    mark = len(proxied.live.access_log())
    time.sleep(FRESH_SECONDS + 1.5)  # nginx counts whole seconds: expired after 5-6 s
    expired = proxied.get(path)
    # Answered from the stale copy while a background request revalidates it.
    assert expired.headers["X-Cache-Status"] in ("STALE", "UPDATING", "REVALIDATED")
    assert expired.body == stored.body
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        asked = [r for r in proxied.live.access_log()[mark:] if r.target == path]
        if asked:
            break
        time.sleep(0.05)
    assert [(r.status, r.if_none_match) for r in asked] == [(304, stored.headers["ETag"])]
    assert proxied.get(path).headers["X-Cache-Status"] == "HIT"
