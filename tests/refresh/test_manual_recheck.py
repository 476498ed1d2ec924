"""A manual refresh re-checks the recent articles still on the list page for edits, past
the per-interval cap a scheduled refresh keeps (issue 12, finding 5): an article edited
after it was stored is updated by a manual refresh, with conditional GETs so unchanged
pages cost a 304; ``manual_recheck_max`` bounds how many; an article no longer listed is
left alone. A request stored with the source (the admin API's, in cluster mode) makes the
claiming process's refresh manual, and is cleared once served."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from edit_site import EditSite, serving
from refresh_site import Harness, harness

from feedsvc.adminmodels import SourceChange
from feedsvc.models import FeedKey, FeedKind, FetchStatus
from feedsvc.refresh.context import RefreshReport
from feedsvc.refresh.worker import refresh_source

EDITED = "更正：这是修改后的正文，记者补充了新的采访内容，原文中的数字有误，现已更正为正确数字。"


@pytest.fixture
def site() -> Iterator[EditSite]:
    with serving([1, 2, 3, 4, 5]) as s:
        yield s


def _source(site: EditSite) -> str:
    return (
        "  - id: s\n"
        "    name: Edits\n"
        f"    url: {site.list_url}\n"
        "    interval: 1h\n"  # a scheduled re-check of an article waits this long
        "    timezone: Asia/Shanghai\n"
        "    allow_private_networks: true\n"
        "    selectors:\n"
        '      item: "ul.news-list > li"\n'
        '      title: "a"\n'
        '      link: "a@href"\n'
        '      date: "span.date"\n'
        '      content: "div.content"\n'
    )


@asynccontextmanager
async def _harness(
    tmp_path: Path, database_url: str, site: EditSite, settings: str = ""
) -> AsyncIterator[Harness]:
    async with harness(tmp_path, _source(site), database_url=database_url, settings=settings) as h:
        first = await h.refresh("s")
        assert (first.status, first.new, first.rechecked) == (FetchStatus.OK, 5, 0), first
        yield h


async def _manual(h: Harness) -> RefreshReport:
    state = await h.store.claim_source("s", h.ctx.owner, h.clock(), 600)
    assert state is not None
    return await refresh_source(h.ctx, state, manual=True)


async def _content(h: Harness, n: int) -> str:
    for article in await h.store.feed_entries(FeedKey(FeedKind.SOURCE, "s"), 50):
        if article.canonical_url.endswith(f"/news/{n}.html"):
            return article.content_html
    raise AssertionError(f"article {n} not stored")


async def test_a_manual_refresh_picks_up_an_edit_a_scheduled_one_leaves_for_later(
    tmp_path: Path, database_url: str, site: EditSite
) -> None:
    async with _harness(tmp_path, database_url, site) as h:
        site.edit(3, EDITED)
        version = await h.version(FeedKind.SOURCE, "s")
        h.clock.advance(minutes=5)

        # Scheduled, within the interval: the list answers 304 and no article is re-checked.
        before = site.article_hits()
        scheduled = await h.refresh("s")
        assert (scheduled.status, scheduled.updated, scheduled.rechecked) == (
            FetchStatus.NOT_MODIFIED,
            0,
            0,
        )
        assert site.article_hits() == before
        assert EDITED not in await _content(h, 3)

        h.clock.advance(minutes=5)
        manual = await _manual(h)
        assert manual.manual and manual.status is FetchStatus.OK, manual
        assert (manual.new, manual.updated, manual.rechecked) == (0, 1, 5), manual
        assert "(manual)" in manual.line() and "5 re-checked" in manual.line()
        # Conditional GETs: the four unedited pages cost a 304 each; the edited one a 200.
        assert {n: site.not_modified[site.path(n)] for n in range(1, 6)} == {
            1: 1,
            2: 1,
            3: 0,
            4: 1,
            5: 1,
        }
        assert EDITED in await _content(h, 3)
        (edited,) = [
            a
            for a in await h.store.feed_entries(FeedKey(FeedKind.SOURCE, "s"), 50)
            if a.canonical_url.endswith("/news/3.html")
        ]
        assert edited.updated == h.clock() and edited.first_seen < edited.updated
        assert await h.version(FeedKind.SOURCE, "s") > version
        assert await h.version(FeedKind.LATEST) > 0

        runs = await h.store.recent_runs("s", 5)
        assert [(r.manual, r.rechecked_count, r.updated_count) for r in runs] == [
            (True, 5, 1),
            (False, 0, 0),
            (False, 0, 0),
        ]

        # Another manual refresh at once: everything answers 304 and nothing changes.
        version = await h.version(FeedKind.SOURCE, "s")
        again = await _manual(h)
        assert (again.updated, again.rechecked) == (0, 5), again
        assert site.not_modified[site.path(3)] == 1
        assert await h.version(FeedKind.SOURCE, "s") == version


async def test_manual_recheck_max_bounds_the_recheck_newest_first(
    tmp_path: Path, database_url: str, site: EditSite
) -> None:
    settings = "  manual_recheck_max: 2\n"
    async with _harness(tmp_path, database_url, site, settings) as h:
        site.edit(5, EDITED)  # the newest
        site.edit(1, EDITED)  # the oldest: past the bound
        before = site.article_hits()
        h.clock.advance(minutes=5)
        report = await _manual(h)
        assert (report.rechecked, report.updated) == (2, 1), report
        after = site.article_hits()
        assert {n for n in after if after[n] > before.get(n, 0)} == {4, 5}
        assert EDITED in await _content(h, 5)
        assert EDITED not in await _content(h, 1)


async def test_manual_recheck_max_zero_rechecks_nothing(
    tmp_path: Path, database_url: str, site: EditSite
) -> None:
    async with _harness(tmp_path, database_url, site, "  manual_recheck_max: 0\n") as h:
        site.edit(5, EDITED)
        before = site.article_hits()
        report = await _manual(h)
        assert (report.rechecked, report.updated) == (0, 0)
        assert site.article_hits() == before


async def test_an_article_no_longer_listed_is_not_rechecked(
    tmp_path: Path, database_url: str, site: EditSite
) -> None:
    async with _harness(tmp_path, database_url, site) as h:
        site.listed.remove(2)
        site.edit(2, EDITED)
        before = site.article_hits()
        h.clock.advance(minutes=5)
        report = await _manual(h)
        assert (report.rechecked, report.updated) == (4, 0), report
        assert site.article_hits()[2] == before[2]
        assert EDITED not in await _content(h, 2)


async def test_articles_first_seen_before_recheck_hours_are_not_rechecked(
    tmp_path: Path, database_url: str, site: EditSite
) -> None:
    async with _harness(tmp_path, database_url, site, "  recheck_hours: 1\n") as h:
        site.edit(4, EDITED)
        h.clock.advance(hours=2)
        report = await _manual(h)
        assert (report.rechecked, report.updated) == (0, 0), report
        assert EDITED not in await _content(h, 4)


async def test_a_stored_request_makes_the_claiming_refresh_manual_and_is_cleared(
    tmp_path: Path, database_url: str, site: EditSite
) -> None:
    async with _harness(tmp_path, database_url, site) as h:
        site.edit(2, EDITED)
        h.clock.advance(minutes=5)
        request = SourceChange(
            "source.refresh", "ops", h.clock(), run_now=True, request_refresh=True
        )
        await h.store.change_source("s", request)
        (state,) = await h.store.claim_due(h.ctx.owner, h.clock(), 600, 5)
        assert state.refresh_requested_at == h.clock()
        report = await refresh_source(h.ctx, state)  # as a worker's tick runs it
        assert report.manual and (report.updated, report.rechecked) == (1, 5), report
        assert EDITED in await _content(h, 2)
        assert (await h.state("s")).refresh_requested_at is None

        # The next scheduled refresh is an ordinary one again.
        h.clock.advance(hours=2)
        (state,) = await h.store.claim_due(h.ctx.owner, h.clock(), 600, 5)
        assert state.refresh_requested_at is None
        assert not (await refresh_source(h.ctx, state)).manual


async def test_a_request_made_while_a_refresh_runs_waits_for_the_next_one(
    tmp_path: Path, database_url: str, site: EditSite
) -> None:
    async with _harness(tmp_path, database_url, site) as h:
        first = SourceChange("source.refresh", "ops", h.clock(), request_refresh=True)
        await h.store.change_source("s", first)
        state = await h.store.claim_source("s", h.ctx.owner, h.clock(), 600)
        assert state is not None and state.refresh_requested_at == h.clock()
        h.clock.advance(seconds=1)
        second = SourceChange("source.refresh", "ops", h.clock(), request_refresh=True)
        await h.store.change_source("s", second)  # arrives while the first one runs
        assert (await refresh_source(h.ctx, state)).manual
        assert (await h.state("s")).refresh_requested_at == h.clock()


async def test_a_failed_manual_refresh_is_recorded_as_manual_and_serves_the_request(
    tmp_path: Path, database_url: str, site: EditSite
) -> None:
    async with _harness(tmp_path, database_url, site) as h:
        request = SourceChange("source.refresh", "ops", h.clock(), request_refresh=True)
        await h.store.change_source("s", request)
        site.list_status = 503
        h.clock.advance(minutes=5)
        state = await h.store.claim_source("s", h.ctx.owner, h.clock(), 600)
        assert state is not None
        report = await refresh_source(h.ctx, state)
        assert report.status is FetchStatus.FAILED and report.manual
        assert "(manual)" in report.line()
        run = (await h.store.recent_runs("s", 1))[0]
        assert (run.status, run.manual, run.rechecked_count) == (FetchStatus.FAILED, True, 0)
        assert (await h.state("s")).refresh_requested_at is None
