"""Reading settings: ``FEEDSVC_*`` environment strings parsed to each setting's type, the
file's values type-checked, defaults < file < environment merged, and every value run
through the check declared with it (``settings``). Every problem names where the value
came from."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import get_type_hints

from feedsvc.config.settings import ENV_PREFIX, Settings, env_name, setting_checks, setting_help
from feedsvc.config.values import _count, _describe_value, _shorten, _suggest
from feedsvc.errors import ConfigError

# Variables under the prefix that are not settings: the test suite's own knobs.
_IGNORED_ENV_PREFIXES = ("FEEDSVC_TEST_",)
# Non-setting variables other modules read (the CLI's default config path, …). Add, don't remove.
EXTRA_ENV_VARS: frozenset[str] = frozenset({"FEEDSVC_CONFIG"})

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _setting_types() -> dict[str, type]:
    hints = get_type_hints(Settings)
    return {f.name: hints[f.name] for f in fields(Settings)}


_TYPE_WORDS: dict[type, str] = {
    bool: "true or false",
    int: "an integer",
    float: "a number",
    str: "a string",
}


def _parse_env_value(kind: type, text: str) -> object:
    """Parse one environment string into the setting's type; ValueError says what was expected."""
    if kind is str:
        return text
    raw = text.strip()
    if kind is bool:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise ValueError(f"expected true or false, got {text!r}")
    if kind not in (int, float):
        raise TypeError(f"unsupported setting type {kind!r}")  # a new Settings field type
    try:
        return int(raw.replace("_", "")) if kind is int else float(raw)
    except ValueError:
        raise ValueError(f"expected {_TYPE_WORDS[kind]}, got {_shorten(text)!r}") from None


def _python_type_problem(kind: type, value: object) -> str | None:
    """Why ``value`` (from YAML or Python) does not fit a setting of type ``kind``, or None."""
    if kind is bool:
        ok = isinstance(value, bool)
    else:
        # bool is an int subclass, but `feed_max_age: true` is a mistake, not 1.
        accepted: type | tuple[type, ...] = (int, float) if kind is float else kind
        ok = isinstance(value, accepted) and not isinstance(value, bool)
    if ok:
        return None
    return f"expected {_TYPE_WORDS.get(kind, kind.__name__)}, got {_describe_value(value)}"


_ENV_LINE = 1 << 30


@dataclass(frozen=True)
class _Value:
    """A setting's value and where it came from, for error messages."""

    value: object
    origin: str  # "FILE:LINE: settings.NAME", "FEEDSVC_NAME" or "default"
    line: int = _ENV_LINE  # where a problem with it sorts among the file's problems


# Problems are sorted by line; the environment's come after the file's.


def _settings_from_env(
    env: Mapping[str, str], problems: list[tuple[int, str]]
) -> dict[str, _Value]:
    kinds = _setting_types()
    known = {env_name(name): name for name in kinds}
    found: dict[str, _Value] = {}
    for var in sorted(env):
        if not var.startswith(ENV_PREFIX) or var in EXTRA_ENV_VARS:
            continue
        if var.startswith(_IGNORED_ENV_PREFIXES):
            continue
        name = known.get(var)
        if name is None:
            problems.append((_ENV_LINE, f"{var}: unknown setting{_suggest(var, known)}"))
            continue
        try:
            found[name] = _Value(_parse_env_value(kinds[name], env[var]), var)
        except ValueError as exc:
            problems.append((_ENV_LINE, f"{var}: {exc}"))
    return found


def _build_settings(
    file_values: Mapping[str, _Value],
    env: Mapping[str, str],
    problems: list[tuple[int, str]],
    origins: dict[str, str] | None = None,
) -> Settings | None:
    """defaults < file < env; every invalid value is reported with its origin.

    ``origins`` receives each setting's origin for errors found later (an unreachable
    database): ``FILE:LINE: settings.NAME``, ``FEEDSVC_NAME`` or ``settings.NAME (default)``.
    """
    merged = {name: _Value(default, "default") for name, (default, _) in setting_help().items()}
    merged.update(file_values)
    merged.update(_settings_from_env(env, problems))
    if origins is not None:
        origins.update(
            (name, f"settings.{name} (default)" if item.origin == "default" else item.origin)
            for name, item in merged.items()
        )
    checks = setting_checks()
    for name, item in merged.items():
        check = checks.get(name)
        message = check(item.value) if check else None
        if message:
            problems.append((item.line, f"{item.origin}: {message}"))
    default_limit = merged["feed_default_limit"]
    max_limit = merged["feed_max_limit"]
    low, high = default_limit.value, max_limit.value
    if isinstance(low, int) and isinstance(high, int) and low > high:
        # Blame the value somebody set, not the default it collides with.
        if max_limit.origin == "default":
            message = f"must not exceed feed_max_limit ({high}), got {low}"
            problems.append((default_limit.line, f"{default_limit.origin}: {message}"))
        else:
            message = f"must be at least feed_default_limit ({low}), got {high}"
            problems.append((max_limit.line, f"{max_limit.origin}: {message}"))
    if problems:
        return None
    values = {name: item.value for name, item in merged.items()}
    values["log_level"] = str(values["log_level"]).upper()
    return Settings(**values)  # type: ignore[arg-type]


def load_settings(
    env: Mapping[str, str] | None = None,
    file_settings: Mapping[str, object] | None = None,
    origins: dict[str, str] | None = None,
) -> Settings:
    """Settings for commands without a sources file: defaults < ``file_settings`` < env.

    ``file_settings`` holds already-typed values (as a YAML ``settings:`` block would).
    Raises ConfigError naming every bad value and unknown ``FEEDSVC_*`` variable.
    """
    problems: list[tuple[int, str]] = []
    kinds = _setting_types()
    file_values: dict[str, _Value] = {}
    for name, value in (file_settings or {}).items():
        where = f"settings.{name}"
        if name not in kinds:
            problems.append((0, f"{where}: unknown setting{_suggest(name, kinds)}"))
            continue
        type_problem = _python_type_problem(kinds[name], value)
        if type_problem:
            problems.append((0, f"{where}: {type_problem}"))
            continue
        file_values[name] = _Value(value, where, 0)
    environ = os.environ if env is None else env
    settings = _build_settings(file_values, environ, problems, origins)
    if settings is None:
        texts = [text for _, text in problems]
        raise ConfigError(f"invalid settings ({_count(texts)}):", texts)
    return settings
