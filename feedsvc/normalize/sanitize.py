"""Sanitizing: article HTML through the one allowlist (``safehtml``, nh3), with every URL
absolute; lxml only does the small rewrites ammonia cannot (lazy images, empty paragraphs).
"""

from __future__ import annotations

import re

from lxml import etree

from feedsvc.normalize.urls import absolute_http_url
from feedsvc.safehtml import allowlist, fragment, inner_html, strip_xml_illegal

# Lazy-loading attributes holding the real image URL, best first.
LAZY_SRC_ATTRIBUTES: tuple[str, ...] = (
    "data-src",
    "data-original",
    "data-lazy-src",
    "data-actualsrc",
    "data-url",
)
_PLACEHOLDER_SRC = re.compile(
    r"^(?:data:|about:blank)|(?:blank|spacer|loading|lazy)\.(?:gif|png|svg)", re.I
)
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})


def _promote_lazy_images(html: str) -> str:
    """Copy data-src / data-original into src when src is missing or a placeholder."""
    if "data-" not in html:
        return html
    try:
        root = fragment(html)
    except (etree.ParserError, ValueError):
        return html
    changed = False
    for img in root.iter("img"):
        real = next((img.get(a) for a in LAZY_SRC_ATTRIBUTES if (img.get(a) or "").strip()), None)
        src = (img.get("src") or "").strip()
        if real and (not src or _PLACEHOLDER_SRC.search(src)):
            img.set("src", real.strip())
            changed = True
    return inner_html(root) if changed else html


def _drop_empty_blocks(html: str) -> str:
    """Remove paragraphs and divs with no text and no image (``<p>&nbsp;</p>``, ``<p><br></p>``)."""
    if "<p" not in html and "<div" not in html:
        return html
    root = fragment(html)
    changed = False
    # Reverse document order so emptied parents are seen after their children.
    for element in reversed(list(root.iterdescendants("p", "div"))):
        if element.text_content().strip() or element.find(".//img") is not None:
            continue
        if element.find(".//hr") is not None or element.find(".//table") is not None:
            continue
        element.drop_tree()
        changed = True
    return inner_html(root) if changed else html


def sanitize_html(html: str, base_url: str) -> str:
    """Allowlisted, XML-safe HTML with every link and image URL absolute against ``base_url``.

    No scripts, styles, frames, forms, event handlers, ``style`` attributes or non-http(s)
    (``javascript:``, ``data:``) URLs survive; links get ``rel="noopener noreferrer"``.
    """
    text = strip_xml_illegal(html or "")
    if not text.strip():
        return ""
    text = _promote_lazy_images(text)

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in _URL_ATTRIBUTES:
            return value
        if tag == "a" and value.startswith("mailto:"):
            return value
        return absolute_http_url(value, base_url)

    cleaned = allowlist(text, absolute)
    return strip_xml_illegal(_drop_empty_blocks(cleaned)).strip()
