"""The review queue's numbers from the counts: ratings per quarter hour split by the daily limit they count
towards, due cards per quarter hour split into learning and not, and partial indexes of learning cards and of
review cards in due order (in place of the (learner, state, reps) index)

Revision ID: f2b6d8e4a913
Revises: e5f8b3c1d927
Create Date: 2026-12-04 09:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import studyapp.db

revision: str = "f2b6d8e4a913"
down_revision: str | None = "e5f8b3c1d927"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _review_quarters(*limits: str) -> None:
    op.create_table(
        "review_quarters",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in limits),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], name=op.f("fk_review_quarters_learner_id_learners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id", "quarter", name=op.f("pk_review_quarters")),
    )


def _due_quarters(learning: bool) -> None:
    op.create_table(
        "due_quarters",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        *([sa.Column("learning", sa.Boolean(), nullable=False)] if learning else []),
        sa.Column("deck_key", sa.String(length=80), nullable=False),
        sa.Column("quarter", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cards", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], name=op.f("fk_due_quarters_learner_id_learners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id", *(["learning"] if learning else []), "deck_key", "quarter",
                                name=op.f("pk_due_quarters")),
    )


# The tables as this revision reads them (written out here so that it stays as it was).
LOGS = sa.table("review_logs", sa.column("learner_id"), sa.column("reviewed_at", studyapp.db.UTCDateTime()),
                sa.column("kind"), sa.column("origin"), sa.column("is_undone", sa.Boolean()))
CARDS = sa.table("cards", sa.column("learner_id"), sa.column("question_id"), sa.column("state"), sa.column("reps"),
                 sa.column("is_suspended", sa.Boolean()), sa.column("due", studyapp.db.UTCDateTime()),
                 sa.column("buried_until", studyapp.db.UTCDateTime()))
QUESTIONS = sa.table("questions", sa.column("id"), sa.column("deck_id"), sa.column("kind"), sa.column("is_retired", sa.Boolean()))
DECKS = sa.table("decks", sa.column("id"), sa.column("key"))


def _fill(learning: bool) -> None:
    """Work both tables out from the log and the cards, as studyapp.tallies.rebuild and rebuild_cards do."""
    at = studyapp.db.quarter_hour(LOGS.c.reviewed_at)
    limits = [sa.and_(LOGS.c.kind == "review", LOGS.c.origin == "review"),
              sa.and_(LOGS.c.kind == "new", LOGS.c.origin.in_(["review", "learn"]))] if learning else []
    names = ["learner_id", "quarter", "reviews", *(["reviewed", "introduced"] if learning else [])]
    op.execute(sa.table("review_quarters", *(sa.column(name) for name in names)).insert().from_select(
        names, sa.select(LOGS.c.learner_id, at, sa.func.count(), *(sa.func.sum(sa.case((c, 1), else_=0)) for c in limits))
        .where(LOGS.c.is_undone.is_(False)).group_by(LOGS.c.learner_id, at)))
    back = studyapp.db.quarter_hour(sa.case((sa.and_(CARDS.c.buried_until.is_not(None), CARDS.c.buried_until > CARDS.c.due),
                                             CARDS.c.buried_until), else_=CARDS.c.due))
    in_learning = CARDS.c.state != 2
    keys = [CARDS.c.learner_id, *([in_learning] if learning else []), DECKS.c.key, back]
    names = ["learner_id", *(["learning"] if learning else []), "deck_key", "quarter", "cards"]
    op.execute(sa.table("due_quarters", *(sa.column(name) for name in names)).insert().from_select(
        names, sa.select(*keys, sa.func.count())
        .select_from(CARDS.join(QUESTIONS, CARDS.c.question_id == QUESTIONS.c.id).join(DECKS, QUESTIONS.c.deck_id == DECKS.c.id))
        .where(QUESTIONS.c.is_retired.is_(False), QUESTIONS.c.kind != "matching", CARDS.c.reps > 0,
               CARDS.c.is_suspended.is_(False))
        .group_by(*keys)))


def _remake(learning: bool) -> None:
    op.drop_table("due_quarters")
    op.drop_table("review_quarters")
    _review_quarters(*(["reviewed", "introduced"] if learning else []))
    _due_quarters(learning)
    _fill(learning)


def upgrade() -> None:
    _remake(learning=True)
    op.drop_index("ix_cards_learner_id_state_reps", table_name="cards")
    op.create_index("ix_cards_learning", "cards", ["learner_id", "due"], unique=False,
                    sqlite_where=sa.text("reps > 0 AND state <> 2"), postgresql_where=sa.text("reps > 0 AND state <> 2"))
    op.create_index("ix_cards_reviews", "cards", ["learner_id", "due"], unique=False,
                    sqlite_where=sa.text("state = 2"), postgresql_where=sa.text("state = 2"))


def downgrade() -> None:
    op.drop_index("ix_cards_reviews", table_name="cards")
    op.drop_index("ix_cards_learning", table_name="cards")
    op.create_index("ix_cards_learner_id_state_reps", "cards", ["learner_id", "state", "reps"])
    _remake(learning=False)
