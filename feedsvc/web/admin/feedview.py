"""A source's feed as a reader would see it (``/admin/sources/{id}/feed``): its newest
entries with times in the feed's zone (``web.listing.feed_zone``, as the public index
shows it), summaries, and the hidden articles marked where they would be.

Images are not loaded: showing them would fetch from the scraped sites (telling them who
looks, when) and need the console's CSP to allow any image host. Each entry names its
image's host instead, as a link the admin may open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from feedsvc.adminmodels import ArticleFilter, ArticleSummary
from feedsvc.models import FeedKey, FeedKind, StoredArticle
from feedsvc.web.admin.context import admin
from feedsvc.web.admin.health import badge
from feedsvc.web.admin.pages import page, source_or_404
from feedsvc.web.listing import feed_zone

ENTRIES_SHOWN = 50


@dataclass(frozen=True)
class EntryView:
    url: str
    title: str
    published: datetime  # aware, in the feed's zone
    author: str | None
    category: str | None
    summary: str
    image_url: str | None
    image_host: str | None
    hidden: bool


def _entry(summary: ArticleSummary, stored: StoredArticle | None, zone: ZoneInfo) -> EntryView:
    image = stored.image if stored else None
    return EntryView(
        url=stored.canonical_url if stored else summary.url,
        title=stored.title if stored else summary.title,
        published=summary.published.astimezone(zone),
        author=stored.author if stored else None,
        category=summary.category,
        summary=stored.summary if stored else "",
        image_url=image,
        image_host=urlsplit(image).hostname if image else None,
        hidden=summary.hidden,
    )


@aiohttp_jinja2.template("feed.html")
async def feed_page(request: web.Request) -> dict[str, Any]:
    ctx = admin(request).api
    source = await source_or_404(request)
    key = FeedKey(FeedKind.SOURCE, source.config.id)
    info = await ctx.store.feed_info(key)
    zone_name = feed_zone(ctx.settings, info) if info else source.config.timezone or "UTC"
    zone = ZoneInfo(zone_name)
    # Every article of the source (hidden ones too), newest first as the feed orders them;
    # the feed's own entries give the summaries, authors and images.
    listed = await ctx.store.list_articles(
        ArticleFilter(source=source.config.id, limit=ENTRIES_SHOWN)
    )
    stored = {e.entry_id: e for e in await ctx.store.feed_entries(key, ENTRIES_SHOWN)}
    entries = [_entry(a, stored.get(f"urn:uuid:{a.id}"), zone) for a in listed]
    return page(
        request,
        source=source,
        badge=badge(source),
        zone=zone_name,
        entries=entries,
        hidden_count=sum(e.hidden for e in entries),
        feed_path=f"/feeds/sources/{source.config.id}",
    )
