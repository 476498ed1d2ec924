"""Deterministic Atom (RFC 4287) rendering with feedgen.

The same ``FeedDocument`` and entries always give the same bytes: every timestamp comes
from stored data (feedgen would stamp ``now()``), entries are sorted here (feedgen would
prepend them), and nothing else varies. That is what lets ETags come from the database.

feedgen builds the feed head and each entry; the entries are assembled with lxml because
feedgen 1.0.0 drops an entry link's ``rel``/``type`` (python-feedgen issue 135) and because
one entry that fails to build must be skipped, not fail the whole feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import urlsplit

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from feedsvc.errors import FeedRenderError
from feedsvc.feeds import fragments
from feedsvc.feeds.entries import (
    build_entries,
    entry_author,
    entry_contributors,
    newest_first,
    utc,
)
from feedsvc.feeds.entries import feed_language as feed_language_of
from feedsvc.feeds.safety import article_html, http_url, required_http_url, required_text
from feedsvc.feeds.stylesheet import xml_document
from feedsvc.feeds.xmltext import xml_safe, xml_safe_or_none
from feedsvc.langtag import language_tag
from feedsvc.models import FeedKey, StoredArticle

ATOM_NS: Final = "http://www.w3.org/2005/Atom"
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_MEDIA_TYPE: Final = "application/atom+xml"

# Bump when the rendered bytes change for the same data (new element, different layout):
# it is part of every ETag, so caches everywhere notice a new rendering.
RENDER_REVISION: Final = 5  # 5: the outlet (来源) as a contributor

# A fixed table rather than the ``mimetypes`` module, whose answers depend on the host's
# /etc/mime.types: replicas must render identical bytes.
_IMAGE_TYPES: Final = {
    "avif": "image/avif",
    "bmp": "image/bmp",
    "gif": "image/gif",
    "jpe": "image/jpeg",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "png": "image/png",
    "svg": "image/svg+xml",
    "webp": "image/webp",
}
# News portals serve JPEG overwhelmingly, and readers only show enclosures typed image/*.
_DEFAULT_IMAGE_TYPE: Final = "image/jpeg"

_SAFE_PARSER: Final = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
)


@dataclass(frozen=True)
class FeedDocument:
    """Feed-level metadata. ``updated`` is when the feed's content last changed
    (``FeedVersion.updated_at``), never the time of rendering."""

    key: FeedKey
    feed_id: str  # a stable URI: the same feed keeps it across restarts and replicas
    title: str
    self_url: str  # absolute
    alternate_url: str  # absolute
    updated: datetime
    subtitle: str | None = None
    language: str | None = None  # BCP 47
    generator: str = "feedsvc"
    generator_uri: str | None = None
    # RFC 5005 paging: the first page and the next (older) one, absolute; None = none.
    first_url: str | None = None
    next_url: str | None = None
    hub_url: str | None = None  # a WebSub hub; advertised with rel="hub" when set
    # The XSLT that browsers apply (feeds/stylesheet.py); None = no processing instruction.
    stylesheet_url: str | None = None


def render_atom(doc: FeedDocument, entries: Sequence[StoredArticle]) -> bytes:
    """The feed as UTF-8 Atom XML, entries newest first. Deterministic.

    An entry that cannot be rendered is logged and left out. Raises ``FeedRenderError``
    when the result fails the structural check (it is never cached or served then).
    """
    ordered = newest_first(entries)
    feed_language = feed_language_of(doc.language, ordered)
    root = etree.fromstring(_feed_head(doc, feed_language), _SAFE_PARSER)
    elements = build_entries(
        doc.key,
        "atom",
        ordered,
        lambda article: fragments.entry_element(article, feed_language, _entry_element),
    )
    root.extend(elements)
    body = xml_document(root, doc.stylesheet_url)
    check_atom(body, key=str(doc.key), expected_entries=len(elements))
    return body


def check_atom(body: bytes, *, key: str, expected_entries: int | None = None) -> None:
    """Structural check of a rendered feed: well-formed, an Atom feed, required elements.

    Full RELAX NG validation lives in the tests; this is the cheap guard that keeps a
    broken rendering out of the cache.
    """
    try:
        root = etree.fromstring(body, _SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FeedRenderError(key, f"not well-formed XML: {exc}") from exc
    if root.tag != f"{{{ATOM_NS}}}feed":
        raise FeedRenderError(key, f"root element is {root.tag!r}, not atom:feed")
    for name in ("id", "title", "updated"):
        if root.find(f"{{{ATOM_NS}}}{name}") is None:
            raise FeedRenderError(key, f"feed has no atom:{name}")
    entries = root.findall(f"{{{ATOM_NS}}}entry")
    for index, entry in enumerate(entries):
        for name in ("id", "title", "updated"):
            if not (entry.findtext(f"{{{ATOM_NS}}}{name}") or "").strip():
                raise FeedRenderError(key, f"entry {index} has no atom:{name}")
    if expected_entries is not None and len(entries) != expected_entries:
        raise FeedRenderError(key, f"{len(entries)} entries rendered, {expected_entries} built")


def enclosure_type(url: str) -> str:
    """The image media type for an enclosure, from the URL's file extension."""
    path = urlsplit(url).path
    extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return _IMAGE_TYPES.get(extension, _DEFAULT_IMAGE_TYPE)


