"""The crash tests' pause points: inert without FEEDSVC_TEST_PAUSE_AT, strict with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from feedsvc.pause_points import ENV_VAR, _parse


def test_unset_means_no_pause() -> None:
    assert _parse(None) is None and _parse("") is None


@pytest.mark.parametrize("value", ["save", "fetch=/tmp/x", "save=", "=/tmp/x"])
def test_a_bad_value_names_the_variable_and_the_points(value: str) -> None:
    with pytest.raises(ValueError, match=rf"{ENV_VAR}=.*POINT=FLAG_FILE.*extract.*save"):
        _parse(value)


def test_a_pause_writes_the_flag_and_waits(tmp_path: Path) -> None:
    flag = tmp_path / "flag"
    code = (
        "import feedsvc.pause_points as p, time; p.PAUSE_SECONDS = 0.3; t = time.monotonic();"
        "p.pause_point('extract'); assert time.monotonic() - t >= 0.3;"
        "t = time.monotonic(); p.pause_point('save'); assert time.monotonic() - t < 0.3"
    )
    env = {ENV_VAR: f"extract={flag}", "PATH": ""}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert flag.read_text(encoding="utf-8").isdigit()
