"""save_refresh and the article lookups, on both engines."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from store_factories import T0, StoreOpener, article, at, config, outcome

from feedsvc.errors import LeaseLostError
from feedsvc.models import FeedKey, FeedKind, FetchStatus, PageValidators
from feedsvc.store import Store

LATEST = FeedKey(FeedKind.LATEST)


def src(source_id: str) -> FeedKey:
    return FeedKey(FeedKind.SOURCE, source_id)


def cat(name: str) -> FeedKey:
    return FeedKey(FeedKind.CATEGORY, name)


async def versions(store: Store, *keys: FeedKey) -> list[int]:
    found = [await store.feed_version(k) for k in keys]
    return [-1 if v is None else v.version for v in found]


async def claimed(store: Store, source_id: str, owner: str, minutes: float) -> None:
    state = await store.claim_source(source_id, owner, at(minutes), 600)
    assert state is not None


@pytest.fixture
async def two_sources(store: Store) -> Store:
    await store.sync_sources([config("a"), config("b")], T0)
    return store


async def test_new_articles_are_inserted_and_bump_their_feeds(two_sources: Store) -> None:
    store = two_sources
    await claimed(store, "a", "w1", 0)
    result = await store.save_refresh(
        outcome("a", "w1", at(1), article("x"), article("y", category="Tech News"))
    )
    assert (result.new, result.updated, result.unchanged) == (2, 0, 0)
    assert set(result.feeds_changed) == {LATEST, src("a"), cat("财经"), cat("Tech News")}
    assert await versions(store, LATEST, src("a"), src("b"), cat("财经")) == [1, 1, 0, 1]

    [x] = [e for e in await store.feed_entries(LATEST, 10) if e.canonical_url.endswith("/x.html")]
    assert x.entry_id == "urn:uuid:x"
    assert x.first_seen == at(1)
    assert x.updated == x.published == at(-60)
    assert x.source_id == "a" and x.source_name == "Source a"
    [run] = await store.recent_runs("a", 5)
    assert (run.status, run.new_count, run.updated_count, run.items_seen) == (
        FetchStatus.OK,
        2,
        0,
        2,
    )
    state = await store.get_source("a")
    assert state is not None and state.lease_owner is None
    assert state.next_check_at == at(11) and state.last_success_at == at(1)


async def test_unchanged_articles_only_move_last_checked(two_sources: Store) -> None:
    store = two_sources
    await claimed(store, "a", "w1", 0)
    await store.save_refresh(outcome("a", "w1", at(1), article("x")))
    await claimed(store, "a", "w1", 20)
    again = replace(article("x"), etag='"new-etag"')
    result = await store.save_refresh(outcome("a", "w1", at(21), again))
    assert (result.new, result.updated, result.unchanged) == (0, 0, 1)
    assert result.feeds_changed == ()
    assert await versions(store, LATEST, src("a"), cat("财经")) == [1, 1, 1]
    known = (await store.known_articles([again.canonical_url]))[again.canonical_url]
    assert known.last_checked_at == at(21)
    assert known.first_seen == at(1)
    assert known.etag == '"new-etag"'


async def test_an_edit_keeps_identity_and_moves_updated(two_sources: Store) -> None:
    store = two_sources
    await claimed(store, "a", "w1", 0)
    await store.save_refresh(outcome("a", "w1", at(1), article("x")))
    await claimed(store, "a", "w1", 20)
    edited = replace(article("x", content="v2", category="Tech"), entry_id="urn:uuid:other")
    result = await store.save_refresh(outcome("a", "w1", at(21), edited))
    assert (result.new, result.updated, result.unchanged) == (0, 1, 0)
    # Both the old and the new category feed changed.
    assert set(result.feeds_changed) == {LATEST, src("a"), cat("财经"), cat("Tech")}
    [entry] = await store.feed_entries(src("a"), 10)
    assert entry.entry_id == "urn:uuid:x"  # never re-minted
    assert entry.first_seen == at(1)
    assert entry.updated == at(21)
    assert entry.published == at(-60)
    assert entry.title == "Title x v2" and entry.category == "Tech"
    assert await store.feed_entries(cat("财经"), 10) == []


async def test_feed_updated_at_moves_forward_even_for_older_articles(two_sources: Store) -> None:
    store = two_sources
    await claimed(store, "a", "w1", 0)
    await store.save_refresh(outcome("a", "w1", at(10), article("new", published=at(5))))
    await claimed(store, "a", "w1", 20)
    # Found later, published long before anything else.
    await store.save_refresh(outcome("a", "w1", at(30), article("old", published=at(-5000))))
    latest = await store.feed_version(LATEST)
    assert latest is not None and latest.version == 2 and latest.updated_at == at(30)

    # A slow worker committing an earlier finished_at never moves it backwards.
    await claimed(store, "b", "w2", 25)
    await store.save_refresh(outcome("b", "w2", at(20), article("late")))
    latest = await store.feed_version(LATEST)
    assert latest is not None and latest.version == 3 and latest.updated_at == at(30)


async def test_one_article_from_two_sources_is_stored_once(two_sources: Store) -> None:
    store = two_sources
    await claimed(store, "a", "w1", 0)
    await store.save_refresh(outcome("a", "w1", at(1), article("x")))
    await claimed(store, "b", "w2", 2)
    # Source b links it through a URL with tracking junk; the canonical URL matches.
    via_b = article("x", link_url="https://example.cn/news/x.html?from=b")
    result = await store.save_refresh(outcome("b", "w2", at(3), via_b))
    assert (result.new, result.updated, result.unchanged) == (0, 0, 1)
    assert result.feeds_changed == (src("b"),)  # only b's feed gained an entry
    assert await versions(store, LATEST, src("a"), src("b"), cat("财经")) == [1, 1, 1, 1]

    assert len(await store.feed_entries(LATEST, 10)) == 1
    [in_a] = await store.feed_entries(src("a"), 10)
    [in_b] = await store.feed_entries(src("b"), 10)
    assert in_a.entry_id == in_b.entry_id
    assert (in_b.source_id, in_b.source_name) == ("b", "Source b")
    # The alternative link is now recognised without fetching it again.
    known = await store.known_articles([via_b.link_url])
    assert known[via_b.link_url].canonical_url == via_b.canonical_url

    # An edit of a shared article changes both sources' feeds.
    await claimed(store, "a", "w1", 20)
    result = await store.save_refresh(outcome("a", "w1", at(21), article("x", content="v2")))
    assert set(result.feeds_changed) == {LATEST, src("a"), src("b"), cat("财经")}


async def test_a_real_date_replaces_a_fallback_one(two_sources: Store) -> None:
    store = two_sources
    await claimed(store, "a", "w1", 0)
    await store.save_refresh(
        outcome("a", "w1", at(1), article("x", published=at(1), fallback=True))
    )
    await claimed(store, "a", "w1", 20)
    dated = article("x", published=at(-300))
    result = await store.save_refresh(outcome("a", "w1", at(21), dated))
    assert result.updated == 1 and LATEST in result.feeds_changed
    [entry] = await store.feed_entries(LATEST, 10)
    assert entry.published == at(-300)
    # A real date is never replaced by another guess.
    await claimed(store, "a", "w1", 40)
    result = await store.save_refresh(outcome("a", "w1", at(41), article("x", published=at(40))))
    assert result.unchanged == 1
    [entry] = await store.feed_entries(LATEST, 10)
    assert entry.published == at(-300)


async def test_a_stale_owner_is_fenced_and_writes_nothing(two_sources: Store) -> None:
    store = two_sources
    await claimed(store, "a", "w1", 0)
    await store.claim_source("a", "w2", at(11), 600)  # w1's lease ran out and w2 took it
    page = "https://example.cn/a/"
    stale = outcome(
        "a", "w1", at(12), article("x"), validators=((page, PageValidators('"v1"', None)),)
    )
    with pytest.raises(LeaseLostError) as info:
        await store.save_refresh(stale)
    assert (info.value.source_id, info.value.owner) == ("a", "w1")
    assert await store.feed_entries(LATEST, 10) == []
    assert await store.known_articles(["https://example.cn/news/x.html"]) == {}
    assert await store.page_validators("a") == {}
    assert await store.recent_runs("a", 10) == []
    assert await versions(store, LATEST) == [0]
    state = await store.get_source("a")
    assert state is not None and state.lease_owner == "w2"
    assert state.last_success_at is None


async def test_known_articles_match_link_or_canonical_url(two_sources: Store) -> None:
    store = two_sources
    await claimed(store, "a", "w1", 0)
    linked = article("x", link_url="https://example.cn/list?id=1")
    await store.save_refresh(outcome("a", "w1", at(1), linked, article("y")))
    urls = [
        "https://example.cn/list?id=1",
        "https://example.cn/news/y.html",
        "https://example.cn/news/x.html",
        "https://example.cn/unknown",
    ]
    known = await store.known_articles(urls)
    assert set(known) == set(urls[:3])
    assert known[urls[0]].canonical_url == "https://example.cn/news/x.html"
    assert known[urls[0]].link_url == "https://example.cn/list?id=1"
    assert known[urls[1]].content_hash == "hash-y-v1"
    assert await store.known_articles([]) == {}


async def test_checked_links_and_recheck_order(two_sources: Store) -> None:
    store = two_sources
    await claimed(store, "a", "w1", 0)
    await store.save_refresh(outcome("a", "w1", at(1), article("p"), article("q"), article("r")))
    await claimed(store, "b", "w2", 2)
    await store.save_refresh(outcome("b", "w2", at(2), article("other")))
    await claimed(store, "a", "w1", 10)
    result = await store.save_refresh(
        outcome("a", "w1", at(11), checked=("https://example.cn/news/p.html",))
    )
    assert result.feeds_changed == ()
    recheck = await store.articles_to_recheck("a", at(0), 10)
    assert [k.canonical_url.rsplit("/", 1)[1] for k in recheck] == ["q.html", "r.html", "p.html"]
    assert recheck[-1].last_checked_at == at(11)
    assert len(await store.articles_to_recheck("a", at(0), 1)) == 1
    assert await store.articles_to_recheck("a", at(1), 10) == []  # first seen after `since` only


async def test_backfilled_sticks_once_set(two_sources: Store) -> None:
    store = two_sources
    await claimed(store, "a", "w1", 0)
    await store.save_refresh(outcome("a", "w1", at(1), backfilled=True))
    await claimed(store, "a", "w1", 20)
    await store.save_refresh(outcome("a", "w1", at(21)))
    state = await store.get_source("a")
    assert state is not None and state.backfilled


async def test_concurrent_saves_of_one_article_store_it_once(open_store: StoreOpener) -> None:
    one, two = await open_store(), await open_store()
    await one.sync_sources([config("a"), config("b")], T0)
    assert await one.claim_source("a", "w1", T0, 600) is not None
    assert await two.claim_source("b", "w2", T0, 600) is not None
    results = await asyncio.gather(
        one.save_refresh(outcome("a", "w1", at(1), article("x"), article("y", category="新"))),
        two.save_refresh(outcome("b", "w2", at(1), article("y", category="新"), article("x"))),
    )
    assert sum(r.new for r in results) == 2
    assert sum(r.unchanged for r in results) == 2
    assert len(await one.feed_entries(LATEST, 10)) == 2
    for source_id in ("a", "b"):
        assert len(await one.feed_entries(src(source_id), 10)) == 2
    assert await one.resolve_category("新") == "新"
