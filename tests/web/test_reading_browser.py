"""The reading view in Debian's Chromium: keyboard only to practise a paragraph, a phone's width, clean in axe,
no text under 12 CSS px."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.conftest import DATA
from tests.pages import serious_violations, sign_up, tab_to

pytestmark = pytest.mark.browser
SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('main *')]
    .filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && e.getClientRects().length)
    .map((e) => parseFloat(getComputedStyle(e).fontSize)))"""




@pytest.fixture
def with_source(live_app: Flask) -> Iterator[Flask]:
    """The live app reading the small article made for the tests (the shipped text may not lie beside a clone)."""
    before = live_app.config["SOURCE_TEXT"], live_app.config["SOURCE_FOOTER_LINES"]
    live_app.config.update(SOURCE_TEXT=str(DATA / "texts" / "small-article.txt"), SOURCE_FOOTER_LINES=2)
    yield live_app
    live_app.config["SOURCE_TEXT"], live_app.config["SOURCE_FOOTER_LINES"] = before


def test_practise_a_paragraph_with_the_keyboard_alone(page: Page, base_url: str, with_source: Flask) -> None:
    sign_up(page, base_url, "reader")
    page.goto(f"{base_url}/text/")
    expect(page.get_by_role("heading", name="The text", exact=True)).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()
    assert serious_violations(page) == []
    assert page.evaluate(SMALLEST_TEXT) >= 12
    button = page.get_by_role("button", name="Practise this paragraph 1", exact=True)
    tab_to(page, button)
    with page.expect_event("load"):
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Paragraph 1 of the text · practice")
    expect(page.get_by_text("Round 1, question 1 of")).to_be_visible()


@pytest.mark.parametrize("width", [320, 1000])
def test_the_text_fits_a_phone_and_passes_axe(browser: Browser, base_url: str, with_source: Flask, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{base_url}/text/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.evaluate(SMALLEST_TEXT) >= 12
        assert serious_violations(page) == []
    finally:
        context.close()


def test_the_coverage_view_passes_axe(page: Page, base_url: str, with_source: Flask) -> None:
    sign_up(page, base_url, "coverage-teacher")
    assert with_source.test_cli_runner().invoke(args=["users", "make-instructor", "coverage-teacher"]).exit_code == 0
    page.goto(f"{base_url}/text/")
    with page.expect_event("load"):
        page.get_by_role("link", name="Show coverage").click()
    expect(page.get_by_role("heading", name="Coverage")).to_be_visible()
    expect(page.locator(".sentence.uncovered").first).to_be_visible()
    assert serious_violations(page) == []
    assert page.evaluate(SMALLEST_TEXT) >= 12
