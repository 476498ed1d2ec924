"""Sources remember how many links their list pages yielded and since when they drifted;
each source's link to an article carries the category configured on that source.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

Additive. Existing links get no category of their own (NULL: the article's own category,
all that category feeds showed before), so every feed reads the same after the upgrade;
each source's link count is taken from its last run that saw links.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Altered in place, never recreated: other tables' foreign keys point at sources.
    with op.batch_alter_table("sources", recreate="never") as batch:
        batch.add_column(
            sa.Column("last_items_seen", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(sa.Column("drift_since", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("article_sources") as batch:
        batch.add_column(sa.Column("category", sa.Text(), nullable=True))
        batch.create_foreign_key(
            "fk_article_sources_category_categories", "categories", ["category"], ["name"]
        )
        batch.create_index(
            "ix_article_sources_category_article_id", ["category", "article_id"], unique=False
        )
    op.execute(
        "UPDATE sources SET last_items_seen = COALESCE((SELECT fetch_runs.items_seen"
        " FROM fetch_runs WHERE fetch_runs.source_id = sources.id AND fetch_runs.items_seen > 0"
        " ORDER BY fetch_runs.id DESC LIMIT 1), 0)"
    )


def downgrade() -> None:
    with op.batch_alter_table("article_sources") as batch:
        batch.drop_index("ix_article_sources_category_article_id")
        batch.drop_constraint("fk_article_sources_category_categories", type_="foreignkey")
        batch.drop_column("category")
    # In place again (SQLite ≥ 3.35 drops columns).
    with op.batch_alter_table("sources", recreate="never") as batch:
        batch.drop_column("drift_since")
        batch.drop_column("last_items_seen")
