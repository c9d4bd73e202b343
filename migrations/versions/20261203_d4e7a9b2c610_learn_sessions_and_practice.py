"""Learn sessions and their answers; practice that leaves the schedule alone

Revision ID: d4e7a9b2c610
Revises: c3d8e5f1a247
Create Date: 2026-12-03 10:40:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import studyapp.db

revision: str = "d4e7a9b2c610"
down_revision: str | None = "c3d8e5f1a247"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (a batch copy of `learners` would trip over its expression index on SQLite)
    op.add_column("learners", sa.Column("practice_by_default", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("quizzes", sa.Column("is_practice", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("quizzes", sa.Column("kind", sa.String(length=20), nullable=True))
    op.create_table(
        "learn_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=True),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("deck_key", sa.String(length=80), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("answer_types", sa.String(length=20), nullable=False),
        sa.Column("is_practice", sa.Boolean(), nullable=False),
        sa.Column("question_keys", sa.JSON(), nullable=False),
        sa.Column("about", sa.String(length=200), nullable=True),
        sa.Column("created_at", studyapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", studyapp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_learn_sessions_learner_id_created_at", "learn_sessions", ["learner_id", "created_at"], unique=False)
    op.create_table(
        "learn_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learn_session_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("is_correct", sa.Boolean(), nullable=False),
        sa.Column("is_overridden", sa.Boolean(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("held_back", sa.String(length=12), nullable=True),
        sa.Column("review_log_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", studyapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["learn_session_id"], ["learn_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["review_log_id"], ["review_logs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learn_session_id", "step"),
    )
    op.create_index(op.f("ix_learn_answers_question_key"), "learn_answers", ["question_key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_learn_answers_question_key"), table_name="learn_answers")
    op.drop_table("learn_answers")
    op.drop_index("ix_learn_sessions_learner_id_created_at", table_name="learn_sessions")
    op.drop_table("learn_sessions")
    op.drop_column("quizzes", "kind")  # SQLite 3.35+ drops a column in place
    op.drop_column("quizzes", "is_practice")
    op.drop_column("learners", "practice_by_default")
