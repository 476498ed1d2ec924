"""``python -m feedsvc.config --check FILE`` / ``--markdown``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from feedsvc.config import check_file
from feedsvc.config.settings import settings_markdown


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m feedsvc.config --markdown`` prints the settings table for docs/settings.md."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m feedsvc.config")
    parser.add_argument("--markdown", action="store_true", help="print the settings table")
    parser.add_argument("--check", type=Path, metavar="FILE", help="validate a sources file")
    args = parser.parse_args(argv)
    if args.check:
        return check_file(args.check)
    if args.markdown:
        sys.stdout.write(settings_markdown())
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
