"""A source's learned template is stored with its evidence and counters, written in the
refresh's own transaction with a note on the run, deleted with the source, and forgotten
when the source's URL or selectors change (on SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from sqlalchemy import update
from store_factories import T0, at, config, outcome

from feedsvc.adminmodels import SourceChange
from feedsvc.extract.template import Template
from feedsvc.extract.templatelearn import Observation
from feedsvc.models import Selectors
from feedsvc.store import Store
from feedsvc.store.schema import source_templates
from feedsvc.store.templates import LEARNED, TemplateState

TEMPLATE = Template(
    body="div.wrap/div.art/div.txt",
    title="div.wrap/div.art/h1",
    region="div.wrap/div.art",
    category="div.wrap/div.lm-bar/span.lm",
    teasers=("div.wrap/div.art/div.txt/div.box-x",),
    boilerplate=frozenset({"div:0123456789ab"}),
    pages=4,
    evidence={"body": 4, "title": 4, "region": 4, "category": 3},
)
SEEN = Observation(body="div.main", title="div.main/h1", blocks=frozenset({"p:aa"}))


async def _saved(store: Store, state: TemplateState, note: str) -> None:
    await store.claim_due("w1", T0, 60, 1)
    await store.save_refresh(
        replace(outcome("a", "w1", at(1)), template_state=state, template_note=note)
    )


async def test_a_refresh_writes_the_template_and_a_note_on_its_run(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    assert await store.template_state("a") is None
    state = TemplateState(
        "a", LEARNED, TEMPLATE, (SEEN,), learned_at=at(1), pinned_pages=3, drift_total=1
    )
    await _saved(store, state, "template learned from 4 pages (4 agreed)")
    assert await store.template_state("a") == state
    got = await store.template_state("a")
    assert got is not None and got.pages_agreed == 4 and got.pages_observed == 4
    runs = await store.recent_runs("a")
    assert runs[0].template_note == "template learned from 4 pages (4 agreed)"


async def test_a_change_of_selectors_or_url_forgets_the_template(store: Store) -> None:
    await store.create_source(config("a"), enabled=True, actor="api:ops", now=T0)
    await _saved(store, TemplateState("a", LEARNED, TEMPLATE), "learned")
    renamed = SourceChange("source.update", "api:ops", at(2), config=config("a", name="New"))
    await store.change_source("a", renamed)
    assert await store.template_state("a") is not None  # the name is not the template's
    picked = replace(config("a", name="New"), selectors=Selectors(content="div.txt"))
    await store.change_source("a", SourceChange("source.update", "api:ops", at(3), config=picked))
    assert await store.template_state("a") is None


async def test_a_file_change_of_url_forgets_the_template(store: Store) -> None:
    await store.sync_sources([config("a")], T0)
    await _saved(store, TemplateState("a", LEARNED, TEMPLATE), "learned")
    moved = replace(config("a"), urls=("https://example.cn/elsewhere/",))
    await store.sync_sources([moved], at(3))
    assert await store.template_state("a") is None


async def test_an_unreadable_stored_template_is_ignored_not_fatal(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A record another version wrote (or a damaged one) reads as "nothing learned": the
    source is extracted generically and relearns; its counters are kept."""
    await store.sync_sources([config("a")], T0)
    await _saved(store, TemplateState("a", LEARNED, TEMPLATE, (SEEN,), pinned_pages=7), "x")
    async with store.engine.begin() as conn:
        await conn.execute(
            update(source_templates)
            .where(source_templates.c.source_id == "a")
            .values(template_json='{"version": 999, "body": "div"}', observations_json="[1, 2")
        )
    with caplog.at_level(logging.WARNING):
        got = await store.template_state("a")
    assert got is not None and got.template is None and got.observations == ()
    assert got.pinned_pages == 7
    assert "stored template ignored" in caplog.text
    assert "stored template observations ignored" in caplog.text
