"""Settings: defaults < file ``settings:`` < FEEDSVC_* environment, each value validated."""

# ruff: noqa: E501  (tables of cases read best one per line)

from __future__ import annotations

from dataclasses import fields
from typing import get_type_hints

import pytest

from feedsvc.config import Settings, load_settings, setting_help
from feedsvc.config.settings import setting_checks
from feedsvc.errors import ConfigError


def test_defaults_are_valid() -> None:
    assert load_settings({}) == Settings()


def test_every_default_passes_validation_and_help_is_present() -> None:
    for name, (default, help_text) in setting_help().items():
        assert help_text.strip(), name
        assert getattr(load_settings({}), name) == default


@pytest.mark.parametrize(
    ("env", "field", "value"),
    [
        ({"FEEDSVC_FEED_MAX_AGE": "300"}, "feed_max_age", 300),
        ({"FEEDSVC_FEED_MAX_AGE": " 120 "}, "feed_max_age", 120),
        ({"FEEDSVC_ALLOW_PRIVATE_NETWORKS": "true"}, "allow_private_networks", True),
        ({"FEEDSVC_ALLOW_PRIVATE_NETWORKS": "YES"}, "allow_private_networks", True),
        ({"FEEDSVC_ALLOW_PRIVATE_NETWORKS": "0"}, "allow_private_networks", False),
        ({"FEEDSVC_ALLOW_PRIVATE_NETWORKS": "off"}, "allow_private_networks", False),
        ({"FEEDSVC_JITTER": "0.25"}, "jitter", 0.25),
        ({"FEEDSVC_CONNECT_TIMEOUT": "3"}, "connect_timeout", 3.0),
        ({"FEEDSVC_LISTEN": "[::1]:9000"}, "listen", "[::1]:9000"),
        ({"FEEDSVC_PUBLIC_URL": "https://feeds.example.org/base"}, "public_url", "https://feeds.example.org/base"),
        ({"FEEDSVC_DATABASE_URL": "postgresql+asyncpg://u@db/feeds"}, "database_url", "postgresql+asyncpg://u@db/feeds"),
        ({"FEEDSVC_LOG_LEVEL": "debug"}, "log_level", "DEBUG"),
        ({"FEEDSVC_EXTRACT_WORKERS": "0"}, "extract_workers", 0),
        ({"FEEDSVC_AUTO_MIGRATE": "never"}, "auto_migrate", "never"),
        ({"FEEDSVC_MAX_BODY_BYTES": "1_000_000"}, "max_body_bytes", 1_000_000),
    ],
)  # fmt: skip
def test_env_values_are_parsed(env: dict[str, str], field: str, value: object) -> None:
    settings = load_settings(env)
    assert getattr(settings, field) == value
    assert type(getattr(settings, field)) is type(value)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FEEDSVC_FEED_MAX_AGE": "abc"}, "FEEDSVC_FEED_MAX_AGE: expected an integer, got 'abc'"),
        ({"FEEDSVC_FEED_MAX_AGE": ""}, "FEEDSVC_FEED_MAX_AGE: expected an integer, got ''"),
        ({"FEEDSVC_FEED_MAX_AGE": "1.5"}, "FEEDSVC_FEED_MAX_AGE: expected an integer, got '1.5'"),
        ({"FEEDSVC_FEED_MAX_AGE": "59"}, "FEEDSVC_FEED_MAX_AGE: must be at least 60, got 59"),
        ({"FEEDSVC_JITTER": "lots"}, "FEEDSVC_JITTER: expected a number, got 'lots'"),
        ({"FEEDSVC_JITTER": "1.5"}, "FEEDSVC_JITTER: must be between 0 and 1, got 1.5"),
        ({"FEEDSVC_ALLOW_PRIVATE_NETWORKS": "maybe"}, "FEEDSVC_ALLOW_PRIVATE_NETWORKS: expected true or false, got 'maybe'"),
        ({"FEEDSVC_LISTNE": "x"}, "FEEDSVC_LISTNE: unknown setting; did you mean 'FEEDSVC_LISTEN'?"),
        ({"FEEDSVC_FEED_MAXAGE": "60"}, "FEEDSVC_FEED_MAXAGE: unknown setting; did you mean 'FEEDSVC_FEED_MAX_AGE'?"),
        ({"FEEDSVC_LISTEN": "127.0.0.1"}, "FEEDSVC_LISTEN: must be HOST:PORT"),
        ({"FEEDSVC_LISTEN": "127.0.0.1:70000"}, "FEEDSVC_LISTEN: must be HOST:PORT"),
        ({"FEEDSVC_LISTEN": "[::1:8080"}, "FEEDSVC_LISTEN: unbalanced brackets"),
        ({"FEEDSVC_PUBLIC_URL": "ftp://x/"}, "FEEDSVC_PUBLIC_URL: must be an absolute http(s) URL or empty"),
        ({"FEEDSVC_PUBLIC_URL": "/feeds"}, "FEEDSVC_PUBLIC_URL: must be an absolute http(s) URL or empty"),
        ({"FEEDSVC_TIMEZONE": "Europe/Berln"}, "FEEDSVC_TIMEZONE: unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?"),
        ({"FEEDSVC_DATABASE_URL": "nonsense"}, "FEEDSVC_DATABASE_URL: not a database URL"),
        ({"FEEDSVC_DATABASE_URL": "postgresql://u@db/x"}, "FEEDSVC_DATABASE_URL: unsupported driver 'postgresql'"),
        ({"FEEDSVC_USER_AGENT": "a\r\nX-Evil: 1"}, "FEEDSVC_USER_AGENT: must be one line"),
        ({"FEEDSVC_AUTO_MIGRATE": "sometimes"}, "FEEDSVC_AUTO_MIGRATE: must be one of sqlite, always, never, got 'sometimes'"),
        ({"FEEDSVC_PER_HOST_CONCURRENCY": "0"}, "FEEDSVC_PER_HOST_CONCURRENCY: must be greater than 0, got 0"),
        ({"FEEDSVC_TOTAL_TIMEOUT": "-1"}, "FEEDSVC_TOTAL_TIMEOUT: must be greater than 0, got -1.0"),
        ({"FEEDSVC_MAX_REDIRECTS": "-1"}, "FEEDSVC_MAX_REDIRECTS: must be at least 0, got -1"),
        ({"FEEDSVC_FEED_DEFAULT_LIMIT": "600"}, "FEEDSVC_FEED_DEFAULT_LIMIT: must not exceed feed_max_limit (500), got 600"),
        ({"FEEDSVC_FEED_MAX_LIMIT": "20"}, "FEEDSVC_FEED_MAX_LIMIT: must be at least feed_default_limit (50), got 20"),
    ],
)  # fmt: skip
def test_bad_env_values_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    assert any(p.startswith(message) for p in info.value.problems), info.value.problems


