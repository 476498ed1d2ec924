"""Out-of-range dates in page text are unparsed dates (None), never exceptions: offsets of
24 hours or more, impossible minutes, relative times reaching before MIN_YEAR or past
what a datetime can hold, numbers too long to convert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from feedsvc.extract import extract_article, extract_list
from feedsvc.extract.dateassembly import MIN_YEAR
from feedsvc.extract.dates import (
    find_datetime_in_text,
    find_labelled_datetime,
    parse_datetime,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 5, 18, 12, 0, tzinfo=SH)

OUT_OF_RANGE = [
    "2023-05-18 10:20 +25:00",
    "2023-05-18T10:20:00+2400",
    "2023-05-18T10:20:00-24:00",
    "2023-05-18 10:20 +99:99",
    "2023-05-18 10:20 +05:75",  # minutes past 59
    "2023-05-18 10:20 +15:00",  # no zone is more than 14 hours from UTC
    "May 18, 2023 10:20 -2500",
    "18 May 2023 10:20:00 +2500",
    "Thu, 18 May 2023 10:20:00 +2500",
    "7/5/2005 9:23:57 PM +3000",
    "1000000000 小时前",
    "99999999999 days ago",
    "99999999999 seconds ago",
    "999999999999999999999 个月前",
    "12000 周前",  # before MIN_YEAR
    "9" * 5000 + " 天前",  # longer than int() converts
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
]


@pytest.mark.parametrize("text", OUT_OF_RANGE)
def test_out_of_range_values_are_unparsed_not_errors(text: str) -> None:
    assert parse_datetime(text, tz=SH, now=NOW) is None
    assert find_datetime_in_text(text, tz=SH, now=NOW) is None
    assert find_labelled_datetime(f"发布时间：{text}", tz=SH, now=NOW) is None


@pytest.mark.parametrize("now_year", [MIN_YEAR, 9000, 9998])
def test_relative_times_stay_in_range_for_any_now(now_year: int) -> None:
    now = datetime(now_year, 1, 1, tzinfo=UTC)
    for text in ("99999999999 days ago", "1000000000 小时前", "3 天前", "5 hours ago"):
        parsed = parse_datetime(text, tz=SH, now=now)
        assert parsed is None or MIN_YEAR <= parsed.value.year <= now_year


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2023-05-18 10:20 +14:00", timedelta(hours=14)),
        ("2023-05-18 10:20 -12:00", timedelta(hours=-12)),
        ("2023-05-18 10:20 +0545", timedelta(hours=5, minutes=45)),
    ],
)
def test_real_extreme_offsets_still_parse(text: str, offset: timedelta) -> None:
    parsed = parse_datetime(text, tz=SH, now=NOW)
    assert parsed is not None
    assert parsed.value == datetime(2023, 5, 18, 10, 20, tzinfo=timezone(offset))


def test_large_but_possible_relative_time_parses() -> None:
    parsed = parse_datetime("1000 天前", tz=SH, now=NOW)
    assert parsed is not None and parsed.value.date() == (NOW - timedelta(days=1000)).date()


def test_list_page_with_odd_dates_keeps_its_links_unparsed() -> None:
    rows = "".join(
        f'<li><a href="/news/{n}.html">新闻标题第{n}条消息</a><span>{text}</span></li>'
        for n, text in enumerate(OUT_OF_RANGE[:12])
    )
    html = f"<html><body><ul class='news'>{rows}</ul></body></html>"
    page = extract_list(html, "http://example.com/list", selectors=None, tz=SH, now=NOW)
    assert len(page.items) == 12
    assert all(item.published is None for item in page.items)


def test_article_with_odd_date_extracts_without_one() -> None:
    body = "。".join(["这是一篇很长的新闻正文，用来测试日期解析不会让整个页面失败"] * 8)
    html = (
        "<html><head><title>标题</title>"
        '<meta property="article:published_time" content="2023-05-18T10:20:00+25:00">'
        f"</head><body><h1>新闻标题</h1><p>发布时间：1000000000 小时前</p><p>{body}</p>"
        "</body></html>"
    )
    article = extract_article(html, "http://example.com/a/1.html", selectors=None, tz=SH, now=NOW)
    assert article.published is None
