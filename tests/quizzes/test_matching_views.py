"""A matching question through the quiz pages, on a real database: one select per left side, graded pair by pair."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.quizzes.test_views import answer, quiz_of, start


def _matching_quiz(app: Flask, client: FlaskClient) -> tuple[str, object]:
    """A quiz of the matching deck, answered up to its matching question: the address and that item."""
    location = start(client, deck="matching", length="2", seed="4")
    items = quiz_of(app, location.rsplit("/", 1)[1]).items
    found = next(item for item in items if item.payload["form"] == "matching")
    for item in items[:found.position]:
        answer(client, location, item.position, item.payload, correct=True)
    return location, found


def test_a_matching_question_is_one_labelled_select_per_left_side(matching_app: Flask, client: FlaskClient) -> None:
    location, item = _matching_quiz(matching_app, client)
    page = client.get(location).text
    question = item.payload
    assert f'<legend id="prompt" class="prompt">{question["prompt"]}</legend>' in page
    for index, left in enumerate(question["lefts"]):
        assert re.search(rf'<label for="match-{index}">{re.escape(html.escape(left))}</label>\s*'
                         rf'<select id="match-{index}" name="match" required>\s*<option value="">Choose…</option>', page)
    for index, option in enumerate(question["options"]):
        assert page.count(f'<option value="{index}">{html.escape(option)}</option>') == len(question["lefts"])


def test_a_matching_answer_is_graded_per_pair_with_the_right_pairing_and_sources(matching_app: Flask,
                                                                                client: FlaskClient) -> None:
    location, item = _matching_quiz(matching_app, client)
    question = item.payload
    order = question["answer_order"]
    chosen = [order[0], order[2], order[2]]  # the first and the last right, the second given the last's right side
    response = client.post(f"{location}/answer", data={"position": item.position, "match": [str(i) for i in chosen]})
    assert response.status_code == 302
    page = html.unescape(client.get(response.headers["Location"]).text)
    assert "Not quite" in page and "2 of 3 pairs right." in page
    for left, index, source in zip(question["lefts"], order, question["pair_sources"], strict=True):
        assert re.search(rf'<span class="left">{re.escape(left)}</span>.*?<strong class="fits">'
                         rf'{re.escape(question["options"][index])}</strong>', page, re.S)
        assert source in page
    assert page.count("Right:") == 2 and page.count("Wrong:") == 1
    assert f'you chose “{question["options"][order[2]]}”' in page
    stored = quiz_of(matching_app, location.rsplit("/", 1)[1]).items[item.position]
    assert (stored.response, stored.is_correct, stored.feedback) == (",".join(map(str, chosen)), False, "2 of 3 pairs right.")
    results = html.unescape(client.get(f"{location}/results").text)
    pairing = "; ".join(f"{left}: {question['options'][i]}" for left, i in zip(question["lefts"], chosen, strict=True))
    assert f"Your pairing: <strong>{pairing}</strong>" in results and "2 of 3 pairs right." in results
    assert all(source in results for source in question["pair_sources"])


def test_all_pairs_right_is_a_right_answer(matching_app: Flask, client: FlaskClient) -> None:
    location, item = _matching_quiz(matching_app, client)
    answer(client, location, item.position, item.payload, correct=True)
    stored = quiz_of(matching_app, location.rsplit("/", 1)[1]).items[item.position]
    assert stored.is_correct and stored.feedback == "3 of 3 pairs right."


def test_a_left_side_without_a_choice_is_asked_again_keeping_the_others(matching_app: Flask, client: FlaskClient) -> None:
    location, item = _matching_quiz(matching_app, client)
    sent = [str(item.payload["answer_order"][0]), "", str(item.payload["answer_order"][2])]
    bad = client.post(f"{location}/answer", data={"position": item.position, "match": sent})
    assert bad.status_code == 400
    assert '<p class="error" id="answer-error">Choose a match for every item: one is still empty.</p>' in bad.text
    assert bad.text.count('required aria-invalid="true" aria-describedby="answer-error"') == 3
    assert re.findall(r'<option value="(\d)" selected>', bad.text) == [sent[0], sent[2]]  # as the learner left them
    assert quiz_of(matching_app, location.rsplit("/", 1)[1]).items[item.position].answered_at is None
