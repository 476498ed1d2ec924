"""Alembic, configured from code: no alembic.ini, the scripts live in this package.

Which revision a database is at, compared with this code's (:func:`schema_status`), is
the one place that decides "migrate", "up to date" and "too new for this code".
"""

from __future__ import annotations

import enum
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from feedsvc.errors import SchemaMismatchError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaStatus(enum.Enum):
    CURRENT = "current"  # at this code's head
    BEHIND = "behind"  # empty, or an older revision this code can upgrade
    UNKNOWN = "unknown"  # a revision this code does not know: a newer feedsvc wrote it


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config for our scripts; ``connection`` is handed to env.py to run on."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Run inside the caller's transaction (``AsyncConnection.run_sync``)."""
    command.upgrade(alembic_config(connection), revision)


def downgrade(connection: Connection, revision: str) -> None:
    command.downgrade(alembic_config(connection), revision)


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migration scripts"
    return head


@cache
def known_revisions() -> frozenset[str]:
    """Every revision id this code has a script for."""
    return frozenset(
        s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    )


def schema_status(current: str | None) -> SchemaStatus:
    if current == head_revision():
        return SchemaStatus.CURRENT
    if current is None or current in known_revisions():
        return SchemaStatus.BEHIND
    return SchemaStatus.UNKNOWN


def too_new_error(current: str) -> SchemaMismatchError:
    return SchemaMismatchError(
        f"database schema is at revision {current}, which this feedsvc does not know "
        f"(it knows up to {head_revision()}): a newer feedsvc migrated it; "
        "run that version, or restore a backup taken before its migration",
        current=current,
        expected=head_revision(),
        too_new=True,
    )


def schema_error(current: str | None) -> SchemaMismatchError | None:
    """Why a database at ``current`` cannot be used by this code as it is; None if it can."""
    status = schema_status(current)
    if status is SchemaStatus.CURRENT:
        return None
    if status is SchemaStatus.UNKNOWN:
        assert current is not None
        return too_new_error(current)
    return SchemaMismatchError(
        f"database schema is at revision {current or 'none (empty database)'}, "
        f"this feedsvc needs {head_revision()}: run `feedsvc migrate`",
        current=current,
        expected=head_revision(),
        too_new=False,
    )