def test_all_env_problems_reported_together() -> None:
    env = {"FEEDSVC_FEED_MAX_AGE": "abc", "FEEDSVC_JITTER": "2", "FEEDSVC_LISTNE": "x"}
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    assert len(info.value.problems) == 3


def test_test_variables_and_cli_variables_are_ignored() -> None:
    env = {"FEEDSVC_TEST_POSTGRES_DSN": "postgresql://x", "FEEDSVC_CONFIG": "a.yaml", "HOME": "/"}
    assert load_settings(env) == Settings()


def test_env_beats_file_settings_which_beat_defaults() -> None:
    settings = load_settings(
        {"FEEDSVC_FEED_MAX_AGE": "900"},
        {"feed_max_age": 300, "listen": "0.0.0.0:8000", "jitter": 0},
    )
    assert settings.feed_max_age == 900
    assert settings.listen == "0.0.0.0:8000"
    assert settings.jitter == 0.0
    assert isinstance(settings.jitter, int | float)


@pytest.mark.parametrize(
    ("file_settings", "message"),
    [
        ({"feed_max_ag": 60}, "settings.feed_max_ag: unknown setting; did you mean 'feed_max_age'?"),
        ({"feed_max_age": "60"}, "settings.feed_max_age: expected an integer, got a string ('60')"),
        ({"feed_max_age": True}, "settings.feed_max_age: expected an integer, got a boolean (true)"),
        ({"allow_private_networks": "yes"}, "settings.allow_private_networks: expected true or false"),
        ({"feed_max_age": 10}, "settings.feed_max_age: must be at least 60, got 10"),
    ],
)  # fmt: skip
def test_bad_file_settings(file_settings: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({}, file_settings)
    assert any(p.startswith(message) for p in info.value.problems), info.value.problems


def test_every_number_declares_its_range_with_the_setting() -> None:
    """Each check is attached to its setting's declaration, and every number has one: a
    value far out of any sane range is refused, naming the setting."""
    kinds = get_type_hints(Settings)
    numbers = [f.name for f in fields(Settings) if kinds[f.name] in (int, float)]
    assert numbers and set(numbers) <= set(setting_checks())
    for name in numbers:
        for wild in (-(10**12), 10**12):
            with pytest.raises(ConfigError) as caught:
                load_settings(env={}, file_settings={name: kinds[name](wild)})
            assert any(p.startswith(f"settings.{name}: ") for p in caught.value.problems), name
