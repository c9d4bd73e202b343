"""Typed ORM models: learners, the synced bank (decks, questions) and quizzes."""

from __future__ import annotations

from datetime import date, datetime, timezone

from flask_login import UserMixin
from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint, false, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from studyapp.db import Base


class Learner(UserMixin, Base):
    """Someone who studies; instructors are learners with a flag."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_instructor: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    cards_synced_to: Mapped[int] = mapped_column(default=0, server_default="0")  # BankSync id the cards match
    # Part of every session's id: signing out moves it on, so a copy of an old session cookie stops working.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")

    # Study settings (fsrs and the daily queue)
    desired_retention: Mapped[float] = mapped_column(Float, default=0.9)
    learning_steps: Mapped[str] = mapped_column(String(100), default="1m 10m")
    relearning_steps: Mapped[str] = mapped_column(String(100), default="10m")
    maximum_interval_days: Mapped[int] = mapped_column(default=36500)
    new_per_day: Mapped[int] = mapped_column(default=20)
    reviews_per_day: Mapped[int] = mapped_column(default=200)
    day_starts_hour: Mapped[int] = mapped_column(default=4)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    suspend_leeches: Mapped[bool] = mapped_column(default=False)
    # FSRS parameters fitted to the learner's own reviews (None: fsrs's defaults); never shown to instructors
    fsrs_parameters: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    fitted_at_reviews: Mapped[int] = mapped_column(default=0, server_default="0")  # review count at the last fit
    fit_checked_on: Mapped[date | None] = mapped_column(Date)  # study day a rating last checked for an automatic fit
    fit_started_at: Mapped[datetime | None]  # a fit under way since then (a claim: one fit per learner at a time)
    practice_by_default: Mapped[bool] = mapped_column(default=False, server_default=false())  # quizzes and Learn leave cards alone

    def get_id(self) -> str:
        """Flask-Login's id for the session cookie: the learner and the current session epoch."""
        return f"{self.id}.{self.session_epoch}"


# find_learner ignores case, so names differing only in case must not make two accounts (even in a race)
Index("uq_learners_lower_username", func.lower(Learner.username), unique=True)


class Deck(Base):
    """A deck of the bank, upserted by its key on sync."""

    __tablename__ = "decks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    is_retired: Mapped[bool] = mapped_column(default=False)

    questions: Mapped[list[Question]] = relationship(back_populates="deck")


