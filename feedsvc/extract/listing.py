"""List pages: article links with their titles and dates, by selectors or automatically.

Automatic detection groups the page's anchors by their *structural path* — the tag and
first class of every ancestor, so the 20 ``<li>`` rows of one news list share a key while
the menu, the sidebar and the footer get keys of their own. Each group is scored::

    score = links × headline(median title length in characters)
                  × (1 + date share) × chrome penalty × related-block penalty

* ``links``: distinct same-site article URLs in the group (pagination, ``javascript:``,
  ``#`` and off-site links were removed before grouping).
* ``headline``: ``min(median length, 40) / 40`` measured in characters, because Chinese
  headlines have no spaces; groups whose median is under 5 characters (menus, tags, "更多")
  score 0.
* ``date share``: the fraction of links with a date next to them (in the row's text
  outside the anchor) or in the URL (``/2023-05/18/``, ``t20230518_``, ``/20230518/``).
  News lists are dated; menus are not.
* ``chrome penalty``: ×0.2 when the group sits inside ``nav``/``header``/``footer``/``aside``
  or an element whose class/id says nav, menu, footer, sidebar….
* ``related-block penalty``: ×0.1 when a heading before the group's block reads 相关阅读,
  热门文章, 最新文章, 推荐, 排行, 友情链接, Related, Popular, Recent posts….

The best group wins; its items keep page order, de-duplicated by URL.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from urllib.parse import urlsplit

import lxml.html

from feedsvc.errors import ExtractError
from feedsvc.extract.content import is_related_heading
from feedsvc.extract.dates import ParsedTime, date_from_url, find_datetime_in_text, parse_datetime
from feedsvc.extract.dom import (
    absolute_url,
    clean_text,
    iter_elements,
    parse_html,
    registrable_domain,
    short_text,
    text_of,
)
from feedsvc.extract.selecting import Compiled, compile_selector
from feedsvc.models import ListItem, ListPage, Selectors

__all__ = ["extract_list", "find_next_page"]

_NEXT_TEXT = re.compile(
    r"^(?:下一页|下页|下一頁|后页|後頁|next(?: page)?|older(?: posts| entries)?|more)\s*[>»›]*$"
    r"|^[>»›]$",
    re.I,
)
_PAGINATION_TEXT = re.compile(
    r"^(?:\d{1,4}|上一页|下一页|上页|下页|首页|尾页|末页|前页|后页|第\s*\d+\s*页|prev(?:ious)?|next|first|last"
    r"|older(?: posts)?|newer(?: posts)?|more|更多|[<>«»‹›]+)\s*[<>«»‹›]*$",
    re.I,
)
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
_CHROME_MARK = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|footer|foot|header|head|top|sidebar|side|aside"
    r"|breadcrumbs?|crumbs?|friend|links|copyright|pager|pagination|tags?)(?:$|[\s_-]|\d)",
    re.I,
)
_ROW_TEXT_LIMIT = 300  # a date beside a link is near it; longer rows are teasers
_HEADLINE_FULL = 40
_MIN_HEADLINE = 5
_HEADING_TAGS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "strong", "b", "span", "div", "p", "em"}
)


@dataclass
class _Link:
    anchor: lxml.html.HtmlElement
    url: str
    title: str


@dataclass
class _Group:
    key: tuple[str, ...]
    links: list[_Link] = field(default_factory=list)


def _selector(selectors: Selectors, name: str, page_url: str) -> Compiled | None:
    text: str | None = getattr(selectors, name)
    if not text:
        return None
    try:
        return compile_selector(text)
    except ValueError as exc:
        raise ExtractError(page_url, f"selector {name}={text!r}: {exc}") from exc


def _signature(el: lxml.html.HtmlElement) -> str:
    cls = (el.get("class") or "").split()
    first = re.sub(r"\d+", "", cls[0]) if cls else ""
    return f"{el.tag}.{first}" if first else str(el.tag)


def _path_key(anchor: lxml.html.HtmlElement) -> tuple[str, ...]:
    parts = [_signature(anchor)]
    for parent in anchor.iterancestors():
        if parent.tag in ("body", "html"):
            break
        parts.append(_signature(parent))
    return tuple(reversed(parts))


def _anchor_title(anchor: lxml.html.HtmlElement) -> str:
    text = text_of(anchor)
    attr = clean_text(anchor.get("title"))
    # Lists truncate long headlines ("…"); the title attribute keeps the full one.
    if attr and (not text or (len(attr) > len(text) and attr[:3] == text[:3])):
        return attr
    return text


def _same_site(url: str, site: str) -> bool:
    return registrable_domain(url) == site


def _candidate_links(root: lxml.html.HtmlElement, page_url: str) -> list[_Link]:
    site = registrable_domain(page_url)
    page = page_url.split("#", 1)[0]
    links: list[_Link] = []
    for anchor in iter_elements(root, "a"):
        url = absolute_url(page_url, anchor.get("href"))
        if url is None or url == page or not _same_site(url, site):
            continue
        title = _anchor_title(anchor)
        if not title or _PAGINATION_TEXT.match(title):
            continue
        path = urlsplit(url).path
        if path in ("", "/") and not urlsplit(url).query:
            continue  # the site's home page
        links.append(_Link(anchor, url, title))
    return links


def _in_chrome(el: lxml.html.HtmlElement) -> bool:
    for parent in el.iterancestors():
        if parent.tag in _CHROME_TAGS:
            return True
        marker = f"{parent.get('class') or ''} {parent.get('id') or ''}".strip()
        if marker and _CHROME_MARK.search(marker):
            return True
    return False


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement | None:
    if not elements:
        return None
    chain = [elements[0], *elements[0].iterancestors()]
    common = set(chain)
    for el in elements[1:]:
        common &= {el, *el.iterancestors()}
    for candidate in chain:
        if candidate in common:
            return candidate
    return None


def _is_heading(el: lxml.html.HtmlElement) -> bool:
    text = short_text(el, 40)
    return text is not None and is_related_heading(text)


def _preceding_heading(block: lxml.html.HtmlElement) -> bool:
    """True when a 相关阅读/热门文章…-style label introduces the block (checked upwards)."""
    current: lxml.html.HtmlElement | None = block
    for _ in range(4):
        if current is None or current.tag in ("body", "html"):
            return False
        # The block's own first child may be its heading.
        first = next((c for c in current if isinstance(c.tag, str)), None)
        if first is not None and first.tag in _HEADING_TAGS and _is_heading(first):
            return True
        sibling = current.getprevious()
        while sibling is not None and not isinstance(sibling.tag, str):
            sibling = sibling.getprevious()
        if sibling is not None and _is_heading(sibling):
            return True
        current = current.getparent()
    return False


def _row(
    anchor: lxml.html.HtmlElement, counts: dict[lxml.html.HtmlElement, int]
) -> lxml.html.HtmlElement:
    """The largest ancestor that holds only this one link of the group: the list row."""
    row = anchor
    for parent in anchor.iterancestors():
        if counts.get(parent, 0) > 1:
            break
        row = parent
    return row


def _row_text(row: lxml.html.HtmlElement, anchor: lxml.html.HtmlElement) -> str:
    if row is anchor:
        # Rows that are bare links: the date is the text right after the link.
        tail = anchor.tail or ""
        nxt = anchor.getnext()
        extra = text_of(nxt) if nxt is not None and nxt.tag != "a" else ""
        return clean_text(f"{tail} {extra}")
    whole = text_of(row)
    title = text_of(anchor)
    return whole.replace(title, " ", 1) if title else whole


def _dates(group: _Group, tz: tzinfo, now: datetime) -> list[ParsedTime | None]:
    counts: dict[lxml.html.HtmlElement, int] = {}
    for link in group.links:
        for parent in link.anchor.iterancestors():
            counts[parent] = counts.get(parent, 0) + 1
    out: list[ParsedTime | None] = []
    for link in group.links:
        row = _row(link.anchor, counts)
        text = _row_text(row, link.anchor)[:_ROW_TEXT_LIMIT]
        found = find_datetime_in_text(text, tz=tz, now=now) if text else None
        out.append(found or date_from_url(link.url, tz=tz, now=now))
    return out


def _dedupe(links: list[_Link]) -> list[_Link]:
    seen: dict[str, int] = {}
    out: list[_Link] = []
    for link in links:
        if link.url in seen:
            kept = out[seen[link.url]]
            if len(link.title) > len(kept.title):
                out[seen[link.url]] = _Link(kept.anchor, kept.url, link.title)
            continue
        seen[link.url] = len(out)
        out.append(link)
    return out


def _median_length(group: _Group) -> float:
    return float(statistics.median(len(link.title) for link in group.links))


def _score(group: _Group, dates: list[ParsedTime | None]) -> float:
    n = len(group.links)
    if n < 2:
        return 0.0
    median = _median_length(group)
    if median < _MIN_HEADLINE:
        return 0.0
    headline = min(median, _HEADLINE_FULL) / _HEADLINE_FULL
    date_share = sum(1 for d in dates if d is not None) / n
    score = n * headline * (1 + date_share)
    anchors = [link.anchor for link in group.links]
    if _in_chrome(anchors[0]):
        score *= 0.2
    block = _common_ancestor(anchors)
    if block is not None and _preceding_heading(block):
        score *= 0.1
    return score


def _auto_items(
    root: lxml.html.HtmlElement, page_url: str, tz: tzinfo, now: datetime
) -> tuple[list[ListItem], str]:
    groups: dict[tuple[str, ...], _Group] = {}
    for link in _candidate_links(root, page_url):
        key = _path_key(link.anchor)
        groups.setdefault(key, _Group(key)).links.append(link)
    best: tuple[float, _Group, list[ParsedTime | None]] | None = None
    for group in groups.values():
        group.links = _dedupe(group.links)
        if len(group.links) < 2 or _median_length(group) < _MIN_HEADLINE:
            continue  # cannot score above 0; skip the costly date search
        dates = _dates(group, tz, now)
        score = _score(group, dates)
        if score > 0 and (best is None or score > best[0]):
            best = (score, group, dates)
    if best is None:
        return [], "auto:none"
    _, group, dates = best
    items = [
        ListItem(
            url=link.url,
            title=link.title,
            published=d.value if d else None,
            published_has_time=d.has_time if d else False,
        )
        for link, d in zip(group.links, dates, strict=True)
    ]
    return items, "auto:" + "/".join(group.key[-4:])


def _selector_items(
    root: lxml.html.HtmlElement, page_url: str, selectors: Selectors, tz: tzinfo, now: datetime
) -> list[ListItem]:
    item_sel = _selector(selectors, "item", page_url)
    link_sel = _selector(selectors, "link", page_url)
    title_sel = _selector(selectors, "title", page_url)
    date_sel = _selector(selectors, "date", page_url)
    scopes = item_sel.elements(root) if item_sel else []
    if item_sel is None:
        # Without an item selector every link match is its own row.
        anchor_sel = link_sel or title_sel or compile_selector("a@href")
        scopes = anchor_sel.elements(root)
    items: list[ListItem] = []
    seen: set[str] = set()
    for scope in scopes:
        url = _selected_link(scope, link_sel if item_sel else None, page_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        title = title_sel.first(scope) if title_sel and item_sel else None
        if title is None:
            anchor = scope if scope.tag == "a" else scope.find(".//a[@href]")
            title = _anchor_title(anchor) if anchor is not None else text_of(scope)
        parsed = None
        if date_sel is not None and item_sel is not None:
            raw = date_sel.first(scope)
            if raw:
                parsed = parse_datetime(raw, tz=tz, now=now) or find_datetime_in_text(
                    raw, tz=tz, now=now
                )
        items.append(
            ListItem(
                url=url,
                title=title or None,
                published=parsed.value if parsed else None,
                published_has_time=parsed.has_time if parsed else False,
            )
        )
    return items


def _selected_link(
    scope: lxml.html.HtmlElement, link_sel: Compiled | None, page_url: str
) -> str | None:
    if link_sel is not None:
        candidates = link_sel.hrefs(scope)
    elif scope.tag == "a":
        candidates = [scope.get("href") or ""]
    else:
        anchor = scope.find(".//a[@href]")
        candidates = [anchor.get("href") or ""] if anchor is not None else []
    return next((u for u in (absolute_url(page_url, c) for c in candidates) if u), None)


def find_next_page(
    root: lxml.html.HtmlElement, page_url: str, selector: Compiled | None = None
) -> str | None:
    """The next list page: the ``next_page`` selector, ``rel=next``, or a 下一页/Next link."""
    if selector is not None:
        return next(
            (u for u in (absolute_url(page_url, h) for h in selector.hrefs(root)) if u), None
        )
    for el in root.xpath("//link[@rel] | //a[@rel]"):
        if (
            isinstance(el, lxml.html.HtmlElement)
            and "next" in (el.get("rel") or "").lower().split()
        ):
            url = absolute_url(page_url, el.get("href"))
            if url and url != page_url:
                return url
    for anchor in iter_elements(root, "a"):
        label = text_of(anchor) or clean_text(anchor.get("title"))
        if label and _NEXT_TEXT.match(label):
            url = absolute_url(page_url, anchor.get("href"))
            if url and url != page_url:
                return url
    return None


def extract_list(
    html: str,
    page_url: str,
    *,
    selectors: Selectors | None,
    tz: tzinfo,
    now: datetime,
) -> ListPage:
    """Article links on a list page, in page order, with absolute URLs and parsed dates.

    With ``selectors`` (``item``, ``link``, ``title``, ``date``, ``next_page``) they decide;
    otherwise the automatic detection described in this module's docstring runs.
    Raises ExtractError for an unparseable page or a selector that does not compile.
    """
    try:
        root = parse_html(html)
    except ValueError as exc:
        raise ExtractError(page_url, str(exc)) from exc
    uses_selectors = selectors is not None and any(
        (selectors.item, selectors.link, selectors.title)
    )
    if selectors is not None and uses_selectors:
        items = _selector_items(root, page_url, selectors, tz, now)
        rule = "selectors"
    else:
        items, rule = _auto_items(root, page_url, tz, now)
    next_sel = _selector(selectors, "next_page", page_url) if selectors is not None else None
    return ListPage(tuple(items), find_next_page(root, page_url, next_sel), rule)