def _feed_head(doc: FeedDocument, language: str | None) -> bytes:
    fg = FeedGenerator()
    fg.id(required_text(doc.feed_id, "feed id"))
    fg.title(required_text(doc.title, "feed title"))
    fg.updated(utc(doc.updated))
    fg.link(href=xml_safe(doc.self_url), rel="self", type=ATOM_MEDIA_TYPE)
    fg.link(href=xml_safe(doc.alternate_url), rel="alternate", type="text/html")
    for rel, href in (("first", doc.first_url), ("next", doc.next_url), ("hub", doc.hub_url)):
        if href:
            fg.link(href=xml_safe(href), rel=rel)
    if doc.generator_uri:
        fg.generator(xml_safe(doc.generator), uri=xml_safe(doc.generator_uri))
    else:
        fg.generator(xml_safe(doc.generator))
    subtitle = xml_safe_or_none(doc.subtitle)
    if subtitle:
        fg.subtitle(subtitle)
    if language:
        fg.language(language)
    head: bytes = fg.atom_str(pretty=False)
    return head


def _entry_element(article: StoredArticle, feed_language: str | None) -> etree._Element:
    entry_id = required_text(article.entry_id, "entry id")
    link = required_http_url(article.canonical_url, "canonical URL")
    fe = FeedEntry()
    fe.id(entry_id)
    fe.title(xml_safe_or_none(article.title) or link)
    fe.updated(utc(article.updated))
    fe.published(utc(article.published))
    # feedgen insists on an alternate link or content; the links are rebuilt below anyway.
    fe.link(href=link, rel="alternate")
    author = entry_author(article)
    if author:
        fe.author(name=author)
    for contributor in entry_contributors(article):
        fe.contributor(name=contributor)
    category = xml_safe_or_none(article.category)
    if category:
        fe.category(term=category, label=category)
    summary = xml_safe_or_none(article.summary)
    if summary:
        fe.summary(summary)
    content = article_html(article.content_html)
    if content:
        fe.content(content, type="html")
    element: etree._Element = fe.atom_entry()
    _replace_links(element, link, http_url(article.image))
    language = language_tag(article.language)
    if language and language != feed_language:
        element.set(XML_LANG, language)
    _into_atom_namespace(element)
    return element


def _replace_links(entry: etree._Element, alternate: str, image: str | None) -> None:
    """Swap feedgen's attribute-less links for correct alternate and enclosure links."""
    old = entry.findall("link")
    position = entry.index(old[0]) if old else len(entry)
    for element in old:
        entry.remove(element)
    links = [etree.Element("link", rel="alternate", type="text/html", href=alternate)]
    if image:
        links.append(etree.Element("link", rel="enclosure", type=enclosure_type(image), href=image))
    for offset, element in enumerate(links):
        entry.insert(position + offset, element)


def _into_atom_namespace(entry: etree._Element) -> None:
    # feedgen builds un-namespaced elements and relies on a literal xmlns attribute when it
    # serializes a whole feed; an entry appended to a parsed feed needs real Atom names.
    for element in entry.iter():
        tag = element.tag
        if isinstance(tag, str) and not tag.startswith("{"):
            element.tag = f"{{{ATOM_NS}}}{tag}"
