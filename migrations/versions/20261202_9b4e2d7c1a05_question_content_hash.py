"""question content hash; cards indexed by suspension and by state

A sync that changes nothing compares each question's digest instead of reading and decoding every
question's data. Rows from before have none: the next sync compares their data once and fills it in.
The progress page counts a learner's suspended cards, and the review queue their learning cards, by an
index, not by walking every new (or every review) card.

Revision ID: 9b4e2d7c1a05
Revises: 6c1a2f9d7e41
Create Date: 2026-12-02 14:10:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b4e2d7c1a05"
down_revision: str | None = "6c1a2f9d7e41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("questions", sa.Column("content_hash", sa.String(length=40), nullable=True))
    op.create_index("ix_cards_learner_id_is_suspended", "cards", ["learner_id", "is_suspended"])
    op.create_index("ix_cards_learner_id_state_reps", "cards", ["learner_id", "state", "reps"])


def downgrade() -> None:
    op.drop_index("ix_cards_learner_id_state_reps", table_name="cards")
    op.drop_index("ix_cards_learner_id_is_suspended", table_name="cards")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("content_hash")
