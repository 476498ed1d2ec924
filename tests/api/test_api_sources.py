"""Sources through the API: validation with the file's rules, conflicts, ETag/If-Match,
soft delete, pause, refresh now, and the audit trail; every bad input changes nothing."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from api_support import ApiHarness, HarnessMaker, auth

SOURCES = "/api/v1/sources"


async def _stored_ids(harness: ApiHarness) -> list[str]:
    return [s.config.id for s in await harness.store.admin_sources()]


async def test_create_returns_201_location_etag_and_stores_an_api_source(
    harness: ApiHarness,
) -> None:
    response = await harness.client.post(SOURCES, json=harness.source_body(), headers=auth())
    assert response.status == 201
    assert response.headers["Location"] == "/api/v1/sources/caijing"
    body = await response.json()
    assert response.headers["ETag"] == body["etag"]
    assert body["managed_by"] == "api" and body["enabled"] is True
    assert body["interval"] == 1800 and body["urls"] == [f"{harness.portal}/caijing/"]
    assert set(body["health"]) >= {
        "last_success", "consecutive_failures", "next_run", "last_error", "drift",
    }  # fmt: skip
    state = await harness.store.get_source("caijing")
    assert state is not None and state.config.category == "财经"
    (entry,) = await harness.store.audit_entries("source:caijing")
    assert (entry.actor, entry.action, entry.before) == ("ops", "source.create", None)
    assert '"managed_by": "api"' in (entry.after or "")
    listed = await (await harness.client.get(SOURCES, headers=auth())).json()
    assert [s["id"] for s in listed["sources"]] == ["caijing"]


async def test_invalid_json_is_400_and_changes_nothing(harness: ApiHarness) -> None:
    for raw in (b"{", b"\xff\xfe", b'{"id": NaN}'):
        response = await harness.client.post(
            SOURCES, data=raw, headers={**auth(), "Content-Type": "application/json"}
        )
        assert response.status == 400, raw
        body = await response.json()
        assert body["error"].startswith("the body is not") and body["problems"]
    response = await harness.client.post(SOURCES, json=[1], headers=auth())
    assert response.status == 422
    assert await _stored_ids(harness) == []


async def test_unknown_fields_and_wrong_types_name_their_fields(harness: ApiHarness) -> None:
    body = harness.source_body(bogus=1, interval="5s", enabled="yes", max_pages="2")
    body["selectors"]["item"] = "ul li@href"
    response = await harness.client.post(SOURCES, json=body, headers=auth())
    assert response.status == 422
    problems = {p["field"]: p["message"] for p in (await response.json())["problems"]}
    assert set(problems) == {"bogus", "interval", "enabled", "max_pages", "selectors.item"}
    assert problems["bogus"] == "unknown key"
    assert problems["interval"] == "must be between 30s and 7d, got '5s'"
    assert await _stored_ids(harness) == []
    assert await harness.store.audit_entries() == []


async def test_a_private_url_needs_the_opt_in(harness: ApiHarness) -> None:
    body = harness.source_body()
    del body["allow_private_networks"]
    response = await harness.client.post(SOURCES, json=body, headers=auth())
    assert response.status == 422
    (problem,) = (await response.json())["problems"]
    assert problem["field"] == "url" and "private-network" in problem["message"]
    assert await _stored_ids(harness) == []


async def test_the_opt_in_needs_the_server_setting(make_harness: HarnessMaker) -> None:
    harness = await make_harness(allow_private_networks=False)
    response = await harness.client.post(SOURCES, json=harness.source_body(), headers=auth())
    assert response.status == 422
    (problem,) = (await response.json())["problems"]
    assert problem["field"] == "allow_private_networks"
    assert await _stored_ids(harness) == []


async def test_a_duplicate_id_is_409(harness: ApiHarness) -> None:
    first = await harness.create()
    again = harness.source_body(name="other")
    response = await harness.client.post(SOURCES, json=again, headers=auth())
    assert response.status == 409
    assert "already exists" in (await response.json())["error"]
    current = await (await harness.client.get(f"{SOURCES}/caijing", headers=auth())).json()
    assert current["name"] == "财经" and current["etag"] == first["etag"]


async def test_patch_is_a_merge_patch_and_a_stale_if_match_is_412(harness: ApiHarness) -> None:
    created = await harness.create()
    url = f"{SOURCES}/caijing"
    patch = {"interval": "1h", "selectors": {"date": None}, "name": "财经新闻"}
    response = await harness.client.patch(
        url, json=patch, headers={**auth(), "If-Match": created["etag"]}
    )
    assert response.status == 200, await response.text()
    changed = await response.json()
    assert changed["interval"] == 3600 and changed["name"] == "财经新闻"
    assert "date" not in changed["selectors"] and changed["selectors"]["item"]
    assert changed["etag"] != created["etag"] == created["etag"]
    # The first admin's ETag is stale now: their write is refused and changes nothing.
    stale = await harness.client.patch(
        url, json={"interval": "2h"}, headers={**auth(), "If-Match": created["etag"]}
    )
    assert stale.status == 412
    assert "stale" in (await stale.json())["error"]
    now = await (await harness.client.get(url, headers=auth())).json()
    assert now["interval"] == 3600 and now["etag"] == changed["etag"]
    bad = await harness.client.patch(url, json={"interval": "never"}, headers=auth())
    assert bad.status == 422
    assert (await bad.json())["problems"][0]["field"] == "interval"
    renamed = await harness.client.patch(url, json={"id": "other"}, headers=auth())
    assert renamed.status == 422
    actions = [e.action for e in await harness.store.audit_entries("source:caijing")]
    assert actions == ["source.update", "source.create"]


async def test_disable_enable_and_soft_delete(harness: ApiHarness) -> None:
    await harness.create()
    url = f"{SOURCES}/caijing"
    paused = await harness.client.post(f"{url}/disable", headers=auth())
    assert (await paused.json())["enabled"] is False
    assert await harness.store.claim_due("w", harness.ctx.now(), 60, 10) == []
    resumed = await harness.client.post(f"{url}/enable", headers=auth())
    assert (await resumed.json())["enabled"] is True
    deleted = await harness.client.delete(url, headers=auth())
    assert deleted.status == 204
    assert (await harness.client.get(url, headers=auth())).status == 404
    assert await _stored_ids(harness) == []
    state = await harness.store.get_source("caijing")
    assert state is not None  # kept (disabled, hidden), with its articles
    assert (await harness.client.delete(url, headers=auth())).status == 404
    recreated = await harness.client.post(SOURCES, json=harness.source_body(), headers=auth())
    assert recreated.status == 201


async def test_refresh_now_returns_the_run(harness: ApiHarness) -> None:
    await harness.create()
    response = await harness.client.post(f"{SOURCES}/caijing/refresh", headers=auth())
    assert response.status == 200, await response.text()
    body = await response.json()
    run = body["run"]
    assert body["status"] == "done" and run["status"] == "ok", run
    assert run["found"] > 0 and run["new"] > 0 and run["duration_ms"] >= 0
    assert run["unchanged"] == 0  # a first run: nothing was stored before
    kinds = [(p["kind"], p["status"]) for p in run["pages"]]
    assert kinds[0] == ("list", 200) and kinds.count(("article", 200)) == run["new"], kinds
    assert set(run["pages"][0]) == {"url", "status", "kind", "error"}
    runs = await (await harness.client.get(f"{SOURCES}/caijing/runs", headers=auth())).json()
    assert runs["runs"][0] == run
    health = await (await harness.client.get("/api/v1/health", headers=auth())).json()
    assert health["status"] == "ok"
    (summary,) = health["sources"]
    assert summary["health"]["last_success"] is not None
    assert summary["health"]["consecutive_failures"] == 0


async def test_a_slow_refresh_answers_202_with_the_runs_url(harness: ApiHarness) -> None:
    await harness.create()
    harness.ctx.refresh_wait = 0.0
    response = await harness.client.post(f"{SOURCES}/caijing/refresh", headers=auth())
    assert response.status == 202
    assert response.headers["Location"] == "/api/v1/sources/caijing/runs"
    await asyncio.gather(*harness.ctx.tasks)
    runs = await (await harness.client.get(f"{SOURCES}/caijing/runs", headers=auth())).json()
    assert runs["runs"][0]["status"] == "ok"


async def test_a_created_source_is_refreshed_by_the_next_scheduler_tick(
    harness: ApiHarness,
) -> None:
    await harness.create()
    harness.scheduler.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            runs = await harness.store.recent_runs("caijing", 1)
            if runs:
                break
            await asyncio.sleep(0.1)
    finally:
        await harness.scheduler.stop()
    assert runs and runs[0].new_count > 0, runs
    feed = await harness.client.get("/feeds/sources/caijing.atom")
    assert feed.status == 200 and "<entry>" in await feed.text()


async def test_enabled_false_creates_a_paused_source_and_a_patch_resumes_it(
    harness: ApiHarness,
) -> None:
    body = harness.source_body(enabled=False)
    created = await harness.client.post(SOURCES, json=body, headers=auth())
    assert created.status == 201 and (await created.json())["enabled"] is False
    assert await harness.store.claim_due("w", datetime.now(UTC), 60, 10) == []
    patched = await harness.client.patch(
        f"{SOURCES}/caijing", json={"enabled": True}, headers=auth()
    )
    assert patched.status == 200 and (await patched.json())["enabled"] is True
    (state,) = await harness.store.list_sources()
    assert state.config.enabled
