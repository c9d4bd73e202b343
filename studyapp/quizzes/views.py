"""Quiz pages: choose, answer one question at a time, see the results."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from studyapp import current
from studyapp.bank import catalog, dates
from studyapp.current import utcnow
from studyapp.db import get_session
from studyapp.errors import InvalidInput
from studyapp.quizzes import grading
from studyapp.quizzes import service as quizzes
from studyapp.quizzes.forms import AnswerForm, quiz_form
from studyapp.quizzes.question import QuizQuestion

bp = Blueprint("quizzes", __name__, url_prefix="/quiz")
# The example a date field shows, at the precision the question asks for (a made-up date, never an answer).
DATE_EXAMPLES = {dates.Precision.DECADE: "e.g. the 1900s", dates.Precision.YEAR: "e.g. 1900",
                dates.Precision.MONTH: "e.g. May 1900", dates.Precision.DAY: "e.g. 1 May 1900"}


@bp.app_template_filter()
def date_example(answer_iso: str) -> str:
    """The example a date field shows: of the answer's precision, or a range when a range is asked."""
    want = dates.parse_iso(answer_iso)
    return "e.g. 1–3 May 1900" if want.end is not None else DATE_EXAMPLES[want.precision]


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    """Choose deck, category and length (a shared link pre-fills them), then start."""
    decks = catalog.list_decks(get_session())
    form = quiz_form(decks, current.practice_by_default(),
                     formdata=request.form if request.method == "POST" else request.args or None)
    if request.method == "GET":  # a shared link pre-fills the form: say what is wrong with the values it gives
        if "practice" not in request.args:  # a link leaves the practice choice as the learner has it
            form.practice.data = current.practice_by_default()
        status = 200 if form.validate_given(request.args) else 400
        return render_template("quizzes/new.html", form=form), status
    if form.validate():
        seed = form.seed.data if form.seed.data is not None else secrets.randbelow(quizzes.MAX_SEED)
        choice = quizzes.QuizRequest(form.deck.data or None, form.category.data or None, form.length.data, seed,
                                     bool(form.practice.data), form.kind.data or None)
        row = quizzes.start_quiz(get_session(), current.learner_id(), choice, utcnow(),
                               current_app.config["QUIZ_MAX_LENGTH"])
        if row.length < choice.length:
            flash(f"This quiz has {row.length} question{'s' if row.length != 1 else ''}, not {choice.length}: that choice "
                  "holds no more facts, and two questions on one fact would give each other's answers away.", "info")
        return redirect(url_for("quizzes.take", token=row.token))
    return render_template("quizzes/new.html", form=form), 400


@bp.get("/<token>")
def take(token: str) -> str | Response:
    """The next unanswered question, with the verdict on the one just answered."""
    row = quizzes.get_quiz(get_session(), token, current.learner_id())
    item = quizzes.next_item(row)
    last = _last_answered(row, request.args.get("answered", type=int))
    if item is None and last is None:
        return redirect(url_for("quizzes.results", token=token))
    question = quizzes.question_of(item) if item else None
    return render_template("quizzes/take.html", quiz=row, item=item, question=question, last=last,
                           last_question=quizzes.question_of(last) if last else None, form=AnswerForm(),
                           answered_before=request.args.get("again") == "1")


def _last_answered(row: object, position: int | None) -> object | None:
    if position is None:
        return None
    return next((i for i in row.items if i.position == position and i.answered_at is not None), None)  # type: ignore[attr-defined]


@bp.post("/<token>/answer")
def answer(token: str) -> str | Response | tuple[str, int]:
    """Grade one answer, then show its verdict above the next question; a blank or muddled answer is asked again."""
    form = AnswerForm()
    if not form.validate():
        raise InvalidInput("That answer could not be read: " + "; ".join(e for errs in form.errors.values() for e in errs))
    position, now = int(form.position.data), utcnow()
    try:
        response = (_order_response() if "order" in request.form else _matching_response() if "match" in request.form
                    else (form.response.data or ""))
        item = quizzes.submit_answer(get_session(), token, current.learner_id(), position, response, now,
                                     current_app.config["FSRS_FUZZ"])
    except InvalidInput as error:
        return _ask_again(token, position, str(error))
    again = None if quizzes.recorded_now(item, now) else 1  # back, then answered again: the first answer stands
    return redirect(url_for("quizzes.take", token=token, answered=position, again=again, _anchor="feedback"))


