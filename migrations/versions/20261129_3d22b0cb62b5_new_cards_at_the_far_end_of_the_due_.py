"""new cards at the far end of the due index

Revision ID: 3d22b0cb62b5
Revises: b0e13e532d1a
Create Date: 2026-11-29 11:48:48.048256
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

import studyapp.db

revision: str = '3d22b0cb62b5'
down_revision: str | None = 'b0e13e532d1a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index('ix_cards_learner_id_reps_id', ['learner_id', 'reps', 'id'], unique=False)

    # New cards move to the far end of the (learner_id, due) index (scheduler.NEW_CARD_DUE).
    cards = sa.table("cards", sa.column("reps", sa.Integer), sa.column("due", studyapp.db.UTCDateTime()))
    op.execute(cards.update().where(cards.c.reps == 0).values(due=datetime(9999, 12, 31, tzinfo=timezone.utc)))



def downgrade() -> None:
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index('ix_cards_learner_id_reps_id')

