"""Report tables of bench/extraction.py: the scores it keeps per dataset, system and split,
and the Markdown tables it prints."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from extraction_split import SPLITS


@dataclass
class Scores:
    pages: int = 0
    seconds: list[float] = field(default_factory=list)
    title: list[bool] = field(default_factory=list)
    published: list[bool] = field(default_factory=list)
    published_day: list[bool] = field(default_factory=list)  # truths with a day
    published_minute: list[bool] = field(default_factory=list)  # truths with a time of day
    author: list[bool] = field(default_factory=list)
    # Second readings, shown apart: our headline where the truth adds a site suffix; our
    # name found whole inside a truth byline that adds a role, an outlet or a date.
    title_headline: list[bool] = field(default_factory=list)
    author_in_byline: list[bool] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # exceptions and empty results
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Run:
    """One benchmark run: scores per (dataset, quality) and per (dataset, system, split),
    pages decoded wrongly, and the zones feedsvc chose for the pages' naive times."""

    table: dict[tuple[str, str], dict[str, Scores]]
    split: dict[tuple[str, str, str], Scores]
    decode_errors: list[str]
    zones: Counter[tuple[str, str]]  # (dataset, zone name) → pages
    pages: Counter[tuple[str, str]] = field(default_factory=Counter)  # (dataset, split)


def _rate(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.2f} ({sum(values)}/{len(values)})" if values else "-"


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def article_table(table: dict[tuple[str, str], dict[str, Scores]]) -> list[str]:
    rows = [
        "| dataset | quality | system | pages | title | published | author/source "
        "| content F1 | F1 vs feedsvc | median ms/page | pages/s | problems |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (dataset, quality), by_system in sorted(table.items()):
        ours = _mean(by_system["feedsvc"].f1) if "feedsvc" in by_system else None
        for system, s in by_system.items():
            f1 = _mean(s.f1)
            ratio = f"{ours / f1:.3f}" if ours is not None and f1 else "-"
            median = statistics.median(s.seconds) * 1000 if s.seconds else 0.0
            rate = len(s.seconds) / sum(s.seconds) if s.seconds and sum(s.seconds) else 0.0
            rows.append(
                f"| {dataset} | {quality} | {system} | {s.pages} | {_rate(s.title)} "
                f"| {_rate(s.published)} | {_rate(s.author)} "
                f"| {f'{f1:.3f}' if f1 is not None else '-'} "
                f"| {ratio if system != 'feedsvc' else ''} | {median:.1f} | {rate:.0f} "
                f"| {len(s.problems)} |"
            )
    return rows


def second_readings(table: dict[tuple[str, str], dict[str, Scores]]) -> list[str]:
    rows = [
        "| dataset | system | title | title, truth minus a site suffix | author/source "
        "| author/source, our name inside the truth byline |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for (dataset, _quality), by_system in sorted(table.items()):
        for system, s in by_system.items():
            if s.title or s.author:
                rows.append(
                    f"| {dataset} | {system} | {_rate(s.title)} | {_rate(s.title_headline)} "
                    f"| {_rate(s.author)} | {_rate(s.author_in_byline)} |"
                )
    return rows


def overall_timing(table: dict[tuple[str, str], dict[str, Scores]]) -> list[str]:
    rows = ["| system | pages | median ms/page | pages/s |", "|---|---:|---:|---:|"]
    systems = next(iter(table.values())).keys() if table else []
    for system in systems:
        seconds = [x for by in table.values() for x in by[system].seconds]
        rows.append(
            f"| {system} | {len(seconds)} | {statistics.median(seconds) * 1000:.1f} "
            f"| {len(seconds) / sum(seconds):.0f} |"
        )
    return rows


def published_table(run: Run) -> list[str]:
    """Same day and same minute, with the zones feedsvc chose for naive page times."""
    rows = [
        "| dataset | system | same day | same minute | zones of naive times (pages) |",
        "|---|---|---:|---:|---|",
    ]
    for (dataset, _quality), by_system in sorted(run.table.items()):
        zones = ", ".join(
            f"{zone} {n}" for (ds, zone), n in sorted(run.zones.items()) if ds == dataset
        )
        for system, s in by_system.items():
            if s.published_day or s.published_minute:
                rows.append(
                    f"| {dataset} | {system} | {_rate(s.published_day)} "
                    f"| {_rate(s.published_minute)} | {zones} |"
                )
    return rows


SPLIT_FIELDS = (
    ("title", True),
    ("published", True),
    ("published same day", True),
    ("published same minute", True),
    ("author/source", True),
    ("content F1", False),
)


def split_figures(run: Run) -> dict[tuple[str, str, str], dict[str, list[float]]]:
    return {
        key: {
            "title": [float(x) for x in s.title],
            "published": [float(x) for x in s.published],
            "published same day": [float(x) for x in s.published_day],
            "published same minute": [float(x) for x in s.published_minute],
            "author/source": [float(x) for x in s.author],
            "content F1": s.f1,
        }
        for key, s in run.split.items()
    }


def split_counts(run: Run) -> str:
    datasets = sorted({ds for ds, _split in run.pages})
    return "; ".join(
        f"{ds} {'/'.join(str(run.pages[(ds, sp)]) for sp in SPLITS)}" for ds in datasets
    )
