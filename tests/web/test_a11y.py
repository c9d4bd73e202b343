"""Accessibility in Chromium: axe-core on every page in both themes, the keyboard alone, phones, screenshots.

One tour visits every page a visitor, a learner and an instructor reach (each question form, the
feedback, results, review front and back, empty states, errors); the tests run their checks on
each stop of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from studyapp import db
from studyapp.models import Card, Learner
from tests.pages import PASSWORD, answer_in_browser, click_through, keys_ready, sign_up, stored_question, token_of

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent.parent.parent / "docs" / "screenshots"
MIXED_QUIZ = "length=8&seed=51"  # choice first, then the order question, then true/false and typed
FORMS = {"choice", "typed", "truefalse", "order"}
AXE = Axe()


# -- helpers ------------------------------------------------------------------------------------

def save_setting(page: Page, base_url: str, label: str, value: str) -> None:
    page.goto(f"{base_url}/settings")
    page.get_by_label(label, exact=True).fill(value)
    click_through(page, page.get_by_role("button", name="Save settings"))


def make_leech(app: Flask, username: str) -> None:
    """Mark one of the learner's studied cards a leech (8 lapses), as if forgotten over and over."""
    with app.app_context():
        session = db.get_session()
        card = session.scalars(select(Card).join(Learner).where(Learner.username == username, Card.reps > 0)
                               .order_by(Card.id)).first()
        card.lapses, card.is_leech = 8, True
        session.commit()


def take_quiz(page: Page, base_url: str, app: Flask, query: str, who: str) -> Iterator[str]:
    """Answer a whole quiz, each form right the first time and wrong the next, stopping at each new page."""
    page.goto(f"{base_url}/quiz/new?{query}")
    click_through(page, page.get_by_role("button", name="Start the quiz"))
    token, seen, position = token_of(page), set(), 0
    while page.locator(".answer-form").count():
        question = stored_question(app, token, position)
        form = question["form"]
        verdict = "wrong" if (form, "right") in seen and (form, "wrong") not in seen else "right"
        if form not in seen:
            yield f"{who}quiz question ({form})"
            if form in ("typed", "order") and not who:  # sent back: the error sits at the field
                if form == "typed":
                    page.get_by_role("textbox", name=question["prompt"]).fill(" ")
                else:
                    for select_box in page.get_by_role("combobox").all():
                        select_box.select_option("1")
                click_through(page, page.get_by_role("button", name="Answer"))
                yield f"{who}quiz question ({form}), with an error"
        answer_in_browser(page, question, right=verdict == "right")
        if (form, verdict) not in seen:
            yield f"{who}answer feedback ({form}, {verdict})"
        seen |= {form, (form, verdict)}
        position += 1
    yield f"{who}last answer feedback"
    click_through(page, page.get_by_role("link", name="See your results"))
    yield f"{who}results"


