"""Pictures: the lead image of an article and the decorations that are no picture of it
(icons, markers, template assets, SVG glyphs)."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

import lxml.html

from feedsvc.extract.dom import absolute_url, iter_elements
from feedsvc.safehtml import fragment

__all__ = ["declared_image", "drop_decorations", "first_image"]

# The picture a site declares for every page it has no better one for: "shareF2023.png",
# "social-placeholder.jpg", "fb_landscape_share.png", "defaultPromoCrop.png".
# A logo or icon only as the file's own name ("logo.png", "site-logo_200.png"): a story's
# picture may show one ("raspberry_pi_logo_mainimage8.jpg").
_SITE_DEFAULT = re.compile(
    r"default|placeholder|(?:^|[-_])share|avatar|blank|fb_landscape"
    r"|^(?:[\w-]*[-_])?(?:logo|icon)(?:[-_]?\d+)?\.\w+$",
    re.I,
)


def declared_image(page_url: str, value: str | None) -> str | None:
    """The image JSON-LD or og:image declares, unless it is the site's stock picture (a
    feed that shows the site's logo beside every entry shows nothing)."""
    url = absolute_url(page_url, value)
    if url is None:
        return None
    name = posixpath.basename(urlsplit(url).path)
    return None if _SITE_DEFAULT.search(name) else url


def first_image(html: str | None, page_url: str) -> str | None:
    """The first illustrating picture of the content (icons with a declared size left
    before readability, see ``drop_decorations``)."""
    if not html:
        return None
    try:
        frag = fragment(html)
    except (ValueError, lxml.etree.ParserError):
        return None
    for img in iter_elements(frag, "img"):
        src = (img.get("src") or "").strip()
        if not src or src.startswith("data:") or _is_decoration(img, src):
            continue
        url = absolute_url(page_url, src)
        if url and url != page_url:
            return url
    return None


def drop_decorations(root: lxml.html.HtmlElement) -> None:
    for img in list(iter_elements(root, "img")):
        src = (img.get("src") or "").strip()
        if src and not src.startswith("data:") and _is_decoration(img, src):
            img.drop_tree()  # keeps the tail text


# Pictures that decorate the page rather than illustrate the story: icons and markers
# (163.com ends every article with a 13×12 ``end_news.png``), template assets, SVG glyphs.
_DECORATION_PATH = re.compile(
    r"/(?:css|templates?|skins?|themes?|static/images?|icons?|emoji|smilies)/|icon|logo|avatar"
    r"|emoji|spacer|blank\.gif|\.svg(?:$|\?)",
    re.I,
)
_DECORATION_CLASS = re.compile(r"icon|logo|avatar|emoji|smiley|badge", re.I)
_MIN_LEAD_SIDE = 100  # px: anything smaller that says its size is an icon or a button


def _is_decoration(img: lxml.html.HtmlElement, src: str) -> bool:
    if _DECORATION_PATH.search(src) or _DECORATION_CLASS.search(img.get("class") or ""):
        return True
    sides = [img.get("width") or "", img.get("height") or ""]
    # sizes in the file name, as image CDNs write them: "…_w16_h16.png"
    in_name = re.search(r"[_-]w(\d+)[_-]?h(\d+)", src)
    if in_name:
        sides += list(in_name.groups())
    for side in sides:
        size = re.match(r"\s*(\d+)\s*(?:px)?\s*$", side)
        if size and int(size.group(1)) < _MIN_LEAD_SIDE:
            return True
    return False
