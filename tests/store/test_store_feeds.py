"""The read side of feeds, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime

from store_factories import T0, article, at, config, outcome

from feedsvc.models import FeedKey, FeedKind, StoredArticle
from feedsvc.store import Store

LATEST = FeedKey(FeedKind.LATEST)


async def _seed(store: Store) -> None:
    await store.sync_sources(
        [
            config("a", name="潍坊 · 财经", interval=900, language="zh-CN"),
            config("b", name="World", interval=300),
            config("idle", interval=60),
        ],
        T0,
    )
    await store.claim_source("a", "w", T0, 600)
    await store.save_refresh(
        outcome(
            "a",
            "w",
            at(1),
            article("a1", published=at(-30)),
            article("a2", published=at(-10)),
            article("tie-1", published=at(-20)),
            article("tie-2", published=at(-20)),
        )
    )
    await store.claim_source("b", "w", T0, 600)
    await store.save_refresh(
        outcome(
            "b",
            "w",
            at(2),
            article("b1", published=at(-5), category="World News"),
            article("a1", published=at(-30)),  # also listed by a
        )
    )


def _slugs(entries: list[StoredArticle]) -> list[str]:
    return [e.canonical_url.rsplit("/", 1)[1].removesuffix(".html") for e in entries]


async def test_entries_are_newest_first_then_by_id(store: Store) -> None:
    await _seed(store)
    entries = await store.feed_entries(LATEST, 10)
    # Equal published times: the later-stored article (higher id) first.
    assert _slugs(entries) == ["b1", "a2", "tie-2", "tie-1", "a1"]
    assert _slugs(await store.feed_entries(LATEST, 2)) == ["b1", "a2"]
    assert _slugs(await store.feed_entries(FeedKey(FeedKind.SOURCE, "b"), 10)) == ["b1", "a1"]
    assert _slugs(await store.feed_entries(FeedKey(FeedKind.CATEGORY, "财经"), 3)) == [
        "a2",
        "tie-2",
        "tie-1",
    ]
    assert await store.feed_entries(FeedKey(FeedKind.SOURCE, "idle"), 10) == []
    assert await store.feed_entries(FeedKey(FeedKind.CATEGORY, "nope"), 10) == []


async def test_list_feeds_counts_and_intervals(store: Store) -> None:
    await _seed(store)
    feeds = {str(f.key): f for f in await store.list_feeds()}
    assert list(feeds) == [
        "latest",
        "category:World News",
        "category:财经",
        "source:a",
        "source:b",
        "source:idle",
    ]
    latest = feeds["latest"]
    assert (latest.title, latest.article_count, latest.interval_seconds) == ("Latest", 5, 60)
    assert latest.updated_at == at(2)
    finance = feeds["category:财经"]
    # a1 is listed by both sources: counted once; interval from the sources involved.
    assert (finance.article_count, finance.interval_seconds, finance.slug) == (4, 300, None)
    world = feeds["category:World News"]
    assert (world.title, world.slug, world.article_count) == ("World News", "world-news", 1)
    a = feeds["source:a"]
    assert (a.title, a.article_count, a.interval_seconds, a.language) == (
        "潍坊 · 财经",
        4,
        900,
        "zh-CN",
    )
    assert feeds["source:b"].article_count == 2
    idle = feeds["source:idle"]
    assert idle.article_count == 0 and idle.updated_at is None

    # A source dropped from the config keeps its feed while it has articles.
    await store.sync_sources([config("b", name="World", interval=300)], at(3))
    keys = [str(f.key) for f in await store.list_feeds()]
    assert "source:a" in keys and "source:idle" not in keys
    assert (await store.list_feeds())[0].interval_seconds == 300


async def test_feed_version_of_unchanged_and_unknown_feeds(store: Store) -> None:
    assert await store.feed_version(LATEST) is not None
    version = await store.feed_version(LATEST)
    assert version is not None
    assert (version.version, version.updated_at) == (0, datetime(1970, 1, 1, tzinfo=UTC))
    await _seed(store)
    idle = await store.feed_version(FeedKey(FeedKind.SOURCE, "idle"))
    assert idle is not None and (idle.version, idle.updated_at) == (0, T0)
    assert await store.feed_version(FeedKey(FeedKind.SOURCE, "missing")) is None
    assert await store.feed_version(FeedKey(FeedKind.CATEGORY, "missing")) is None
    world = await store.feed_version(FeedKey(FeedKind.CATEGORY, "World News"))
    assert world is not None and (world.version, world.updated_at) == (1, at(2))


async def test_resolve_category_by_name_or_slug(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    await store.claim_source("a", "w", T0, 600)
    await store.save_refresh(
        outcome(
            "a",
            "w",
            at(1),
            article("1", category="Tech News"),
            article("2", category="tech  news!"),  # same slug: gets a suffix
            article("3", category="财经"),
            article("4", category="AI 科技"),
        )
    )
    assert await store.resolve_category("财经") == "财经"
    assert await store.resolve_category("tech-news") == "Tech News"
    assert await store.resolve_category("TECH-NEWS") == "Tech News"
    assert await store.resolve_category("tech-news-2") == "tech  news!"
    assert await store.resolve_category("ai") == "AI 科技"
    assert await store.resolve_category("nope") is None
    slugs = {str(f.key): f.slug for f in await store.list_feeds()}
    assert slugs["category:财经"] is None
    assert slugs["category:AI 科技"] == "ai"
