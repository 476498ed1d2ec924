"""Bearer tokens: 401 without or with a wrong token, 403 for a read token on a write, the
API off (404) without tokens, and nothing of it on the public feed routes."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from api_support import READ, WRITE, ApiHarness, HarnessMaker, auth


async def test_no_token_is_401_with_a_bearer_challenge(harness: ApiHarness) -> None:
    response = await harness.client.get("/api/v1/sources")
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    body = await response.json()
    assert "admin token" in body["error"] and body["problems"] == []


async def test_a_wrong_token_is_401(harness: ApiHarness) -> None:
    for header in (f"Bearer {WRITE}x", f"Basic {WRITE}", "Bearer ", WRITE):
        response = await harness.client.get("/api/v1/sources", headers={"Authorization": header})
        assert response.status == 401, header
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


async def test_a_read_token_reads_but_cannot_write(harness: ApiHarness) -> None:
    assert (await harness.client.get("/api/v1/sources", headers=auth(READ))).status == 200
    response = await harness.client.post(
        "/api/v1/sources", json=harness.source_body(), headers=auth(READ)
    )
    assert response.status == 403
    assert "grafana" in (await response.json())["error"]
    assert await harness.store.admin_sources() == []


async def test_the_api_is_off_without_tokens(make_harness: HarnessMaker) -> None:
    harness = await make_harness(admin_tokens="")
    for path in ("/api/v1/sources", "/api/v1/openapi.json", "/api/v1/health"):
        response = await harness.client.get(path, headers=auth())
        assert response.status == 404, path


async def _public(client: TestClient[Any, Any], headers: dict[str, str]) -> list[object]:
    seen: list[object] = []
    for path in ("/", "/feeds/latest.atom", "/opml", "/healthz", "/feeds/sources/caijing.atom"):
        response = await client.get(path, headers=headers)
        body = await response.read()
        seen.append((path, response.status, response.headers.get("ETag"), len(body)))
    return seen


async def test_a_token_changes_nothing_on_public_routes(harness: ApiHarness) -> None:
    await harness.create()
    await harness.client.post("/api/v1/sources/caijing/refresh", headers=auth())
    plain = await _public(harness.client, {})
    for token in (WRITE, READ, "wrong"):
        assert await _public(harness.client, auth(token)) == plain
    assert any(status == 200 for _, status, _, _ in plain)
