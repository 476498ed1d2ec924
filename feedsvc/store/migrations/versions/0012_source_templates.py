"""Templates learned per source, and what each run did with its source's template.

Revision ID: 0012_source_templates
Revises: 0011_change_notify
Create Date: 2026-12-05

``source_templates``: one row per source (deleted with it), the learned template as JSON
with its evidence, the observations still to learn from, drift counters.
``fetch_runs.template_note``: "learned from N pages", "K pages drifted", NULL otherwise.
Additive: older runs have no note, sources no template (they learn one).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_source_templates"
down_revision: str | None = "0011_change_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "source_templates",
        sa.Column("source_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("template_json", sa.Text(), nullable=True),
        sa.Column("observations_json", sa.Text(), nullable=False),
        sa.Column("pages_observed", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("pages_agreed", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pinned_pages", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("drift_pages", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("drift_total", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("last_drift", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name="fk_source_templates_source_id_sources",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", name="pk_source_templates"),
    )
    with op.batch_alter_table("fetch_runs") as batch:
        batch.add_column(sa.Column("template_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fetch_runs") as batch:
        batch.drop_column("template_note")
    op.drop_table("source_templates")
