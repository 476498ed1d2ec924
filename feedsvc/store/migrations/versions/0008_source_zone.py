"""Sources remember the zone their page times were read in, and the evidence for it.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-04

Additive: a nullable column, filled by the next successful refresh (extract/zone.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Altered in place, never recreated: other tables' foreign keys point at sources.
    with op.batch_alter_table("sources", recreate="never") as batch:
        batch.add_column(sa.Column("zone", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources", recreate="never") as batch:
        batch.drop_column("zone")
