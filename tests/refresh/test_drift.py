"""A list page that yielded links and suddenly yields none (HTTP 200): the source keeps its
articles, is flagged as drifted with a clear message, and recovers on the next good list."""

from __future__ import annotations

from pathlib import Path

from refresh_site import NewsSite, harness, source_yaml

from feedsvc.models import FeedKind, FetchStatus
from feedsvc.sourcescli import source_line


async def test_drift_keeps_the_feed_and_flags_the_source(tmp_path: Path, database_url: str) -> None:
    site = NewsSite(lists={"news": [1, 2, 3]})
    sources = source_yaml("s", "${base_url}/news/", category="本地")
    async with harness(tmp_path, sources, database_url=database_url, site=site) as h:
        assert (await h.refresh("s")).new == 3
        version = await h.version(FeedKind.SOURCE, "s")

        site.lists["news"] = []  # a redesign: the selectors find nothing any more
        h.clock.advance(minutes=5)
        drifted_at = h.clock()
        report = await h.refresh("s")
        assert report.status is FetchStatus.FAILED
        state = await h.state("s")
        assert state.drift_since == drifted_at
        assert state.last_error is not None
        assert "/news/: list page yielded no items (it yielded 3 before)" in state.last_error
        line = source_line(state)
        assert "DRIFT since" in line and "yielded 3 before" in line
        (admin,) = await h.store.admin_sources("s")
        assert admin.health.drift  # the admin API reads the same flag
        # Nothing deleted or hidden; no feed changed.
        assert await h.entries(FeedKind.SOURCE, "s") == ["1.html", "2.html", "3.html"]
        assert await h.entries(FeedKind.CATEGORY, "本地") == ["1.html", "2.html", "3.html"]
        assert await h.version(FeedKind.SOURCE, "s") == version

        h.clock.advance(minutes=5)
        await h.refresh("s")  # still drifted: the flag keeps its first time
        state = await h.state("s")
        assert state.drift_since == drifted_at and state.error_count == 2

        site.lists["news"] = [4]  # fixed (selectors or site): the flag clears
        h.clock.advance(minutes=5)
        assert (await h.refresh("s")).new == 1
        state = await h.state("s")
        assert state.drift_since is None and state.last_error is None
        assert "DRIFT" not in source_line(state)
        (admin,) = await h.store.admin_sources("s")
        assert not admin.health.drift
        assert state.last_items_seen == 1
