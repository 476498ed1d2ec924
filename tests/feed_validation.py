"""RSS 2.0 and JSON Feed 1.1 validity for tests (Atom has atom_validation).

``assert_valid_rss``: feedparser reads it without complaint (bozo == 0) as RSS 2.0, and
the RSS 2.0 spec's required elements are there (channel title/link/description; each item
a title or description; guid). ``assert_valid_json_feed``: the JSON Feed 1.1 spec's
required fields and the types of every field we write.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import feedparser
from lxml import etree

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def assert_valid_rss(body: bytes) -> etree._Element:
    parsed = feedparser.parse(body)
    assert not parsed.bozo, f"feedparser: {parsed.get('bozo_exception')!r}"
    assert parsed.version == "rss20", f"feedparser sees {parsed.version!r}, not rss20"
    root = etree.fromstring(body, _PARSER)
    assert root.tag == "rss" and root.get("version") == "2.0", root.tag
    channel = root.find("channel")
    assert channel is not None, "no channel"
    for name in ("title", "link", "description"):
        assert (channel.findtext(name) or "").strip(), f"channel has no {name}"
    for item in channel.findall("item"):
        assert (item.findtext("title") or item.findtext("description") or "").strip()
        guid = item.find("guid")
        assert guid is not None and (guid.text or "").strip(), "item without guid"
        assert guid.get("isPermaLink") == "false", "our guids are not URLs"
        for enclosure in item.findall("enclosure"):
            assert enclosure.get("url") and enclosure.get("type") and enclosure.get("length")
        pub_date = item.findtext("pubDate")
        assert pub_date is None or pub_date.endswith(" GMT"), pub_date
    return root


def _rfc3339(value: Any, where: str) -> None:
    assert isinstance(value, str), f"{where} is not a string"
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{where} has no offset: {value!r}"


def _string(obj: dict[str, Any], name: str, where: str) -> None:
    if name in obj:
        assert isinstance(obj[name], str), f"{where}.{name} must be a string"


def assert_valid_json_feed(body: bytes) -> dict[str, Any]:
    feed = json.loads(body)
    assert isinstance(feed, dict)
    assert feed.get("version") == JSON_FEED_VERSION, feed.get("version")
    assert isinstance(feed.get("title"), str) and feed["title"], "title is required"
    assert isinstance(feed.get("items"), list), "items is required"
    for name in ("home_page_url", "feed_url", "description", "next_url", "language"):
        _string(feed, name, "feed")
    for hub in feed.get("hubs", []):
        assert isinstance(hub.get("type"), str) and isinstance(hub.get("url"), str), hub
    ids = []
    for index, item in enumerate(feed["items"]):
        where = f"items[{index}]"
        assert isinstance(item.get("id"), str) and item["id"], f"{where}.id is required"
        ids.append(item["id"])
        assert isinstance(item.get("content_html"), str) or isinstance(
            item.get("content_text"), str
        ), f"{where} needs content_html or content_text"
        for name in ("url", "title", "summary", "image", "language", "content_html"):
            _string(item, name, where)
        for name in ("date_published", "date_modified"):
            if name in item:
                _rfc3339(item[name], f"{where}.{name}")
        for author in item.get("authors", []):
            assert isinstance(author, dict) and any(
                isinstance(author.get(k), str) for k in ("name", "url", "avatar")
            ), f"{where}.authors: {author!r}"
        # Extensions (JSON Feed 1.1): a key starting with "_" holds an object.
        for name in (k for k in item if k.startswith("_")):
            assert isinstance(item[name], dict), f"{where}.{name} must be an object"
        tags = item.get("tags", [])
        assert isinstance(tags, list) and all(isinstance(t, str) for t in tags)
    assert len(ids) == len(set(ids)), "item ids must be unique"
    return feed
