"""Every candidate of automatic detection (not only the winner) carries selectors that,
pinned as a source's selectors, give that candidate's items back: what an admin picking
a runner-up in the preview gets."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from feedsvc.extract import detect_list, extract_list
from feedsvc.extract.listdetect import Candidate

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=SH)
PAGE = "http://news.example.cn/bd/"


def _portal() -> str:
    """A portal front page: a main table (headlines truncated, whole in title=), a ranked
    sidebar, a related-reading block and a news ticker in <div>s with channel links among
    its rows, each a list of headlines in its own shape."""
    main = "".join(
        f'<tr><td class="t"><a href="/bd/{i}.html" title="表格新闻标题第{i}条 城市建设推进中的'
        f'更多细节">表格新闻标题第{i}条 城市建设推进中...</a></td>'
        f'<td class="d">2026-11-{10 + i}</td></tr>'
        for i in range(6)
    )
    hot = "".join(
        f'<li><em class="n">{i}</em><a class="h" href="/hot/{i}.html">热点排行新闻第{i}条 '
        f"关注度很高</a></li>"
        for i in range(5)
    )
    related = "".join(
        f'<p><a href="/r/{i}.html">相关的新闻标题第{i}条 内容比较长一些</a>'
        f"<span>11-{12 + i}</span></p>"
        for i in range(4)
    )
    ticker = "".join(
        f'<div class="tick"><b><a href="/t/{i}.shtml">滚动快讯标题第{i}条 最新消息</a></b></div>'
        for i in range(7)
    )
    middle = '<div class="tick"><b><a href="/zhuanti/">专题报道频道全部内容</a></b></div>'
    ticker = ticker.replace("</div><div", f"</div>{middle}<div", 1)
    # A channel link in the same row shape: detection leaves it out, so must the selectors.
    ticker += '<div class="tick"><b><a href="/gundong/">更多滚动新闻请点这里查看</a></b></div>'
    ticker = '<div class="tick"><b><a href="/kuaixun/">全部快讯频道首页入口</a></b></div>' + ticker
    return (
        "<html><body><div id='main'><table class='list'>"
        f"{main}</table></div><div class='side'><ol class='rank'>{hot}</ol></div>"
        f"<div class='r'><h3>相关阅读</h3>{related}</div><div class='ticker'>{ticker}</div>"
        "</body></html>"
    )


def _check(html: str, candidate: Candidate) -> None:
    pins = candidate.selector_suggestion
    assert pins.item and pins.link, candidate.rule
    again = extract_list(html, PAGE, selectors=pins, tz=SH, now=NOW)
    assert [(i.url, i.title) for i in again.items] == [(i.url, i.title) for i in candidate.items], (
        candidate.rule,
        pins,
    )
    assert [i.published for i in again.items] == [i.published for i in candidate.items]


def test_every_candidate_carries_selectors_that_reproduce_its_items() -> None:
    html = _portal()
    found = detect_list(html, PAGE, tz=SH, now=NOW)
    assert len(found.candidates) >= 4, [c.rule for c in found.candidates]
    for candidate in found.candidates:
        _check(html, candidate)
