"""The learner's card list, and suspending or burying one card."""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request
from flask import session as flask_session
from flask_login import current_user
from werkzeug.wrappers import Response

from studyapp.bank import catalog
from studyapp.bank.items import CATEGORY_CHOICES
from studyapp.current import utcnow
from studyapp.db import get_session
from studyapp.errors import NotFound
from studyapp.flashcards import reviews
from studyapp.flashcards.views import signed_in
from studyapp.flashcards.views.review import REVERSIBLE, back

bp = Blueprint("cards", __name__)
bp.before_request(signed_in)
# Where a card action may return to: a card list (and its page) or the progress page.
CARD_PAGES = re.compile(r"/cards(\?(leeches=1|suspended=1)(&page=\d{1,6})?|\?page=\d{1,6})?|/progress")
MAX_PAGE = 10_000


CARD_MESSAGES = {
    "bury": "Card buried until tomorrow.", "unbury": "Card unburied: it is back in today's reviews.",
    "suspend": "Card suspended: it stays out of reviews until you unsuspend it.",
    "unsuspend": "Card unsuspended: it is back in your reviews.",
}


@bp.post("/cards/<id:card_id>/<any(suspend, unsuspend, bury, unbury):action>")
def card_action(card_id: int, action: str) -> Response:
    """Suspend, unsuspend, bury or unbury one card; back on the review screen, a suspend or bury can be reversed."""
    session, now, deck = get_session(), utcnow(), request.args.get("deck") or None
    if action == "bury":
        card = reviews.bury(session, current_user, card_id, now)
    elif action == "unbury":
        card = reviews.unbury(session, current_user.id, card_id)
    else:
        card = reviews.set_suspended(session, current_user.id, card_id, action == "suspend")
    target = request.args.get("next")
    if target is not None and CARD_PAGES.fullmatch(target):
        flash(CARD_MESSAGES[action], "success")
        return redirect(target)
    if action in ("bury", "suspend"):  # the review screen shows this message with its reverse button
        flask_session[REVERSIBLE] = {"action": action, "card_id": card.id, "deck": deck}
    else:
        flash(CARD_MESSAGES[action], "success")
    return back(deck)


@bp.get("/cards")
def card_list() -> str:
    """The learner's studied and suspended cards with their schedule, a page at a time; only leeches or only
    suspended when asked."""
    session, now = get_session(), utcnow()
    leeches, suspended = request.args.get("leeches") == "1", request.args.get("suspended") == "1"
    page = request.args.get("page", "1")
    number = int(page) if page.isdecimal() and len(page) <= 6 else 0
    if not 1 <= number <= MAX_PAGE:
        raise NotFound("There is no such page of cards.")
    shown = reviews.page_of_cards(session, current_user.id, now, number, leeches, suspended and not leeches)
    if number > 1 and not shown.cards:
        raise NotFound("There is no such page of cards.")
    return render_template("flashcards/cards.html", cards=shown.cards, shown=shown, per_page=reviews.CARDS_PER_PAGE, leeches=leeches,
                           suspended=suspended and not leeches, item_of=reviews.item_of, decks=catalog.list_decks(session),
                           categories=CATEGORY_CHOICES)
