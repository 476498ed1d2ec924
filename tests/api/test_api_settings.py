"""The admin_tokens setting and the source schema shared by the file and the API."""

from __future__ import annotations

import pytest

from feedsvc.admintokens import parse_admin_tokens
from feedsvc.config import SourceProblem, load_settings, parse_source, source_fields
from feedsvc.errors import ConfigError


def test_tokens_parse_names_scopes_and_secrets() -> None:
    tokens = parse_admin_tokens(" ops:write:s3cret , grafana:read:r3:ad ")
    assert [(t.name, t.scope, t.secret) for t in tokens] == [
        ("ops", "write", "s3cret"),
        ("grafana", "read", "r3:ad"),
    ]
    assert parse_admin_tokens("") == ()
    assert "s3cret" not in repr(tokens)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ops:admin:TOPSECRET1", "item 1 (ops): SCOPE must be read or write"),
        ("TOPSECRET1", "item 1: expected NAME:SCOPE:TOKEN"),
        ("ops:write:TOPSECRET1,ops:read:TOPSECRET2", "item 2 (ops): repeated NAME"),
        ("a:write:TOPSECRET1,b:read:TOPSECRET1", "item 2 (b): the same TOKEN"),
        ("ops:write:", "item 1 (ops): TOKEN must be non-empty"),
        ("o ps:write:TOPSECRET1", "item 1: NAME must be"),
    ],
)
def test_bad_token_items_are_config_errors_that_never_echo_the_token(
    value: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({"FEEDSVC_ADMIN_TOKENS": value})
    text = str(info.value) + " ".join(info.value.problems)
    assert "FEEDSVC_ADMIN_TOKENS" in text
    assert expected in text
    assert "TOPSECRET" not in text


def test_parse_source_reports_fields_with_the_file_rules() -> None:
    problems = parse_source(
        {"id": "Bad Id", "url": "ftp://x", "interval": "5s", "selectors": {"item": "div@x"}, "x": 1}
    )
    assert isinstance(problems, list)
    fields = {p.field for p in problems}
    assert fields == {"id", "url", "interval", "selectors.item", "x"}
    assert SourceProblem("interval", "must be between 30s and 7d, got '5s'") in problems


def test_parse_source_round_trips_source_fields() -> None:
    source = parse_source(
        {"id": "a", "urls": ["https://example.com/"], "interval": "2h", "category": "财经"}
    )
    assert not isinstance(source, list)
    assert source.interval_seconds == 7200
    assert parse_source(source_fields(source)) == source
