"""bank sync history and quiz item question keys

Revision ID: 3477abec0f14
Revises: 252f35acbdde
Create Date: 2026-11-29 11:25:43.204502
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import studyapp.db

revision: str = '3477abec0f14'
down_revision: str | None = '252f35acbdde'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('bank_syncs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('synced_at', studyapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('is_ok', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_syncs'))
    )
    with op.batch_alter_table('bank_syncs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_syncs_synced_at'), ['synced_at'], unique=False)

    with op.batch_alter_table('quiz_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_key', sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f('ix_quiz_items_question_key'), ['question_key'], unique=False)

    # Fill the new column for quizzes taken before it existed.
    items = sa.table("quiz_items", sa.column("id", sa.Integer), sa.column("payload", sa.JSON),
                     sa.column("question_key", sa.String))
    connection = op.get_bind()
    for item_id, payload in connection.execute(sa.select(items.c.id, items.c.payload)).all():
        if payload.get("form") != "order" and payload.get("keys"):
            connection.execute(items.update().where(items.c.id == item_id).values(question_key=payload["keys"][0]))


def downgrade() -> None:
    with op.batch_alter_table('quiz_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_items_question_key'))
        batch_op.drop_column('question_key')

    with op.batch_alter_table('bank_syncs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_syncs_synced_at'))

    op.drop_table('bank_syncs')
