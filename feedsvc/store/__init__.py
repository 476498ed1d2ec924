"""store stage: SQLAlchemy 2 Core (async) on SQLite or PostgreSQL; see docs/architecture.md."""

from feedsvc.store.store import Store

__all__ = ["Store"]
