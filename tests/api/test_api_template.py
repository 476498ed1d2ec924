"""GET /api/v1/sources/{id}/template: the template learned from a source's article pages
with its evidence, or how far learning has come; 404 for an unknown source."""

from __future__ import annotations

from api_support import READ, ApiHarness, auth

from feedsvc.refresh.templating import MAX_OBSERVATIONS

SOURCES = "/api/v1/sources"


async def test_unknown_source_is_404(harness: ApiHarness) -> None:
    response = await harness.client.get(f"{SOURCES}/nope/template", headers=auth(READ))
    assert response.status == 404
    assert "nope" in (await response.json())["error"]


async def test_not_learned_yet_says_how_many_pages_were_observed(harness: ApiHarness) -> None:
    await harness.create()
    response = await harness.client.get(f"{SOURCES}/caijing/template", headers=auth(READ))
    assert response.status == 200
    body = await response.json()
    assert body["learned"] is False and body["status"] == "learning"
    assert body["message"] == "not learned yet: 0 of 3 pages observed"
    assert (body["pages_observed"], body["pages_needed"], body["parts"]) == (0, 3, [])


async def test_a_refresh_learns_the_template_and_the_api_shows_its_evidence(
    harness: ApiHarness,
) -> None:
    await harness.create()
    done = await harness.client.post(f"{SOURCES}/caijing/refresh", headers=auth())
    run = (await done.json())["run"]
    assert run["new"] >= 3
    body = await (await harness.client.get(f"{SOURCES}/caijing/template", headers=auth())).json()
    assert body["learned"] is True and body["status"] == "learned", body
    learned_from = min(run["new"], MAX_OBSERVATIONS)  # the last pages observed
    assert body["pages_agreed"] >= 3 and body["pages_observed"] == learned_from
    assert body["message"].startswith(f"learned from {learned_from} pages")
    parts = {p["part"]: p for p in body["parts"]}
    assert parts["body"]["pages"] == body["pages_agreed"] and parts["body"]["path"]
    assert run["template_note"] == (
        f"template learned from {learned_from} pages ({body['pages_agreed']} agreed on the body)"
    )
