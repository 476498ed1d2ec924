"""Development versus held-out pages for bench/extraction.py.

A page is "development" when its ``dataset/case`` id is listed in ``development_pages.txt``
(pages named while rules were written: see docs/extraction.md, "Development and held-out
pages"); every other page is "held-out". The report gives each field per dataset and
system on both splits and the gap between them, so a rule that only helps the pages it was
written for shows up as a gap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

DEVELOPMENT_FILE = Path(__file__).with_name("development_pages.txt")
DEVELOPMENT, HELD_OUT = "development", "held-out"
SPLITS = (DEVELOPMENT, HELD_OUT)


def load_development(path: Path = DEVELOPMENT_FILE) -> frozenset[str]:
    """The page ids in ``path``: one ``dataset/case`` a line; ``#`` starts a comment."""
    ids: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        dataset, sep, case = line.partition("/")
        if not sep or not dataset or not case or "/" in case or " " in line:
            raise ValueError(f"{path}:{number}: expected 'dataset/case', got {raw!r}")
        ids.add(line)
    return frozenset(ids)


def split_of(page_id: str, development: frozenset[str]) -> str:
    return DEVELOPMENT if page_id in development else HELD_OUT


def _rate(values: Sequence[float], share: bool) -> str:
    if not values:
        return "-"
    mean = sum(values) / len(values)
    return f"{mean:.2f} ({int(sum(values))}/{len(values)})" if share else f"{mean:.3f}"


def split_rows(
    figures: Mapping[tuple[str, str, str], Mapping[str, Sequence[float]]],
    fields: Sequence[tuple[str, bool]],
) -> list[str]:
    """One row per dataset, system and field: development, held-out, and the gap
    (development minus held-out; positive = better on the pages rules were written for).

    ``figures`` maps (dataset, system, split) to field → values (0/1 hits, or F1 values);
    ``fields`` lists (field, is a share of hits) in report order."""
    rows = [
        "| dataset | system | field | development | held-out | gap |",
        "|---|---|---|---:|---:|---:|",
    ]
    keys = sorted({(dataset, system) for dataset, system, _split in figures})
    for dataset, system in keys:
        dev = figures.get((dataset, system, DEVELOPMENT), {})
        held = figures.get((dataset, system, HELD_OUT), {})
        for name, share in fields:
            a, b = dev.get(name, ()), held.get(name, ())
            if not a and not b:
                continue
            gap = f"{sum(a) / len(a) - sum(b) / len(b):+.3f}" if a and b else "-"
            rows.append(
                f"| {dataset} | {system} | {name} | {_rate(a, share)} | {_rate(b, share)} | {gap} |"
            )
    return rows
