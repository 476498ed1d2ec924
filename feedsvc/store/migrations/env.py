"""Alembic environment. Runs only on a connection handed over by feedsvc.store.migrate.

Offline (SQL script) mode is not supported: ``feedsvc migrate`` runs against the database.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from feedsvc.store.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode recreates the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if context.is_offline_mode() or not isinstance(_connection, Connection):
    raise RuntimeError(
        "feedsvc migrations run through feedsvc.store (Store.migrate / `feedsvc migrate`), "
        "which supplies the database connection"
    )
_run(_connection)
