"""parse_datetime / find_datetime_in_text / date_from_url, table-driven with a fixed now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from feedsvc.extract import date_from_url, find_datetime_in_text, parse_datetime
from feedsvc.extract.dates import find_labelled_datetime

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 5, 18, 12, 0, tzinfo=SH)  # a Thursday, noon in Shanghai


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[misc]


PARSE_CASES: list[tuple[str, datetime, bool]] = [
    # ISO 8601
    ("2023-05-18T10:20:31+08:00", sh(2023, 5, 18, 10, 20, 31), True),
    ("2023-05-18T02:20:31Z", sh(2023, 5, 18, 10, 20, 31), True),
    ("2023-05-18T10:20:31.123456", sh(2023, 5, 18, 10, 20, 31, 123456), True),
    ("2023-05-18 10:20:31.000000", sh(2023, 5, 18, 10, 20, 31), True),
    ("2023-05-18T10:20", sh(2023, 5, 18, 10, 20), True),
    ("2023-05-18T10:20:31-0700", datetime(2023, 5, 18, 17, 20, 31, tzinfo=UTC), True),
    # RFC 2822
    ("Thu, 18 May 2023 02:20:31 +0000", sh(2023, 5, 18, 10, 20, 31), True),
    ("Thu, 18 May 2023 02:20:31 GMT", sh(2023, 5, 18, 10, 20, 31), True),
    # numeric dates
    ("2023-05-18", sh(2023, 5, 18), False),
    ("2023/05/18 10:20", sh(2023, 5, 18, 10, 20), True),
    ("2023.05.18", sh(2023, 5, 18), False),
    ("2023-5-7 21:23:57", sh(2023, 5, 7, 21, 23, 57), True),
    ("2004-09-17 5:54:13", sh(2004, 9, 17, 5, 54, 13), True),
    ("7/5/2005 9:23:57 PM", sh(2005, 7, 5, 21, 23, 57), True),
    ("２０２３－０５－１８　１０：２０", sh(2023, 5, 18, 10, 20), True),  # full-width
    # Chinese
    ("2023年5月18日", sh(2023, 5, 18), False),
    ("2023年05月18日 10:20:31", sh(2023, 5, 18, 10, 20, 31), True),
    ("2023年05月18日10:20", sh(2023, 5, 18, 10, 20), True),
    ("2023年5月18日 下午3:20", sh(2023, 5, 18, 15, 20), True),
    ("2023年5月18日 10时20分", sh(2023, 5, 18, 10, 20), True),
    # no year: the most recent such date not after now
    ("05-17 08:00", sh(2023, 5, 17, 8, 0), True),
    ("5月17日", sh(2023, 5, 17), False),
    ("5月18日", sh(2023, 5, 18), False),
    ("05-18 13:00", sh(2022, 5, 18, 13, 0), True),  # later today → last year
    ("5月19日", sh(2022, 5, 19), False),  # tomorrow → last year
    ("12-30 08:00", sh(2022, 12, 30, 8, 0), True),
    ("09月07日", sh(2022, 9, 7), False),
    # relative
    ("刚刚", NOW, True),
    ("30秒前", NOW - timedelta(seconds=30), True),
    ("5分钟前", NOW - timedelta(minutes=5), True),
    ("3小时前", NOW - timedelta(hours=3), True),
    ("3个小时前", NOW - timedelta(hours=3), True),
    ("昨天 10:20", sh(2023, 5, 17, 10, 20), True),
    ("昨天", sh(2023, 5, 17), False),
    ("前天", sh(2023, 5, 16), False),
    ("3天前", sh(2023, 5, 15), False),
    ("今天 08:00", sh(2023, 5, 18, 8, 0), True),
    # English
    ("May 18, 2023", sh(2023, 5, 18), False),
    ("18 May 2023 10:20", sh(2023, 5, 18, 10, 20), True),
    ("Thursday, May 18, 2023 10:20 AM", sh(2023, 5, 18, 10, 20), True),
    ("Thursday, May 18, 2023 12:05 PM", sh(2023, 5, 18, 12, 5), True),
    ("May 18, 2023 at 12:05 am", sh(2023, 5, 18, 0, 5), True),
    ("Sept. 5, 2022", sh(2022, 9, 5), False),
    ("December 1st, 2022", sh(2022, 12, 1), False),
    ("2 hours ago", NOW - timedelta(hours=2), True),
    ("an hour ago", NOW - timedelta(hours=1), True),
    ("3 days ago", sh(2023, 5, 15), False),
    ("yesterday", sh(2023, 5, 17), False),
    ("just now", NOW, True),
]


@pytest.mark.parametrize(("text", "expected", "has_time"), PARSE_CASES)
def test_parse_datetime(text: str, expected: datetime, has_time: bool) -> None:
    got = parse_datetime(text, tz=SH, now=NOW)
    assert got is not None, text
    assert got.value == expected
    assert got.has_time is has_time
    assert got.value.tzinfo is not None


def test_naive_times_take_the_given_zone() -> None:
    got = parse_datetime("2023-05-18 10:20", tz=UTC, now=NOW)
    assert got is not None and got.value == datetime(2023, 5, 18, 10, 20, tzinfo=UTC)
    explicit = parse_datetime("2023-05-18T10:20+02:00", tz=UTC, now=NOW)
    assert explicit is not None
    assert explicit.value.utcoffset() == timedelta(hours=2)
    assert explicit.value.tzinfo == timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "garbage",
        "2023-13-01",
        "2023-02-30",
        "1850-01-01",
        "2999-01-01",
        "25:00",
        "第5期",
        "12345678",
        "32月5日",
        "Mayday 18",
    ],
)
def test_parse_datetime_rejects(text: str) -> None:
    assert parse_datetime(text, tz=SH, now=NOW) is None


def test_february_29_without_year_goes_back_to_a_leap_year() -> None:
    got = parse_datetime("2月29日", tz=SH, now=NOW)
    assert got is not None and got.value == sh(2020, 2, 29)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_datetime("2023-05-18", tz=SH, now=datetime(2023, 5, 18))


FIND_CASES: list[tuple[str, datetime | None]] = [
    ("日期: 2023-05-18 10:20 来源:潍坊市广播电视台", sh(2023, 5, 18, 10, 20)),
    ("发布时间：2023-05-18 10:20:31", sh(2023, 5, 18, 10, 20, 31)),
    ("发布时间：2023年05月18日 10:20  信息来源：市政府办公室", sh(2023, 5, 18, 10, 20)),
    ("第2020-01-01号文件 发布日期: 2023-05-18", sh(2023, 5, 18)),  # labelled wins
    ("2023-05-18 10:20 来源：新华社", sh(2023, 5, 18, 10, 20)),
    ("Posted on May 3, 2023 by Bob", sh(2023, 5, 3)),
    ("Updated: 18 May 2023 10:20", sh(2023, 5, 18, 10, 20)),
    ("新华网 | 2023年05月18日 08:05:32 | 编辑：张三", sh(2023, 5, 18, 8, 5, 32)),
    ("时间:5月10日21时30分 地点:潮州", sh(2023, 5, 10, 21, 30)),
    ("阅读 3小时前", NOW - timedelta(hours=3)),
    ("日期: 来源:潍坊市广播电视台", None),  # the label with no date after it
    ("共有12345条评论", None),
    # the space between day and clock lost in the markup (Baidu 百家号)
    ("发布时间：05-0812:00优质原创作者", sh(2023, 5, 8, 12, 0)),
    ("2023-05-0812:00:57", sh(2023, 5, 8, 12, 0, 57)),
    ("电话 0536-8888888", None),
    ("版本 1.10-0812:00", None),
]


@pytest.mark.parametrize(("text", "expected"), FIND_CASES)
def test_find_datetime_in_text(text: str, expected: datetime | None) -> None:
    got = find_datetime_in_text(text, tz=SH, now=NOW)
    assert (got.value if got else None) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.wfcmw.cn/caijing/2023-05/18/c_1001.html", sh(2023, 5, 18)),
        ("http://www.gov.cn/zhengce/202305/t20230518_1234.html", sh(2023, 5, 18)),
        ("https://example.com/news/20230518/abc.html", sh(2023, 5, 18)),
        ("https://example.com/2023/05/18/slug/", sh(2023, 5, 18)),
        ("https://example.com/news/12345678.html", None),
        ("https://example.com/a?d=20230518", None),  # queries are not paths
        ("https://example.com/2099/01/01/future/", None),
    ],
)
def test_date_from_url(url: str, expected: datetime | None) -> None:
    got = date_from_url(url, tz=SH, now=NOW)
    assert (got.value if got else None) == expected
    assert got is None or got.has_time is False


def test_find_is_fast() -> None:
    import time

    line = "日期: 2023-05-18 10:20 来源:潍坊市广播电视台 编辑:张三 " * 3
    start = time.perf_counter()
    for _ in range(1000):
        find_datetime_in_text(line, tz=SH, now=NOW)
    assert time.perf_counter() - start < 1.0  # ~20 µs each; generous for slow CI


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布时间：2023-05-18 10:20", sh(2023, 5, 18, 10, 20)),
        ("Posted on May 3, 2023 by Bob", sh(2023, 5, 3)),
        # a label word elsewhere in the line does not make its date a labelled one
        ("复制当前时间的页面地址 复制调试信息 3.4.40 (2023-5-5 9:38:01 PM)", None),
        ("2023-05-18 10:20 来源：新华社", None),
    ],
)
def test_find_labelled_datetime(text: str, expected: datetime | None) -> None:
    got = find_labelled_datetime(text, tz=SH, now=NOW)
    assert (got.value if got else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # in prose a day word is a word, not a dateline
        ("Today, we're excited to share a new approach that goes further", None),
        ("今天上午，市政府召开常务会议，研究部署下一步工作。", None),
        # alone on a short line, or with its clock, it is one
        ("昨天", sh(2023, 5, 17)),
        ("Yesterday", sh(2023, 5, 17)),
        ("评论 12 · 昨天 10:20 · 阅读 3456", sh(2023, 5, 17, 10, 20)),
        ("天津总装测试厂房内，长征五号B遥二运载火箭刚刚完成测试", None),
        ("刚刚", NOW),
    ],
)
def test_day_words_in_lines_that_may_be_prose(text: str, expected: datetime | None) -> None:
    got = find_datetime_in_text(text, tz=SH, now=NOW, bare_day_words=False)
    assert (got.value if got else None) == expected


def test_day_words_count_by_default_in_list_rows() -> None:
    got = find_datetime_in_text("中国新闻网 · 昨天 · 1234阅读", tz=SH, now=NOW)
    assert got is not None and got.value == sh(2023, 5, 17)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2/26/2015 7:11 AM PST BY TMZ STAFF", datetime(2015, 2, 26, 15, 11, tzinfo=UTC)),
        ("March 3, 2019 10:00 EDT", datetime(2019, 3, 3, 14, 0, tzinfo=UTC)),
        ("Monday, February 29, 2016 @ 11:10 PM UTC", datetime(2016, 2, 29, 23, 10, tzinfo=UTC)),
        # CST names China or US Central time: the source's zone decides
        ("2019-03-03 10:00 CST", sh(2019, 3, 3, 10, 0)),
    ],
)
def test_zone_abbreviations_and_at_signs(text: str, expected: datetime) -> None:
    got = find_datetime_in_text(text, tz=SH, now=NOW)
    assert got is not None and got.value == expected and got.has_time
