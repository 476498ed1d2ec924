"""Deterministic RSS 2.0 rendering, built with lxml.

The same data, order and ids as the Atom rendering (feeds.entries decides them). RSS has
no entry id that is not a URL, so the stored ``urn:uuid:`` id goes in ``guid`` with
``isPermaLink="false"``; the article link goes in ``link``. ``author`` must be an e-mail
address in RSS, so the byline goes in ``dc:creator``, as readers expect. Self, hub and
paging links use ``atom:link``, the established way to carry them in RSS.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import format_datetime
from typing import Final

from lxml import etree

from feedsvc.errors import FeedRenderError
from feedsvc.feeds.entries import (
    build_entries,
    entry_author,
    entry_contributors,
    feed_language,
    newest_first,
    utc,
)
from feedsvc.feeds.render import FeedDocument, enclosure_type
from feedsvc.feeds.safety import (
    article_html,
    http_url,
    required_http_url,
    required_text,
    text_as_html,
)
from feedsvc.feeds.stylesheet import xml_document
from feedsvc.feeds.xmltext import xml_safe, xml_safe_or_none
from feedsvc.models import StoredArticle

RSS_MEDIA_TYPE: Final = "application/rss+xml"
_ATOM: Final = "http://www.w3.org/2005/Atom"
_DC: Final = "http://purl.org/dc/elements/1.1/"
_CONTENT: Final = "http://purl.org/rss/1.0/modules/content/"
_NSMAP: Final = {"atom": _ATOM, "dc": _DC, "content": _CONTENT}

_SAFE_PARSER: Final = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
)


def render_rss(doc: FeedDocument, entries: Sequence[StoredArticle]) -> bytes:
    """The feed as UTF-8 RSS 2.0, items newest first. Deterministic; an item that cannot
    be built is logged and left out; the result is checked before it is returned."""
    ordered = newest_first(entries)
    root = etree.Element("rss", version="2.0", nsmap=_NSMAP)
    channel = etree.SubElement(root, "channel")
    title = required_text(doc.title, "feed title")
    _text(channel, "title", text_as_html(title))
    _text(channel, "link", xml_safe(doc.alternate_url))
    _text(channel, "description", text_as_html(xml_safe_or_none(doc.subtitle) or title))
    language = feed_language(doc.language, ordered)
    if language:
        _text(channel, "language", language)
    _text(channel, "lastBuildDate", _rfc822(doc))
    _text(channel, "generator", xml_safe(doc.generator))
    _atom_link(channel, "self", doc.self_url, RSS_MEDIA_TYPE)
    for rel, href in (("first", doc.first_url), ("next", doc.next_url), ("hub", doc.hub_url)):
        if href:
            _atom_link(channel, rel, href, None)
    items = build_entries(doc.key, "rss", ordered, _item)
    channel.extend(items)
    body = xml_document(root, doc.stylesheet_url)
    check_rss(body, key=str(doc.key), expected_items=len(items))
    return body


def check_rss(body: bytes, *, key: str, expected_items: int | None = None) -> None:
    """Structural check: well-formed RSS 2.0 with the elements the spec requires."""
    try:
        root = etree.fromstring(body, _SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FeedRenderError(key, f"RSS is not well-formed XML: {exc}") from exc
    if root.tag != "rss" or root.get("version") != "2.0":
        raise FeedRenderError(key, f"root element is {root.tag!r}, not rss version 2.0")
    channel = root.find("channel")
    if channel is None:
        raise FeedRenderError(key, "rss has no channel")
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            raise FeedRenderError(key, f"channel has no {name}")
    items = channel.findall("item")
    for index, item in enumerate(items):
        guid = item.find("guid")
        if guid is None or not (guid.text or "").strip():
            raise FeedRenderError(key, f"item {index} has no guid")
        if not (item.findtext("title") or item.findtext("description") or "").strip():
            raise FeedRenderError(key, f"item {index} has neither title nor description")
    if expected_items is not None and len(items) != expected_items:
        raise FeedRenderError(key, f"{len(items)} items rendered, {expected_items} built")


def _item(article: StoredArticle) -> etree._Element:
    entry_id = required_text(article.entry_id, "entry id")
    link = required_http_url(article.canonical_url, "canonical URL")
    item = etree.Element("item")
    # RSS readers render title and description as HTML: plain text is escaped for it.
    _text(item, "title", text_as_html(xml_safe_or_none(article.title) or link))
    _text(item, "link", link)
    guid = _text(item, "guid", entry_id)
    guid.set("isPermaLink", "false")
    _text(item, "pubDate", format_datetime(utc(article.published), usegmt=True))
    author = entry_author(article)
    if author:
        _text(item, f"{{{_DC}}}creator", author)
    for contributor in entry_contributors(article):
        _text(item, f"{{{_DC}}}contributor", contributor)
    category = xml_safe_or_none(article.category)
    if category:
        _text(item, "category", category)
    summary = xml_safe_or_none(article.summary)
    if summary:
        _text(item, "description", text_as_html(summary))
    content = article_html(article.content_html)
    if content:
        _text(item, f"{{{_CONTENT}}}encoded", content)
    image = http_url(article.image)
    if image:
        # length is required by RSS 2.0; 0 is the accepted "unknown".
        etree.SubElement(item, "enclosure", url=image, length="0", type=enclosure_type(image))
    _text(item, f"{{{_ATOM}}}updated", utc(article.updated).isoformat())
    return item


def _atom_link(parent: etree._Element, rel: str, href: str, media_type: str | None) -> None:
    link = etree.SubElement(parent, f"{{{_ATOM}}}link", rel=rel, href=xml_safe(href))
    if media_type:
        link.set("type", media_type)


def _text(parent: etree._Element, tag: str, value: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = value
    return element


def _rfc822(doc: FeedDocument) -> str:
    return format_datetime(utc(doc.updated), usegmt=True)
