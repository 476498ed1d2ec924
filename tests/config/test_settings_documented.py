"""docs/settings.md must show exactly the settings declared in feedsvc/config/settings.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from feedsvc.config import env_name, setting_help, settings_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"
REGENERATE = "regenerate the table with: python -m feedsvc.config --markdown"


def table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def test_docs_table_matches_the_declarations() -> None:
    assert table_lines(DOC.read_text(encoding="utf-8")) == table_lines(settings_markdown()), (
        REGENERATE
    )


def test_every_setting_has_a_row() -> None:
    rows = table_lines(DOC.read_text(encoding="utf-8"))
    for name, (_default, help_text) in setting_help().items():
        row = next((r for r in rows if r.startswith(f"| `{env_name(name)}` |")), None)
        assert row is not None, f"{env_name(name)} is missing from {DOC}; {REGENERATE}"
        assert help_text.replace("|", "\\|") in row


def test_markdown_command_prints_the_table() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "feedsvc.config", "--markdown"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout == settings_markdown()
    assert result.stderr == ""
