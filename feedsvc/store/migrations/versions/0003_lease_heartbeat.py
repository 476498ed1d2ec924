"""Leases carry a heartbeat: a running refresh touches ``sources.lease_heartbeat_at``, and a
lease whose heartbeat went silent may be claimed by any worker before ``lease_until``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

Additive: a nullable column. A lease written before it (NULL heartbeat) simply lasts until
its ``lease_until``, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("lease_heartbeat_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("lease_heartbeat_at")
