"""Each kind of list-page failure, through refresh_source against a real local server, sets
the source's next check by its own rule (max_backoff 7200 s, interval 60 s, no jitter)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from refresh_site import Answer, NewsSite, harness, source_yaml

from feedsvc.models import FetchStatus

INTERVAL = 60
MAX_BACKOFF = 7200


def http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True)


@pytest.mark.parametrize(
    ("status", "retry_after", "expected"),
    [
        (429, "3600", 3600),  # delta-seconds
        (503, "1800", 1800),
        (429, "86400", MAX_BACKOFF),  # capped by max_backoff
        (503, "5", INTERVAL),  # never sooner than the interval
        (429, "soon", 2 * INTERVAL),  # unreadable: as if absent, exponential
        (503, None, 2 * INTERVAL),  # no Retry-After: exponential
    ],
)
async def test_retry_after_seconds_sets_the_next_check(
    tmp_path: Path, status: int, retry_after: str | None, expected: int
) -> None:
    site = NewsSite(lists={"news": [1]})
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    site.answers["news"] = Answer(status=status, headers=headers)
    async with harness(tmp_path, source_yaml("s", "${base_url}/news/"), site=site) as h:
        report = await h.refresh("s")
        assert report.status is FetchStatus.FAILED
        assert await h.seconds_to_next_check("s") == expected
        state = await h.state("s")
        assert state.last_error is not None and f"HTTP {status}" in state.last_error


async def test_retry_after_http_date_sets_the_next_check(tmp_path: Path) -> None:
    site = NewsSite(answers={"news": Answer(status=503, headers={"Retry-After": http_date(5400)})})
    async with harness(tmp_path, source_yaml("s", "${base_url}/news/"), site=site) as h:
        await h.refresh("s")
        # Second resolution in the header, and the test's own run time: a few seconds.
        assert 5390 <= await h.seconds_to_next_check("s") <= 5401
        # An HTTP-date beyond the cap is capped too.
        site.answers["news"] = Answer(status=429, headers={"Retry-After": http_date(86400)})
        await h.refresh("s")
        assert await h.seconds_to_next_check("s") == MAX_BACKOFF


async def test_a_missing_list_page_backs_off_long_with_a_clear_message(tmp_path: Path) -> None:
    site = NewsSite(answers={"news": Answer(status=404)})
    async with harness(tmp_path, source_yaml("s", "${base_url}/news/"), site=site) as h:
        await h.refresh("s")
        assert await h.seconds_to_next_check("s") == MAX_BACKOFF
        error = (await h.state("s")).last_error or ""
        assert "/news/: HTTP 404" in error
        assert "will not fix itself" in error and "next check in 2h" in error


async def test_a_robots_refusal_waits_for_robots_ttl(tmp_path: Path) -> None:
    site = NewsSite(lists={"news": [1]}, robots="User-agent: *\nDisallow: /news/\n")
    async with harness(
        tmp_path,
        source_yaml("s", "${base_url}/news/"),
        site=site,
        settings="  robots_ttl: 1800\n",
    ) as h:
        for _ in range(3):  # not exponential: each refusal waits for robots.txt to be re-read
            await h.refresh("s")
            assert await h.seconds_to_next_check("s") == 1800
        assert "robots.txt" in ((await h.state("s")).last_error or "")


async def test_an_unresolvable_host_backs_off_exponentially(tmp_path: Path) -> None:
    async with harness(tmp_path, source_yaml("s", "http://nowhere.invalid/news/")) as h:
        for failures in (1, 2, 3):
            await h.refresh("s")
            assert await h.seconds_to_next_check("s") == INTERVAL * 2**failures
        assert "nowhere.invalid" in ((await h.state("s")).last_error or "")


async def test_a_blocked_address_is_a_configuration_problem(tmp_path: Path) -> None:
    sources = source_yaml("s", "${base_url}/news/", allow_private=False)
    async with harness(tmp_path, sources, site=NewsSite(lists={"news": [1]})) as h:
        await h.refresh("s")
        assert await h.seconds_to_next_check("s") == MAX_BACKOFF
        assert "allow_private_networks" in ((await h.state("s")).last_error or "")


async def test_a_list_page_over_the_size_cap_backs_off_long(tmp_path: Path) -> None:
    site = NewsSite(answers={"news": Answer(body="<p>" + "x" * 50_000 + "</p>")})
    async with harness(
        tmp_path,
        source_yaml("s", "${base_url}/news/"),
        site=site,
        settings="  max_body_bytes: 10000\n",
    ) as h:
        await h.refresh("s")
        assert await h.seconds_to_next_check("s") == MAX_BACKOFF


async def test_a_list_page_without_links_backs_off_exponentially(tmp_path: Path) -> None:
    site = NewsSite(lists={"news": []})
    async with harness(tmp_path, source_yaml("s", "${base_url}/news/"), site=site) as h:
        for failures in (1, 2):
            await h.refresh("s")
            assert await h.seconds_to_next_check("s") == INTERVAL * 2**failures
        assert "no article links" in ((await h.state("s")).last_error or "")
