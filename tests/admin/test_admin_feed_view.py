"""The console's view of a source's feed: its entries as a reader would see them (titles,
times in the source's zone, summaries), hidden articles marked, no remote images, the
console's strict CSP, linked from the source page."""

from __future__ import annotations

import re
from html import unescape
from zoneinfo import ZoneInfo

from admin_support import sign_in
from api.api_support import READ, WRITE, ApiHarness, auth

from feedsvc.models import FeedKey, FeedKind
from feedsvc.web.admin.security import CSP

FEED_VIEW = "/admin/sources/caijing/feed"


async def _refreshed(harness: ApiHarness) -> None:
    await harness.create()
    response = await harness.client.post("/api/v1/sources/caijing/refresh", headers=auth())
    assert response.status == 200


async def test_feed_view_shows_entries_in_the_source_zone_with_hidden_marks(
    harness: ApiHarness,
) -> None:
    await _refreshed(harness)
    listed = await (
        await harness.client.get("/api/v1/articles?source=caijing", headers=auth())
    ).json()
    hidden = listed["articles"][1]
    assert (
        await harness.client.post(f"/api/v1/articles/{hidden['id']}/hide", headers=auth())
    ).status == 200
    entries = await harness.store.feed_entries(FeedKey(FeedKind.SOURCE, "caijing"), 50)
    assert entries and all(e.entry_id != f"urn:uuid:{hidden['id']}" for e in entries)

    await sign_in(harness.client, READ)  # reading needs no write scope
    source_page = await (await harness.client.get("/admin/sources/caijing")).text()
    assert f'href="{FEED_VIEW}"' in source_page
    response = await harness.client.get(FEED_VIEW)
    assert response.status == 200
    assert response.headers["Content-Security-Policy"] == CSP
    html = await response.text()
    text = unescape(html)
    assert "Times in Asia/Shanghai" in text
    shanghai = ZoneInfo("Asia/Shanghai")
    for entry in entries[:5]:
        assert entry.title in text
        local = entry.published.astimezone(shanghai)
        shown = f'<time datetime="{local.isoformat()}">{local:%Y-%m-%d %H:%M}</time>'
        assert shown in html
        if entry.summary:
            assert entry.summary[:40] in text
    item = re.search(r'<li class="entry hidden"[^>]*>.*?</li>', html, flags=re.S)
    assert item is not None and hidden["title"] in unescape(item.group(0))
    assert "Hidden: left out of every feed" in item.group(0)
    assert text.count("Hidden: left out of every feed") == 1
    assert "<script" not in html and "<img" not in html  # no remote image is loaded


async def test_feed_view_of_an_unknown_source_is_404(harness: ApiHarness) -> None:
    await sign_in(harness.client, WRITE)
    assert (await harness.client.get("/admin/sources/nope/feed")).status == 404


async def test_feed_view_of_a_source_without_articles_says_so(harness: ApiHarness) -> None:
    await harness.create()
    await sign_in(harness.client, WRITE)
    html = await (await harness.client.get(FEED_VIEW)).text()
    assert "No entries yet" in html
