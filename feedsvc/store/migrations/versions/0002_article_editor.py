"""Articles remember their editor (责任编辑), rendered as the entry's contributor.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Additive: a nullable column, so rows stored before it simply have no editor.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("editor", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("editor")