def _ask_again(token: str, position: int, error: str) -> Response | tuple[str, int]:
    """The same question again, the learner's choices kept and the error next to the fields."""
    session = get_session()
    session.rollback()
    row = quizzes.get_quiz(session, token, current.learner_id())
    item = next((i for i in row.items if i.position == position and i.answered_at is None), None)
    if item is None:  # answered meanwhile (another tab): move on
        return redirect(url_for("quizzes.take", token=token))
    several = next((name for name in ("order", "match") if name in request.form), None)  # one select per row
    chosen = request.form.getlist(several) if several else request.form.get("response", "")
    return render_template("quizzes/take.html", quiz=row, item=item, question=quizzes.question_of(item), last=None,
                           last_question=None, form=AnswerForm(formdata=None), answer_error=error, chosen=chosen), 400


def _order_response() -> str:
    """The options' indices sorted by the positions the learner gave them."""
    ranks = request.form.getlist("order")
    if not ranks or not all(r.isdecimal() for r in ranks) or sorted(map(int, ranks)) != list(range(1, len(ranks) + 1)):
        raise InvalidInput("Give every event a different place, from 1 to the number of events.")
    return ",".join(str(i) for i, _ in sorted(enumerate(ranks), key=lambda pair: int(pair[1])))


def _matching_response() -> str:
    """Per left side, in the order asked, the index of the option chosen for it (grading.check reads it)."""
    response = grading.matching_response(request.form.getlist("match"))
    if response is None:
        raise InvalidInput("Choose a match for every item: one is still empty.")
    return response


@bp.get("/<token>/results")
def results(token: str) -> str:
    """The score and every question with its answer, explanation and source."""
    row = quizzes.get_quiz(get_session(), token, current.learner_id())
    shown = [(item, quizzes.question_of(item)) for item in row.items]
    return render_template("quizzes/results.html", quiz=row, shown=shown)


@bp.get("/mine")
@login_required
def mine() -> str:
    """The signed-in learner's quizzes and scores."""
    learner_id = current.learner_id()
    return render_template("quizzes/mine.html", quizzes=quizzes.list_quizzes(get_session(), learner_id))  # type: ignore[arg-type]


@bp.app_template_global()
def chronology(item: object, question: object) -> list[dict[str, object]]:
    """A chronology in the text's order: each event with its date and, if the learner put it elsewhere, where."""
    response = (item.response or "").split(",")  # type: ignore[attr-defined]
    placed = {int(option): place for place, option in enumerate(response, 1) if option.isdecimal()}
    shown = question.dates  # type: ignore[attr-defined]
    return [{"event": question.options[option], "date": shown[option] if option < len(shown) else "",  # type: ignore[attr-defined]
             "placed": placed.get(option) if placed.get(option) != place else None}
            for place, option in enumerate(question.answer_order, 1)]  # type: ignore[attr-defined]


@bp.app_template_global()
def response_text(item: object, question: object) -> str:
    """A stored response as the learner meant it (the option's text, not its number)."""
    response = item.response or ""  # type: ignore[attr-defined]
    options = question.options  # type: ignore[attr-defined]
    if question.form == "order":  # type: ignore[attr-defined]
        return "; ".join(options[int(i)] for i in response.split(",") if i.isdecimal() and int(i) < len(options))
    if question.form == "matching":  # type: ignore[attr-defined]
        return "; ".join(f"{pair.left}: {pair.chosen or 'nothing'}" for pair in matching_rows(item, question))
    if question.form in ("choice", "truefalse") and response.isdecimal() and int(response) < len(options):  # type: ignore[attr-defined]
        return options[int(response)]
    return response


@bp.app_template_global()
def matching_rows(item: object | None, question: QuizQuestion) -> list[grading.PairVerdict]:
    """A matching question's pairs in the order asked, with the learner's stored choice for each (none before an
    answer, or without a quiz item: the instructor's preview)."""
    return grading.matching_pairs(question, getattr(item, "response", None) or "")
