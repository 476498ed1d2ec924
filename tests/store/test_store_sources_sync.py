"""The sources file's sync with ``enabled``, paused sources, its report, audit and dry run
(what serve's live reload and ``feedsvc sources import`` rely on), on both engines."""

from __future__ import annotations

from dataclasses import replace

import pytest
from store_factories import T0, at, config

from feedsvc.adminmodels import SourceChange
from feedsvc.errors import PruneRefusedError
from feedsvc.store import Store


async def enabled_ids(store: Store) -> list[str]:
    return [s.config.id for s in await store.list_sources()]


async def test_enabled_false_is_stored_disabled_and_never_claimed(store: Store) -> None:
    report = await store.sync_sources([config("a"), replace(config("b"), enabled=False)], T0)
    assert report.added == ["a", "b"] and report.summary() == "added a, b"
    assert await enabled_ids(store) == ["a"]
    assert [s.config.id for s in await store.claim_due("w", at(1), 60, 10)] == ["a"]
    b = (await store.admin_sources("b"))[0]
    assert not b.enabled and not b.config.enabled and b.health.next_run is None

    report = await store.sync_sources([config("a"), config("b")], at(2))  # switched on
    assert (report.enabled, report.changed) == (["b"], [])
    b_state = await store.get_source("b")
    assert b_state is not None and b_state.config.enabled and b_state.next_check_at == at(2)


async def test_a_paused_source_stays_paused_until_its_entry_changes(store: Store) -> None:
    await store.sync_sources([config("a"), config("b")], T0)
    pause = SourceChange("source.disable", "cli:ops", at(1), enabled=False)
    await store.change_source("a", pause)

    same = await store.sync_sources([config("a"), config("b")], at(2))
    assert same.ids == [] and same.summary() == "no changes"
    assert await enabled_ids(store) == ["b"]  # the unchanged entry left the pause alone

    edited = await store.sync_sources([config("a", interval=300), config("b")], at(3))
    assert (edited.changed, edited.enabled) == (["a"], ["a"])
    assert await enabled_ids(store) == ["a", "b"]


async def test_a_source_left_out_is_disabled_and_its_return_enables_it(store: Store) -> None:
    await store.sync_sources([config("a"), config("b")], T0)
    gone = await store.sync_sources([config("a")], at(1))
    assert gone.disabled == ["b"] and await enabled_ids(store) == ["a"]
    assert [s.config.id for s in await store.list_sources(include_disabled=True)] == ["a", "b"]
    back = await store.sync_sources([config("a"), config("b")], at(2))
    assert back.enabled == ["b"] and await enabled_ids(store) == ["a", "b"]


async def test_every_write_is_audited_by_its_actor(store: Store) -> None:
    await store.sync_sources([config("a")], T0, actor="cli:ann")
    await store.sync_sources([config("a", name="Renamed")], at(1), actor="file")
    await store.sync_sources([config("a", name="Renamed")], at(2), actor="file")  # no write
    entries = await store.audit_entries("source:a")
    assert [(e.actor, e.action) for e in entries] == [
        ("file", "source.sync"),
        ("cli:ann", "source.sync"),
    ]
    assert entries[1].before is None and '"Renamed"' in (entries[0].after or "")


async def test_a_dry_run_reports_and_writes_nothing(store: Store) -> None:
    await store.sync_sources([config("a"), config("b")], T0)
    report = await store.sync_sources([config("a", interval=300), config("c")], at(1), dry_run=True)
    assert (report.added, report.changed, report.disabled) == (["c"], ["a"], ["b"])
    assert await enabled_ids(store) == ["a", "b"]
    assert await store.get_source("c") is None
    a = await store.get_source("a")
    assert a is not None and a.config.interval_seconds == 600
    assert len(await store.audit_entries()) == 2  # the first sync's only


async def test_a_file_disabling_every_source_needs_prune(store: Store) -> None:
    await store.sync_sources([config("a"), config("b")], T0)
    every_off = [replace(config("a"), enabled=False), replace(config("b"), enabled=False)]
    with pytest.raises(PruneRefusedError):
        await store.sync_sources(every_off, at(1))
    assert await enabled_ids(store) == ["a", "b"]
    report = await store.sync_sources(every_off, at(1), prune=True)
    assert report.disabled == ["a", "b"] and await enabled_ids(store) == []