class Question(Base):
    """One askable bank item (a fact gives two rows); retired, never deleted, when removed."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_deck_id_is_retired", "deck_id", "is_retired"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"))
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict]
    content_hash: Mapped[str | None] = mapped_column(String(40))  # of `data`: a sync compares this, not the data
    is_retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]

    deck: Mapped[Deck] = relationship(back_populates="questions")


class Quiz(Base):
    """A generated quiz, stored whole so reload and back are safe; its token is its address."""

    __tablename__ = "quizzes"
    __table_args__ = (Index("ix_quizzes_learner_id_created_at", "learner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    seed: Mapped[int]
    deck_key: Mapped[str | None] = mapped_column(String(80))
    category: Mapped[str | None] = mapped_column(String(20))
    length: Mapped[int]
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    score: Mapped[int] = mapped_column(default=0)
    is_practice: Mapped[bool] = mapped_column(default=False, server_default=false())  # answers rate no card
    kind: Mapped[str | None] = mapped_column(String(20))  # None: every kind, mixed; "matching": matching only

    items: Mapped[list[QuizItem]] = relationship(
        back_populates="quiz", order_by="QuizItem.position", cascade="all, delete-orphan"
    )


class QuizItem(Base):
    """One question of a quiz and, once answered, the learner's response and verdict."""

    __tablename__ = "quiz_items"
    __table_args__ = (UniqueConstraint("quiz_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_key: Mapped[str | None] = mapped_column(String(100), index=True)  # None for chronology
    payload: Mapped[dict]
    response: Mapped[str | None] = mapped_column(Text)
    is_correct: Mapped[bool | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]

    quiz: Mapped[Quiz] = relationship(back_populates="items")


# A new card has no due date of its own; this one keeps new cards at the far end of the
# (learner, due) index, so queries for due cards never wade through a learner's new cards.
NEW_CARD_DUE = datetime(9999, 12, 31, tzinfo=timezone.utc)


class Card(Base):
    """A learner's FSRS schedule for one question; `version` rises with every change."""

    __tablename__ = "cards"
    __table_args__ = (
        UniqueConstraint("learner_id", "question_id"),
        Index("ix_cards_learner_id_due", "learner_id", "due"),
        Index("ix_cards_learner_id_reps_id", "learner_id", "reps", "id"),
        Index("ix_cards_learner_id_is_suspended", "learner_id", "is_suspended"),  # the few suspended, without the new
        # the few in learning and the cards in review, each in due order (the review queue): partial, so that the
        # first one due, and a capped count, never walk past the other kind; the queries name the same terms
        Index("ix_cards_learning", "learner_id", "due", sqlite_where=text("reps > 0 AND state <> 2"),
              postgresql_where=text("reps > 0 AND state <> 2")),
        Index("ix_cards_reviews", "learner_id", "due", sqlite_where=text("state = 2"), postgresql_where=text("state = 2")),
        # the new cards in id order (the next new card, the capped count of them): else PostgreSQL may walk the
        # primary key from the first card of all to reach a learner whose cards came last
        Index("ix_cards_new", "learner_id", "id", sqlite_where=text("reps = 0"), postgresql_where=text("reps = 0")),
        # the few leeches (card list, progress): partial, so that the planner sees how few they are
        Index("ix_cards_leeches", "learner_id", sqlite_where=text("is_leech = 1"), postgresql_where=text("is_leech")),
        # the few buried cards, by when they come back (the cards due now: see tallies.due_now)
        Index("ix_cards_buried", "learner_id", "buried_until", sqlite_where=text("buried_until IS NOT NULL"),
              postgresql_where=text("buried_until IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    state: Mapped[int] = mapped_column(default=1)  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: Mapped[int | None] = mapped_column(default=0)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime]
    last_review: Mapped[datetime | None]
    reps: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)
    is_suspended: Mapped[bool] = mapped_column(default=False)
    is_leech: Mapped[bool] = mapped_column(default=False)
    buried_until: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=0)

    question: Mapped[Question] = relationship()

    __mapper_args__ = {"version_id_col": version}


class ReviewLog(Base):
    """One rating of a card, appended and never rewritten (an undo only marks it)."""

    __tablename__ = "review_logs"
    __table_args__ = (
        # with the id: the learner's last rating (Undo; the review page names its question) is the first entry from
        # the end, ties in time included (PostgreSQL sorted every rating of the learner to find it)
        Index("ix_review_logs_learner_id_reviewed_at_id", "learner_id", "reviewed_at", "id"),
        Index("ix_review_logs_card_id_reviewed_at", "card_id", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    rating: Mapped[int]  # fsrs.Rating: 1 again, 2 hard, 3 good, 4 easy
    reviewed_at: Mapped[datetime]
    duration_ms: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(12))  # new | learning | review | relearning (before)
    origin: Mapped[str] = mapped_column(String(12), default="review")  # review | quiz
    state_before: Mapped[dict]
    state_after: Mapped[dict]
    is_undone: Mapped[bool] = mapped_column(default=False)
    undone_at: Mapped[datetime | None]


class ReviewQuarter(Base):
    """How many ratings (not undone) a learner gave in one quarter hour, kept as the log changes (`tallies`):
    the review calendar reads these, a few hundred rows, not every log; and of them, those the daily limits
    count (the review queue reads today's quarters, not today's log)."""

    __tablename__ = "review_quarters"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    quarter: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # db.quarter_hour of the rating's time
    reviews: Mapped[int] = mapped_column(default=0)
    reviewed: Mapped[int] = mapped_column(default=0)  # of cards in review, on the review screen (the review limit's)
    introduced: Mapped[int] = mapped_column(default=0)  # of new cards, on the review screen or in Learn (the new limit's)


class RetentionTally(Base):
    """A learner's ratings (not undone) and those passed, per deck and category of the question, kept as the log
    changes (`tallies`); a sync that moves a question to another deck or category works them out again."""

    __tablename__ = "retention_tallies"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    deck_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    passed: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)


class CardTally(Base):
    """How many of a learner's cards of one deck (live questions that make cards) are studied, learning, in review,
    suspended, suspended while new, and mastered, kept as cards change (`tallies`)."""

    __tablename__ = "card_tallies"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    deck_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    studied: Mapped[int] = mapped_column(default=0)
    learning: Mapped[int] = mapped_column(default=0)
    review: Mapped[int] = mapped_column(default=0)
    suspended: Mapped[int] = mapped_column(default=0)
    suspended_new: Mapped[int] = mapped_column(default=0)
    mastered: Mapped[int] = mapped_column(default=0)


class DueQuarter(Base):
    """How many of a learner's studied, unsuspended cards of one deck (live questions) fall due in one quarter hour
    (a buried card when it comes back), in learning or not, kept as cards change (`tallies`): the forecast, the
    deck list's cards due now and the review queue's learning cards read these, not every card."""

    __tablename__ = "due_quarters"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    learning: Mapped[bool] = mapped_column(primary_key=True)  # learning or relearning (a review card otherwise)
    deck_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    quarter: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cards: Mapped[int] = mapped_column(default=0)


class BankSync(Base):
    """One attempt to apply the bank: when, what it changed, or the problems that stopped it."""

    __tablename__ = "bank_syncs"

    id: Mapped[int] = mapped_column(primary_key=True)
    synced_at: Mapped[datetime] = mapped_column(index=True)
    is_ok: Mapped[bool]
    summary: Mapped[str] = mapped_column(Text)
    report: Mapped[dict]


class ParameterFit(Base):
    """One fitting of a learner's FSRS parameters: how far it got and what it found."""

    __tablename__ = "parameter_fits"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    trigger: Mapped[str] = mapped_column(String(12))  # button | automatic | command
    stage: Mapped[str] = mapped_column(String(12))  # reading | fitting | comparing | done
    outcome: Mapped[str | None] = mapped_column(String(12))  # replaced | kept | too-few | failed
    reviews: Mapped[int] = mapped_column(default=0)
    items: Mapped[int] = mapped_column(default=0)
    log_loss_before: Mapped[float | None] = mapped_column(Float)
    log_loss_after: Mapped[float | None] = mapped_column(Float)
    rmse_before: Mapped[float | None] = mapped_column(Float)
    rmse_after: Mapped[float | None] = mapped_column(Float)
    parameters: Mapped[list | None] = mapped_column(JSON(none_as_null=True))  # what the fit found (kept or not)
    message: Mapped[str] = mapped_column(Text, default="")


class LearnSession(Base):
    """A Learn session: the questions chosen, stored so reload, another tab and signing in continue it.

    Where it stands is worked out from its answers (see learn.progression), never stored beside them.
    """

    __tablename__ = "learn_sessions"
    __table_args__ = (Index("ix_learn_sessions_learner_id_created_at", "learner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    seed: Mapped[int]
    deck_key: Mapped[str | None] = mapped_column(String(80))
    category: Mapped[str | None] = mapped_column(String(20))
    answer_types: Mapped[str] = mapped_column(String(20))  # "choice typed", "choice" or "typed"
    is_practice: Mapped[bool] = mapped_column(default=False)
    question_keys: Mapped[list] = mapped_column(JSON)  # what it studies, in the order it was dealt
    about: Mapped[str | None] = mapped_column(String(200))  # chosen questions: what they are about (a date, a paragraph)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    answers: Mapped[list[LearnAnswer]] = relationship(
        back_populates="learn_session", order_by="LearnAnswer.step", cascade="all, delete-orphan"
    )


class LearnAnswer(Base):
    """One answer in a Learn session; its step is unique, so a resent or raced answer is recorded once."""

    __tablename__ = "learn_answers"
    __table_args__ = (UniqueConstraint("learn_session_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learn_session_id: Mapped[int] = mapped_column(ForeignKey("learn_sessions.id", ondelete="CASCADE"))
    step: Mapped[int]
    round: Mapped[int]
    question_key: Mapped[str] = mapped_column(String(100), index=True)
    payload: Mapped[dict]  # the question as asked
    response: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool]  # as graded
    is_overridden: Mapped[bool] = mapped_column(default=False)  # "I was right": counted as right
    feedback: Mapped[str] = mapped_column(Text)
    rating: Mapped[int | None]  # the rating it gave the card (fsrs.Rating), if any
    # why a first-try answer rated no card: "new-limit", "suspended" or "no-card" (None: it did, or had none to give)
    held_back: Mapped[str | None] = mapped_column(String(12))
    review_log_id: Mapped[int | None] = mapped_column(ForeignKey("review_logs.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime]

    learn_session: Mapped[LearnSession] = relationship(back_populates="answers")


class LoginThrottle(Base):
    """Failed sign-ins (or sign-ups) counted under one key: an account from one address, or one address."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "account:<name>@<address>", "address:..."
    failures: Mapped[int] = mapped_column(default=0)
    first_at: Mapped[datetime]  # when counting began (a sign-up window starts here)
    blocked_until: Mapped[datetime | None]
