"""The admin API: who manages a source, soft deletes, hidden articles, dropped links per
run, and the audit table.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-04

Additive. Sources stored before it were all from the sources file (managed_by 'file').
(Written against 0002 while 0003/0004 were made in parallel; linked after 0003 when
rebased on main. If 0004 lands, relink this after it.)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite adds columns in place, so the tables other
    # tables reference are never dropped and recreated.
    op.add_column(
        "sources",
        sa.Column("managed_by", sa.Text(), server_default=sa.text("'file'"), nullable=False),
    )
    op.add_column("sources", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "articles", sa.Column("hidden", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("fetch_runs", sa.Column("dropped_json", sa.Text(), nullable=True))
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_index(op.f("ix_audit_target_id"), "audit", ["target", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_target_id"), table_name="audit")
    op.drop_table("audit")
    # SQLite 3.35+ drops columns in place (ALTER TABLE … DROP COLUMN).
    op.drop_column("fetch_runs", "dropped_json")
    op.drop_column("articles", "hidden")
    op.drop_column("sources", "deleted_at")
    op.drop_column("sources", "managed_by")
