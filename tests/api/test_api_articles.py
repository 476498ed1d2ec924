"""Articles: search with keyset paging; hide is a tombstone (out of every feed, and later
refreshes never bring it back); unhide restores it. /readyz and the preview."""

from __future__ import annotations

from typing import Any

from api_support import ApiHarness, auth
from sqlalchemy import text, update

from feedsvc.store.migrate import downgrade
from feedsvc.store.schema import sources
from feedsvc.web.api.ratelimit import TokenBuckets

ARTICLES = "/api/v1/articles"


async def _refresh(harness: ApiHarness) -> dict[str, Any]:
    response = await harness.client.post("/api/v1/sources/caijing/refresh", headers=auth())
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def _feeds(harness: ApiHarness) -> dict[str, str]:
    texts = {}
    for path in ("/feeds/latest.atom", "/feeds/sources/caijing.atom", "/feeds/latest.json"):
        response = await harness.client.get(path)
        assert response.status == 200
        texts[path] = await response.text()
    return texts


async def test_search_pages_with_a_next_link(harness: ApiHarness) -> None:
    await harness.create()
    await _refresh(harness)
    everything = await (await harness.client.get(ARTICLES, headers=auth())).json()
    total = len(everything["articles"])
    assert total >= 3 and everything["next"] is None
    seen: list[str] = []
    url: str | None = f"{ARTICLES}?source=caijing&limit=2"
    while url:
        page = await (await harness.client.get(url, headers=auth())).json()
        seen += [a["id"] for a in page["articles"]]
        url = page["next"]
        if url:
            assert url.startswith("http://feeds.test/api/v1/articles?")
            url = url.removeprefix("http://feeds.test")
    assert seen == [a["id"] for a in everything["articles"]]
    first = everything["articles"][0]
    assert set(first) >= {"id", "url", "title", "published", "source", "hidden"}
    found = await harness.client.get(ARTICLES, params={"q": first["title"]}, headers=auth())
    assert first["id"] in [a["id"] for a in (await found.json())["articles"]]
    bad = await harness.client.get(ARTICLES, params={"limit": "0"}, headers=auth())
    assert bad.status == 422 and (await bad.json())["problems"][0]["field"] == "limit"
    assert (
        await harness.client.get(ARTICLES, params={"before": "x"}, headers=auth())
    ).status == 422


async def test_hide_leaves_every_feed_stays_hidden_and_unhide_restores(
    harness: ApiHarness,
) -> None:
    await harness.create()
    await _refresh(harness)
    listed = await (await harness.client.get(ARTICLES, headers=auth())).json()
    target = listed["articles"][0]
    before = await _feeds(harness)
    assert all(target["url"] in text for text in before.values())
    etag = (await harness.client.get("/feeds/latest.atom")).headers["ETag"]

    hidden = await harness.client.post(f"{ARTICLES}/{target['id']}/hide", headers=auth())
    assert hidden.status == 200 and (await hidden.json())["article"]["hidden"] is True
    after = await _feeds(harness)
    assert not any(target["url"] in text for text in after.values())
    assert (await harness.client.get("/feeds/latest.atom")).headers["ETag"] != etag

    # Later refreshes see the link on the list again and still leave it out.
    async with harness.store.engine.begin() as conn:
        await conn.execute(update(sources).values(backfilled=False))
    await _refresh(harness)
    assert not any(target["url"] in text for text in (await _feeds(harness)).values())

    shown = await harness.client.post(f"{ARTICLES}/{target['id']}/unhide", headers=auth())
    assert (await shown.json())["article"]["hidden"] is False
    assert all(target["url"] in text for text in (await _feeds(harness)).values())
    actions = [e.action for e in await harness.store.audit_entries(f"article:{target['id']}")]
    assert actions == ["article.unhide", "article.hide"]
    missing = await harness.client.post(f"{ARTICLES}/not-a-uuid/hide", headers=auth())
    assert missing.status == 404


async def test_readyz_says_whether_the_schema_is_current(harness: ApiHarness) -> None:
    ready = await harness.client.get("/readyz")
    assert ready.status == 200 and (await ready.json())["status"] == "ready"
    async with harness.store.engine.begin() as conn:
        await conn.run_sync(downgrade, "0002")
    behind = await harness.client.get("/readyz")
    assert behind.status == 503
    assert "feedsvc migrate" in (await behind.json())["error"]


async def test_readyz_stays_ready_when_a_newer_version_migrated_under_it(
    harness: ApiHarness,
) -> None:
    # A rolling upgrade: the new release's migration ran while this process serves.
    async with harness.store.engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '9999_newer'"))
    ready = await harness.client.get("/readyz")
    assert ready.status == 200, await ready.text()


async def test_preview_shows_candidates_articles_with_provenance_and_link_reasons(
    harness: ApiHarness,
) -> None:
    body = {"url": f"{harness.portal}/tiyu/", "allow_private_networks": True}
    response = await harness.client.post("/api/v1/preview", json=body, headers=auth())
    assert response.status == 200, await response.text()
    preview = await response.json()
    best = preview["candidates"][0]
    assert best["items"] and best["score"] > 0 and best["selectors"]
    assert preview["articles"] and preview["articles"][0]["provenance"]
    assert preview["articles"][0]["error"] is None
    kept = [link for link in preview["links"] if link["kept"]]
    dropped = [link for link in preview["links"] if not link["kept"]]
    assert {link["url"] for link in kept} == {item["url"] for item in best["items"]}
    assert dropped and all(link["reason"] for link in dropped)
    assert await harness.store.admin_sources() == []  # nothing stored


async def test_every_preview_candidate_can_be_picked_by_its_selectors(
    harness: ApiHarness,
) -> None:
    harness.ctx.preview_limit = TokenBuckets(20, 1.0)
    body = {"url": f"{harness.portal}/tiyu/", "allow_private_networks": True}
    response = await harness.client.post("/api/v1/preview", json=body, headers=auth())
    candidates = (await response.json())["candidates"]
    assert len(candidates) >= 2
    for candidate in candidates:
        assert candidate["selectors"].get("item"), candidate
        picked = {**body, "selectors": candidate["selectors"]}
        again = await harness.client.post("/api/v1/preview", json=picked, headers=auth())
        assert again.status == 200, await again.text()
        (pinned,) = (await again.json())["candidates"]
        assert [(i["url"], i["title"]) for i in pinned["items"]] == [
            (i["url"], i["title"]) for i in candidate["items"]
        ], candidate["selectors"]


async def test_preview_refuses_private_urls_without_opt_in_and_is_rate_limited(
    harness: ApiHarness,
) -> None:
    url = f"{harness.portal}/tiyu/"
    response = await harness.client.post("/api/v1/preview", json={"url": url}, headers=auth())
    assert response.status == 422
    assert (await response.json())["problems"][0]["field"] == "url"
    odd = await harness.client.post("/api/v1/preview", json={"link": url}, headers=auth())
    assert {p["field"] for p in (await odd.json())["problems"]} == {"link", "url"}
    harness.ctx.preview_limit = TokenBuckets(1, 60.0)
    body = {"url": url, "allow_private_networks": True}
    first = await harness.client.post("/api/v1/preview", json=body, headers=auth())
    assert first.status == 200
    second = await harness.client.post("/api/v1/preview", json=body, headers=auth())
    assert second.status == 429 and int(second.headers["Retry-After"]) >= 1
