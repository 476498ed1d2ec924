"""Read a rendered feed the way readers do and assert it carries no active content.

``reader_fields`` takes every field a reader shows or follows, after the one level of
unescaping the format defines (XML or JSON parsing), and says what the reader does with
it: ``html`` is rendered as HTML, ``text-html`` is plain text that readers render as HTML
(RSS titles and descriptions: it must hold no element at all), ``text`` is shown as text,
``url`` is followed. ``assert_no_active_content`` then parses every HTML-bearing field with
lxml.html and fails on a script-like element, an ``on*`` attribute, a ``style`` attribute,
or a URL attribute whose scheme is not http(s)/mailto. ``assert_feedparser_inert`` does the
same on what feedparser hands its users (it sanitizes, so that check alone proves little).
The HTML parser is libxml2's (lxml.html), not a browser's HTML5 one: the allowlisted
output holds no construct on which the two disagree (no comments, CDATA, foreign content).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

import feedparser
from lxml import etree
from lxml import html as lxml_html

from feedsvc.feeds.formats import FeedFormat

Kind = Literal["html", "text-html", "text", "url"]

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)

# Elements that run code, load other documents or restyle the reader's page.
ACTIVE_TAGS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "base", "meta", "link", "form", "input", "button", "textarea",
        "select", "video", "audio", "source", "template", "noscript", "details", "body",
        "html", "head", "title",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "srcset", "xlink:href", "formaction", "action", "poster",
        "background", "data", "cite", "longdesc", "lowsrc", "dynsrc", "ping", "codebase",
        "manifest", "icon", "content",
    }
)  # fmt: skip
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# What browsers ignore inside a URL before looking for its scheme.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)


@dataclass(frozen=True)
class Field:
    where: str
    kind: Kind
    value: str


def reader_fields(fmt: FeedFormat, body: bytes) -> list[Field]:
    if fmt is FeedFormat.ATOM:
        return _atom_fields(etree.fromstring(body, _PARSER))
    if fmt is FeedFormat.RSS:
        return _rss_fields(etree.fromstring(body, _PARSER))
    return _json_fields(json.loads(body))


def assert_no_active_content(fmt: FeedFormat, body: bytes) -> list[Field]:
    fields = reader_fields(fmt, body)
    for field in fields:
        if field.kind == "html":
            assert_inert_html(field.value, field.where)
        elif field.kind == "text-html":
            assert_markup_free(field.value, field.where)
        elif field.kind == "url":
            assert_safe_url(field.value, field.where, relative_ok=False)
    return fields


def assert_inert_html(value: str, where: str) -> None:
    for element in _elements(value):
        tag = _local(element.tag)
        assert tag not in ACTIVE_TAGS, f"{where}: <{tag}> in {value!r}"
        for name, attribute in element.attrib.items():
            lowered = _local(str(name)).lower()
            full = str(name).lower()
            assert not lowered.startswith("on"), f"{where}: {name}= in {value!r}"
            assert lowered != "style", f"{where}: style= in {value!r}"
            if lowered in URL_ATTRIBUTES or full in URL_ATTRIBUTES:
                for url in _urls_in(lowered, attribute):
                    assert_safe_url(url, f"{where} <{tag} {name}>", relative_ok=True)


def assert_markup_free(value: str, where: str) -> None:
    """Plain text in a field readers render as HTML: once parsed as HTML, no element."""
    elements = [e for e in _elements(value) if _local(e.tag) != "div"]
    assert not elements, f"{where}: markup {[_local(e.tag) for e in elements]} in {value!r}"


def plain_text_of_html(value: str) -> str:
    """What a reader displays for a ``text-html`` field."""
    return str(lxml_html.fragment_fromstring(value, create_parent="div").text_content())


def assert_safe_url(url: str, where: str, *, relative_ok: bool) -> None:
    squeezed = _URL_NOISE.sub("", url)
    match = _SCHEME.match(squeezed)
    if match is None:
        assert relative_ok and not squeezed.startswith("//"), f"{where}: not absolute: {url!r}"
        return
    assert match.group(1).lower() in SAFE_SCHEMES, f"{where}: scheme of {url!r}"


def assert_feedparser_inert(fmt: FeedFormat, body: bytes) -> Any:
    """feedparser 6.0 reads Atom and RSS only; JSON Feed is covered by the raw checks."""
    if fmt is FeedFormat.JSON:
        return None
    parsed = feedparser.parse(body)
    assert not parsed.bozo, f"feedparser: {parsed.get('bozo_exception')!r}"
    details = [("feed.title", parsed.feed.get("title_detail"))]
    details.append(("feed.subtitle", parsed.feed.get("subtitle_detail")))
    for index, entry in enumerate(parsed.entries):
        details.append((f"entry {index} title", entry.get("title_detail")))
        details.append((f"entry {index} summary", entry.get("summary_detail")))
        details.extend((f"entry {index} content", c) for c in entry.get("content", []))
        for link in entry.get("links", []):
            assert_safe_url(link["href"], f"entry {index} link", relative_ok=False)
    for where, detail in details:
        if detail and detail.get("type") in ("text/html", "application/xhtml+xml"):
            assert_inert_html(detail["value"], f"feedparser {where}")
    return parsed


def _elements(value: str) -> list[lxml_html.HtmlElement]:
    if not value.strip():
        return []
    root = lxml_html.fragment_fromstring(value, create_parent="div")
    return [e for e in root.iter() if isinstance(e.tag, str) and e is not root]


def _local(tag: object) -> str:
    text = str(tag).lower()
    return text.rsplit("}", 1)[-1]


def _urls_in(name: str, value: str) -> list[str]:
    if name == "srcset":
        return [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
    if name == "content":  # <meta http-equiv=refresh content="0;url=…">
        return [value.split("url=", 1)[1]] if "url=" in value.lower() else []
    return [value]


def _text_of(parent: etree._Element, tag: str) -> str | None:
    element = parent.find(tag)
    return None if element is None else (element.text or "")


def _atom_fields(root: etree._Element) -> list[Field]:
    fields: list[Field] = []
    for holder, where in [
        (root, "feed"),
        *[(e, f"entry {i}") for i, e in enumerate(root.iter(f"{ATOM}entry"))],
    ]:
        for name in ("title", "subtitle", "summary", "content", "rights"):
            element = holder.find(f"{ATOM}{name}")
            if element is None:
                continue
            kind = element.get("type", "text")
            if kind == "xhtml":
                value = "".join(etree.tostring(c, encoding="unicode") for c in element)
                fields.append(Field(f"{where} {name}", "html", value))
            else:
                html_kind: Kind = "html" if kind == "html" else "text"
                fields.append(Field(f"{where} {name}", html_kind, element.text or ""))
        for person in ("author", "contributor"):
            for element in holder.findall(f"{ATOM}{person}"):
                fields.append(
                    Field(f"{where} {person}", "text", element.findtext(f"{ATOM}name") or "")
                )
                uri = element.findtext(f"{ATOM}uri")
                if uri is not None:
                    fields.append(Field(f"{where} {person} uri", "url", uri))
        for element in holder.findall(f"{ATOM}category"):
            fields.append(Field(f"{where} category term", "text", element.get("term") or ""))
            fields.append(Field(f"{where} category label", "text", element.get("label") or ""))
        for element in holder.findall(f"{ATOM}link"):
            fields.append(
                Field(f"{where} link {element.get('rel')}", "url", element.get("href") or "")
            )
    return fields


def _rss_fields(root: etree._Element) -> list[Field]:
    channel = root.find("channel")
    assert channel is not None
    fields: list[Field] = []
    holders = [
        (channel, "channel"),
        *[(e, f"item {i}") for i, e in enumerate(channel.iter("item"))],
    ]
    for holder, where in holders:
        for name in ("title", "description"):
            value = _text_of(holder, name)
            if value is not None:
                fields.append(Field(f"{where} {name}", "text-html", value))
        encoded = _text_of(holder, f"{CONTENT}encoded")
        if encoded is not None:
            fields.append(Field(f"{where} content:encoded", "html", encoded))
        for name in (f"{DC}creator", f"{DC}contributor", "category", "author"):
            for element in holder.findall(name):
                fields.append(Field(f"{where} {name}", "text", element.text or ""))
        link = _text_of(holder, "link")
        if link is not None:
            fields.append(Field(f"{where} link", "url", link))
        for element in holder.findall("enclosure"):
            fields.append(Field(f"{where} enclosure", "url", element.get("url") or ""))
        for element in holder.findall(f"{ATOM}link"):
            fields.append(Field(f"{where} atom:link", "url", element.get("href") or ""))
    return fields


def _json_fields(feed: dict[str, Any]) -> list[Field]:
    fields: list[Field] = []
    holders = [(feed, "feed"), *[(item, f"item {i}") for i, item in enumerate(feed["items"])]]
    for holder, where in holders:
        for name in ("title", "description", "summary", "content_text"):
            if name in holder:
                fields.append(Field(f"{where} {name}", "text", holder[name]))
        if "content_html" in holder:
            fields.append(Field(f"{where} content_html", "html", holder["content_html"]))
        for name in ("home_page_url", "feed_url", "next_url", "url", "external_url", "image"):
            if name in holder:
                fields.append(Field(f"{where} {name}", "url", holder[name]))
        for author in holder.get("authors", []):
            fields.append(Field(f"{where} author", "text", author["name"]))
            if "url" in author:
                fields.append(Field(f"{where} author url", "url", author["url"]))
        for tag in holder.get("tags", []):
            fields.append(Field(f"{where} tag", "text", tag))
        for hub in holder.get("hubs", []):
            fields.append(Field(f"{where} hub", "url", hub["url"]))
        outlet = holder.get("_feedsvc", {}).get("outlet")
        if outlet is not None:
            fields.append(Field(f"{where} _feedsvc.outlet", "text", outlet))
    return fields
