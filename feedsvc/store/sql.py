"""Small SQL helpers that differ by dialect."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

T = TypeVar("T")

# Well under SQLite's and asyncpg's bound-parameter limits.
IN_CHUNK = 500


def insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """INSERT with ON CONFLICT support (both dialects spell it the same way)."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
