"""Item statistics in Debian's Chromium: sorted and downloaded with the keyboard alone, at desktop and phone widths,
clean in axe, labels of 12 CSS px or more that never overlap."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect
from werkzeug.serving import make_server

from studyapp import db
from studyapp.bank import load, sync
from studyapp.quizzes import service as quizzes
from tests.conftest import NOW, ROOT, _closed_before_sending, make_app
from tests.pages import serious_violations, sign_up

pytestmark = pytest.mark.browser


def right_response(question: dict) -> str:
    """The response a stored quiz question counts right."""
    if question["form"] in ("choice", "truefalse"):
        return str(question["options"].index(question["answer"]))
    if question["form"] in ("order", "matching"):
        return ",".join(map(str, question["answer_order"]))
    return question["typed_answer"] or question["answer"]


@pytest.fixture(scope="module")
def stats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    """An app of its own (the curated bank, 12 finished visitor quizzes), served for the browser: the live app other
    browser tests share keeps no quizzes of ours."""
    tmp: Path = tmp_path_factory.mktemp("statistics")
    app = make_app(f"sqlite:///{tmp / 'stats.sqlite'}", tmp, QUESTIONS_DIR=str(ROOT / "questions"))
    with app.app_context():
        session = db.get_session()
        sync.sync_bank(session, load.load_bank(ROOT / "questions"), NOW)
        for seed in range(12):
            quiz = quizzes.start_quiz(session, None, quizzes.QuizRequest(None, None, 5, seed), NOW)
            for item in list(quiz.items):
                right = (seed + item.position) % 3 != 0 and seed % 4 != 3  # every fourth taker weak, the others mostly right
                quizzes.submit_answer(session, quiz.token, None, item.position,
                                      right_response(item.payload) if right else "9", NOW)
    server = make_server("127.0.0.1", 0, _closed_before_sending(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.engine_of(app).dispose()


def tab_to(page: Page, target: Locator, most: int = 250) -> None:
    """Press Tab until `target` has the focus (the keyboard alone, from wherever the focus is)."""
    handle = target.element_handle()
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("element => document.activeElement === element", handle):
            return
    raise AssertionError(f"Tab never reached {target}")


def assert_readable(page: Page, selector: str, width: int) -> None:
    """Every label and value under `selector` is 12 CSS px or more (a phone's row labels too), inside the page's width,
    and no two cells of one row overlap."""
    sizes = page.eval_on_selector_all(f"{selector} :is(th, td, caption, a, li, dt, dd)", """elements => elements
        .filter(e => e.getClientRects().length)
        .flatMap(e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::before').content !== 'none'
                       ? getComputedStyle(e, '::before').fontSize : '16px'])""")
    assert sizes and min(float(size.removesuffix("px")) for size in sizes) >= 12, sizes
    overlaps = page.eval_on_selector_all(f"{selector} tr", """rows => rows.flatMap(row => {
        const boxes = [...row.children].map(cell => cell.getBoundingClientRect()).filter(b => b.width && b.height);
        return boxes.flatMap((a, i) => boxes.slice(i + 1).filter(b => a.left < b.right - 0.5 && b.left < a.right - 0.5
            && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5).map(() => row.rowIndex));
    })""")
    assert overlaps == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
    wider = page.eval_on_selector(selector, """section => [...section.querySelectorAll('table')].filter(
        table => table.getBoundingClientRect().right > section.getBoundingClientRect().right + 0.5).length""")
    assert wider == 0, f"a table wider than its section at {width} px"


@pytest.mark.parametrize("width", [1280, 320])
def test_item_statistics_with_the_keyboard_alone_at_desktop_and_phone_widths(page: Page, stats_server: tuple[Flask, str],
                                                                             width: int) -> None:
    app, base_url = stats_server
    page.set_viewport_size({"width": width, "height": 900})
    name = f"stats-instructor-{width}"
    sign_up(page, base_url, name)
    assert app.test_cli_runner().invoke(args=["users", "make-instructor", name]).exit_code == 0
    page.goto(f"{base_url}/instructor/")
    section = page.locator("#item-statistics")
    expect(section.get_by_role("heading", name="Item statistics")).to_be_visible()
    expect(section.get_by_text("from 12 finished quizzes")).to_be_visible()
    assert section.locator("tbody tr").count() > 5
    assert_readable(page, "#item-statistics", width)
    assert serious_violations(page) == []

    sort_link = section.get_by_role("link", name="Sort by Discrimination index", exact=True)
    tab_to(page, sort_link)
    box = sort_link.bounding_box()
    assert box and box["height"] >= 44 and 0 <= box["x"] and box["x"] + box["width"] <= width  # in view, a tap target
    page.keyboard.press("Enter")
    page.wait_for_url("**stats=discrimination**")
    expect(section.locator('th[aria-sort="ascending"]')).to_have_text("Sort by Discrimination index")
    expect(section.locator("caption")).to_have_text("Per question, sorted by discrimination index")
    shown = [text for text in section.locator('td[data-label="Discrimination"]').all_inner_texts()]
    numbers = [float(text) for text in shown if text != "—"]
    assert numbers == sorted(numbers) and shown[len(numbers):] == ["—"] * (len(shown) - len(numbers))  # undefined last
    assert_readable(page, "#item-statistics", width)
    assert serious_violations(page) == []

    details = section.locator("details.definitions")
    tab_to(page, details.locator("summary"))
    page.keyboard.press("Enter")
    expect(details.get_by_text("An attempt", exact=True)).to_be_visible()
    assert serious_violations(page) == []

    download_link = section.get_by_role("link", name="Download as CSV")
    tab_to(page, download_link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "item-statistics.csv"
    header = Path(download.value.path()).read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("question,deck,kind,prompt,attempts,facility_percent")

    first = section.locator("tbody tr").first.get_by_role("link")
    key = first.inner_text()
    tab_to(page, first)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/instructor/questions/{key}#item-statistics")
    preview = page.locator("#item-statistics")
    expect(preview.get_by_role("heading", name="Item statistics")).to_be_visible()
    expect(preview.locator("dt", has_text="Discriminative efficiency")).to_be_visible()
    assert_readable(page, "#item-statistics", width)
    assert serious_violations(page) == []


def test_the_preview_of_a_multiple_choice_question_shows_its_option_rates(page: Page, stats_server: tuple[Flask, str]) -> None:
    app, base_url = stats_server
    for width in (1280, 600, 320):
        page.set_viewport_size({"width": width, "height": 900})
        if width == 1280:
            sign_up(page, base_url, "stats-options")
            assert app.test_cli_runner().invoke(args=["users", "make-instructor", "stats-options"]).exit_code == 0
            with app.app_context():
                key = next(row.item.key for row in __import__("studyapp.instructor.statistics", fromlist=["x"])
                           .item_statistics(db.get_session()).rows if row.stats.options and row.item.kind.value == "choice")
        page.goto(f"{base_url}/instructor/questions/{key}")
        table = page.locator("#item-statistics table.option-rates")
        expect(table.locator("caption")).to_contain_text("top and bottom 27%")
        expect(table.locator(".badge", has_text="answer")).to_have_count(1)
        assert_readable(page, "#item-statistics", width)
        assert serious_violations(page) == []
