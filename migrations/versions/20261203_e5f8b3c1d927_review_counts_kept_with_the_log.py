"""Review counts kept with the log (per quarter hour; per deck and category), and an index of leeches

Revision ID: e5f8b3c1d927
Revises: d4e7a9b2c610
Create Date: 2026-12-03 14:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import studyapp.db

revision: str = "e5f8b3c1d927"
down_revision: str | None = "d4e7a9b2c610"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_quarters",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], name=op.f("fk_review_quarters_learner_id_learners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id", "quarter", name=op.f("pk_review_quarters")),
    )
    op.create_table(
        "retention_tallies",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("deck_key", sa.String(length=80), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], name=op.f("fk_retention_tallies_learner_id_learners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id", "deck_key", "category", name=op.f("pk_retention_tallies")),
    )
    op.create_index("ix_cards_leeches", "cards", ["learner_id"], unique=False, sqlite_where=sa.text("is_leech = 1"),
                    postgresql_where=sa.text("is_leech"))
    # The counts of the log as it stands (studyapp.tallies.rebuild, written out here so that it stays as it was).
    logs = sa.table("review_logs", sa.column("learner_id"), sa.column("card_id"), sa.column("rating"),
                    sa.column("reviewed_at", studyapp.db.UTCDateTime()), sa.column("is_undone", sa.Boolean()))
    cards = sa.table("cards", sa.column("id"), sa.column("question_id"))
    questions = sa.table("questions", sa.column("id"), sa.column("deck_id"), sa.column("category"))
    decks = sa.table("decks", sa.column("id"), sa.column("key"))
    kept = logs.c.is_undone.is_(False)
    at = studyapp.db.quarter_hour(logs.c.reviewed_at)
    op.execute(sa.table("review_quarters", sa.column("learner_id"), sa.column("quarter"), sa.column("reviews")).insert()
               .from_select(["learner_id", "quarter", "reviews"],
                            sa.select(logs.c.learner_id, at, sa.func.count()).where(kept).group_by(logs.c.learner_id, at)))
    op.execute(sa.table("retention_tallies", sa.column("learner_id"), sa.column("deck_key"), sa.column("category"),
                        sa.column("passed"), sa.column("total")).insert()
               .from_select(["learner_id", "deck_key", "category", "passed", "total"],
                            sa.select(logs.c.learner_id, decks.c.key, questions.c.category,
                                      sa.func.sum(sa.case((logs.c.rating > 1, 1), else_=0)), sa.func.count())
                            .select_from(logs.join(cards, logs.c.card_id == cards.c.id)
                                         .join(questions, cards.c.question_id == questions.c.id)
                                         .join(decks, questions.c.deck_id == decks.c.id))
                            .where(kept).group_by(logs.c.learner_id, decks.c.key, questions.c.category)))


def downgrade() -> None:
    op.drop_index("ix_cards_leeches", table_name="cards")
    op.drop_table("retention_tallies")
    op.drop_table("review_quarters")