def tour(page: Page, base_url: str, app: Flask, name: str) -> Iterator[str]:
    """Every page a visitor, then a learner, then an instructor reaches; yields a label at each."""
    def go(path: str) -> None:
        page.goto(base_url + path)

    go("/")
    yield "home"
    go("/decks")
    yield "deck list"
    go("/decks/founding")
    yield "deck page"
    go("/quiz/new")
    yield "new quiz"
    page.get_by_label("Number of questions").fill("0")
    click_through(page, page.get_by_role("button", name="Start the quiz"))
    yield "new quiz, with an error"
    go("/auth/login")
    yield "sign in"
    click_through(page, page.get_by_role("button", name="Sign in"))
    yield "sign in, with errors"
    go("/auth/register")
    yield "sign up"
    go("/no-such-page")
    yield "not found (404)"
    yield from take_quiz(page, base_url, app, MIXED_QUIZ, "")

    sign_up(page, base_url, name)
    yield "home, signed in, cards due"
    for menu in (page.locator(".nav-menu summary"), page.locator(".account-menu summary")):
        if menu.is_visible():  # one of the two, by the window's width
            menu.click()
            yield "home, menu open"
            menu.click()
    go("/instructor/")
    yield "instructor page as a learner (403)"
    go("/quiz/mine")
    yield "my quizzes, none yet"
    go("/progress")
    yield "progress, empty"
    go("/cards")
    yield "cards, none yet"
    save_setting(page, base_url, "New cards per day", "0")
    go("/review")
    yield "review, nothing due"
    go("/")
    yield "home, signed in, nothing due"
    save_setting(page, base_url, "New cards per day", "20")
    go("/review")
    yield "review, front"
    page.get_by_text("Show answer").click()
    yield "review, answer shown"
    click_through(page, page.get_by_role("button", name=re.compile("^Good")))
    for rating in ("Again", "Easy", "Good", "Hard", "Easy"):
        page.get_by_text("Show answer").click()
        click_through(page, page.get_by_role("button", name=re.compile(f"^{rating}")))
    go("/progress")
    yield "progress, with data"
    go("/cards")
    yield "cards"
    go("/cards?leeches=1")
    yield "cards, no leeches"
    go("/decks")
    yield "deck list, signed in"
    go("/decks/founding")
    yield "deck page, signed in"
    go("/review")
    click_through(page, page.get_by_role("button", name=re.compile("^Undo last")))
    yield "review, with a flash"
    click_through(page, page.get_by_role("button", name="Suspend", exact=True))
    yield "review, after suspending"
    go("/cards?suspended=1")
    yield "cards, only suspended"
    make_leech(app, name)
    go("/progress")
    yield "progress, with a leech"
    go("/cards?leeches=1")
    yield "cards, only leeches"
    go("/review?deck=nope")
    yield "review of an unknown deck (404)"
    go("/quiz/new?deck=nope&length=-1")
    yield "new quiz from a bad link (400)"
    yield from take_quiz(page, base_url, app, "length=2&seed=5", "learner's ")
    go("/quiz/mine")
    yield "my quizzes"
    go("/settings")
    yield "settings"
    page.get_by_label("Desired retention").fill("2")
    click_through(page, page.get_by_role("button", name="Save settings"))
    yield "settings, with an error"
    go("/auth/account")
    yield "my data"
    click_through(page, page.get_by_role("button", name="Import"))
    yield "my data, import without a file"

    assert app.test_cli_runner().invoke(args=["users", "make-instructor", name]).exit_code == 0
    go("/instructor/")
    yield "instructor: question bank"
    click_through(page, page.locator("table.questions tbody a").first)
    yield "instructor: question preview"
    for key in ("kalun-end-choice", "src-formed", "struggle-1920s-tf"):  # answered above; a fact; a true/false
        go(f"/instructor/questions/{key}")
        yield f"instructor: preview of {key}"


def overflow(page: Page) -> str | None:
    """None, or how wide the page is and which elements stick out of the window."""
    return page.evaluate("""() => {
      const width = window.innerWidth, wide = document.documentElement.scrollWidth;
      if (wide <= width) return null;
      const out = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > width + 0.5)
        .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""));
      return `${wide}px wide in a ${width}px window: ${out.join(", ")}`;
    }""")


def small_targets(page: Page) -> list[str]:
    """Controls under 44 by 44 px (a label counts as its control's target; links inside sentences are exempt)."""
    return page.evaluate("""() => {
      const small = [];
      for (const el of document.querySelectorAll("a[href], button, summary, select, textarea, input:not([type=hidden])")) {
        const own = el.getBoundingClientRect();
        if (!el.checkVisibility() || own.right <= 0) continue;  // hidden, or parked off screen (the skip link)
        const block = el.parentElement.closest("p, li, td, dd, small, footer");
        if (el.tagName === "A" && !el.classList.contains("button") && block
            && block.textContent.trim().length > el.textContent.trim().length + 2) continue;
        const rect = (el.closest("label") || el).getBoundingClientRect();
        if (rect.height < 43.5 || rect.width < 43.5)
          small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || "").trim().slice(0, 30)}" `
                     + `${Math.round(rect.width)}x${Math.round(rect.height)}`);
      }
      return small;
    }""")


