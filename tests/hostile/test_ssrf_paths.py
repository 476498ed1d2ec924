"""SSRF through the service's other request paths: list pages and article pages in a real
refresh, and WebSub hub pings. Each refuses a private target on every redirect hop."""

from __future__ import annotations

from pathlib import Path

import pytest
from fetch.fetch_support import MapResolver
from hostile_refresh import refresh_rig, source_yaml
from hostile_web import (
    INTERNAL_FORMS,
    PUBLIC_EXEMPT,
    SSRF_NAMES,
    SsrfPair,
    redirect,
    respond,
)

from feedsvc.config import Settings
from feedsvc.fetch import Fetcher
from feedsvc.models import FeedKey, FeedKind, FetchStatus
from feedsvc.websub import WebSubPublisher

SELECTORS = """    selectors:
      item: "ul.news > li"
      title: "a"
      link: "a@href"
      content: "div.content"
"""
LIST = (
    '<html><body><ul class="news">'
    '<li><a href="/a1.html">第一条新闻的标题在这里</a></li>'
    '<li><a href="/a2.html">第二条新闻的标题在这里</a></li>'
    "</ul></body></html>"
).encode()
ARTICLE = (
    "<html><head><title>第二条新闻的标题在这里</title></head><body><h1>第二条新闻的标题在这里</h1>"
    '<div class="content"><p>这是正文，内容足够长，用来测试抽取是否正常工作。本段继续补充一些文字，'
    "保证正文长度超过阈值，再多写一些字。</p></div></body></html>"
).encode()


@pytest.mark.parametrize("form", INTERNAL_FORMS)
@pytest.mark.parametrize("hops", [0, 1, 2])  # 2 + 1 = max_redirects in the rig
async def test_a_list_page_redirecting_to_a_private_address_fails_the_refresh(
    ssrf: SsrfPair, tmp_path: Path, form: str, hops: int
) -> None:
    url = ssrf.chain(hops, ssrf.internal_url(form, "/list"))
    sources = source_yaml("pub", url, private=None, extra=SELECTORS)
    async with refresh_rig(
        tmp_path, sources, resolver=MapResolver(SSRF_NAMES), guard_exempt=PUBLIC_EXEMPT
    ) as rig:
        reports = await rig.tick()
        state = await rig.store.get_source("pub")
    assert reports["pub"].status is FetchStatus.FAILED
    assert state is not None and state.last_error is not None
    assert url in state.last_error and "127.0.0.2 (loopback)" in state.last_error
    assert ssrf.internal.requests == []


@pytest.mark.parametrize("form", INTERNAL_FORMS)
@pytest.mark.parametrize("hops", [0, 1, 2])
async def test_an_article_redirecting_to_a_private_address_is_skipped(
    ssrf: SsrfPair, tmp_path: Path, form: str, hops: int
) -> None:
    ssrf.public.routes["/list"] = respond(LIST)
    ssrf.public.routes["/a2.html"] = respond(ARTICLE)
    # /a1.html → (hops public redirects) → the internal server.
    ssrf.chain(hops, ssrf.internal_url(form, "/a"), prefix="/x")
    ssrf.public.routes["/a1.html"] = ssrf.public.routes.pop("/x0")
    sources = source_yaml("pub", ssrf.public_url("/list"), private=None, extra=SELECTORS)
    async with refresh_rig(
        tmp_path, sources, resolver=MapResolver(SSRF_NAMES), guard_exempt=PUBLIC_EXEMPT
    ) as rig:
        reports = await rig.tick()
    report = reports["pub"]
    assert report.status is FetchStatus.OK and report.new == 1, report
    assert len(report.article_errors) == 1
    assert "a1.html" in report.article_errors[0] and "loopback" in report.article_errors[0]
    assert ssrf.internal.requests == []


class _NoInfo:
    async def feed_info(self, key: FeedKey) -> None:
        return None


@pytest.mark.parametrize("form", INTERNAL_FORMS)
@pytest.mark.parametrize("hops", [0, 1])
async def test_websub_pings_never_reach_a_private_address(
    ssrf: SsrfPair, form: str, hops: int
) -> None:
    # hops 0: the hub itself is internal; 1: a public hub redirects to the internal one.
    hub = ssrf.internal_url(form, "/hub")
    if hops:
        ssrf.public.routes["/hub"] = redirect(hub, 307)
        hub = ssrf.public_url("/hub")
    settings = Settings(websub_hub=hub, public_url="http://feeds.example.org")
    resolver = MapResolver(SSRF_NAMES)
    async with (
        Fetcher(settings, resolver=resolver, guard_exempt=PUBLIC_EXEMPT) as fetcher,
        WebSubPublisher(settings, _NoInfo(), fetcher=fetcher, backoff=0) as publisher,
    ):
        report = await publisher.publish([FeedKey(FeedKind.LATEST)])
    assert report.published == [] and len(report.failed) == 3
    assert ssrf.internal.requests == []
    # The public hub is asked once per topic: a redirect is final, not retried.
    assert len(ssrf.public.requests) == (3 if hops else 0)


async def test_a_websub_hub_on_the_internal_network_is_refused_by_default(
    ssrf: SsrfPair,
) -> None:
    # The publisher's own Fetcher (no test resolver) refuses the IP literal too.
    settings = Settings(websub_hub=ssrf.internal_url("127.0.0.2", "/hub"))
    async with WebSubPublisher(settings, _NoInfo(), backoff=0) as publisher:
        report = await publisher.publish([FeedKey(FeedKind.LATEST)])
    assert len(report.failed) == 3
    assert ssrf.internal.requests == []
