"""detect_list: candidates, exclusions, row fields, pagination and selector suggestions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from feedsvc.extract import detect_list, extract_list, guess_page_url
from feedsvc.extract.dom import parse_html
from feedsvc.extract.pagination import find_next_page, is_pagination_url
from feedsvc.models import ListPage

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=SH)
PAGE = "http://news.example.cn/bd/"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def run(html: str, url: str = PAGE) -> ListPage:
    return extract_list(html, url, selectors=None, tz=SH, now=NOW)


def rows(n: int, prefix: str = "/bd/2026/1119/") -> str:
    return "".join(
        f'<li><a href="{prefix}{i}.html">本地新闻标题第{i}条 城市建设持续推进</a>'
        f"<span>2026-11-{19 - i:02d}</span></li>"
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://a.cn/xxgk/index_1.html", True),
        ("http://a.cn/news/list_12.shtml", True),
        ("http://a.cn/news/?page=2", True),
        ("http://a.cn/blog/page/3/", True),
        ("http://a.cn/news/t20230518_123.html", False),
        ("http://a.cn/news/2023-05/18/c_1001.html", False),
        ("http://a.cn/news/?id=2", False),
    ],
)
def test_pagination_urls(url: str, expected: bool) -> None:
    assert is_pagination_url(url) is expected


def test_numbered_pager_without_a_next_label() -> None:
    pager = "".join(f'<a href="index_{n}.html">{n + 1}</a>' for n in range(1, 5))
    html = page(f'<div class="page"><span>1</span>{pager}</div>')
    root = parse_html(html)
    assert find_next_page(root, "http://a.cn/gzdt/index.html") == "http://a.cn/gzdt/index_1.html"
    # On index_1.html (page two) the next one is "3".
    assert find_next_page(root, "http://a.cn/gzdt/index_1.html") == "http://a.cn/gzdt/index_2.html"


def test_rel_next_in_head_and_query_only_hrefs() -> None:
    head = '<link rel="next" href="/news/?page=2">'
    assert run(page(rows(3), head)).next_page_url == "http://news.example.cn/news/?page=2"
    html = page(rows(3) + '<a class="next" href="?page=2">下页 ›</a>')
    assert run(html).next_page_url == "http://news.example.cn/bd/?page=2"


def test_login_about_tag_pages_offsite_and_pagination_never_count() -> None:
    noise = "".join(
        f'<li><a href="{href}">{text}</a><span>2026-11-19</span></li>'
        for href, text in (
            ("/login.html", "用户登录 会员中心入口链接"),
            ("/about/", "关于我们 本网站的简介与联系方式"),
            ("/tag/weather/", "天气 相关的全部新闻标签页面"),
            ("https://other.example.com/a/1.html", "外站的新闻标题 不属于本站的链接"),
            ("/bd/index_2.html", "2"),
        )
    )
    found = run(page(f"<ul>{rows(4)}{noise}</ul>"))
    assert [i.url for i in found.items] == [
        f"http://news.example.cn/bd/2026/1119/{i}.html" for i in range(4)
    ]


def test_alternating_row_classes_form_one_list_and_channel_tags_drop() -> None:
    items = "".join(
        f'<li class="{("odd", "even")[i % 2]}"><a class="tag" href="/sh/">[社会]</a>'
        f'<a href="/bd/2026/1119/{i}.html">本地新闻标题第{i}条 城市建设持续推进</a></li>'
        for i in range(6)
    )
    found = run(page(f"<ul class='list'>{items}</ul>"))
    assert len(found.items) == 6
    assert all("/sh/" not in i.url for i in found.items)


def test_card_links_take_the_heading_and_relative_times_summary_and_image() -> None:
    labels = ["刚刚", "5分钟前", "3小时前", "昨天 10:20"]
    cards = "".join(
        f'<div class="card"><a href="/m/a/{i}.html"><img src="/img/dot.gif" width="4">'
        f'<img src="data:image/gif;base64,R0lGOD" data-src="/img/{i}.jpg">'
        f'<h3>卡片式新闻标题第{i}条 本地民生消息</h3><p class="meta">大众日报 {label}</p></a>'
        f'<p class="desc">这是第{i}条新闻的摘要内容，介绍了事件的来龙去脉和最新进展。</p></div>'
        for i, label in enumerate(labels)
    )
    found = run(page(f"<div class='feed'>{cards}</div>"))
    assert [i.title for i in found.items] == [
        f"卡片式新闻标题第{i}条 本地民生消息" for i in range(4)
    ]
    assert [i.published for i in found.items] == [
        NOW,
        datetime(2026, 11, 20, 9, 25, tzinfo=SH),
        datetime(2026, 11, 20, 6, 30, tzinfo=SH),
        datetime(2026, 11, 19, 10, 20, tzinfo=SH),
    ]
    assert found.items[0].image == "http://news.example.cn/img/0.jpg"
    assert found.items[1].summary is not None and found.items[1].summary.startswith("这是第1条")


def test_visible_dates_beat_dates_only_in_urls() -> None:
    url_dated = "".join(
        f'<li><a href="/zt/t2026111{i}_1.html">专题报道标题第{i}条 城市建设持续推进</a></li>'
        for i in range(5)
    )
    html = page(f"<ul class='a'>{url_dated}</ul><ul class='b'>{rows(4)}</ul>")
    assert run(html).items[0].url == "http://news.example.cn/bd/2026/1119/0.html"


def test_the_list_the_pager_follows_wins_a_close_call() -> None:
    other = rows(5, prefix="/tz/2026/1119/")
    main = rows(5)
    html = page(
        f"<div class='box'><ul>{other}</ul></div>"
        f"<div class='box'><ul>{main}</ul><div><a href='index_1.html'>下一页</a></div></div>"
    )
    found = detect_list(html, PAGE, tz=SH, now=NOW)
    assert found.winner is not None
    # Same structure, so one group: split here by the pager only when keys differ.
    assert len(found.winner.items) == 10
    html = page(
        f"<div class='side'><ul class='x'>{other}</ul></div>"
        f"<div class='main'><ul class='y'>{main}</ul><a href='index_1.html'>下一页</a></div>"
    )
    found = detect_list(html, PAGE, tz=SH, now=NOW)
    assert found.winner is not None
    assert found.winner.signals.get("pager_follows") == 1.5
    assert found.winner.items[0].url.startswith("http://news.example.cn/bd/")


def test_candidates_are_ranked_and_suggested_selectors_reproduce_the_winner() -> None:
    related = "".join(
        f'<li><a href="/r/{i}.html">相关的新闻标题第{i}条 内容比较长一些</a></li>' for i in range(8)
    )
    html = page(
        "<div id='main'><table class='list'>"
        + "".join(
            f'<tr><td class="t"><a href="/bd/{i}.html">表格新闻标题第{i}条 城市建设推进</a></td>'
            f'<td class="d">2026-11-{10 + i}</td></tr>'
            for i in range(6)
        )
        + f"</table></div><div class='r'><h3>相关阅读</h3><ul>{related}</ul></div>"
    )
    found = detect_list(html, PAGE, tz=SH, now=NOW)
    assert found.winner is not None and found.candidates[0] is found.winner
    scores = [c.score for c in found.candidates]
    assert scores == sorted(scores, reverse=True) and len(found.candidates) >= 2
    assert found.candidates[1].signals.get("related_label") == "相关阅读"
    pins = found.winner.selector_suggestion
    assert pins.item is not None and pins.item.startswith("div#main")
    assert pins.date == "td.d"
    pinned = extract_list(html, PAGE, selectors=pins, tz=SH, now=NOW)
    assert [i.url for i in pinned.items] == [i.url for i in found.winner.items]
    assert [i.published for i in pinned.items] == [i.published for i in found.winner.items]


def test_guess_page_url() -> None:
    canonical = page("", '<link rel="canonical" href="https://www.example.cn/news/">')
    assert guess_page_url(parse_html(canonical)) == "https://www.example.cn/news/"
    absolute = page(
        "".join(f'<a href="https://news.example.cn/a/{i}.html">x</a>' for i in range(5))
        + '<a href="https://www.gov.cn/">gov</a>'
    )
    assert guess_page_url(parse_html(absolute)) == "https://news.example.cn/"
    relative = page(
        "".join(f'<a href="a/{i}.html">x</a>' for i in range(5))
        + '<a href="https://www.gov.cn/">gov</a>'
    )
    assert guess_page_url(parse_html(relative)) is None


def test_bare_month_day_columns_are_dates_in_lists_only_when_alone() -> None:
    items = "".join(
        f'<li><a href="/bd/{i}.html">本地新闻标题第{i}条 城市建设持续推进</a><em>{label}</em></li>'
        for i, label in enumerate(["[11-19]", "12.31", "3.5万阅读"])
    )
    found = run(page(f"<ul>{items}</ul>"))
    assert [i.published for i in found.items] == [
        datetime(2026, 11, 19, tzinfo=SH),
        datetime(2025, 12, 31, tzinfo=SH),  # not in the future: last year's
        None,
    ]
