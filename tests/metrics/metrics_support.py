"""Reading a /metrics answer."""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client.parser import text_string_to_metric_families

Labels = tuple[tuple[str, str], ...]


def samples(text: str) -> dict[str, dict[Labels, float]]:
    """sample name → (sorted labels → value)."""
    found: dict[str, dict[Labels, float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def value(found: Mapping[str, Mapping[Labels, float]], name: str, **labels: str) -> float:
    """The value of one series (0 when absent)."""
    return found.get(name, {}).get(tuple(sorted(labels.items())), 0.0)


def total(found: Mapping[str, Mapping[Labels, float]], name: str, **labels: str) -> float:
    """The sum of the series of ``name`` whose labels include ``labels``."""
    want = set(labels.items())
    return sum(v for k, v in found.get(name, {}).items() if want <= set(k))
