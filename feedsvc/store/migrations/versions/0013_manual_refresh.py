"""A manual refresh request is stored with its source, so the worker that claims it (in
cluster mode, not the web process that took the request) re-checks the source's recent
articles for edits; runs say whether they were manual and how many articles they re-checked.

Revision ID: 0013_manual_refresh
Revises: 0012_source_templates
Create Date: 2026-12-05

Additive: no request pending, older runs read as scheduled with 0 re-checked.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_manual_refresh"
down_revision: str | None = "0012_source_templates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("refresh_requested_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("fetch_runs") as batch:
        batch.add_column(
            sa.Column("manual", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("rechecked_count", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    with op.batch_alter_table("fetch_runs") as batch:
        batch.drop_column("rechecked_count")
        batch.drop_column("manual")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("refresh_requested_at")
