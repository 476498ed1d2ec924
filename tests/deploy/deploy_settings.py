"""Checks shared by the deploy tests: the FEEDSVC_* variables a deploy file sets are real
settings with valid values, and the commands it runs are commands feedsvc has."""

from __future__ import annotations

import shlex
from collections.abc import Mapping

import pytest

from feedsvc.cli import build_parser
from feedsvc.config import ENV_PREFIX, load_config
from feedsvc.errors import ConfigError


def check_feedsvc_env(env: Mapping[str, str], where: str) -> None:
    """Fail naming ``where`` unless every FEEDSVC_* variable in ``env`` is a setting (or
    FEEDSVC_CONFIG) and its value is valid, as ``feedsvc`` itself reads them at start."""
    ours = {name: value for name, value in env.items() if name.startswith(ENV_PREFIX)}
    try:
        load_config(None, ours)
    except ConfigError as err:
        pytest.fail(f"{where}: {err}")


def check_feedsvc_command(argv: list[str] | str, where: str) -> None:
    """Fail naming ``where`` unless ``argv`` (after the program) parses as a feedsvc
    command line."""
    args = shlex.split(argv) if isinstance(argv, str) else list(argv)
    try:
        build_parser().parse_args(args)
    except SystemExit:
        pytest.fail(f"{where}: feedsvc does not accept {args}")
