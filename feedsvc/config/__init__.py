"""Settings and the sources file: ``load_config`` and ``check_file`` over the package's
modules — ``settings`` (declarations, each with its check from ``checks``),
``settingsload`` (environment, merging, checking), ``values`` (single-value rules),
``yamlnodes`` (the node walker) and ``sources`` (one source schema for file, CLI and API).

Settings are declared once, in ``settings``, with their default and help text; the README
table is checked against this declaration by a test. Precedence: defaults < the sources file's
``settings:`` block < ``FEEDSVC_<NAME>`` environment variables.

``load_config`` validates the whole sources file before anything runs and reports every
problem at once as ``FILE:LINE: field: message`` (the YAML node tree keeps line numbers).
Relative SQLite paths in ``database_url`` are relative to the working directory, not to the
sources file. ``python -m feedsvc.config --markdown`` prints docs/settings.md's table;
``--check FILE`` validates a sources file, like ``feedsvc config check FILE`` (the documented
entry point): exit 0 when valid, 2 when not. YAML syntax errors read ``FILE:LINE:COL:``
(``yamlfile``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from feedsvc.config.settings import (
    ENV_PREFIX,
    Settings,
    env_name,
    setting,
    setting_help,
    settings_markdown,
)
from feedsvc.config.settingsload import _build_settings, _Value, load_settings
from feedsvc.config.sources import (
    SourceProblem,
    _read_settings,
    _read_sources,
    parse_source,
    source_fields,
)
from feedsvc.config.values import _TOP_KEYS, _count, parse_interval, selector_problem
from feedsvc.config.yamlnodes import _Reader
from feedsvc.errors import ConfigError
from feedsvc.models import SourceConfig
from feedsvc.redact import redact_credentials
from feedsvc.yamlfile import compose_file

__all__ = [
    "ENV_PREFIX",
    "AppConfig",
    "ConfigError",
    "Settings",
    "SourceProblem",
    "check_file",
    "env_name",
    "load_config",
    "load_settings",
    "parse_interval",
    "parse_source",
    "selector_problem",
    "setting",
    "setting_help",
    "settings_markdown",
    "source_fields",
]


@dataclass(frozen=True)
class AppConfig:
    """A validated sources file plus the effective settings."""

    settings: Settings
    sources: tuple[SourceConfig, ...]
    path: Path | None
    warnings: tuple[str, ...] = ()
    # setting name → where its value came from ("FILE:LINE: settings.NAME", "FEEDSVC_NAME", …)
    origins: Mapping[str, str] = field(default_factory=dict)

    def origin(self, name: str) -> str:
        return self.origins.get(name, f"settings.{name}")


def load_config(path: Path | None, env: Mapping[str, str] | None = None) -> AppConfig:
    """Read and validate a sources file; ``env`` (default ``os.environ``) overrides settings.

    Every problem in the file and the environment is collected before raising one
    ConfigError whose lines read ``FILE:LINE: field: message``. ``path=None`` gives the
    settings from the environment and no sources. Relative SQLite paths in
    ``database_url`` stay relative to the working directory, not to the file.
    """
    environ = os.environ if env is None else env
    origins: dict[str, str] = {}
    if path is None:
        only = load_settings(environ, origins=origins)
        return AppConfig(settings=only, sources=(), path=None, origins=origins)
    path = Path(path)
    root = compose_file(path)
    reader = _Reader(str(path))
    if root is not None:
        reader.screen(root)
    file_settings: dict[str, _Value] = {}
    sources: list[SourceConfig] = []
    if root is None:
        reader.add(None, "", "the file is empty; expected 'sources:'")
    else:
        top = reader.mapping(root, "", _TOP_KEYS) if isinstance(root, yaml.MappingNode) else None
        if top is None:
            reader.add(
                root,
                "",
                "the top level must be a mapping with 'settings:' and 'sources:', "
                f"got {reader.describe(root)}",
            )
        else:
            if "settings" in top:
                file_settings = _read_settings(reader, top["settings"])
            if "sources" in top:
                sources = _read_sources(reader, top["sources"])
            else:
                reader.warnings.append(f"{reader.label}: no 'sources:' — serving stored feeds only")
    settings_problems: list[tuple[int, str]] = []
    settings = _build_settings(file_settings, environ, settings_problems, origins)
    for line, text in settings_problems:
        reader.add_text(line, text)
    problems = reader.problems
    if problems or settings is None:
        raise ConfigError(f"{path}: {_count(problems)}:", problems)
    return AppConfig(
        settings=settings,
        sources=tuple(sources),
        path=path,
        warnings=tuple(reader.warnings),
        origins=origins,
    )


def check_file(path: Path) -> int:
    """``feedsvc config check FILE``: 0 and ``FILE: OK, N sources`` when the file (with the
    environment's ``FEEDSVC_*``) is valid; 2 and every problem on stderr when it is not."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(redact_credentials(str(exc)), file=sys.stderr)
        return 2
    for warning in config.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{path}: OK, {len(config.sources)} sources")
    return 0
