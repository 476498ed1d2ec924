"""``GET /opml``: every feed as an OPML 2.0 subscription list, grouped like the index."""

from __future__ import annotations

from datetime import UTC
from email.utils import format_datetime

from aiohttp import web
from lxml import etree

from feedsvc.feeds.xmltext import xml_safe
from feedsvc.models import FeedKind
from feedsvc.web.keys import READER_KEY, SETTINGS_KEY
from feedsvc.web.listing import FeedGroup, group_feeds, newest_change
from feedsvc.web.responses import page_response

OPML_CONTENT_TYPE = "text/x-opml"


async def opml(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS_KEY]
    groups = group_feeds(settings, await request.app[READER_KEY].list_feeds())
    return page_response(
        request,
        render_opml(groups),
        content_type=OPML_CONTENT_TYPE,
        max_age=settings.feed_max_age,
        last_modified=newest_change(groups),
    )


def render_opml(groups: list[FeedGroup]) -> bytes:
    """OPML 2.0. ``htmlUrl`` is the site a source reads (its first list page); latest and
    categories have no site of their own, so they carry none (the attribute is optional)."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = "feedsvc feeds"
    updated = [f.info.updated_at for g in groups for f in g.feeds if f.info.updated_at]
    if updated:
        newest = max(updated).astimezone(UTC)
        etree.SubElement(head, "dateModified").text = format_datetime(newest, usegmt=True)
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = etree.SubElement(root, "body")
    for group in groups:
        # Latest is one feed: a folder around it would only add a click.
        parent = body
        if len(groups) > 1 and group.kind is not FeedKind.LATEST:
            parent = etree.SubElement(body, "outline", text=group.label, title=group.label)
        for feed in group.feeds:
            outline = etree.SubElement(
                parent,
                "outline",
                type="rss",  # OPML 2.0 uses "rss" for every subscription, Atom included
                text=xml_safe(feed.info.title),
                title=xml_safe(feed.info.title),
                xmlUrl=feed.url,
            )
            if feed.info.site_url:
                outline.set("htmlUrl", xml_safe(feed.info.site_url))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
