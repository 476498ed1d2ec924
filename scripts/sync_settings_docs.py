"""Rewrite the settings tables in README.md and docs/settings.md from feedsvc/config/settings.py.

Run after adding or changing a setting: ``python scripts/sync_settings_docs.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

from feedsvc.config import settings_markdown

ROOT = Path(__file__).resolve().parents[1]
TABLE = re.compile(r"(?:^\|.*\n)+", re.M)


def replace_table(text: str, table: str) -> str:
    return TABLE.sub(lambda _: table, text, count=1)


def main() -> None:
    table = "\n".join(line for line in settings_markdown().splitlines() if line.startswith("|"))
    table += "\n"
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    block = re.compile(r"(<!-- settings:begin -->\n).*?(<!-- settings:end -->)", re.S)
    readme.write_text(block.sub(lambda m: m.group(1) + table + m.group(2), text), encoding="utf-8")
    doc = ROOT / "docs" / "settings.md"
    doc.write_text(replace_table(doc.read_text(encoding="utf-8"), table), encoding="utf-8")


if __name__ == "__main__":
    main()
