"""A first run prints what the operator needs and nothing else; ``-v`` shows the rest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _migrate(tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FEEDSVC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/f.db"}
    env.pop("FEEDSVC_LOG_LEVEL", None)
    return subprocess.run(
        [sys.executable, "-m", "feedsvc", *flags, "migrate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_migrate_prints_no_library_info_lines(tmp_path: Path) -> None:
    done = _migrate(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # was: four Alembic INFO lines ("Context impl SQLiteImpl." …)
    assert "up to date" in done.stdout or "migrated" in done.stdout


@pytest.mark.parametrize("flag", ["-v", "--verbose"])
def test_verbose_shows_library_lines(tmp_path: Path, flag: str) -> None:
    done = _migrate(tmp_path, flag)
    assert done.returncode == 0, done.stderr
    assert "alembic.runtime.migration" in done.stderr
