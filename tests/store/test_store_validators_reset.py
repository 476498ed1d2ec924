"""A source's list-page validators (ETag/Last-Modified) are forgotten when what its list
yields may change (URLs, selectors, encoding, …): else the site's 304 would hide the items
the new selectors find until the page itself changes. Name, schedule and pause keep them."""

from __future__ import annotations

from dataclasses import replace

from store_factories import T0, at, config, outcome

from feedsvc.adminmodels import SourceChange
from feedsvc.models import PageValidators, Selectors
from feedsvc.store import Store

PAGE = "https://example.cn/a/"
V = PageValidators('"v1"', "Sat, 18 May 2024 00:00:00 GMT")


async def _with_validators(store: Store) -> None:
    await store.claim_due("w1", T0, 60, 1)
    await store.save_refresh(outcome("a", "w1", at(1), validators=((PAGE, V),)))
    assert await store.page_validators("a") == {PAGE: V}


async def test_api_change_of_selectors_or_urls_forgets_validators(store: Store) -> None:
    await store.create_source(config("a"), enabled=True, actor="api:ops", now=T0)
    await _with_validators(store)
    renamed = SourceChange("source.update", "api:ops", at(2), config=config("a", name="New"))
    await store.change_source("a", renamed)
    paused = SourceChange("source.disable", "api:ops", at(3), enabled=False)
    await store.change_source("a", paused)
    assert await store.page_validators("a") == {PAGE: V}  # nothing the list yields changed

    picked = replace(config("a", name="New"), selectors=Selectors(item="li", link="a@href"))
    await store.change_source("a", SourceChange("source.update", "api:ops", at(4), config=picked))
    assert await store.page_validators("a") == {}

    await store.change_source("a", SourceChange("source.enable", "api:ops", at(5), enabled=True))
    await store.claim_due("w1", at(5), 60, 1)
    await store.save_refresh(outcome("a", "w1", at(6), validators=((PAGE, V),)))
    moved = replace(picked, urls=("https://example.cn/b/",))
    await store.change_source("a", SourceChange("source.update", "api:ops", at(7), config=moved))
    assert await store.page_validators("a") == {}


async def test_file_change_of_selectors_forgets_validators(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    await _with_validators(store)
    await store.sync_sources([config("a", name="Renamed", interval=900)], at(2))
    assert await store.page_validators("a") == {PAGE: V}

    picked = replace(config("a", name="Renamed", interval=900), selectors=Selectors(item="li"))
    report = await store.sync_sources([picked], at(3))
    assert report.changed == ["a"]
    assert await store.page_validators("a") == {}


async def test_recreating_a_deleted_source_forgets_validators(store: Store) -> None:
    await store.create_source(config("a"), enabled=True, actor="api:ops", now=T0)
    await _with_validators(store)
    await store.change_source("a", SourceChange("source.delete", "api:ops", at(2), delete=True))
    again = replace(config("a"), encoding="gb18030")
    await store.create_source(again, enabled=True, actor="api:ops", now=at(3))
    assert await store.page_validators("a") == {}
