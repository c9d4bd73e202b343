"""Two indexes for the review page: each learner's new cards in id order (the next new card and their capped
count), and each learner's ratings in time and id order (the last rating, which Undo takes back). Without the
first, PostgreSQL walked the cards' primary key past every other learner's cards to reach a learner whose cards
came last; without the id in the second, it sorted all of a learner's ratings to find the last one

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
    op.create_index("ix_review_logs_learner_id_reviewed_at_id", "review_logs", ["learner_id", "reviewed_at", "id"])
    op.drop_index("ix_review_logs_learner_id_reviewed_at", table_name="review_logs")


def downgrade() -> None:
    op.create_index("ix_review_logs_learner_id_reviewed_at", "review_logs", ["learner_id", "reviewed_at"])
    op.drop_index("ix_review_logs_learner_id_reviewed_at_id", table_name="review_logs")
    op.drop_index("ix_cards_new", table_name="cards")
