"""The category of a page without a breadcrumb: the channel it belongs to.

* On an article page, a link to the article's channel page: same host, its path a parent
  directory of the article's (``/sports/`` for ``/sports/2024/0510/123.html``), its text a
  section name (``体育``). The deepest such parent wins; the site root never does.
* On a list page, the navigation item marked as the one shown: ``class`` tokens
  ``active``/``current``/``on``/``selected``/``cur`` or ``aria-current``. The list scan
  carries it to every item (``ListItem.category``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html

from feedsvc.extract.breadcrumbs import crumbs_category
from feedsvc.extract.dom import absolute_url, text_of

__all__ = ["active_nav_category", "channel_link_category"]

_INDEX_FILE = re.compile(r"(?:^|/)(?:index|default|list|main)\w*\.\w+$", re.I)
_MAX_CHANNEL = 16  # characters of a channel's name
_ACTIVE = re.compile(r"^(?:active|current|on|selected|cur|is-active|is-current|now)$", re.I)
_NAV_BOX = ("nav", "ul", "ol", "div", "header", "menu")
_MIN_NAV_ITEMS = 3  # a navigation bar has several channels
# Links to the site's or a book's top, not to a channel: "回首页", "站点首页", "Contents".
_HOME = re.compile(
    r"(?:首页|主页)$|^(?:返回|目录|上一级|全部|home|homepage|index|all|contents|table of contents"
    r"|up|back|top)$",
    re.I,
)
_EDGE_PUNCT = " |｜/>»›<«‹-–—·•:："


def _directory(path: str) -> str:
    """A path as the directory a channel page stands for: ``/sports/index.html`` and
    ``/sports`` are both ``/sports/``."""
    path = _INDEX_FILE.sub("/", path) if _INDEX_FILE.search(path) else path
    return path if path.endswith("/") else path + "/"


def channel_link_category(
    root: lxml.html.HtmlElement, page_url: str, title: str | None
) -> str | None:
    """The name of the link to the article's own channel page (a parent path), or None."""
    page = urlsplit(page_url)
    here = page.path.rsplit("/", 1)[0] + "/"  # the article's directory
    best: tuple[int, str] | None = None
    for a in root.iter("a"):
        url = absolute_url(page_url, a.get("href"))
        if url is None:
            continue
        target = urlsplit(url)
        if target.netloc.lower() != page.netloc.lower() or target.query or target.fragment:
            continue
        channel = _directory(target.path)
        depth = channel.count("/") - 1
        if depth < 1 or not here.startswith(channel):
            continue  # the site root, or not a parent of this page
        text = text_of(a).strip(_EDGE_PUNCT)
        if not text or len(text) > _MAX_CHANNEL or _HOME.search(text):
            continue
        name = crumbs_category([text], title=title)
        if name and (best is None or depth > best[0]):
            best = (depth, name)
    return best[1] if best else None


def active_nav_category(root: lxml.html.HtmlElement) -> str | None:
    """The name of the navigation item a list page marks as the one shown, or None."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        marked = el.get("aria-current") in ("page", "true", "location") or any(
            _ACTIVE.match(token) for token in (el.get("class") or "").split()
        )
        if not marked or not _in_navigation(el):
            continue
        text = text_of(el).strip(_EDGE_PUNCT)
        if not text or len(text) > _MAX_CHANNEL or _HOME.search(text):
            continue
        name = crumbs_category([text], title=None)
        if name:
            return name
    return None


def _in_navigation(el: lxml.html.HtmlElement) -> bool:
    """Whether the element is one item of a row of links (a navigation bar or tabs)."""
    node: lxml.html.HtmlElement | None = el
    for _ in range(3):
        parent = node.getparent() if node is not None else None
        if parent is None or parent.tag not in _NAV_BOX:
            node = parent
            continue
        links = parent.findall(".//a")
        if len(links) >= _MIN_NAV_ITEMS and all(len(text_of(a)) <= _MAX_CHANNEL for a in links):
            return True
        node = parent
    return False
