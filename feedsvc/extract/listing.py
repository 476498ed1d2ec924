"""List pages: article links with their titles and dates, by selectors or automatically.

With selectors (``item``, ``link``, ``title``, ``date``, ``next_page``) they decide; without,
:mod:`feedsvc.extract.listdetect` finds the main list. :func:`extract_list` is the thin
entry point the refresh worker uses; :func:`detect_list` also returns the runner-up
candidates and suggested selectors, for ``feedsvc check``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, tzinfo

import lxml.html

from feedsvc.errors import ExtractError
from feedsvc.extract.channels import active_nav_category
from feedsvc.extract.dates import find_datetime_in_text, parse_datetime
from feedsvc.extract.dom import absolute_url, parse_html, text_of
from feedsvc.extract.listdetect import Candidate, ListDetection, anchor_title, detect_in_tree
from feedsvc.extract.pagination import find_next_page
from feedsvc.extract.selecting import Compiled, compile_selector, source_selector
from feedsvc.models import ListItem, ListPage, Selectors

__all__ = ["Candidate", "ListDetection", "detect_list", "extract_list", "find_next_page"]


def _selector_items(
    root: lxml.html.HtmlElement, page_url: str, selectors: Selectors, tz: tzinfo, now: datetime
) -> list[ListItem]:
    item_sel = source_selector(selectors, "item", page_url)
    link_sel = source_selector(selectors, "link", page_url)
    title_sel = source_selector(selectors, "title", page_url)
    date_sel = source_selector(selectors, "date", page_url)
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
            title = anchor_title(anchor) if anchor is not None else text_of(scope)
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
    next_sel = source_selector(selectors, "next_page", page_url) if selectors is not None else None
    if selectors is not None and uses_selectors:
        items = _selector_items(root, page_url, selectors, tz, now)
        return ListPage(
            _with_channel(items, root), find_next_page(root, page_url, next_sel), "selectors"
        )
    found = detect_in_tree(root, page_url, tz=tz, now=now, runner_ups=0, suggest=False)
    winner = found.winner
    next_url = find_next_page(root, page_url, next_sel) if next_sel else found.next_page_url
    return ListPage(
        _with_channel(winner.items if winner else (), root),
        next_url,
        winner.rule if winner else "auto:none",
    )


def _with_channel(items: Sequence[ListItem], root: lxml.html.HtmlElement) -> tuple[ListItem, ...]:
    """Items carry the channel the list page's navigation marks as shown."""
    channel = active_nav_category(root) if items else None
    if channel is None:
        return tuple(items)
    return tuple(replace(item, category=channel) for item in items)


def detect_list(html: str, page_url: str, *, tz: tzinfo, now: datetime) -> ListDetection:
    """Automatic detection with its evidence: the winner, runner-ups and selectors to pin.

    Raises ExtractError for an unparseable page.
    """
    try:
        root = parse_html(html)
    except ValueError as exc:
        raise ExtractError(page_url, str(exc)) from exc
    found = detect_in_tree(root, page_url, tz=tz, now=now)
    if found.winner is None:
        return found
    # The winner's items carry the channel like extract_list's (``feedsvc check`` shows them).
    winner = replace(found.winner, items=_with_channel(found.winner.items, root))
    return replace(found, winner=winner, candidates=(winner, *found.candidates[1:]))
