"""Learn pages: choose, answer round by round, "I was right", and continue after signing in."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import user_logged_in
from werkzeug.wrappers import Response

from studyapp import current
from studyapp.bank import catalog
from studyapp.bank.items import CATEGORY_LABELS
from studyapp.current import utcnow
from studyapp.db import get_session
from studyapp.errors import InvalidInput
from studyapp.learn import progression
from studyapp.learn import service as learn
from studyapp.learn.forms import ChosenForm, LearnAnswerForm, OverrideForm, learn_form
from studyapp.quizzes import grading
from studyapp.quizzes.service import MAX_SEED

bp = Blueprint("learn", __name__, url_prefix="/learn")
VISITOR_SESSIONS = "learn_sessions"  # the browser session's list of a visitor's Learn sessions, claimed at sign-in


@bp.route("/", methods=["GET", "POST"])
def new() -> str | Response | tuple[str, int]:
    """Choose a deck or category and the answer types, then start; sessions still going are offered to continue."""
    session, learner_id = get_session(), current.learner_id()
    form = learn_form(catalog.list_decks(session), current.practice_by_default(),
                      formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        choice = learn.LearnRequest(form.deck.data or None, form.category.data or None, form.answer_types.data,
                                    bool(form.practice.data))
        row = learn.start(session, learner_id, choice, utcnow(), secrets.randbelow(MAX_SEED))
        _remember_for_visitor(row.token)
        return redirect(url_for("learn.take", token=row.token))
    going = learn.unfinished(session, learner_id) if learner_id else learn.by_tokens(session, _visitor_tokens())
    return render_template("learn/new.html", form=form, going=going), 400 if form.errors else 200


@bp.post("/chosen")
def chosen() -> Response:
    """Start Learn on chosen questions (a form elsewhere names them: the timeline, the reading view)."""
    form = ChosenForm()
    try:
        keys = form.chosen_keys(request.form.getlist("key"))
    except ValueError as error:
        raise InvalidInput(str(error)) from None
    if not form.validate():
        raise InvalidInput("That request could not be read: " + "; ".join(e for errs in form.errors.values() for e in errs))
    choice = learn.LearnRequest(None, None, "choice typed", bool(form.practice.data), keys, form.about.data or None)
    row = learn.start(get_session(), current.learner_id(), choice, utcnow(), secrets.randbelow(MAX_SEED))
    _remember_for_visitor(row.token)
    return redirect(url_for("learn.take", token=row.token))


@bp.get("/<token>")
def take(token: str) -> str:
    """The question of this step, under the verdict on the last answer; a round's summary between rounds."""
    session = get_session()
    row = learn.get(session, token, current.learner_id())
    now = learn.current(session, row, next_round=request.args.get("go") == "1")
    last = learn.answer_at(row, request.args.get("answered", type=int))
    return render_template("learn/take.html", now=now, last=last, form=LearnAnswerForm(formdata=None),
                           override=OverrideForm(formdata=None), again=request.args.get("again") == "1")


@bp.post("/<token>/answer")
def answer(token: str) -> str | Response | tuple[str, int]:
    """Grade one answer, then show its verdict above the next question; an unreadable answer is asked again."""
    form = LearnAnswerForm()
    if not form.validate():
        raise InvalidInput("That answer could not be read: " + "; ".join(e for errs in form.errors.values() for e in errs))
    step = int(form.step.data)
    try:
        response = _response()
        if not response.strip():
            raise InvalidInput("Give an answer first.")
        given = learn.submit(get_session(), token, current.learner_id(), step, form.key.data, response, utcnow(),
                             current_app.config["FSRS_FUZZ"])
    except InvalidInput as error:
        return _ask_again(token, str(error))
    if given is None:  # answered already (another tab, back and resend): show where the session stands
        return redirect(url_for("learn.take", token=token, answered=step, again=1, _anchor="feedback"))
    return redirect(url_for("learn.take", token=token, answered=step, _anchor="feedback"))


@bp.post("/<token>/right")
def right(token: str) -> Response:
    """"I was right": the last answer, a typed miss, counts as right."""
    form = OverrideForm()
    if not form.validate():
        raise InvalidInput("That request could not be read.")
    step = int(form.step.data)
    learn.override(get_session(), token, current.learner_id(), step, utcnow(), current_app.config["FSRS_FUZZ"])
    return redirect(url_for("learn.take", token=token, answered=step, _anchor="feedback"))


@bp.app_template_global()
def learn_title(row: object) -> str:
    """What a session studies: its deck and category, or everything."""
    if row.about:  # type: ignore[attr-defined]
        return row.about  # type: ignore[attr-defined]
    titles = {deck.key: deck.title for deck in catalog.list_decks(get_session())}
    parts = [titles.get(row.deck_key, row.deck_key) if row.deck_key else None,  # type: ignore[attr-defined]
             CATEGORY_LABELS.get(row.category, row.category) if row.category else None]  # type: ignore[attr-defined]
    return " · ".join(part for part in parts if part) or "Everything"


@bp.app_template_global()
def learn_question(answer: object) -> object:
    """The question as asked for a stored answer."""
    return learn.question_of(answer)  # type: ignore[arg-type]


@bp.context_processor
def _round_size() -> dict[str, int]:
    return {"round_size": progression.ROUND_SIZE}


def _response() -> str:
    """A choice's option, a typed answer, or a matching's picks (one per item, in order)."""
    if "match" not in request.form:
        return request.form.get("response", "")
    picked = grading.matching_response(request.form.getlist("match"))
    if picked is None:
        raise InvalidInput("Choose a match for every item: one is still empty.")
    return picked


def _ask_again(token: str, error: str) -> tuple[str, int]:
    """The same question again, what was sent kept and the error next to the fields."""
    session = get_session()
    session.rollback()
    row = learn.get(session, token, current.learner_id())
    now = learn.current(session, row)
    return render_template("learn/take.html", now=now, last=None, form=LearnAnswerForm(formdata=None),
                           override=OverrideForm(formdata=None), answer_error=error,
                           chosen=request.form.getlist("match") if "match" in request.form else request.form.get("response", "")), 400


def _remember_for_visitor(token: str) -> None:
    """A visitor's session is kept in their browser session, to be theirs when they sign in."""
    if current.learner_id() is None:
        flask_session[VISITOR_SESSIONS] = [*_visitor_tokens()[-4:], token]


def _visitor_tokens() -> list[str]:
    tokens = flask_session.get(VISITOR_SESSIONS, [])
    return [token for token in tokens if isinstance(token, str)][-5:] if isinstance(tokens, list) else []


@user_logged_in.connect
def _claim_visitor_sessions(app: object, user: object, **extra: object) -> None:
    """Signing in (or up) makes the visitor's Learn sessions in this browser the learner's, so they go on."""
    tokens = _visitor_tokens()
    if tokens:
        learn.claim(get_session(), tokens, user.id)  # type: ignore[attr-defined]
        flask_session.pop(VISITOR_SESSIONS, None)
