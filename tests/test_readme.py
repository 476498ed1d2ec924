"""The README is the contract with a new user: its settings table, commands and CI agree."""

from __future__ import annotations

import re
from pathlib import Path

from feedsvc.cli import build_parser
from feedsvc.config import settings_markdown

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def test_settings_table_matches_the_declarations() -> None:
    block = re.search(r"<!-- settings:begin -->(.*)<!-- settings:end -->", README, re.S)
    assert block, "README lacks the settings markers"
    assert table_lines(block.group(1)) == table_lines(settings_markdown()), (
        "README settings table is stale: python -m feedsvc.config --markdown"
    )


def test_ci_runs_the_readme_test_command() -> None:
    assert "./dev test" in README and "./dev run" in README
    assert "./dev test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_cli_command_is_documented() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"`feedsvc {name}" in README, name
