"""Deterministic JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) rendering.

The same entries, order and ids as the Atom and RSS renderings. Keys are written in a
fixed order with fixed separators, so the same data gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from feedsvc.errors import FeedRenderError
from feedsvc.feeds.entries import (
    build_entries,
    entry_author,
    entry_outlet,
    feed_language,
    newest_first,
    rfc3339,
)
from feedsvc.feeds.render import FeedDocument
from feedsvc.feeds.safety import article_html, http_url, required_http_url, required_text
from feedsvc.feeds.xmltext import xml_safe, xml_safe_or_none
from feedsvc.langtag import language_tag
from feedsvc.models import StoredArticle

JSON_FEED_MEDIA_TYPE: Final = "application/feed+json"
JSON_FEED_VERSION: Final = "https://jsonfeed.org/version/1.1"
EXTENSION_KEY: Final = "_feedsvc"  # feedsvc's own item fields (docs/feeds.md)


def render_json_feed(doc: FeedDocument, entries: Sequence[StoredArticle]) -> bytes:
    """The feed as UTF-8 JSON Feed 1.1, items newest first. Deterministic; an item that
    cannot be built is logged and left out; the result is checked before it is returned."""
    ordered = newest_first(entries)
    language = feed_language(doc.language, ordered)
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": required_text(doc.title, "feed title"),
        "home_page_url": xml_safe(doc.alternate_url),
        "feed_url": xml_safe(doc.self_url),
    }
    description = xml_safe_or_none(doc.subtitle)
    if description:
        feed["description"] = description
    if language:
        feed["language"] = language
    if doc.next_url:
        feed["next_url"] = xml_safe(doc.next_url)
    if doc.hub_url:
        feed["hubs"] = [{"type": "WebSub", "url": xml_safe(doc.hub_url)}]
    items = build_entries(doc.key, "json", ordered, lambda article: _item(article, language))
    feed["items"] = items
    body = json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    check_json_feed(body, key=str(doc.key), expected_items=len(items))
    return body


def check_json_feed(body: bytes, *, key: str, expected_items: int | None = None) -> None:
    """Structural check against JSON Feed 1.1's required fields."""
    try:
        feed = json.loads(body)
    except ValueError as exc:
        raise FeedRenderError(key, f"JSON Feed is not valid JSON: {exc}") from exc
    if not isinstance(feed, dict):
        raise FeedRenderError(key, "JSON Feed is not an object")
    if feed.get("version") != JSON_FEED_VERSION:
        raise FeedRenderError(key, f"JSON Feed version is {feed.get('version')!r}")
    if not isinstance(feed.get("title"), str) or not feed["title"].strip():
        raise FeedRenderError(key, "JSON Feed has no title")
    items = feed.get("items")
    if not isinstance(items, list):
        raise FeedRenderError(key, "JSON Feed has no items array")
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise FeedRenderError(key, f"item {index} has no string id")
        if not any(isinstance(item.get(k), str) for k in ("content_html", "content_text")):
            raise FeedRenderError(key, f"item {index} has neither content_html nor content_text")
    if expected_items is not None and len(items) != expected_items:
        raise FeedRenderError(key, f"{len(items)} items rendered, {expected_items} built")


def _item(article: StoredArticle, feed_language: str | None) -> dict[str, Any]:
    entry_id = required_text(article.entry_id, "entry id")
    link = required_http_url(article.canonical_url, "canonical URL")
    item: dict[str, Any] = {
        "id": entry_id,
        "url": link,
        "title": xml_safe_or_none(article.title) or link,
    }
    content = article_html(article.content_html)
    summary = xml_safe_or_none(article.summary)
    if content:
        item["content_html"] = content
    else:
        # 1.1 requires one of the two; the summary (or the title) is all there is.
        item["content_text"] = summary or item["title"]
    if summary:
        item["summary"] = summary
    image = http_url(article.image)
    if image:
        item["image"] = image
    item["date_published"] = rfc3339(article.published)
    item["date_modified"] = rfc3339(article.updated)
    author = entry_author(article)
    if author:
        item["authors"] = [{"name": author}]
    category = xml_safe_or_none(article.category)
    if category:
        item["tags"] = [category]
    outlet = entry_outlet(article)
    if outlet:
        # Not a second author (that would read as a co-author): JSON Feed 1.1 carries
        # anything else in an extension object, a key starting with "_".
        item[EXTENSION_KEY] = {"outlet": outlet}
    language = language_tag(article.language)
    if language and language != feed_language:
        item["language"] = language
    return item
