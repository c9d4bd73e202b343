"""What the browser tests do in a page: sign up, answer a stored quiz question, wait for a page or its keys."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from studyapp import db
from studyapp.models import Quiz

PASSWORD = "a long password"


def stored_question(app: Flask, token: str, position: int) -> dict:
    """The question at `position` of a quiz as the app stored it (its options, answer, order)."""
    with app.app_context():
        quiz = db.get_session().scalar(select(Quiz).where(Quiz.token == token))
        return next(i.payload for i in quiz.items if i.position == position)


def token_of(page: Page) -> str:
    """The token of the quiz the page shows."""
    return re.search(r"/quiz/([\w-]+)", page.url).group(1)


def click_through(page: Page, target: Locator) -> None:
    """Click a link or button that loads another page, and wait until that page has loaded."""
    page.evaluate("window.leftBehind = true")
    target.click()
    page.wait_for_function("!window.leftBehind")
    page.wait_for_load_state()


def answer_in_browser(page: Page, question: dict, right: bool) -> None:
    """Answer with the pointer, right or wrong, whatever the question's form, and wait for the verdict."""
    if question["form"] in ("choice", "truefalse"):
        index = question["options"].index(question["answer"])
        index = index if right else (index + 1) % len(question["options"])
        page.get_by_role("radio", name=question["options"][index], exact=True).check()
    elif question["form"] == "order":
        order = question["answer_order"] if right else list(reversed(question["answer_order"]))
        for place, option in enumerate(order, start=1):
            page.get_by_label(question["options"][option], exact=True).select_option(str(place))
    elif question["form"] == "matching":  # wrong: every left side given the next one's right side
        chosen = question["answer_order"] if right else question["answer_order"][1:] + question["answer_order"][:1]
        for left, option in zip(question["lefts"], chosen, strict=True):
            page.get_by_label(left, exact=True).select_option(str(option))
    else:
        page.get_by_role("textbox", name=question["prompt"]).fill(question["typed_answer"] if right else "1999")
    click_through(page, page.get_by_role("button", name="Answer"))


def sign_up(page: Page, base_url: str, name: str) -> None:
    """Create an account through the form; signed in afterwards."""
    page.goto(f"{base_url}/auth/register")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    click_through(page, page.get_by_role("button", name="Create account"))
    expect(page.get_by_text(f"Welcome, {name}.")).to_be_visible()


def keys_ready(page: Page) -> None:
    """Wait until app.js has attached its key handlers on the page now shown (a key pressed earlier is lost)."""
    page.wait_for_function("document.documentElement.dataset.keysReady === '1'")


def learn_question(app: Flask, page: Page) -> dict:
    """The question the Learn session the page shows asks now, as the app builds it (its options, answer)."""
    from studyapp.learn import service as learn
    from studyapp.models import LearnSession

    token = re.search(r"/learn/([\w-]+)", page.url).group(1)
    with app.app_context():
        session = db.get_session()
        now = learn.current(session, session.scalar(select(LearnSession).where(LearnSession.token == token)))
        assert now.question is not None, "the session asks nothing now"
        return now.question.to_dict()


AXE = Axe()


def serious_violations(page: Page) -> list[str]:
    """What axe-core finds critical or serious on the page, with where (the first three places of each)."""
    return [f"{v['id']} at {[n['target'] for n in v['nodes'][:3]]}" for v in AXE.run(page).response["violations"]
            if v["impact"] in ("critical", "serious")]


def tab_to(page: Page, target: Locator, most: int = 200) -> None:
    """Press Tab until `target` has the focus (the keyboard alone, as a learner would get there)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("(element) => element === document.activeElement"):
            break
    expect(target).to_be_focused()
