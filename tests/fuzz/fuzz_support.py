"""What the property tests and the atheris harness share: the clock, zone and page URL the
parsers run with, and the header charsets tried."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from feedsvc.extract.dates import MIN_YEAR

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 5, 18, 12, 0, tzinfo=SH)
# The oldest and far-future clocks too: relative dates must stay in range for any now.
NOWS = (NOW, datetime(MIN_YEAR, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC))
PAGE = "http://example.com/news/list.html"
CHARSETS = (None, "utf-8", "gbk", "gb18030", "big5", "utf-16", "latin1", "bogus")