def press_until_focused(page: Page, target: Locator, key: str = "Tab", limit: int = 40) -> None:
    """Press `key` until `target` has the focus (a keyboard user's way there)."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{limit} presses of {key} never reached {target}")


def expect_visible_focus(page: Page) -> None:
    style = page.evaluate("""() => { const el = document.activeElement, s = getComputedStyle(el);
      return {visible: el.matches(":focus-visible"), outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")
    assert style["visible"] and style["outline"] != "none" and style["width"] >= 2, style


# -- the first minute -----------------------------------------------------------------------------

def test_a_visitor_reaches_a_first_question_in_one_click(page: Page, base_url: str) -> None:
    page.goto(base_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Learn the dates, places"))
    click_through(page, page.get_by_role("button", name="Start a 10-question quiz"))
    expect(page.get_by_text("Question 1 of 10")).to_be_visible()
    expect(page.locator(".answer-form :focus")).to_have_count(1)  # ready to answer from the keyboard


@pytest.mark.parametrize(("motion", "scroll"), [("reduce", "auto"), ("no-preference", "smooth")])
def test_motion_follows_the_reduced_motion_setting(page: Page, base_url: str, motion: str, scroll: str) -> None:
    page.emulate_media(reduced_motion=motion)
    page.goto(base_url)
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == scroll
    duration = page.evaluate("getComputedStyle(document.querySelector('.button')).transitionDuration")
    assert (duration == "0s") == (motion == "reduce"), duration


# -- axe-core -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 390)])
def test_every_page_passes_axe_in_both_themes(page: Page, base_url: str, live_app: Flask, scheme: str, width: int) -> None:
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 844})
    found: list[str] = []
    pages = 0
    for label in tour(page, base_url, live_app, f"axe-{scheme}-{width}"):
        pages += 1
        for violation in AXE.run(page).response["violations"]:
            if violation["impact"] in ("critical", "serious"):
                targets = [node["target"] for node in violation["nodes"][:3]]
                found.append(f"{label}: {violation['id']} ({violation['impact']}) at {targets}")
    assert pages >= 45
    assert not found, "axe found:\n" + "\n".join(found)


# -- phones ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [390, 320])
def test_phones_never_scroll_sideways_and_targets_are_44px(page: Page, base_url: str, live_app: Flask,
                                                            width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    wide: list[str] = []
    small: list[str] = []
    for label in tour(page, base_url, live_app, f"phone-{width}"):
        if (problem := overflow(page)) is not None:
            wide.append(f"{label}: {problem}")
        small += [f"{label}: {target}" for target in small_targets(page)]
    assert not wide, "sideways scrolling:\n" + "\n".join(wide)
    assert not small, "tap targets under 44px:\n" + "\n".join(small)


def test_rating_buttons_sit_in_reach_of_a_thumb(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_up(page, base_url, "thumb-learner")
    page.goto(f"{base_url}/review")
    page.get_by_text("Show answer").click()
    for name in ("Again", "Hard", "Good", "Easy"):
        box = page.get_by_role("button", name=re.compile(f"^{name}")).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        assert box["y"] + box["height"] <= 844, f"{name} is below the fold"
        assert box["y"] >= 844 / 3, f"{name} is out of a thumb's reach at the top"


# -- the keyboard alone ---------------------------------------------------------------------------

def answer_with_keyboard(page: Page, question: dict) -> None:
    """Answer rightly with Tab, Space, Enter and arrow keys (typing only into a text field)."""
    answer_button = page.get_by_role("button", name="Answer")
    if question["form"] in ("choice", "truefalse"):
        first = page.get_by_role("radio").first
        press_until_focused(page, first)
        expect_visible_focus(page)
        page.keyboard.press("Space")
        for _ in range(question["options"].index(question["answer"])):
            page.keyboard.press("ArrowDown")
        expect(page.get_by_role("radio", name=question["answer"], exact=True)).to_be_checked()
        press_until_focused(page, answer_button, limit=2)
        page.keyboard.press("Enter")
    elif question["form"] == "order":
        selects = page.get_by_role("combobox")
        for index in range(len(question["options"])):
            select_box = selects.nth(index)
            press_until_focused(page, select_box)
            expect_visible_focus(page)
            steps = question["answer_order"].index(index) - index  # it starts on place index + 1
            for _ in range(abs(steps)):
                page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
            expect(select_box).to_have_value(str(question["answer_order"].index(index) + 1))
        press_until_focused(page, answer_button, limit=2)
        page.keyboard.press("Enter")
    else:
        box = page.get_by_role("textbox", name=question["prompt"])
        press_until_focused(page, box)
        expect_visible_focus(page)
        page.keyboard.type(question["typed_answer"])
        page.keyboard.press("Enter")


def test_quiz_with_the_keyboard_alone(page: Page, base_url: str, live_app: Flask) -> None:
    page.goto(f"{base_url}/quiz/new?{MIXED_QUIZ}")
    keys_ready(page)
    press_until_focused(page, page.get_by_role("button", name="Start the quiz"))
    expect_visible_focus(page)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question 1 of 8")).to_be_visible()
    token, forms = token_of(page), []
    for position in range(8):
        question = stored_question(live_app, token, position)
        forms.append(question["form"])
        keys_ready(page)
        if position:  # after a verdict the next question's field has the focus: the learner types on at once
            expect(page.locator(".answer-form :focus")).to_have_count(1)
        answer_with_keyboard(page, question)
        expect(page.locator("#feedback")).to_have_attribute("role", "status")  # a live region: read out as it arrives
        expect(page.get_by_role("status").filter(has_text="Correct")).to_have_count(1)
    assert set(forms) == FORMS, forms
    press_until_focused(page, page.get_by_role("link", name="See your results"), limit=3)
    page.keyboard.press("Enter")
    expect(page.get_by_text("8 of 8 right")).to_be_visible()


def test_review_and_phone_menu_with_the_keyboard_alone(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base_url}/auth/register")
    press_until_focused(page, page.get_by_label("Username"))
    page.keyboard.type("keys-only-learner")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Welcome, keys-only-learner.")).to_be_visible()
    keys_ready(page)

    menu = page.locator(".nav-menu")
    summary = menu.locator("summary")
    press_until_focused(page, summary)
    expect_visible_focus(page)
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    page.keyboard.press("Space")
    review_link = menu.get_by_role("link", name="Review")
    press_until_focused(page, review_link)
    expect_visible_focus(page)
    page.keyboard.press("Enter")

    show = page.get_by_text("Show answer")
    expect(show).to_be_focused()
    keys_ready(page)
    expect_visible_focus(page)
    first = page.locator("#card-front").inner_text()
    page.keyboard.press("Space")
    expect(page.locator("#card-back")).to_be_focused()
    press_until_focused(page, page.get_by_role("button", name=re.compile("^Good")), limit=4)
    expect_visible_focus(page)
    page.keyboard.press("Enter")
    expect(page.locator("#card-front")).not_to_have_text(first)
    second = page.locator("#card-front").inner_text()

    expect(show).to_be_focused()
    keys_ready(page)
    page.keyboard.press("Enter")
    expect(page.locator("#card-back")).to_be_visible()
    page.keyboard.press("1")  # Again
    expect(page.locator("#card-front")).not_to_have_text(second)
    keys_ready(page)
    page.keyboard.press("u")
    expect(page.get_by_text("is back as it was")).to_be_visible()
    expect(page.locator("#card-front")).to_have_text(second)


# -- what the pages look like ---------------------------------------------------------------------

SHOT_NAMES = {
    "quiz question (choice)": "quiz-question",
    "answer feedback (typed, wrong)": "feedback",
    "results": "results",
    "review, answer shown": "review",
    "progress, with data": "progress",
}


@pytest.mark.parametrize(("screen", "width", "height", "scheme"),
                         [("desktop", 1000, 800, "light"), ("phone", 390, 844, "light"), ("phone-dark", 390, 844, "dark")])
def test_screenshots_of_the_main_screens(page: Page, base_url: str, live_app: Flask, screen: str, width: int,
                                         height: int, scheme: str) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    SHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for label in tour(page, base_url, live_app, f"shots-{screen}"):
        if label in SHOT_NAMES:
            path = SHOTS / f"{SHOT_NAMES[label]}-{screen}.png"
            page.screenshot(path=path, animations="disabled", caret="hide")
            saved.append(path)
            if len(saved) == len(SHOT_NAMES):
                break
    assert len(saved) == len(SHOT_NAMES) and all(path.stat().st_size > 5000 for path in saved)
