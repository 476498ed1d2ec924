"""SSRF at the fetcher: robots.txt and pages never reach a private address, on any hop.

See hostile_web.SsrfPair: a "public" site and an internal server whose received requests
each test asserts to be none.
"""

from __future__ import annotations

import logging

import pytest
from fetch.fetch_support import MapResolver, make_settings
from hostile_web import (
    INTERNAL_FORMS,
    PAGE,
    PUBLIC_EXEMPT,
    SSRF_NAMES,
    Behaviour,
    SsrfPair,
    redirect,
    respond,
)

from feedsvc.errors import BlockedAddressError
from feedsvc.fetch import Fetcher


def fetcher(*, robots: bool = True) -> Fetcher:
    return Fetcher(
        make_settings(allow_private_networks=False, obey_robots_txt=robots, max_redirects=5),
        resolver=MapResolver(SSRF_NAMES),
        guard_exempt=PUBLIC_EXEMPT,
    )


# --- robots.txt --------------------------------------------------------------------------


@pytest.mark.parametrize("form", INTERNAL_FORMS)
@pytest.mark.parametrize("hops", [0, 1, 3])
async def test_robots_txt_redirect_to_a_private_address_is_not_followed(
    ssrf: SsrfPair, form: str, hops: int, caplog: pytest.LogCaptureFixture
) -> None:
    # /robots.txt → (hops public redirects) → the internal server.
    target = ssrf.internal_url(form, "/robots.txt")
    if hops == 0:
        ssrf.public.routes["/robots.txt"] = redirect(target)
    else:
        ssrf.public.routes["/robots.txt"] = redirect(ssrf.chain(hops - 1, target, "/rr"))
    caplog.set_level(logging.WARNING, logger="feedsvc.fetch.robots")
    async with fetcher() as f:
        # An unreachable robots.txt allows (and is logged), so the page itself is fetched.
        ssrf.public.routes["/news/1.html"] = _page()
        result = await f.fetch(ssrf.public_url("/news/1.html"))
    assert result.status == 200
    assert ssrf.internal.requests == []
    assert any("robots.txt" in r.getMessage() for r in caplog.records), caplog.text


@pytest.mark.parametrize("form", INTERNAL_FORMS)
async def test_robots_of_another_origin_is_guarded_for_a_private_source(
    ssrf: SsrfPair, form: str
) -> None:
    # A source allowed on private networks keeps that for its own pages only: the robots.txt
    # of another origin it redirects to (here other.test) is fetched through the guard.
    ssrf.public.routes["/go"] = redirect(ssrf.public_url("/landing", host="other.test"))
    ssrf.public.routes["/landing"] = _page()
    ssrf.public.routes["/robots.txt"] = redirect(ssrf.internal_url(form, "/robots.txt"))
    async with fetcher() as f:
        result = await f.fetch(ssrf.public_url("/go"), allow_private=True)
    assert result.status == 200
    assert ssrf.internal.requests == []


async def test_a_private_source_still_reads_its_own_robots_txt(ssrf: SsrfPair) -> None:
    async with fetcher() as f:
        result = await f.fetch(ssrf.internal_url("intranet.test", "/a"), allow_private=True)
    assert result.status == 200
    assert ssrf.internal.paths() == ["/robots.txt", "/a"]


# --- pages: every hop of the chain ---------------------------------------------------------


@pytest.mark.parametrize("form", INTERNAL_FORMS)
@pytest.mark.parametrize("hops", [0, 1, 2, 4])  # 4 + 1 = max_redirects
async def test_page_redirect_to_a_private_address_is_refused_on_every_hop(
    ssrf: SsrfPair, form: str, hops: int
) -> None:
    url = ssrf.chain(hops, ssrf.internal_url(form))
    async with fetcher(robots=False) as f:
        with pytest.raises(BlockedAddressError) as caught:
            await f.fetch(url)
    assert caught.value.url == url
    assert "127.0.0.2 (loopback)" in str(caught.value)
    assert ssrf.internal.requests == []


@pytest.mark.parametrize("form", INTERNAL_FORMS)
async def test_a_private_start_is_refused(ssrf: SsrfPair, form: str) -> None:
    async with fetcher() as f:
        with pytest.raises(BlockedAddressError, match="loopback"):
            await f.fetch(ssrf.internal_url(form, "/a"))
    assert ssrf.internal.requests == []


def _page() -> Behaviour:
    return respond(PAGE)
