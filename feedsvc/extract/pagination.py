"""Pagination on list pages: which links page through the list, and which one is "next".

The next page is, in order of trust: a configured ``next_page`` selector, ``rel=next``
(``<link>`` or ``<a>``), a link labelled 下一页 / 下页 / Next / Older posts, and finally the
numbered link for the page after the current one (``2`` on page one, which is how
TRS-style government sites point at ``index_1.html``).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import lxml.html

from feedsvc.extract.dom import absolute_url, clean_text, iter_elements
from feedsvc.extract.selecting import Compiled

__all__ = [
    "find_next_page",
    "find_pager",
    "find_pager_anchor",
    "is_pagination_text",
    "is_pagination_url",
]

_NEXT_TEXT = re.compile(
    r"^(?:下一页|下页|下一頁|后页|後頁|后一页|next(?: page)?|older(?: posts| entries)?)\s*[>»›]*$"
    r"|^[>»›]$",
    re.I,
)
_PAGINATION_TEXT = re.compile(
    r"^(?:\d{1,4}|\[\d{1,4}\]|上一页|下一页|上页|下页|首页|尾页|末页|前页|后页|后一页|前一页"
    r"|第\s*\d+\s*页|共\s*\d+\s*页|跳转|go|prev(?:ious)?(?: page)?|next(?: page)?|first|last"
    r"|older(?: posts| entries)?|newer(?: posts| entries)?|[<>«»‹›…]+)\s*[<>«»‹›]*$",
    re.I,
)
# index_2.html, list_3.shtml, default_4.htm (TRS, DedeCMS, PHPCMS static pages)
_PAGE_FILE = re.compile(r"/(?:index|list|default|more|news)_\d+\.s?html?$", re.I)
_PAGE_PATH = re.compile(r"/(?:page|p)/\d+/?$", re.I)
_PAGE_PARAMS = frozenset({"page", "p", "pn", "pageno", "pagenum", "pageindex", "paged", "cp"})
_PAGE_NO_IN_URL = re.compile(r"(?:_|/page/|[?&](?:page|p|pn|pageno|paged)=)(\d+)", re.I)


_LABEL_MAX = 16


def is_pagination_text(text: str) -> bool:
    """Labels of pager links: page numbers, 上一页/下一页/尾页, Next, Older posts, »."""
    return _PAGINATION_TEXT.match(text) is not None


def is_pagination_url(url: str) -> bool:
    """URLs that are another page of a list (``index_1.html``, ``?page=2``, ``/page/3/``)."""
    parts = urlsplit(url)
    if _PAGE_FILE.search(parts.path) or _PAGE_PATH.search(parts.path):
        return True
    return any(
        k.lower() in _PAGE_PARAMS and v.isdigit()
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    )


def _by_selector(root: lxml.html.HtmlElement, page_url: str, selector: Compiled) -> str | None:
    return next((u for u in (absolute_url(page_url, h) for h in selector.hrefs(root)) if u), None)


def _current_page_number(page_url: str) -> int:
    """1 for a list's first page; TRS ``index_1.html`` is the second page."""
    parts = urlsplit(page_url)
    numbers = _PAGE_NO_IN_URL.findall(f"{parts.path}?{parts.query}")
    if not numbers or not is_pagination_url(page_url):
        return 1
    number = int(numbers[-1])
    return number + 1 if _PAGE_FILE.search(parts.path) else number


def find_pager(
    root: lxml.html.HtmlElement, page_url: str
) -> tuple[str, lxml.html.HtmlElement] | None:
    """The next page's URL and the element that links it (``rel=next`` may be a ``<link>``
    in the head; a labelled or numbered ``<a>`` is preferred as the element then)."""
    by_rel: tuple[str, lxml.html.HtmlElement] | None = None
    for el in root.xpath("//link[@rel] | //a[@rel]"):
        if (
            isinstance(el, lxml.html.HtmlElement)
            and "next" in (el.get("rel") or "").lower().split()
        ):
            url = absolute_url(page_url, el.get("href"))
            if url and url != page_url:
                by_rel = (url, el)
                break
    if by_rel is not None and by_rel[1].tag == "a":
        return by_rel
    numbered: tuple[str, lxml.html.HtmlElement] | None = None
    labelled: tuple[str, lxml.html.HtmlElement] | None = None
    wanted = str(_current_page_number(page_url) + 1)
    for anchor in iter_elements(root, "a"):
        raw = anchor.text_content()
        if len(raw) > _LABEL_MAX * 4:
            continue  # headlines, not pager labels
        label = clean_text(raw) or clean_text(anchor.get("title"))
        if not label:
            continue
        if _NEXT_TEXT.match(label):
            url = absolute_url(page_url, anchor.get("href"))
            if url and url != page_url:
                labelled = (url, anchor)
                break
        elif numbered is None and label.strip("[]") == wanted:
            url = absolute_url(page_url, anchor.get("href"))
            if url and url != page_url and is_pagination_url(url):
                numbered = (url, anchor)
    if by_rel is not None:
        # Trust rel=next's URL; point at the visible pager link when there is one.
        shown = labelled or numbered
        return (by_rel[0], shown[1]) if shown else by_rel
    return labelled or numbered


def find_pager_anchor(root: lxml.html.HtmlElement, page_url: str) -> lxml.html.HtmlElement | None:
    """The first pager link (上一页, a page number, 尾页, Newer posts) to another page of this
    list: where the pager sits even on the last page, which has no "next"."""
    for anchor in iter_elements(root, "a"):
        raw = anchor.text_content()
        if len(raw) > _LABEL_MAX * 4:
            continue
        label = clean_text(raw)
        if not label or not is_pagination_text(label):
            continue
        url = absolute_url(page_url, anchor.get("href"))
        if url and url != page_url and is_pagination_url(url):
            return anchor
    return None


def find_next_page(
    root: lxml.html.HtmlElement, page_url: str, selector: Compiled | None = None
) -> str | None:
    """The next list page's absolute URL, or None on the last (or only) page."""
    if selector is not None:
        return _by_selector(root, page_url, selector)
    found = find_pager(root, page_url)
    return found[0] if found else None
