"""Metrics tests: the in-process pipeline of tests/e2e and the live harness of bench/."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "e2e"))
sys.path.insert(0, str(TESTS.parent / "bench"))

from pipeline_support import Pipeline, pipeline_context, selector_source  # noqa: E402

from feedsvc.metrics.instruments import Instruments, use_directory, use_registry  # noqa: E402

# A source whose list page is missing: one failed fetch and refresh, one failing source.
BROKEN = selector_source("broken", "Broken", "${base_url}/no-such-list/")


@pytest.fixture
def instruments() -> Iterator[Instruments]:
    """This process records into a registry of its own for the test, then back to memory."""
    yield use_registry()
    use_directory(None)


@pytest.fixture
async def pipeline(tmp_path: Path, instruments: Instruments) -> AsyncIterator[Pipeline]:
    """Demo portal + one broken source, on SQLite, with metrics recorded in-process."""
    async for p in pipeline_context(tmp_path, extra_sources=BROKEN):
        yield p
