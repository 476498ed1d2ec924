"""Articles remember their outlet (来源: 新华社, Reuters) beside a named reporter, rendered
as a contributor (Atom, RSS) and in JSON Feed's ``_feedsvc`` extension.

Revision ID: 0009_article_outlet
Revises: 0008
Create Date: 2026-12-04

Additive: a nullable column, so rows stored before it simply have no outlet (the
outlet arrives with the article's next edit, as the editor did).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_article_outlet"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("outlet", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("outlet")
