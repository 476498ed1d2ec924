"""Data-driven article tests: each fixtures/<name>.html has its expectations in <name>.json.

Add a case by dropping in a page and its JSON; this one test collects them all.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from feedsvc.extract import extract_article
from feedsvc.models import ExtractedArticle
from feedsvc.normalize.text import html_to_text

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.stem for p in FIXTURES.glob("*.json") if (FIXTURES / f"{p.stem}.html").exists())


def _extract(case: dict[str, Any], name: str) -> ExtractedArticle:
    html = (FIXTURES / f"{name}.html").read_bytes().decode(case["encoding"])
    return extract_article(
        html,
        case["url"],
        selectors=None,
        tz=ZoneInfo(case["tz"]),
        now=datetime.fromisoformat(case["now"]),
    )


def test_fixtures_found() -> None:
    assert len(CASES) >= 4


@pytest.mark.parametrize("name", CASES)
def test_article_fixture(name: str) -> None:
    case = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    got = _extract(case, name)
    for field, expected in case["expect"].items():
        value = getattr(got, field)
        if field in ("published", "modified") and expected is not None:
            assert value is not None, f"{name}: {field} missing"
            assert value == datetime.fromisoformat(expected), f"{name}: {field}={value!r}"
        else:
            assert value == expected, f"{name}: {field}={value!r}, expected {expected!r}"
    for field, rule in case.get("provenance", {}).items():
        assert got.provenance.get(field) == rule, f"{name}: provenance[{field}]={got.provenance}"
    html = got.content_html or ""
    for snippet in case.get("content_contains", []):
        assert snippet in html, f"{name}: content lacks {snippet!r}"
    for snippet in case.get("content_not_contains", []):
        assert snippet not in html, f"{name}: content has {snippet!r}"
    assert got.summary is not None
    assert got.summary.startswith(case["summary_startswith"]), got.summary
    assert len(got.summary) <= 201
    assert html_to_text(html).startswith(case["summary_startswith"])
