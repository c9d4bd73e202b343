"""FSRS parameters fitted to one learner's reviews, by the FSRS project's own optimizer.

Pure: review histories in, parameters and figures out. The optimizer is `fsrs-rs-python`, the Rust optimizer
Anki uses (a 0.6 MB wheel with no dependencies); `fsrs`'s own optimizer needs torch, hundreds of megabytes for
the same job. Training items are built as Anki builds them (rslib/src/scheduler/fsrs/params.rs): for each card,
one item per review on a later day than the one before, holding the card's history up to that review; a card
whose history does not start with its first review is left out. Days between reviews are counted as `fsrs`
counts them when it schedules (whole 24-hour periods), so the fit describes the scheduler that uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import fsrs_rs_python as rs
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

MIN_REVIEWS = 400  # Anki asked for 400 reviews; with fewer, a fit predicts a learner no better than the defaults
EPOCHS = 8  # as Anki


@dataclass(frozen=True)
class Rated:
    """One rating of one card, as the review log has it."""

    card_id: int
    rating: int
    reviewed_at: datetime
    first: bool  # the card's first review (it was new)


@dataclass(frozen=True)
class Fit:
    """What fitting found: the figures of the current and the fitted parameters on the learner's own history."""

    outcome: str  # replaced | kept | too-few | failed
    message: str
    items: int = 0
    parameters: tuple[float, ...] | None = None
    log_loss_before: float | None = None
    log_loss_after: float | None = None
    rmse_before: float | None = None
    rmse_after: float | None = None

    @property
    def better_by(self) -> float | None:
        """How much less the fitted parameters miss the learner's recall (RMSE, as a share), when they were kept."""
        if self.rmse_before and self.rmse_after is not None:
            return 1 - self.rmse_after / self.rmse_before
        return None


def training_items(history: Iterable[Rated]) -> tuple[list[rs.FSRSItem], list[int]]:
    """The training items of a learner's ratings (in review order) and, aligned, each item's card id."""
    found: list[tuple[datetime, int, rs.FSRSItem]] = []
    for card_id, ratings in _by_card(history).items():
        if not ratings[0].first:
            continue
        reviews = _reviews(ratings)
        for index, rated in enumerate(ratings):
            if index and (rated.reviewed_at - ratings[index - 1].reviewed_at).days > 0:
                found.append((rated.reviewed_at, card_id, rs.FSRSItem(reviews[:index + 1])))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in found], [card_id for _, card_id, _ in found]


def _by_card(history: Iterable[Rated]) -> dict[int, list[Rated]]:
    by_card: dict[int, list[Rated]] = {}
    for rated in history:
        by_card.setdefault(rated.card_id, []).append(rated)
    return by_card


def _reviews(ratings: Sequence[Rated]) -> list[rs.FSRSReview]:
    return [rs.FSRSReview(rated.rating, 0 if index == 0 else (rated.reviewed_at - ratings[index - 1].reviewed_at).days)
            for index, rated in enumerate(ratings)]


def memory_states(history: Iterable[Rated], parameters: Sequence[float]) -> dict[int, tuple[float, float]]:
    """Each card's memory state (stability, difficulty) replayed from its whole history with these parameters, as
    Anki recomputes them when the parameters change; a card whose history does not start with its first review
    keeps the state it has."""
    model = rs.FSRS(list(parameters))
    states = {}
    for card_id, ratings in _by_card(history).items():
        if ratings[0].first:
            state = model.memory_state(rs.FSRSItem(_reviews(ratings)))
            states[card_id] = (state.stability, state.difficulty)
    return states


def storable(parameters: Sequence[float]) -> tuple[float, ...]:
    """Parameters as `fsrs` accepts them: rounded (the optimizer works in 32-bit floats, so a weight at its upper
    bound comes back a hair above it) and within fsrs's bounds."""
    return tuple(min(max(round(value, 6), low), high)
                 for value, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True))


def fit(history: Iterable[Rated], reviews: int, current: Sequence[float] | None, relearning_steps_today: int) -> Fit:
    """Fit parameters to the history; they replace the current ones only when they predict it better (log loss)."""
    if reviews < MIN_REVIEWS:
        return Fit("too-few", f"Not enough reviews yet ({reviews} of {MIN_REVIEWS}).")
    items, card_ids = training_items(history)
    if not items:
        return Fit("failed", "Your reviews are all on the first day of each card: FSRS learns from reviews on later "
                             "days. Your parameters are as they were.")
    now = tuple(current or DEFAULT_PARAMETERS)
    try:
        found = storable(rs.FSRS(list(now)).compute_parameters(
            items, card_ids=card_ids, enable_short_term=True, num_relearning_steps=relearning_steps_today,
            training_config=rs.TrainingConfig(num_epochs=EPOCHS)))
        before, after = rs.FSRS(list(now)).evaluate(items), rs.FSRS(list(found)).evaluate(items)
    except BaseException as error:  # noqa: BLE001 - the optimizer panics (a BaseException) on some histories
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return Fit("failed", f"The optimizer could not fit your history ({error}). Your parameters are as they were.",
                   len(items))
    figures = dict(items=len(items), parameters=found, log_loss_before=before.log_loss, log_loss_after=after.log_loss,
                   rmse_before=before.rmse_bins, rmse_after=after.rmse_bins)
    if found == storable(DEFAULT_PARAMETERS):  # fsrs-rs hands the defaults back when what it keeps is too little
        return Fit("kept", "Your reviews give the optimizer too little to learn from yet (it leaves out rare first "
                           "answers and first intervals of over 100 days). Your parameters are as they were.",
                   **figures)  # type: ignore[arg-type]
    if after.log_loss < before.log_loss:
        gain = 1 - after.rmse_bins / before.rmse_bins if before.rmse_bins else 0
        said = f"{gain:.0%} better" if gain > 0 else "better"
        return Fit("replaced", f"Your schedule now fits your memory {said}.", **figures)  # type: ignore[arg-type]
    return Fit("kept", "Already a good fit: parameters fitted to your reviews would predict them no better. "
                       "Your parameters are as they were.", **figures)  # type: ignore[arg-type]
