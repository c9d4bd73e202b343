"""A partial index of each learner's new cards in id order (the review queue's next new card and its capped
count): without it PostgreSQL walked the cards' primary key from the first card of all, past every other
learner's, to reach a learner whose cards came last

Revision ID: a7c3e9f1b254
Revises: f2b6d8e4a913
Create Date: 2026-12-05 09:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7c3e9f1b254"
down_revision: str | None = "f2b6d8e4a913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_cards_new", "cards", ["learner_id", "id"], unique=False,
                    sqlite_where=sa.text("reps = 0"), postgresql_where=sa.text("reps = 0"))


def downgrade() -> None:
    op.drop_index("ix_cards_new", table_name="cards")
