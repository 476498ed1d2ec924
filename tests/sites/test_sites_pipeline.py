"""Fixture portals → refresh → feeds with NO selectors: automatic detection end to end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from atom_validation import assert_valid_atom
from feed_validation import assert_valid_json_feed, assert_valid_rss

from feedsvc.demo.content import CATEGORIES
from feedsvc.demo.portal import PortalState
from feedsvc.models import FetchStatus
from sites import en_blog, gov_gbk, mobile_cards
from sites.site_pipeline import START, start_site_pipeline
from sites.site_support import FixtureSite

BUILDERS: dict[str, Callable[[], FixtureSite]] = {
    "gov-gbk": gov_gbk.build,
    "en-blog": en_blog.build,
    "mobile-cards": lambda: mobile_cards.build(START),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
async def test_site_feed_holds_exactly_the_listed_articles(tmp_path: Path, name: str) -> None:
    site = BUILDERS[name]()
    p = await start_site_pipeline(tmp_path, [site])
    try:
        report = await p.refresh(site.name)
        assert report.status is FetchStatus.OK, report
        assert report.new == len(site.articles), report
        assert not report.article_errors, report.article_errors
        # Backfill: every list page was followed once, by pagination alone.
        list_paths = {lt.path for lt in site.lists}
        assert sorted(x for x in site.served if x in list_paths) == sorted(list_paths)

        parsed = await p.feed(f"/feeds/sources/{site.name}.atom")
        base = p.bases[site.name]
        got = [
            (
                e.title,
                e.link.removeprefix(base),
                datetime.fromisoformat(e.published),
                [t.term for t in e.get("tags", [])],
            )
            for e in parsed.entries
        ]
        want = [(a.title, a.path, a.published, [a.category]) for a in site.articles]
        assert [g[:2] for g in got] == [w[:2] for w in want]
        for (title, _, published, tags), article in zip(got, site.articles, strict=True):
            assert published.utcoffset() is not None, title
            assert published == article.published, (title, published, article.published)
            assert tags == [article.category], title
        for entry, article in zip(parsed.entries, site.articles, strict=True):
            if article.author:
                assert entry.get("author") == article.author, article.title

        # After the backfill, one list page per refresh: no pagination.
        site.served.clear()
        again = await p.refresh(site.name)
        assert again.status in (FetchStatus.OK, FetchStatus.NOT_MODIFIED), again
        assert again.new == 0, again
        assert [x for x in site.served if x in list_paths] == [site.start_path]
    finally:
        await p.stack.aclose()


@pytest.mark.parametrize("name", ["gov-gbk", "mobile-cards"])
async def test_chinese_page_times_are_right_with_no_zone_configured(
    tmp_path: Path, name: str
) -> None:
    """No ``timezone`` anywhere and a host without a country TLD (127.0.0.1): the pages'
    Chinese text decides Asia/Shanghai. Read as UTC (before), every time was 8 h off."""
    site = BUILDERS[name]()
    p = await start_site_pipeline(tmp_path, [site], zones_configured=False)
    try:
        report = await p.refresh(site.name)
        assert report.status is FetchStatus.OK, report
        assert report.zone is not None and report.zone.name == "Asia/Shanghai", report.zone
        assert "Chinese" in report.zone.evidence
        # ... and the choice is kept in the source's schedule state, with its evidence.
        (state,) = await p.store.list_sources()
        assert state.zone is not None and state.zone.startswith("Asia/Shanghai: page text in")
        parsed = await p.feed(f"/feeds/sources/{site.name}.atom")
        got = [datetime.fromisoformat(e.published) for e in parsed.entries]
        assert got == [a.published for a in site.articles]
    finally:
        await p.stack.aclose()


async def test_demo_portal_without_selectors(tmp_path: Path) -> None:
    portal = PortalState(seed=3, now=lambda: START)
    p = await start_site_pipeline(tmp_path, [], demo=portal)
    try:
        for category in CATEGORIES:
            report = await p.refresh(f"demo-{category.slug}")
            assert report.status is FetchStatus.OK, report
            assert not report.article_errors, report.article_errors
            truth = portal.articles(category.slug)
            parsed = await p.feed(f"/feeds/sources/demo-{category.slug}.atom")
            assert [e.title for e in parsed.entries] == [a.title for a in truth], category.name
            for entry, article in zip(parsed.entries, truth, strict=True):
                assert entry.link.endswith(article.url_path), article.title
                published = datetime.fromisoformat(entry.published)
                assert published.utcoffset() is not None
                assert published == article.published, article.title
                assert [t.term for t in entry.tags] == [category.name]
    finally:
        await p.stack.aclose()


async def test_every_feed_of_every_fixture_site_is_valid_in_every_format(tmp_path: Path) -> None:
    """Zero validity errors across the fixture portals: all feeds, all three formats."""
    sites = [build() for build in BUILDERS.values()]
    p = await start_site_pipeline(tmp_path, sites)
    try:
        for site in sites:
            assert (await p.refresh(site.name)).status is FetchStatus.OK
        feeds = await p.store.list_feeds()
        assert len(feeds) >= 1 + len(sites)  # latest, every source, every category
        checked = 0
        for info in feeds:
            key = info.key
            if key.kind.value == "latest":
                stem = "/feeds/latest"
            elif key.kind.value == "source":
                stem = f"/feeds/sources/{key.value}"
            else:
                stem = f"/feeds/categories/{quote(key.value, safe='')}"
            for ext, check in (
                (".atom", assert_valid_atom),
                (".rss", assert_valid_rss),
                (".json", assert_valid_json_feed),
            ):
                resp = await p.client.get(stem + ext + "?limit=500")
                assert resp.status == 200, (stem + ext, await resp.text())
                check(await resp.read())
                checked += 1
        assert checked == 3 * len(feeds)
    finally:
        await p.stack.aclose()
