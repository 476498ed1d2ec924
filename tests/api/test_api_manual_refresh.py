"""The admin API's refresh is a manual refresh (issue 12, finding 5): it re-checks the
recent articles still on the list page, so an article edited after it was stored is
updated at once (the feed shows it, its ETag moves) and the run says it was manual and how
many articles it re-checked. On a web-only process (no scheduler) the request is stored
with the source, and the worker's tick that claims it runs the manual refresh."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_support import ApiHarness, auth
from edit_site import SELECTORS, EditSite, serving

EDITED = "更正：这是修改后的正文，记者补充了新的采访内容，原文中的数字有误，现已更正为正确数字。"
REFRESH = "/api/v1/sources/edits/refresh"
FEED = "/feeds/sources/edits.atom"


@pytest.fixture
def site() -> Iterator[EditSite]:
    with serving([1, 2, 3, 4]) as s:
        yield s


async def _create(harness: ApiHarness, site: EditSite) -> None:
    await harness.create("edits", url=site.list_url, interval="1h", selectors=SELECTORS)


async def _refresh(harness: ApiHarness) -> dict[str, Any]:
    response = await harness.client.post(REFRESH, headers=auth())
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["status"] == "done" and body["run"]["status"] == "ok", body
    run: dict[str, Any] = body["run"]
    return run


async def test_the_api_refresh_picks_up_an_edit(harness: ApiHarness, site: EditSite) -> None:
    await _create(harness, site)
    first = await _refresh(harness)
    assert (first["manual"], first["new"], first["rechecked"]) == (True, 4, 0), first
    before = await harness.client.get(FEED)
    etag = before.headers["ETag"]
    assert EDITED not in await before.text()

    site.edit(2, EDITED)
    run = await _refresh(harness)
    assert (run["manual"], run["new"], run["updated"], run["rechecked"]) == (True, 0, 1, 4), run
    statuses = sorted(p["status"] for p in run["pages"] if p["kind"] == "article")
    assert statuses == [200, 304, 304, 304], run["pages"]  # conditional GETs
    after = await harness.client.get(FEED)
    assert after.headers["ETag"] != etag and EDITED in await after.text()
    runs = await (await harness.client.get("/api/v1/sources/edits/runs", headers=auth())).json()
    assert [(r["manual"], r["rechecked"]) for r in runs["runs"]] == [(True, 4), (True, 0)]


async def test_a_web_only_refresh_is_stored_and_the_worker_tick_runs_it_manual(
    harness: ApiHarness, site: EditSite
) -> None:
    await _create(harness, site)
    await _refresh(harness)
    site.edit(4, EDITED)

    harness.ctx.refresh_now = None  # as `serve --role web`: no scheduler here
    response = await harness.client.post(REFRESH, headers=auth())
    assert response.status == 202 and (await response.json())["status"] == "queued"
    state = await harness.store.get_source("edits")
    assert state is not None and state.refresh_requested_at is not None
    assert EDITED not in await (await harness.client.get(FEED)).text()

    assert await harness.scheduler.tick() == 1  # the worker's claim
    await harness.scheduler.wait_idle()
    (run,) = await harness.store.recent_runs("edits", 1)
    assert (run.manual, run.updated_count, run.rechecked_count) == (True, 1, 4), run
    assert EDITED in await (await harness.client.get(FEED)).text()
    state = await harness.store.get_source("edits")
    assert state is not None and state.refresh_requested_at is None
