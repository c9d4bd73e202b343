"""How Learn asks a question at each stage, pure: multiple choice first, typed recall later.

True/false and matching questions are asked as they are at every stage; an authored multiple-choice
question stays multiple choice (its options may be whole sentences, not something to type).
"""

from __future__ import annotations

import random

from studyapp.bank.distractors import Pool
from studyapp.bank.items import Item, Kind
from studyapp.quizzes import generate
from studyapp.quizzes.question import QuizQuestion

AS_ASKED = {Kind.TRUEFALSE, Kind.MATCHING}  # asked the same way at every stage


def ask_at(item: Item, stage: str, pool: Pool, seed: int, step: int) -> QuizQuestion:
    """The question for `item` at `stage` ("choice" or "typed"), the same for the same seed and step."""
    rng = random.Random(f"{seed}:{step}:{item.key}")
    if item.kind in AS_ASKED:
        return generate.ask(item, pool, rng)
    if stage == "choice" or item.kind == Kind.CHOICE:
        question = generate.choice_question(item, pool, rng)
        if question is not None:
            return question
    return generate.typed_question(item)
