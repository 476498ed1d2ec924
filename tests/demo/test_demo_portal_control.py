"""The portal's opt-in control endpoint, ``POST /_demo/publish``."""

from __future__ import annotations

from aiohttp import web
from demo_portal_helpers import Clock
from pytest_aiohttp import AiohttpClient

from feedsvc.demo.portal import PortalState, create_portal_app


async def test_publish_exists_only_with_control(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(create_portal_app(PortalState(seed=3, now=Clock())))
    response = await client.post("/_demo/publish")
    assert response.status in (404, 405)
    assert response.status != 200


async def test_publish_adds_the_newest_article_in_the_category(
    aiohttp_client: AiohttpClient,
) -> None:
    state = PortalState(seed=3, now=Clock())
    before = len(state.articles("tiyu"))
    client = await aiohttp_client(create_portal_app(state, control=True))
    response = await client.post("/_demo/publish", params={"category": "tiyu"})
    assert response.status == 200
    data = await response.json()
    assert data["category_slug"] == "tiyu"
    assert len(state.articles("tiyu")) == before + 1
    assert state.articles("tiyu")[0].id == data["id"]
    assert data["url"].endswith(data["url_path"])
    page = await client.get(data["url_path"])
    assert page.status == 200
    listing = await (await client.get("/tiyu/")).text()
    assert data["url_path"].rsplit("/", 1)[-1] in listing


async def test_publish_names_an_unknown_category(aiohttp_client: AiohttpClient) -> None:
    app: web.Application = create_portal_app(PortalState(seed=3, now=Clock()), control=True)
    client = await aiohttp_client(app)
    response = await client.post("/_demo/publish", params={"category": "nope"})
    assert response.status == 400
    assert "nope" in await response.text()
