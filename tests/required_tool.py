"""A program a test runs, which CI must have (.ci/run installs it)."""

from __future__ import annotations

import os
import shutil

import pytest


def required_tool(name: str, purpose: str) -> str:
    """The path of ``name``; skip without it, but fail in CI (CI=true), which must run
    ``purpose``."""
    found = shutil.which(name)
    if found is None:
        reason = f"{name} is not installed (Debian: apt-get install {name})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run {purpose}")
        pytest.skip(reason)
    return found
