"""An article listed by several sources belongs to each of them: it appears in every
listing source's feed and in every category those sources file it under, once in
'latest', with the affected feed versions bumped in the save's transaction."""

from __future__ import annotations

from pathlib import Path

from refresh_site import Harness, NewsSite, harness, source_yaml

from feedsvc.models import FeedKind

SOURCES = (
    source_yaml("a", "${base_url}/a/", category="财经")
    + source_yaml("b", "${base_url}/b/", category="体育")
    + source_yaml("c", "${base_url}/c/")
)


async def test_a_second_source_gets_the_article_and_its_category(
    tmp_path: Path, database_url: str
) -> None:
    site = NewsSite(lists={"a": [1, 2], "b": [2, 3], "c": []})
    async with harness(tmp_path, SOURCES, database_url=database_url, site=site) as h:
        assert (await h.refresh("a")).new == 2
        report = await h.refresh("b")
        assert report.new == 1  # article 2 is linked, not stored (or fetched) again

        assert await h.entries(FeedKind.SOURCE, "a") == ["1.html", "2.html"]
        assert await h.entries(FeedKind.SOURCE, "b") == ["2.html", "3.html"]
        assert await h.entries(FeedKind.CATEGORY, "财经") == ["1.html", "2.html"]
        assert await h.entries(FeedKind.CATEGORY, "体育") == ["2.html", "3.html"]
        assert await h.entries(FeedKind.LATEST) == ["1.html", "2.html", "3.html"]
        feeds = {f.title: f.article_count for f in await h.store.list_feeds()}
        assert feeds["财经"] == 2 and feeds["体育"] == 2 and feeds["Latest"] == 3


async def versions(h: Harness) -> dict[str, int]:
    return {
        "latest": await h.version(FeedKind.LATEST),
        "财经": await h.version(FeedKind.CATEGORY, "财经"),
        "a": await h.version(FeedKind.SOURCE, "a"),
        "b": await h.version(FeedKind.SOURCE, "b"),
        "体育": await h.version(FeedKind.CATEGORY, "体育"),
    }


async def test_linking_bumps_exactly_the_feeds_that_changed(
    tmp_path: Path, database_url: str
) -> None:
    site = NewsSite(lists={"a": [1, 2], "b": [], "c": []})
    async with harness(tmp_path, SOURCES, database_url=database_url, site=site) as h:
        await h.refresh("a")
        before = await versions(h)
        site.lists["b"] = [2]  # b now lists an article a stored first, and nothing new
        await h.refresh("b")
        after = await versions(h)
        assert after == {**before, "b": before["b"] + 1, "体育": before["体育"] + 1}
        assert await h.entries(FeedKind.CATEGORY, "体育") == ["2.html"]

        # Listing it again changes nothing; a source without a category of its own files
        # it under the article's category, which already holds it.
        site.lists["c"] = [2]
        await h.refresh("b")
        await h.refresh("c")
        assert await h.version(FeedKind.SOURCE, "b") == after["b"]
        assert await h.version(FeedKind.CATEGORY, "体育") == after["体育"]
        assert await h.version(FeedKind.CATEGORY, "财经") == after["财经"]
        assert await h.version(FeedKind.SOURCE, "c") == 1
        assert await h.entries(FeedKind.SOURCE, "c") == ["2.html"]
        assert await h.entries(FeedKind.LATEST) == ["1.html", "2.html"]
