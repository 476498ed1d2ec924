"""feed_page (keyset paging and filters) and feed_info, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime

from store_factories import T0, article, at, config, outcome

from feedsvc.models import EntryCursor, FeedKey, FeedKind, FeedQuery, StoredArticle
from feedsvc.store import Store

LATEST = FeedKey(FeedKind.LATEST)
FINANCE = FeedKey(FeedKind.CATEGORY, "财经")


def _slugs(entries: list[StoredArticle]) -> list[str]:
    return [e.canonical_url.rsplit("/", 1)[1].removesuffix(".html") for e in entries]


def _after(entry: StoredArticle) -> EntryCursor:
    return EntryCursor(entry.published, entry.entry_id)


async def _seed(store: Store) -> None:
    """Twelve articles from 'a'; three share one published time (a date-only page)."""
    await store.sync_sources(
        [config("a", interval=900, language="zh-CN"), config("b", interval=300)], T0
    )
    await store.claim_source("a", "w", T0, 600)
    titled = {
        "n0": "潍坊市经济运行情况新闻发布会",
        "n1": "Weifang 100% growth_rate",
        "n2": "市场监管 通知",
    }
    await store.save_refresh(
        outcome(
            "a",
            "w",
            at(1),
            *(
                article(
                    f"n{n}",
                    published=at(-1000) if n in (4, 5, 6) else at(-10 * n),
                    title=titled.get(f"n{n}"),
                )
                for n in range(12)
            ),
        )
    )


async def test_pages_walk_every_entry_once_in_order(store: Store) -> None:
    await _seed(store)
    everything = await store.feed_page(LATEST, FeedQuery(limit=100))
    assert len(everything) == 12
    order = [(e.published, e.entry_id) for e in everything]
    assert order == sorted(order, reverse=True)

    walked: list[StoredArticle] = []
    query = FeedQuery(limit=5)
    while True:
        page = await store.feed_page(LATEST, query)
        walked.extend(page)
        if len(page) < query.limit:
            break
        query = FeedQuery(limit=5, before=_after(page[-1]))
    assert [e.entry_id for e in walked] == [e.entry_id for e in everything]


async def test_ties_on_published_are_split_by_entry_id(store: Store) -> None:
    await _seed(store)
    everything = await store.feed_page(LATEST, FeedQuery(limit=100))
    tied = [e for e in everything if e.published == at(-1000)]
    assert [e.entry_id for e in tied] == ["urn:uuid:n6", "urn:uuid:n5", "urn:uuid:n4"]
    # A cursor in the middle of the tie continues inside it.
    rest = await store.feed_page(LATEST, FeedQuery(limit=10, before=_after(tied[0])))
    assert _slugs(rest)[:2] == ["n5", "n4"]


async def test_a_cursor_stays_valid_when_newer_entries_arrive(store: Store) -> None:
    await _seed(store)
    first = await store.feed_page(LATEST, FeedQuery(limit=3))
    second = await store.feed_page(LATEST, FeedQuery(limit=3, before=_after(first[-1])))
    await store.claim_source("a", "w", at(2), 600)
    await store.save_refresh(outcome("a", "w", at(3), article("fresh", published=at(2))))
    again = await store.feed_page(LATEST, FeedQuery(limit=3, before=_after(first[-1])))
    assert _slugs(again) == _slugs(second)
    assert _slugs(await store.feed_page(LATEST, FeedQuery(limit=1))) == ["fresh"]


async def test_text_filter_is_a_substring_of_title_or_summary(store: Store) -> None:
    await _seed(store)

    async def found(text: str, key: FeedKey = LATEST) -> list[str]:
        return _slugs(await store.feed_page(key, FeedQuery(limit=50, text=text)))

    assert await found("经济运行") == ["n0"]  # Chinese: no word splitting needed
    assert await found("监管") == ["n2"]
    assert await found("WEIFANG") == ["n1"]  # case-insensitive
    assert await found("100%") == ["n1"]
    assert await found("%") == ["n1"]  # a literal percent sign, not a wildcard
    assert await found("h_r") == ["n1"]
    assert await found("x_y") == []  # '_' is not "any character"
    assert await found("n11 v1") == ["n11"]  # matched in the summary
    assert await found("经济", FINANCE) == ["n0"]
    assert await found("经济", FeedKey(FeedKind.SOURCE, "b")) == []


async def test_since_keeps_entries_published_or_updated_since(store: Store) -> None:
    await _seed(store)
    recent = await store.feed_page(LATEST, FeedQuery(limit=50, since=at(-25)))
    assert _slugs(recent) == ["n0", "n1", "n2"]
    # An edit moves `updated`, which brings an old article back into the window.
    await store.claim_source("a", "w", at(2), 600)
    await store.save_refresh(
        outcome("a", "w", at(5), article("n9", content="v2", published=at(-90)))
    )
    recent = await store.feed_page(LATEST, FeedQuery(limit=50, since=at(4)))
    assert _slugs(recent) == ["n9"]
    combined = FeedQuery(limit=1, since=at(-25), before=EntryCursor(at(-10), "urn:uuid:n1"))
    assert _slugs(await store.feed_page(LATEST, combined)) == ["n2"]


async def test_feed_info_for_each_kind(store: Store) -> None:
    await _seed(store)
    latest = await store.feed_info(LATEST)
    assert latest is not None
    # Source b declares no language, so 'latest' has none; its interval is the shortest.
    assert (latest.title, latest.article_count, latest.interval_seconds) == ("Latest", 12, 300)
    assert latest.language is None and latest.updated_at == at(1)
    finance = await store.feed_info(FINANCE)
    assert finance is not None
    assert (finance.article_count, finance.interval_seconds, finance.language) == (
        12,
        900,
        "zh-CN",
    )
    source = await store.feed_info(FeedKey(FeedKind.SOURCE, "a"))
    assert source is not None
    assert (source.title, source.article_count, source.language) == ("Source a", 12, "zh-CN")
    idle = await store.feed_info(FeedKey(FeedKind.SOURCE, "b"))
    assert idle is not None and idle.article_count == 0 and idle.updated_at is None
    assert await store.feed_info(FeedKey(FeedKind.SOURCE, "missing")) is None
    assert await store.feed_info(FeedKey(FeedKind.CATEGORY, "missing")) is None
    # The same answers list_feeds gives for the feeds it lists.
    listed = {f.key: f for f in await store.list_feeds()}
    for key in (FINANCE, FeedKey(FeedKind.SOURCE, "a")):
        one = await store.feed_info(key)
        assert one is not None
        assert (one.title, one.slug, one.article_count, one.interval_seconds) == (
            listed[key].title,
            listed[key].slug,
            listed[key].article_count,
            listed[key].interval_seconds,
        )


async def test_latest_language_when_every_source_agrees(store: Store) -> None:
    await store.sync_sources([config("a", language="zh-CN"), config("c", language="zh-CN")], T0)
    latest = await store.feed_info(LATEST)
    assert latest is not None and latest.language == "zh-CN"
    assert latest.interval_seconds == 600 and latest.article_count == 0


async def test_extreme_times_in_filters_and_cursors_are_answered(store: Store) -> None:
    # The web layer accepts any time UTC can hold; the store must answer at both edges.
    await _seed(store)
    earliest = datetime.min.replace(tzinfo=UTC)
    latest = datetime.max.replace(tzinfo=UTC)
    everything = await store.feed_page(LATEST, FeedQuery(limit=50))
    assert await store.feed_page(LATEST, FeedQuery(limit=50, since=earliest)) == everything
    assert await store.feed_page(LATEST, FeedQuery(limit=50, since=latest)) == []
    newest_first = EntryCursor(latest, "urn:uuid:ffffffff")
    assert await store.feed_page(LATEST, FeedQuery(limit=50, before=newest_first)) == everything
    assert (
        await store.feed_page(LATEST, FeedQuery(limit=50, before=EntryCursor(earliest, ""))) == []
    )
