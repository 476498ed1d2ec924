"""What the property tests and the atheris harness share: the clock, zone and page URL the
parsers run with, the header charsets tried, and the property tests' settings."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings

from feedsvc.extract.dateassembly import MIN_YEAR

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 5, 18, 12, 0, tzinfo=SH)
# The oldest and far-future clocks too: relative dates must stay in range for any now.
NOWS = (NOW, datetime(MIN_YEAR, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC))
PAGE = "http://example.com/news/list.html"
CHARSETS = (None, "utf-8", "gbk", "gb18030", "big5", "utf-16", "latin1", "bogus")

# Property tests: 200 examples each (FEEDSVC_TEST_HYPOTHESIS_EXAMPLES for a longer hunt), no
# per-example deadline (a loaded 2-core CI machine is slow; a slow example is not a bug
# here). A decorator, not a global profile, so other tests keep their own settings.
PROPERTY = settings(
    max_examples=int(os.environ.get("FEEDSVC_TEST_HYPOTHESIS_EXAMPLES", "200")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
