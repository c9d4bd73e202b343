"""A matching question in Debian's Chromium: answered with the keyboard alone, its verdict pair by pair, clean in axe."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import update

from studyapp import db
from studyapp.models import Learner
from tests.pages import (
    answer_in_browser,
    click_through,
    keys_ready,
    serious_violations,
    sign_up,
    stored_question,
    token_of,
)

pytestmark = pytest.mark.browser

# The curated bank's authored matching question comes first in this quiz, a multiple choice question second.
MATCHING_QUIZ = "deck=organizations&category=organization&length=2&seed=23"




def test_a_matching_question_with_the_keyboard_alone_and_its_verdict(page: Page, base_url: str, live_app: Flask) -> None:
    page.goto(f"{base_url}/quiz/new?{MATCHING_QUIZ}")
    click_through(page, page.get_by_role("button", name="Start the quiz"))
    question = stored_question(live_app, token_of(page), 0)
    assert question["form"] == "matching" and question["keys"] == ["organizations-said-of-match"]
    selects = [page.get_by_role("combobox", name=left, exact=True) for left in question["lefts"]]
    assert serious_violations(page) == []
    keys_ready(page)
    expect(selects[0]).to_be_focused()  # ready to answer at once
    page.get_by_role("button", name="Answer").click()  # nothing chosen yet: the browser keeps the form, at the first
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    expect(selects[0]).to_be_focused()
    expect(page.locator("#answer-error")).to_have_count(0)  # not sent: the required selects stop it
    order = question["answer_order"]
    chosen = [order[1], *order[1:]]  # the first left side given the second's right side: 3 of 4 right
    for index, option in enumerate(chosen):
        if index:
            page.keyboard.press("Tab")
        expect(selects[index]).to_be_focused()
        for _ in range(option + 1):  # past "Choose…"
            page.keyboard.press("ArrowDown")
        expect(selects[index]).to_have_value(str(option))
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Answer")).to_be_focused()
    page.keyboard.press("Enter")
    verdict = page.locator("#feedback")
    expect(verdict.get_by_role("heading", name="Not quite")).to_be_visible()
    expect(verdict.get_by_text("3 of 4 pairs right.")).to_be_visible()
    expect(verdict.locator(".matching li.wrong")).to_have_count(1)
    expect(verdict.locator(".matching li.wrong .chosen")).to_have_text(f"you chose “{question['options'][order[1]]}”")
    for source in question["pair_sources"]:
        expect(verdict.locator("blockquote.source", has_text=source[:40])).to_be_visible()
    expect(page.locator("#verdict-announce")).to_have_text("Not quite. 3 of 4 pairs right.")
    assert serious_violations(page) == []
    answer_in_browser(page, stored_question(live_app, token_of(page), 1), right=True)
    click_through(page, page.get_by_role("link", name="See your results"))
    expect(page.get_by_text("1 of 2 right")).to_be_visible()
    expect(page.get_by_text("Your pairing:")).to_be_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [320, 1000])
def test_a_matching_question_fits_a_phone_and_its_verdict_passes_axe(page: Page, base_url: str, live_app: Flask,
                                                                     width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{base_url}/quiz/new?{MATCHING_QUIZ}")
    click_through(page, page.get_by_role("button", name="Start the quiz"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    boxes = [page.locator(f"#match-{index}").bounding_box() for index in range(4)]
    assert all(box["height"] >= 44 and box["x"] + box["width"] <= width for box in boxes)
    answer_in_browser(page, stored_question(live_app, token_of(page), 0), right=True)
    expect(page.locator("#feedback").get_by_role("heading", name="Correct")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []


def test_the_instructors_preview_of_a_matching_question_passes_axe(page: Page, base_url: str, live_app: Flask) -> None:
    sign_up(page, base_url, "matching-instructor")
    with live_app.app_context():
        session = db.get_session()
        session.execute(update(Learner).where(Learner.username == "matching-instructor").values(is_instructor=True))
        session.commit()
    page.goto(f"{base_url}/instructor/questions/organizations-said-of-match")
    expect(page.get_by_role("heading", name="As a matching question")).to_be_visible()
    expect(page.get_by_role("combobox", name="the Workers' Party of Korea", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Not a flashcard")).to_be_visible()
    assert serious_violations(page) == []
