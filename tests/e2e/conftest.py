"""Fixtures for the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pipeline_support import Pipeline, pipeline_context


@pytest.fixture
async def pipeline(tmp_path: Path, database_url: str) -> AsyncIterator[Pipeline]:
    """The pipeline on each engine: SQLite, and PostgreSQL when FEEDSVC_TEST_POSTGRES_DSN is set."""
    async for p in pipeline_context(tmp_path, db_url=database_url):
        yield p
