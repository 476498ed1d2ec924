"""Runs record how many found links were already stored and unedited, and the HTTP
status of every page fetched (``pages_json``: [{"url", "status", "kind", "error"}]).

Revision ID: 0010_run_pages
Revises: 0009_article_outlet
Create Date: 2026-12-05

Additive: older runs read as 0 unchanged and no pages.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_run_pages"
down_revision: str | None = "0009_article_outlet"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fetch_runs") as batch:
        batch.add_column(
            sa.Column("unchanged_count", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(sa.Column("pages_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fetch_runs") as batch:
        batch.drop_column("pages_json")
        batch.drop_column("unchanged_count")
