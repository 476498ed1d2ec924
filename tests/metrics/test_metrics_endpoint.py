"""/metrics: off by default, token-protected when admin tokens exist, and after a real
refresh and a few feed requests every series is there with the values that happened."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from metrics_support import samples, total, value
from pipeline_support import Pipeline

from feedsvc.metrics.instruments import error_outcome
from feedsvc.models import FetchStatus
from feedsvc.refresh.scheduler import Scheduler
from feedsvc.web import create_app


@asynccontextmanager
async def metrics_client(p: Pipeline, **changes: Any) -> AsyncIterator[TestClient[Any, Any]]:
    """A feed server over the pipeline's store with the settings changed as given."""
    settings = dataclasses.replace(p.config.settings, **changes)
    app = create_app(settings, reader=p.store, source_states=p.store.list_sources)
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


async def test_metrics_are_off_by_default(pipeline: Pipeline) -> None:
    assert pipeline.config.settings.metrics is False
    async with metrics_client(pipeline) as client:
        response = await client.get("/metrics")
        assert response.status == 404


async def test_metrics_answer_prometheus_text_when_enabled(pipeline: Pipeline) -> None:
    async with metrics_client(pipeline, metrics=True) as client:
        response = await client.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        assert response.headers["Cache-Control"] == "no-store"
        found = samples(await response.text())
        assert "feedsvc_render_cache_hits_total" in found


async def test_a_token_from_admin_tokens_is_required_when_configured(pipeline: Pipeline) -> None:
    tokens = "grafana:read:r3ad-secret,ops:write:wr1te-secret"
    async with metrics_client(pipeline, metrics=True, admin_tokens=tokens) as client:
        missing = await client.get("/metrics")
        assert missing.status == 401
        assert missing.headers["WWW-Authenticate"].startswith("Bearer ")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status == 401
        assert "invalid_token" in wrong.headers["WWW-Authenticate"]
        for secret in ("r3ad-secret", "wr1te-secret"):
            ok = await client.get("/metrics", headers={"Authorization": f"Bearer {secret}"})
            assert ok.status == 200, secret
        # The feeds stay public.
        assert (await client.get("/feeds/latest.atom")).status in (200, 404)


def test_error_outcomes_are_snake_case_kinds() -> None:
    from feedsvc.errors import FetchTimeoutError, HTTPStatusError

    assert error_outcome(HTTPStatusError("http://x/", 404)) == "http_status"
    assert error_outcome(FetchTimeoutError("http://x/", "slow")) == "fetch_timeout"
    assert error_outcome(ValueError("x")) == "value"


async def test_series_after_a_refresh_and_feed_requests(pipeline: Pipeline) -> None:
    reports = await pipeline.refresh()
    good = {k: r for k, r in reports.items() if k != "broken"}
    assert all(r.status is FetchStatus.OK for r in good.values()), reports
    assert reports["broken"].status is FetchStatus.FAILED
    new = sum(r.new for r in reports.values())
    assert new > 0
    async with metrics_client(pipeline, metrics=True) as client:
        first = await client.get("/feeds/latest.atom")
        assert first.status == 200
        again = await client.get("/feeds/latest.atom")  # the prepared answer: a cache hit
        assert again.status == 200
        etag = first.headers["ETag"]
        not_modified = await client.get("/feeds/latest.atom", headers={"If-None-Match": etag})
        assert not_modified.status == 304
        assert (await client.get("/feeds/sources/broken.atom")).status in (200, 404)
        assert (await client.get("/no/such/page")).status == 404
        assert (await client.get("/healthz")).status == 200
        # Not mounted here (no admin tokens): classed by path all the same.
        assert (await client.get("/api/v1/sources")).status == 404
        assert (await client.get("/admin/sources/x")).status == 404
        text = await (await client.get("/metrics")).text()
    found = samples(text)

    # Fetches: every list and article page of the good sources answered 200; the broken
    # source's list page 404.
    ok_fetches = value(found, "feedsvc_fetches_total", outcome="ok", status="200")
    assert ok_fetches >= len(good) + new
    assert value(found, "feedsvc_fetches_total", outcome="http_status", status="404") == 1
    all_fetches = total(found, "feedsvc_fetches_total")
    assert value(found, "feedsvc_fetch_duration_seconds_count") == all_fetches
    assert 0 < value(found, "feedsvc_fetch_duration_seconds_sum") < all_fetches * 30
    assert value(found, "feedsvc_fetch_duration_seconds_bucket", le="+Inf") == all_fetches
    # One extraction per fetched article page at least (and none for the broken source).
    assert value(found, "feedsvc_extraction_duration_seconds_count") >= new

    assert value(found, "feedsvc_articles_total", change="new") == new
    assert value(found, "feedsvc_refreshes_total", status="ok") == len(good)
    assert value(found, "feedsvc_refreshes_total", status="failed") == 1

    assert value(found, "feedsvc_http_requests_total", route="latest", status="200") == 2
    assert value(found, "feedsvc_http_requests_total", route="latest", status="304") == 1
    assert value(found, "feedsvc_http_requests_total", route="other", status="404") == 1
    assert value(found, "feedsvc_http_requests_total", route="admin", status="200") == 1
    assert value(found, "feedsvc_http_requests_total", route="api", status="404") == 1
    assert value(found, "feedsvc_http_requests_total", route="admin", status="404") == 1
    assert value(found, "feedsvc_render_cache_misses_total") >= 1
    assert value(found, "feedsvc_render_cache_hits_total") >= 1

    # Per-source gauges, from the database.
    for source_id in good:
        assert value(found, "feedsvc_source_consecutive_failures", source=source_id) == 0
        success = value(found, "feedsvc_source_last_success_timestamp_seconds", source=source_id)
        assert success == pipeline.clock().timestamp()
    assert value(found, "feedsvc_source_consecutive_failures", source="broken") == 1
    assert ("source", "broken") not in {
        label for key in found["feedsvc_source_last_success_timestamp_seconds"] for label in key
    }


async def test_scheduler_lag_is_started_minus_due(pipeline: Pipeline) -> None:
    await pipeline.refresh()
    states = await pipeline.store.list_sources()
    due = max(s.next_check_at for s in states)
    late = 42.0
    pipeline.clock.advance(seconds=(due - pipeline.clock()).total_seconds() + late)
    scheduler = Scheduler(pipeline.ctx)
    claimed = await scheduler.tick()
    assert claimed == min(len(states), pipeline.config.settings.claim_batch)
    await scheduler.wait_idle()
    async with metrics_client(pipeline, metrics=True) as client:
        found = samples(await (await client.get("/metrics")).text())
    # Every claimed source was due at least `late` seconds before the tick.
    assert value(found, "feedsvc_scheduler_lag_seconds_count") == claimed
    assert value(found, "feedsvc_scheduler_lag_seconds_bucket", le="30.0") == 0
    lag_sum = value(found, "feedsvc_scheduler_lag_seconds_sum")
    assert claimed * late <= lag_sum <= claimed * (late + 24 * 3600)
