"""Store rules behind the API: the sources file leaves API-managed sources alone, and a
run records the links it dropped with the reason."""

from __future__ import annotations

import pytest
from api_support import ApiHarness, HarnessMaker, auth

from feedsvc.config import parse_source
from feedsvc.errors import PruneRefusedError


async def test_syncing_the_file_keeps_api_sources_enabled(harness: ApiHarness) -> None:
    await harness.create("from-api")
    file_source = parse_source({"id": "from-file", "url": "https://news.example.com/"})
    assert not isinstance(file_source, list)
    await harness.store.sync_sources([file_source], harness.ctx.now())
    # The file no longer lists its only source: that needs the operator's --prune (API
    # sources do not count, since the file never disables them).
    with pytest.raises(PruneRefusedError, match=r"none of the 1 sources enabled.*\(from-file\)"):
        await harness.store.sync_sources([], harness.ctx.now())
    await harness.store.sync_sources([], harness.ctx.now(), prune=True)
    by_id = {s.config.id: s for s in await harness.store.admin_sources()}
    assert by_id["from-api"].enabled and by_id["from-api"].managed_by == "api"
    assert not by_id["from-file"].enabled and by_id["from-file"].managed_by == "file"


async def test_a_run_lists_dropped_links_with_reasons(make_harness: HarnessMaker) -> None:
    harness = await make_harness(max_new_per_refresh=2)
    await harness.create()
    response = await harness.client.post("/api/v1/sources/caijing/refresh", headers=auth())
    run = (await response.json())["run"]
    assert run["new"] == 2 and run["found"] > 2
    reasons = {d["reason"] for d in run["dropped"]}
    assert reasons == {"deferred: over max_new_per_refresh (2)"}
    assert len(run["dropped"]) == run["found"] - 2
