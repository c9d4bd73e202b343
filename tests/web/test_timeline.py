"""The timeline page through the test client: its events and sentences, study forms that start Learn on exactly
an event's questions, and a sync shown on the next request."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from studyapp import db
from studyapp.bank import load, sync, timeline
from studyapp.bank.items import Bank
from tests.conftest import DATA, NOW, AuthActions
from tests.learn.test_views import session_row


def study_forms(page: str) -> list[dict[str, list[str]]]:
    """Every form of the page that posts to /learn/chosen, as name -> values."""
    found = []
    for form in re.findall(r'<form method="post" action="/learn/chosen">(.*?)</form>', page, re.S):
        fields: dict[str, list[str]] = {}
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form):
            fields.setdefault(name, []).append(html.unescape(value))
        fields["button"] = [re.sub(r"<[^>]+>", "", re.search(r"<button[^>]*>(.*?)</button>", form, re.S).group(1))]  # type: ignore[union-attr]
        found.append(fields)
    return found


def test_the_page_lists_each_event_with_its_sentence_and_study_forms(client: FlaskClient) -> None:
    page = client.get("/timeline").text
    events = timeline.find_events(load.load_bank(DATA / "bank").items)
    assert [e.when.display() for e in events] == ["1928", "30 June – 2 July 1930", "3 July 1930", "10 October 1945"]
    for event in events:
        assert html.escape(event.name, quote=False) in page
        for source in event.sources:
            assert f'<blockquote class="source"><p>{html.escape(source)}</p></blockquote>' in page
    forms = study_forms(page)
    assert len(forms) == 2 * len(events)
    for event, learn, practise in zip(events, forms[::2], forms[1::2], strict=True):
        for form in (learn, practise):
            assert form["key"] == list(event.keys) and form["about"] == [event.about] and "csrf_token" in form
        assert "practice" not in learn and practise["practice"] == ["y"]
        assert learn["button"] == [f"Learn: {html.escape(event.about, quote=False)}"]
        assert practise["button"] == [f"Practise: {html.escape(event.about, quote=False)}"]
    assert page.count('<svg class="timeline"') == 3 and page.count('role="img"') == 3  # one drawing per width


def test_a_study_form_starts_learn_on_exactly_the_events_questions(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    about = "3 July 1930: The Society for Rallying Comrades was formed"
    src = next(form for form in study_forms(client.get("/timeline").text) if form["about"] == [about] and "practice" in form)
    response = client.post("/learn/chosen", data={name: values for name, values in src.items() if name != "button"})
    assert response.status_code == 302
    row = session_row(app, response.headers["Location"])
    assert sorted(row.question_keys) == sorted(src["key"]) == ["src-formed", "src-formed.reverse", "src-no"]
    assert row.is_practice and row.about == about
    assert about in client.get(response.headers["Location"]).text


def test_a_visitor_can_learn_an_event_too(app: Flask, client: FlaskClient) -> None:
    learn = study_forms(client.get("/timeline").text)[0]
    response = client.post("/learn/chosen", data={name: values for name, values in learn.items() if name != "button"})
    assert response.status_code == 302
    assert sorted(session_row(app, response.headers["Location"]).question_keys) == ["comintern", "kcp-dismissed", "kcp-dismissed.reverse"]


def test_the_page_follows_the_bank(app: Flask, client: FlaskClient) -> None:
    assert "10 October 1945" in client.get("/timeline").text
    bank = load.load_bank(DATA / "bank")
    kept = Bank(bank.decks, tuple(item for item in bank.items if not item.key.startswith("party-founded")))
    with app.app_context():
        sync.sync_bank(db.new_session(), kept, NOW)
    assert "10 October 1945" not in client.get("/timeline").text


def test_without_dated_questions_the_page_says_how_to_add_them(app: Flask, client: FlaskClient) -> None:
    bank = load.load_bank(DATA / "bank")
    undated = Bank(bank.decks, tuple(item for item in bank.items if not item.date and item.category != "date"))
    with app.app_context():
        sync.sync_bank(db.new_session(), undated, NOW)
    page = client.get("/timeline").text
    assert "No question of the bank gives a date yet" in page and "<svg" not in page


def test_the_main_navigation_leads_to_the_timeline(client: FlaskClient) -> None:
    """One link for the text in the main navigation (the bar and the phone menu); the text's tabs go on to its timeline."""
    page = client.get("/").text
    assert page.count('href="/text/"') == 2
    timeline = client.get("/timeline").text
    assert timeline.count('href="/text/" aria-current="true"') == 2  # "The text" stays current on its timeline
    assert '<a href="/timeline" aria-current="page">Timeline</a>' in timeline
    assert '<a href="/timeline">Timeline</a>' in client.get("/text/").text
