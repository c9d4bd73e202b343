"""End to end in Debian's Chromium: sign up, take a quiz, one right and one wrong, see the results."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.pages import PASSWORD, answer_in_browser, click_through, keys_ready, sign_up, stored_question, token_of

pytestmark = pytest.mark.browser


def test_sign_up_take_quiz_see_results(page: Page, base_url: str, live_app: Flask) -> None:
    page.goto(base_url)
    page.get_by_role("navigation").get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("browser-learner")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome, browser-learner.")).to_be_visible()

    page.get_by_role("link", name="New quiz").click()
    page.get_by_label("Number of questions").fill("2")
    page.get_by_label(re.compile("^Seed")).fill("2024")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    token = token_of(page)

    first = stored_question(live_app, token, 0)
    answer_in_browser(page, first, right=True)
    expect(page.get_by_role("heading", name="Correct")).to_be_visible()
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()

    second = stored_question(live_app, token, 1)
    answer_in_browser(page, second, right=False)
    expect(page.get_by_role("heading", name="Not quite")).to_be_visible()
    page.get_by_role("link", name="See your results").click()

    expect(page.get_by_text("1 of 2 right")).to_be_visible()
    for question in (first, second):
        expect(page.get_by_role("heading", name=question["prompt"])).to_be_visible()
        for quote in question["sources"]:
            expect(page.locator("blockquote.source", has_text=quote[:40]).first).to_be_visible()
    page.locator(".account-menu summary").click()  # a learner's own quizzes are in the account menu
    page.get_by_role("link", name="My quizzes").click()
    expect(page.get_by_role("cell", name="1 / 2")).to_be_visible()


def counts(page: Page) -> tuple[int, int, int]:
    text = page.locator("#counts").inner_text()
    new, learning, review = (int(n) for n in re.findall(r"(\d+) (?:new|learning|to review)", text))
    return new, learning, review


def test_review_with_the_keyboard_alone(page: Page, base_url: str) -> None:
    sign_up(page, base_url, "keyboard-learner")
    page.goto(f"{base_url}/review")
    new, learning, review = counts(page)
    assert new == 20 and learning == 0
    back = page.locator("#card-back")
    expect(back).to_be_hidden()
    expect(page.locator("#undo")).to_have_count(0)  # nothing rated yet: nothing to undo
    first_prompt = page.locator("#card-front").inner_text()

    keys_ready(page)
    page.keyboard.press("Space")
    expect(back).to_be_visible()
    page.keyboard.press("3")  # Good
    expect(page.locator("#card-front")).not_to_have_text(first_prompt)
    expect_counts(page, new - 1, learning + 1, review)

    keys_ready(page)
    page.keyboard.press("Enter")
    expect(back).to_be_visible()
    page.keyboard.press("1")  # Again
    expect_counts(page, new - 2, learning + 2, review)

    keys_ready(page)
    page.keyboard.press("u")
    expect(page.get_by_text("is back as it was")).to_be_visible()
    expect_counts(page, new - 1, learning + 1, review)


def test_rating_labels_stay_whole_on_a_320px_phone(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    sign_up(page, base_url, "narrow-learner")
    page.goto(f"{base_url}/review")
    page.get_by_text("Show answer").click()
    for name in ("Again", "Hard", "Good", "Easy"):
        button = page.get_by_role("button", name=re.compile(f"^{name}"))
        fit = button.evaluate("""button => {
          const label = button.querySelector(".rate-name"), range = document.createRange();
          range.selectNodeContents(label);
          const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
          const box = button.getBoundingClientRect();
          return {lines, overflows: button.scrollWidth > button.clientWidth, width: box.width, height: box.height};
        }""")
        assert fit["lines"] == 1 and not fit["overflows"], f"{name}: {fit}"
        assert fit["width"] >= 44 and fit["height"] >= 44, f"{name}: {fit}"


def expect_counts(page: Page, new: int, learning: int, review: int) -> None:
    expect(page.locator("#counts")).to_have_text(re.compile(rf"{new} new\s+{learning} learning\s+{review} to review"))


def test_question_text_is_shown_as_text_never_run(page: Page, base_url: str, live_app: Flask) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_up(page, base_url, "xss-learner")
    page.goto(f"{base_url}/quiz/new?deck=tricky&length=5&seed=1")
    page.get_by_role("button", name="Start the quiz").click()
    token = token_of(page)
    for position in range(4):
        answer_in_browser(page, stored_question(live_app, token, position), right=position % 2 == 0)
        expect(page.locator("#feedback")).to_be_visible()
    page.get_by_role("link", name="See your results").click()
    expect(page.get_by_text("<script>alert(1)</script> & co").first).to_be_visible()
    expect(page.get_by_text('<img src=x onerror="window.__xss=1"> Line one').first).to_be_visible()
    page.goto(f"{base_url}/review?deck=tricky")
    keys_ready(page)
    page.keyboard.press("Space")
    page.goto(f"{base_url}/decks/tricky")
    assert page.evaluate("window.__xss") is None and dialogs == []


def test_a_muddled_chronology_answer_is_asked_again_at_the_field(page: Page, base_url: str, live_app: Flask) -> None:
    page.goto(f"{base_url}/quiz/new?length=8&seed=51")
    page.get_by_role("button", name="Start the quiz").click()
    token = token_of(page)
    position = 0
    while (question := stored_question(live_app, token, position))["form"] != "order":
        answer_in_browser(page, question, right=True)
        expect(page.locator("#feedback")).to_be_visible()
        position += 1
    selects = page.get_by_role("combobox")
    for index in range(selects.count()):
        selects.nth(index).select_option("1")
    page.get_by_role("button", name="Answer").click()
    error = page.locator("#answer-error")
    expect(error).to_have_text(re.compile("^Give every event a different place"))
    expect(selects.first).to_be_focused()
    for index in range(selects.count()):
        expect(selects.nth(index)).to_have_value("1")
        expect(selects.nth(index)).to_have_attribute("aria-invalid", "true")
        expect(selects.nth(index)).to_have_attribute("aria-describedby", "answer-error")
    expect(page.locator(".flash")).to_have_count(0)


def test_sign_up_takes_the_browsers_timezone(browser, base_url: str, live_app: Flask) -> None:
    """A learner in Seoul signs up: their study day rolls over at 4 am Seoul time, without visiting Settings."""
    context = browser.new_context(timezone_id="Asia/Seoul")
    try:
        page = context.new_page()
        page.goto(f"{base_url}/auth/register")
        page.get_by_label("Username").fill("seoul-learner")
        page.get_by_label("Password", exact=True).fill("correct horse")
        page.get_by_label("Repeat the password").fill("correct horse")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_text("Your study day starts at 04:00, Asia/Seoul time")).to_be_visible()
        page.goto(f"{base_url}/settings")
        expect(page.get_by_label("Timezone")).to_have_value("Asia/Seoul")
    finally:
        context.close()


def test_type_the_next_answer_right_after_a_verdict(page: Page, base_url: str, live_app: Flask) -> None:
    """No Tab needed: after a verdict the next question's field has focus, and the verdict is read out."""
    page.goto(f"{base_url}/quiz/new?length=12&seed=5")
    page.get_by_role("button", name="Start the quiz").click()
    token = token_of(page)
    position = 0
    while stored_question(live_app, token, position + 1)["form"] != "typed":
        answer_in_browser(page, stored_question(live_app, token, position), right=True)
        position += 1
    answer_in_browser(page, stored_question(live_app, token, position), right=True)
    expect(page.locator("#feedback")).to_be_visible()
    typed = stored_question(live_app, token, position + 1)
    page.wait_for_load_state("load")  # the browser focuses the #feedback target of the redirect on load
    expect(page.get_by_role("textbox", name=typed["prompt"])).to_be_focused()
    expect(page.locator("#verdict-announce")).to_have_text(re.compile("^Correct"))
    page.keyboard.type(typed["typed_answer"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Correct")).to_be_visible()
    expect(page.get_by_text(f"Your answer: {typed['typed_answer']}")).to_be_visible()


def test_u_after_a_suspend_unsuspends_that_card(page: Page, base_url: str) -> None:
    sign_up(page, base_url, "suspend-learner")
    page.goto(f"{base_url}/review?deck=founding")
    keys_ready(page)
    expect(page.locator("#key-hints")).to_be_visible()
    page.keyboard.press("Space")
    expect(page.locator("#card-back")).to_be_visible()
    page.keyboard.press("1")  # Again: a rating that u would undo
    expect(page.get_by_role("button", name="Undo last rating")).to_be_visible()
    new, learning, review = counts(page)
    suspended = page.locator("#card-front").inner_text()
    page.get_by_role("button", name="Suspend").click()
    expect(page).to_have_url(re.compile(r"/review\?deck=founding$"))
    expect(page.locator("#reversible")).to_contain_text("Card suspended")
    expect(page.locator("#card-front")).not_to_have_text(suspended)
    keys_ready(page)
    page.keyboard.press("u")
    expect(page.get_by_text("Card unsuspended")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/review\?deck=founding$"))
    expect(page.locator("#card-front")).to_have_text(suspended)
    expect_counts(page, new, learning, review)  # the earlier rating still stands
    expect(page.get_by_role("button", name="Undo last rating")).to_be_visible()


def test_progress_tables_keep_words_whole_at_360px(page: Page, base_url: str) -> None:
    sign_up(page, base_url, "narrow-progress-learner")
    page.goto(f"{base_url}/review")
    for rating in ("3", "1", "3", "4"):
        keys_ready(page)
        page.keyboard.press("Space")
        page.keyboard.press(rating)
        expect(page.locator("#card-back")).to_be_hidden()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{base_url}/progress")
    page.locator(".retention details, section details").evaluate_all("all => all.forEach(d => d.open = true)")
    broken = page.evaluate("""() => {
      const broken = [];
      for (const cell of document.querySelectorAll("main th, main td, main caption")) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const match of node.data.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const lines = new Set([...range.getClientRects()].filter(r => r.width).map(r => Math.round(r.top))).size;
            if (lines > 1) broken.push(match[0]);
          }
        }
      }
      return broken;
    }""")
    assert page.locator(".retention td").count() > 0
    assert broken == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # and nothing sticks out sideways


def test_no_page_asks_for_anything_that_is_not_there(page: Page, base_url: str) -> None:
    """Every request a page makes, the icon included, is answered (today /favicon.ico was a 404 on every page)."""
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
    for path in ("/", "/decks", "/quiz/new", "/auth/login"):
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
    assert missing == []
    icon = page.request.get(base_url + "/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")


@pytest.mark.parametrize("width", [320, 390, 500, 640, 1000])
def test_a_due_date_never_wraps_inside_itself(page: Page, base_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 740})
    sign_up(page, base_url, f"dates-{width}")
    page.goto(f"{base_url}/review")
    page.get_by_text("Show answer").click()
    click_through(page, page.get_by_role("button", name=re.compile("^Easy")))
    page.goto(f"{base_url}/cards")
    lines = page.locator("td time").first.evaluate("""time => {
      const range = document.createRange(); range.selectNodeContents(time);
      return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    }""")
    assert lines == 1


def _visible_key_hints(page: Page) -> int:
    return page.evaluate("[...document.querySelectorAll('kbd[aria-hidden]')].filter(k => k.offsetParent !== null).length")


def test_key_hints_are_hidden_on_touch_screens_until_a_key_is_pressed(browser, base_url: str) -> None:  # noqa: ANN001
    touch = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    desktop = browser.new_context(viewport={"width": 1000, "height": 800})
    try:
        for context, hidden in ((touch, True), (desktop, False)):
            page = context.new_page()
            sign_up(page, base_url, f"keys-{'touch' if hidden else 'desk'}")
            page.goto(f"{base_url}/review")
            keys_ready(page)
            page.get_by_text("Show answer").click()
            assert (_visible_key_hints(page) == 0) is hidden
            for seed in range(20):  # a multiple-choice question, whose options show their number keys
                page.goto(f"{base_url}/quiz/new?length=1&seed={seed}")
                click_through(page, page.get_by_role("button", name="Start the quiz"))
                if page.locator(".option kbd").count():
                    break
            keys_ready(page)
            assert page.locator(".option kbd").count() and (_visible_key_hints(page) == 0) is hidden
        page.keyboard.press("Shift")  # the desktop page; and now the touch screen with a keyboard attached:
        touch_page = touch.pages[0]
        touch_page.keyboard.press("Shift")
        assert _visible_key_hints(touch_page) > 0
    finally:
        touch.close()
        desktop.close()


@pytest.mark.parametrize("width", [320, 360, 390, 1000])
def test_chart_labels_are_12px_or_more_and_the_page_never_scrolls_sideways(page: Page, base_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    sign_up(page, base_url, f"charts-{width}")
    page.goto(f"{base_url}/review")
    page.get_by_text("Show answer").click()
    click_through(page, page.get_by_role("button", name=re.compile("^Good")))  # a review: the calendar is drawn
    page.goto(f"{base_url}/progress")
    sizes = page.evaluate("""[...document.querySelectorAll('svg.chart text')].map(text =>
        text.getScreenCTM().a * parseFloat(getComputedStyle(text).fontSize))""")
    assert len(sizes) > 5 and min(sizes) >= 12, sizes
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    frames = page.evaluate("[...document.querySelectorAll('.chart-frame')].map(f => f.tabIndex)")
    assert frames == [0, 0]  # a frame that scrolls can be reached and scrolled with the keyboard


@pytest.mark.parametrize("width", [320, 390, 1000])
def test_the_verdict_is_in_view_after_every_answer(page: Page, base_url: str, live_app: Flask, width: int) -> None:
    """On a phone too, the learner first sees "Correct" or "Not quite", a chronology verdict included."""
    page.set_viewport_size({"width": width, "height": 640})
    page.goto(f"{base_url}/quiz/new?length=8&seed=51")
    page.get_by_role("button", name="Start the quiz").click()
    token = token_of(page)
    for position in range(7):
        question = stored_question(live_app, token, position)
        answer_in_browser(page, question, right=position % 2 == 1)
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)  # after the browser's own jump to #feedback, and ours
        heading = page.locator("#verdict-heading").bounding_box()
        assert heading is not None and 0 <= heading["y"] and heading["y"] + heading["height"] <= 640, (question["form"], heading)
        focused = page.evaluate("document.activeElement.closest('.answer-form') !== null")
        assert focused, "the next field keeps the focus, so typing goes on"


def test_settings_follow_a_fit_in_place_keeping_unsaved_edits(page: Page, base_url: str, live_app: Flask) -> None:
    from datetime import datetime, timezone

    from sqlalchemy import select

    from studyapp import db
    from studyapp.flashcards import fitting
    from studyapp.models import Learner

    sign_up(page, base_url, "fit-watcher")
    with live_app.app_context():
        session = db.get_session()
        learner = session.scalar(select(Learner).where(Learner.username == "fit-watcher"))
        fit = fitting.start(session, learner, datetime.now(timezone.utc), "button")
        fit.stage, fit.reviews = "fitting", 640
        session.commit()
        fit_id = fit.id
    page.goto(f"{base_url}/settings")
    expect(page.locator("#fit-progress")).to_be_visible()
    expect(page.get_by_text("Reload to see how it goes")).to_have_count(0)  # JavaScript follows it instead
    page.get_by_label("New cards per day").fill("33")  # an edit not saved yet
    with live_app.app_context():
        session = db.get_session()
        fitting.run(session, fit_id, lambda: datetime.now(timezone.utc))  # 0 reviews: not enough, said in words
    expect(page.locator("#fit-status")).to_contain_text("Not enough reviews yet (0 of 400).", timeout=5000)
    expect(page.get_by_role("button", name="Fit to my reviews now")).to_be_enabled()
    expect(page.get_by_label("New cards per day")).to_have_value("33")
