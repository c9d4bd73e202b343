"""Learn in Debian's Chromium: keyboard only, a phone's width with the verdict in view, without JavaScript, clean in axe."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.pages import answer_in_browser, click_through, keys_ready, learn_question, serious_violations, sign_up

pytestmark = pytest.mark.browser




def start_learning(page: Page, base_url: str, answer_types: str = "Multiple choice, then typed recall") -> None:
    page.goto(f"{base_url}/learn/")
    page.get_by_label("Deck").select_option("founding")
    page.get_by_label("Category").select_option("event")
    page.get_by_label(answer_types).check()
    click_through(page, page.get_by_role("button", name="Start learning"))


def press_to_next_page(page: Page, key: str) -> None:
    """Press a key that sends a form or follows a link, and wait until the next page has loaded."""
    with page.expect_event("load"):
        page.keyboard.press(key)


def answer_with_keys(page: Page, question: dict, right: bool) -> None:
    """Answer from the keyboard alone: a number key and Enter for options, typing and Enter for a typed answer."""
    keys_ready(page)
    if question["form"] in ("choice", "truefalse"):
        index = question["options"].index(question["answer"])
        index = index if right else (index + 1) % len(question["options"])
        page.keyboard.press(str(index + 1))
        expect(page.get_by_role("radio", name=question["options"][index], exact=True)).to_be_checked()
    else:
        expect(page.get_by_role("textbox", name=question["prompt"])).to_be_focused()
        page.keyboard.type(question["typed_answer"] if right else "Pyongyang 1999")
    press_to_next_page(page, "Enter")


def test_learn_to_mastery_with_the_keyboard_alone(page: Page, base_url: str, live_app: Flask) -> None:
    sign_up(page, base_url, "keys-learner")
    start_learning(page, base_url)
    expect(page.get_by_text("0 of 4 mastered")).to_be_visible()
    assert serious_violations(page) == []
    missed = False
    for _ in range(30):
        if page.locator("#next-round").count():
            assert serious_violations(page) == []  # the round's summary
            page.locator("#next-round").focus()
            press_to_next_page(page, "Enter")
            continue
        if page.get_by_role("heading", name="All 4 mastered").count():
            break
        question = learn_question(live_app, page)
        answer_with_keys(page, question, right=missed)
        verdict = page.locator("#feedback")
        expect(verdict.get_by_role("heading", name="Correct" if missed else "Not quite")).to_be_visible()
        expect(verdict.locator("blockquote.source")).not_to_have_count(0)  # the sentence it rests on
        if page.locator(".answer-form").count():  # read out while focus waits in the next answer's field
            expect(page.locator("#verdict-announce")).to_contain_text("Correct" if missed else "Not quite")
        else:  # a round's end: the verdict itself takes focus, and is read out
            expect(verdict).to_be_focused()
        if not missed:
            expect(page.locator("#schedule-note")).to_contain_text("rated Again")
            if page.locator(".answer-form").count():  # read out with the verdict
                expect(page.locator("#verdict-announce")).to_contain_text("rated Again")
            assert serious_violations(page) == []  # a verdict above the next question
        missed = True
    expect(page.get_by_role("heading", name="All 4 mastered")).to_be_visible()
    expect(page.get_by_text("4 of 4 mastered")).to_be_visible()
    assert serious_violations(page) == []


def test_i_was_right_from_the_keyboard(page: Page, base_url: str, live_app: Flask) -> None:
    sign_up(page, base_url, "typo-learner")
    start_learning(page, base_url, "Typed answers only")
    while (question := learn_question(live_app, page))["form"] != "typed":  # a true/false question is asked as it is
        answer_with_keys(page, question, right=True)
    answer_with_keys(page, question, right=False)
    familiar = int(re.search(r"(\d+) familiar", page.locator("#learn-progress").inner_text()).group(1))
    button = page.get_by_role("button", name="I was right")
    expect(button).to_be_visible()
    button.focus()
    press_to_next_page(page, "Enter")
    expect(page.get_by_text("Counted as right, as you said.")).to_be_visible()
    expect(page.get_by_role("button", name="I was right")).to_have_count(0)
    expect(page.locator("#learn-progress")).to_contain_text(f"{familiar + 1} familiar")


@pytest.mark.parametrize("width", [320, 390])
def test_on_a_phone_the_verdict_is_in_view(browser: Browser, base_url: str, live_app: Flask, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 640}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        start_learning(page, base_url)
        answer_in_browser(page, learn_question(live_app, page), right=False)
        verdict = page.locator("#feedback")
        expect(verdict).to_be_in_viewport()
        box = verdict.bounding_box()
        assert box is not None and box["y"] < 640 and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert serious_violations(page) == []
    finally:
        context.close()


def test_learn_works_without_javascript(browser: Browser, base_url: str, live_app: Flask) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        start_learning(page, base_url, "Multiple choice only")
        for _ in range(4):
            if page.locator("#next-round").count():
                page.locator("#next-round").click()
                page.wait_for_load_state()
            question = learn_question(live_app, page)
            if question["form"] in ("choice", "truefalse"):
                page.get_by_role("radio", name=question["answer"], exact=True).check()
            else:
                page.get_by_role("textbox", name=question["prompt"]).fill(question["typed_answer"])
            page.get_by_role("button", name="Answer").click()
            page.wait_for_load_state()
            expect(page.locator("#feedback").get_by_role("heading", name="Correct")).to_be_visible()
        expect(page.get_by_text("Round 1 done")).to_be_visible()
        page.locator("#next-round").click()
        expect(page.get_by_text("Round 2, question 1 of")).to_be_visible()
    finally:
        context.close()
