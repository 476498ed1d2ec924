"""Structured data declared by the page: JSON-LD, OpenGraph / ``article:*`` / named meta,
``<time datetime>``, ``<link rel=canonical>`` and ``<html lang>``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html

from feedsvc.extract.dom import clean_text, iter_elements
from feedsvc.langtag import page_language

__all__ = ["JsonLd", "PageMeta", "read_json_ld", "read_meta"]

_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "scholarlyarticle",
        "techarticle",
        "report",
        "liveblogposting",
        "socialmediaposting",
        "posting",
    }
)


@dataclass(frozen=True)
class JsonLd:
    """The fields feedsvc uses from the page's first article-typed JSON-LD object."""

    headline: str | None = None
    name: str | None = None  # some pages put the title here and a description in headline
    published: str | None = None
    modified: str | None = None
    author: str | None = None
    section: str | None = None
    image: str | None = None
    description: str | None = None
    url: str | None = None
    breadcrumbs: tuple[str, ...] = ()


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every object in a JSON-LD value, flattening lists and ``@graph``."""
    out: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[0:0] = item
        elif isinstance(item, dict):
            out.append(item)
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)
    return out


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def _name(value: Any) -> str | None:
    """A person/org/section name from a string, an object with ``name``, or a list of them."""
    if isinstance(value, str):
        text = clean_text(value)
        return text or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _url(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _url(value.get("url") or value.get("contentUrl") or value.get("@id"))
    if isinstance(value, list) and value:
        return _url(value[0])
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return clean_text(value) or None
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _loads(raw: str) -> Any:
    # Pages embed raw newlines/tabs inside strings and trailing semicolons; be lenient.
    text = raw.strip().rstrip(";")
    text = re.sub(r"^\s*<!--|-->\s*$", "", text)
    # XHTML-minded templates wrap the object in CDATA ("<![CDATA[ {...} ]]>", or with //).
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", text).strip().rstrip(";")
    try:
        return json.loads(text, strict=False)
    except ValueError:
        return None


def _position(item: dict[str, Any]) -> int:
    position = item.get("position")
    return position if isinstance(position, int) else 0


def read_json_ld(root: lxml.html.HtmlElement) -> JsonLd:
    objects: list[dict[str, Any]] = []
    for script in root.xpath("//script[contains(translate(@type,'LDJSON','ldjson'),'ld+json')]"):
        if isinstance(script, lxml.html.HtmlElement) and script.text:
            objects.extend(_walk(_loads(script.text)))
    article = next((o for o in objects if _types(o) & _ARTICLE_TYPES), None)
    crumbs: tuple[str, ...] = ()
    for obj in objects:
        if "breadcrumblist" in _types(obj):
            items = obj.get("itemListElement")
            if isinstance(items, list):
                ordered = sorted(
                    (i for i in items if isinstance(i, dict)),
                    key=_position,
                )
                names = [_name(i.get("name")) or _name(i.get("item")) for i in ordered]
                crumbs = tuple(n for n in names if n)
            break
    if article is None:
        return JsonLd(breadcrumbs=crumbs)
    return JsonLd(
        headline=_text(article.get("headline")) or _text(article.get("name")),
        name=_text(article.get("name")),
        published=_text(article.get("datePublished")) or _text(article.get("dateCreated")),
        modified=_text(article.get("dateModified")),
        author=_name(article.get("author")),
        section=_text(article.get("articleSection")),
        image=_url(article.get("image")) or _url(article.get("thumbnailUrl")),
        description=_text(article.get("description")),
        url=_url(article.get("url")) or _url(article.get("mainEntityOfPage")),
        breadcrumbs=crumbs,
    )


@dataclass(frozen=True)
class PageMeta:
    """``<meta>`` values keyed by lower-cased name/property (first occurrence wins)."""

    values: dict[str, str] = field(default_factory=dict)
    canonical: str | None = None
    lang: str | None = None
    # Every distinct value of a repeated name, in page order: one <meta> per co-author.
    repeated: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, *keys: str) -> str | None:
        for key in keys:
            value = self.values.get(key)
            if value:
                return value
        return None

    def get_all(self, key: str) -> tuple[str, ...]:
        """All values of ``key`` in page order (empty when absent)."""
        value = self.values.get(key)
        return self.repeated.get(key, (value,) if value else ())


def read_meta(root: lxml.html.HtmlElement) -> PageMeta:
    values: dict[str, str] = {}
    seen: dict[str, list[str]] = {}
    for meta in iter_elements(root, "meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            text = clean_text(content)
            # RDFa allows several properties in one attribute: "og:title twitter:title".
            for one in key.lower().split():
                values.setdefault(one, text)
                found = seen.setdefault(one, [])
                if text not in found:
                    found.append(text)
        equiv = meta.get("http-equiv")
        if equiv and content and equiv.strip().lower() == "content-language":
            values.setdefault("content-language", content.strip())
    canonical = None
    for link in iter_elements(root, "link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            canonical = link.get("href", "").strip() or None
            break
    lang = root.get("lang") or root.get("xml:lang") or values.get("content-language")
    repeated = {key: tuple(found) for key, found in seen.items() if len(found) > 1}
    return PageMeta(values, canonical, page_language(lang or values.get("og:locale")), repeated)
