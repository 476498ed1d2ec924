"""Broken and truncated pages: extraction either gives a result or an ExtractError that
says why, never another exception (a meta-refresh stub, a script shell or a download cut
off inside <head> made readability-lxml assert "too many bodies")."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedsvc.errors import ExtractError
from feedsvc.extract import extract_article, extract_list

NOW = datetime(2023, 5, 20, tzinfo=UTC)
URL = "http://news.example.cn/a/2023/0518/1.html"
FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.html"))
CUTS = 16  # places each fixture is cut at: the head, the middle of tags, inside the body


def test_a_head_only_page_gives_its_title_and_no_content() -> None:
    html = (
        "<html><head><title>页面已迁移_潍坊新闻网</title>"
        '<meta http-equiv="refresh" content="0; url=/new.html"></head></html>'
    )
    got = extract_article(html, URL, selectors=None, tz=UTC, now=NOW)
    assert got.title == "页面已迁移"
    assert not got.content_html


def test_a_head_only_page_without_a_title_is_an_extract_error() -> None:
    with pytest.raises(ExtractError, match="no title and no content"):
        extract_article(
            "<html><head><meta charset='utf-8'></head></html>", URL, selectors=None, tz=UTC, now=NOW
        )


def test_there_are_fixture_pages_to_cut() -> None:
    assert len(FIXTURES) >= 5


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_truncated_fixture_pages_fail_only_with_extract_errors(fixture: Path) -> None:
    html = fixture.read_bytes().decode("utf-8", errors="replace")
    for n in range(1, CUTS + 1):
        cut = html[: len(html) * n // (CUTS + 1)]
        for extract in (extract_article, extract_list):
            with contextlib.suppress(ExtractError):
                extract(cut, URL, selectors=None, tz=UTC, now=NOW)
