"""Fingerprints for updates: what a reader would notice changing."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable

from lxml import etree
from yarl import URL

from feedsvc.normalize.text import SPACE, html_to_text
from feedsvc.safehtml import fragment


def _image_identities(html: str) -> Iterable[str]:
    # An image is its host and path: query strings on image URLs are mostly cache busters and
    # signed CDN tokens that rotate on every render.
    try:
        root = fragment(html)
    except (etree.ParserError, ValueError):
        return []
    identities = []
    for img in root.iter("img"):
        src = img.get("src") or ""
        try:
            parsed = URL(src)
            identities.append(f"{parsed.raw_host or ''}{parsed.raw_path}")
        except ValueError:
            identities.append(src)
    return identities


def content_hash(title: str, content_html: str) -> str:
    """sha256 hex of what a reader would notice changing: the title, the text, the images.

    Markup, attribute order, whitespace, Unicode compatibility forms (full-width vs
    half-width) and image query strings do not count; a changed word or picture does.
    """
    parts = [
        unicodedata.normalize("NFKC", SPACE.sub(" ", title).strip()),
        unicodedata.normalize("NFKC", html_to_text(content_html)),
        *_image_identities(content_html),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
