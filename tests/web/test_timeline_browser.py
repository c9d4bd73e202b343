"""The timeline in Debian's Chromium: text at 12 CSS px or more as rendered, no two labels overlapping, no sideways
scrolling on a 320px phone, clean in axe, and an event's questions learnt from the keyboard alone."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from tests.pages import serious_violations, sign_up, tab_to

pytestmark = pytest.mark.browser
SRC = "3 July 1930: The Society for Rallying Comrades was formed"

# Every text line of the timeline on show, as drawn: its box, and its font size times the drawing's scale.
MEASURE_SVG = """() => {
  const svgs = [...document.querySelectorAll('svg.timeline')].filter((svg) => svg.getBoundingClientRect().width > 0);
  if (svgs.length !== 1) return {shown: svgs.length};
  const svg = svgs[0], frame = svg.getBoundingClientRect();
  const scale = frame.width / svg.viewBox.baseVal.width;
  const lines = [...svg.querySelectorAll('text')].flatMap((text) => {
    const parts = text.querySelectorAll('tspan').length ? [...text.querySelectorAll('tspan')] : [text];
    return parts.map((part) => {
      const box = part.getBoundingClientRect();
      return {text: part.textContent, px: parseFloat(getComputedStyle(part).fontSize) * scale,
              x: box.x, y: box.y, width: box.width, height: box.height, label: text.getAttribute('class')};
    });
  });
  return {shown: 1, scale, frame: {x: frame.x, width: frame.width}, lines};
}"""
TABLE_SIZES = """() => [...document.querySelectorAll('.timeline-table *')]
  .filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
  .filter((e) => !e.closest('.visually-hidden') && e.getBoundingClientRect().height > 0)
  .map((e) => parseFloat(getComputedStyle(e).fontSize))"""




def overlapping(lines: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for n, a in enumerate(lines) for b in lines[n + 1:]
            if a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]]


@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_labels_are_12px_or_more_and_never_overlap(browser: Browser, base_url: str, live_app: Flask, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=width < 500, has_touch=width < 500)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/timeline")
        drawn = page.evaluate(MEASURE_SVG)
        assert drawn["shown"] == 1 and drawn["scale"] == pytest.approx(1)  # drawn at its own size, not shrunk
        lines = drawn["lines"]
        assert len([line for line in lines if line["label"] == "event-label"]) >= 6 * 2  # a date and a name each at least
        assert min(line["px"] for line in lines) >= 12 and min(line["height"] for line in lines) >= 12
        assert overlapping(lines) == []
        right = drawn["frame"]["x"] + drawn["frame"]["width"]
        assert all(line["x"] >= drawn["frame"]["x"] and line["x"] + line["width"] <= right for line in lines)
        assert min(page.evaluate(TABLE_SIZES)) >= 12
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert serious_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_an_event_is_learnt_from_the_keyboard_alone(browser: Browser, base_url: str, live_app: Flask, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{base_url}/timeline")
        button = page.get_by_role("button", name=re.compile(rf"^Learn\W+{SRC}$"))  # the hidden part: a block, spaced
        tab_to(page, button, most=120)
        with page.expect_event("load"):
            page.keyboard.press("Enter")
        assert "/learn/" in page.url
        expect(page.get_by_text(SRC).first).to_be_visible()  # the session is about the event
        assert serious_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 1024, 1280])
def test_the_timeline_link_fits_the_navigation(browser: Browser, base_url: str, live_app: Flask, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        sign_up(page, base_url, f"a-long-username-{width}")  # the account menu at its widest (10rem)
        if width < 500:
            page.locator(".nav-menu summary").click()
            link = page.locator(".nav-menu").get_by_role("link", name="The text")
        else:
            link = page.locator(".nav-wide").get_by_role("link", name="The text")
            assert page.locator(".nav-wide .nav-links").evaluate("(e) => e.getBoundingClientRect().height") < 50  # one line
        expect(link).to_be_visible()
        with page.expect_event("load"):  # the text's two views: the timeline is one tab away
            link.click()
        link = page.locator(".text-tabs").get_by_role("link", name="Timeline")
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
