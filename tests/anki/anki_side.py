"""Run by tests/anki/test_progress.py in a process of its own: import a learner's .apkg into a new Anki collection
and print, as JSON, what Anki made of it.

A process of its own because Anki reads the machine's timezone (TZ) and whether to fuzz (ANKI_TEST_MODE, which
turns fuzz off) once per process: each learner's calendar gets a fresh Anki.

    python anki_side.py PACKAGE COLLECTION ROLLOVER_HOUR [--no-scheduling]
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest


def main(package: str, collection_path: str, rollover: int, scheduling: bool = True) -> dict:
    col = Collection(collection_path)
    try:
        col.set_config("rollover", rollover)
        col.set_config("fsrs", True)
        result = {"imports": []}
        for _ in range(2):  # the second import shows what importing the same package again does
            log = col.import_anki_package(ImportAnkiPackageRequest(package_path=package, options=ImportAnkiPackageOptions(
                with_scheduling=scheduling, with_deck_configs=scheduling)))
            result["imports"].append({"new": len(log.log.new), "duplicate": len(log.log.duplicate),
                                      "revlog": col.db.scalar("select count() from revlog")})
        today = col.sched.today
        local_now = datetime.now().astimezone()
        rolled = local_now.hour < rollover
        today_date = (local_now - timedelta(days=1) if rolled else local_now).date()
        cards = {}
        for card_id in col.find_cards(""):
            card = col.get_card(card_id)
            entry = {"type": card.type, "queue": card.queue, "due": card.due, "ivl": card.ivl, "reps": card.reps,
                     "lapses": card.lapses, "left": card.left,
                     "revlog": col.db.list("select id from revlog where cid = ? order by id", card_id),
                     "revlog_rows": col.db.all("select ease, ivl, lastIvl, factor, time, type from revlog where cid = ?"
                                               " order by id", card_id)}
            if card.memory_state is not None:
                entry["memory"] = [card.memory_state.stability, card.memory_state.difficulty]
                computed = col.compute_memory_state(card_id)  # from the card's review log, as Anki reads it
                entry["computed"] = [computed.stability, computed.difficulty]
            if card.queue in (2, 3) or (card.type == 2 and card.queue < 0):
                entry["due_date"] = (today_date + timedelta(days=card.due - today)).isoformat()
            if card.queue == 2:
                states = col._backend.get_scheduling_states(card_id)
                entry["good_days"] = states.good.normal.review.scheduled_days
            cards[card.note().guid] = entry
        deck_id = col.decks.id_for_name(next(deck.name for deck in col.decks.all_names_and_ids() if "::" in deck.name))
        preset = col.decks.config_dict_for_deck_id(deck_id)
        result.update(today=today, cards=cards, preset={
            "name": preset["name"], "desired_retention": preset["desiredRetention"], "params": list(preset.get("fsrsParams6", [])),
            "learning_steps": preset["new"]["delays"], "relearning_steps": preset["lapse"]["delays"],
            "new_per_day": preset["new"]["perDay"], "reviews_per_day": preset["rev"]["perDay"],
            "maximum_interval": preset["rev"]["maxIvl"]})
        return result
    finally:
        col.close()


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), "--no-scheduling" not in sys.argv)))
