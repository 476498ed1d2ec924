"""The demo sources data: shape, loadability, and selectors that fit the portal's pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from aiohttp import web
from aiohttp.test_utils import TestClient
from demo_portal_helpers import parse
from pytest_aiohttp import AiohttpClient

from feedsvc.config import load_config
from feedsvc.demo.content import CATEGORIES
from feedsvc.demo.portal import PortalState, create_portal_app
from feedsvc.demo.sources import demo_sources, demo_sources_yaml

BASE = "http://127.0.0.1:8081"


AUTOMATIC = "demo-tiyu"  # the demo's source without selectors or category


def test_four_sources_one_per_category() -> None:
    sources = demo_sources(BASE + "/")
    assert [s["id"] for s in sources] == [f"demo-{c.slug}" for c in CATEGORIES]
    for entry, category in zip(sources, CATEGORIES, strict=True):
        assert entry["name"] == f"潍坊广电 · {category.name}"
        assert entry["url"] == f"{BASE}/{category.slug}/"
        assert entry["interval"] == "30s"
        assert entry["timezone"] == "Asia/Shanghai"
        if entry["id"] == AUTOMATIC:
            # Shows automatic detection: the list, and the category from the breadcrumb.
            assert "selectors" not in entry
            assert "category" not in entry
            continue
        assert entry["category"] == category.name
        assert entry["selectors"] == {
            "item": "ul.news-list > li",
            "title": "a",
            "link": "a@href",
            "date": "span.date",
            "content": "div.content",
        }


def test_yaml_text_and_selector_free_variant() -> None:
    text = demo_sources_yaml(BASE)
    assert yaml.safe_load(text)["sources"] == demo_sources(BASE)
    bare = demo_sources(BASE, with_selectors=False)
    assert all("selectors" not in s for s in bare)
    assert [s["id"] for s in bare] == [s["id"] for s in demo_sources(BASE)]


def test_bad_base_url_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'127\.0\.0\.1:8081'"):
        demo_sources("127.0.0.1:8081")


@pytest.mark.parametrize("with_selectors", [True, False])
def test_the_config_loader_accepts_them(tmp_path: Path, with_selectors: bool) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(demo_sources_yaml(BASE, with_selectors=with_selectors), encoding="utf-8")
    config = load_config(path, env={})
    assert [s.id for s in config.sources] == [f"demo-{c.slug}" for c in CATEGORIES]
    assert all(s.interval_seconds == 30 for s in config.sources)
    pinned = [s.id for s in config.sources if s.selectors is not None]
    assert pinned == ([s.id for s in config.sources if s.id != AUTOMATIC] if with_selectors else [])


async def test_selectors_pick_the_list_and_the_body(aiohttp_client: AiohttpClient) -> None:
    state = PortalState(seed=11)
    client: TestClient[web.Request, web.Application] = await aiohttp_client(
        create_portal_app(state)
    )
    for entry, category in zip(demo_sources(BASE), CATEGORIES, strict=True):
        if entry["id"] == AUTOMATIC:
            continue
        selectors = entry["selectors"]
        body = await (await client.get(f"/{category.slug}/")).read()
        doc = parse(body.decode(category.encoding))
        items = doc.cssselect(selectors["item"])
        link_css, _, attr = selectors["link"].partition("@")
        links = [
            urljoin(f"/{category.slug}/", item.cssselect(link_css)[0].get(attr)) for item in items
        ]
        assert links == [a.url_path for a in state.articles(category.slug)]
        article = state.articles(category.slug)[0]
        page = await (await client.get(article.url_path)).read()
        (content,) = parse(page.decode(category.encoding)).cssselect(selectors["content"])
        for paragraph in article.paragraphs:
            assert paragraph in content.text_content()
