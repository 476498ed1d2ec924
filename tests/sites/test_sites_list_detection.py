"""Link precision and recall of automatic list detection over every fixture list page.

Each page is fetched over HTTP from its local site (the demo portal included), decoded as
the fetcher would, and extracted with NO selectors. Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from feedsvc.demo.content import CATEGORIES
from feedsvc.demo.pages import PAGE_SIZE
from feedsvc.demo.portal import PortalState, create_portal_app
from feedsvc.extract import extract_list
from feedsvc.fetch import decode_html
from sites import en_blog, gov_gbk, mobile_cards
from sites.site_pipeline import START
from sites.site_support import FixtureSite, ListTruth, create_site_app

TARGET = 0.98


@dataclass
class Score:
    true_pos: int = 0
    found: int = 0
    expected: int = 0
    pages: int = 0
    next_ok: int = 0

    def add(self, got: list[str], want: list[str], next_ok: bool) -> None:
        self.true_pos += len(set(got) & set(want))
        self.found += len(got)
        self.expected += len(want)
        self.pages += 1
        self.next_ok += next_ok

    @property
    def precision(self) -> float:
        return self.true_pos / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.true_pos / self.expected if self.expected else 0.0


def _demo_truth(portal: PortalState) -> list[ListTruth]:
    out = []
    for category in CATEGORIES:
        items = portal.articles(category.slug)
        pages = max(1, -(-len(items) // PAGE_SIZE))
        for page in range(1, pages + 1):
            path = f"/{category.slug}/" if page == 1 else f"/{category.slug}/index_{page}.html"
            chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            nxt = f"/{category.slug}/index_{page + 1}.html" if page < pages else None
            out.append(ListTruth(path, tuple(a.url_path for a in chunk), nxt))
    return out


async def _score_pages(
    session: ClientSession,
    base: str,
    zone: str,
    lists: list[ListTruth],
    score: Score,
    timings: list[float],
    label: str,
) -> None:
    for truth in lists:
        async with session.get(base + truth.path) as resp:
            assert resp.status == 200, truth.path
            body = await resp.read()
            text = decode_html(body, resp.charset).text
        t0 = time.perf_counter()
        page = extract_list(text, base + truth.path, selectors=None, tz=ZoneInfo(zone), now=START)
        timings.append(time.perf_counter() - t0)
        got = [i.url.removeprefix(base) for i in page.items]
        want = list(truth.article_paths)
        want_next = base + truth.next_path if truth.next_path else None
        score.add(got, want, page.next_page_url == want_next)
        missing, extra = set(want) - set(got), set(got) - set(want)
        if missing or extra or got != want:
            print(f"{label}{truth.path}: missing {sorted(missing)} extra {sorted(extra)}")


async def test_precision_and_recall_on_fixture_list_pages() -> None:
    sites: list[FixtureSite] = [gov_gbk.build(), en_blog.build(), mobile_cards.build(START)]
    # Enough articles that each demo category pages through index_2.html and index_3.html.
    portal = PortalState(seed=3, now=lambda: START, initial_per_category=45)
    score, timings = Score(), []
    async with ClientSession() as session:
        for site in sites:
            server = TestServer(create_site_app(site), host="127.0.0.1")
            await server.start_server()
            try:
                base = str(server.make_url("")).rstrip("/")
                await _score_pages(
                    session, base, site.timezone, list(site.lists), score, timings, site.name
                )
            finally:
                await server.close()
        server = TestServer(create_portal_app(portal), host="127.0.0.1")
        await server.start_server()
        try:
            base = str(server.make_url("")).rstrip("/")
            truth = _demo_truth(portal)
            await _score_pages(session, base, "Asia/Shanghai", truth, score, timings, "demo")
        finally:
            await server.close()
    median_ms = statistics.median(timings) * 1000
    print(
        f"\nfixture list pages: {score.pages}, links expected {score.expected}, "
        f"found {score.found}, precision {score.precision:.3f}, recall {score.recall:.3f}, "
        f"next page right on {score.next_ok}/{score.pages}, median {median_ms:.1f} ms"
    )
    assert score.pages >= 20
    assert score.precision >= TARGET
    assert score.recall >= TARGET
    assert score.next_ok == score.pages
