"""The list page's active navigation item names its channel, carried to every item."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedsvc.extract import detect_list, extract_list
from feedsvc.models import Selectors

NOW = datetime(2024, 6, 1, tzinfo=UTC)
URL = "https://m.card-portal.example.cn/sports/"
CARDS = "".join(
    f"<div class='card'><a href='/sports/2024/05{d:02d}/{d}.html'>"
    f"第{d}号体育新闻标题，内容足够长</a>"
    f"<span>2024-05-{d:02d}</span></div>"
    for d in range(1, 9)
)


def nav(mark: str) -> str:
    items = [("/", "首页"), ("/sports/", "体育"), ("/finance/", "财经"), ("/society/", "社会")]
    lis = "".join(
        f"<li{mark if name == '体育' else ''}><a href='{href}'>{name}</a></li>"
        for href, name in items
    )
    return f"<ul class='tabs'>{lis}</ul>"


@pytest.mark.parametrize(
    "mark", [" class='active'", " class='nav-item current'", " class='on'", " aria-current='page'"]
)
@pytest.mark.parametrize("selectors", [None, Selectors(item="div.card", link="a")])
def test_items_carry_the_active_channel(mark: str, selectors: Selectors | None) -> None:
    html = f"<html><body>{nav(mark)}<div class='list'>{CARDS}</div></body></html>"
    page = extract_list(html, URL, selectors=selectors, tz=UTC, now=NOW)
    assert len(page.items) == 8
    assert {item.category for item in page.items} == {"体育"}


def test_no_marked_channel_or_home_marked_gives_no_category() -> None:
    for navigation in (
        nav(""),
        nav("").replace("<li><a href='/'>", "<li class='active'><a href='/'>"),
    ):
        html = f"<html><body>{navigation}<div class='list'>{CARDS}</div></body></html>"
        page = extract_list(html, URL, selectors=None, tz=UTC, now=NOW)
        assert page.items and {item.category for item in page.items} == {None}


def test_an_active_element_outside_a_navigation_row_is_no_channel() -> None:
    html = (
        "<html><body><div class='slider'>"
        "<div class='active'>今日焦点：全市春耕生产有序推进</div></div>"
        f"<div class='list'>{CARDS}</div></body></html>"
    )
    page = extract_list(html, URL, selectors=None, tz=UTC, now=NOW)
    assert {item.category for item in page.items} == {None}


def test_detection_carries_the_channel_too() -> None:
    marked = nav(" class='active'")
    html = f"<html><body>{marked}<div class='list'>{CARDS}</div></body></html>"
    found = detect_list(html, URL, tz=UTC, now=NOW)
    assert found.winner is not None and found.candidates[0] is found.winner
    assert {item.category for item in found.winner.items} == {"体育"}
