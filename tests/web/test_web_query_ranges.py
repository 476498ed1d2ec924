"""Times at the edges of what a datetime holds: ?since= and ?before= values that cannot be
converted to UTC are a 400 naming the parameter, never a 500 with a traceback."""

from __future__ import annotations

import base64
import logging

import pytest
from web_support import ClientMaker

from feedsvc.web.query import QueryError, decode_cursor


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


OUT_OF_RANGE_SINCE = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:30:00+23:59",
]
OUT_OF_RANGE_BEFORE = [
    _cursor("0001-01-01T00:00:00+01:00 urn:uuid:1"),
    _cursor("9999-12-31T23:59:59-01:00 urn:uuid:1"),
]


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
@pytest.mark.parametrize(
    ("name", "value"),
    [("since", v) for v in OUT_OF_RANGE_SINCE] + [("before", v) for v in OUT_OF_RANGE_BEFORE],
)
async def test_out_of_range_time_is_400_naming_the_parameter(
    make_client: ClientMaker, caplog: pytest.LogCaptureFixture, fmt: str, name: str, value: str
) -> None:
    client = await make_client()
    with caplog.at_level(logging.DEBUG):
        response = await client.get(f"/feeds/latest.{fmt}", params={name: value})
        text = await response.text()
    assert response.status == 400, text
    assert f"query parameter '{name}'" in text
    assert "out of range" in text
    assert "Traceback" not in text
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00Z", "0001-01-01T01:00:00+01:00", "9999-12-31T23:59:59Z"]
)
async def test_extreme_times_that_exist_in_utc_are_accepted(
    make_client: ClientMaker, value: str
) -> None:
    client = await make_client()
    response = await client.get("/feeds/latest.atom", params={"since": value})
    assert response.status == 200, await response.text()


def test_decode_cursor_out_of_range_is_a_query_error() -> None:
    with pytest.raises(QueryError, match=r"'before'.*out of range"):
        decode_cursor(OUT_OF_RANGE_BEFORE[0])
