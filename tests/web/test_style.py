"""The stylesheet's promises, checked on its colours: a focus ring is never mistaken for an error."""

from __future__ import annotations

import colorsys
import re
from pathlib import Path

import studyapp
from tests.flashcards.test_stats import contrast

CSS = (Path(studyapp.__file__).parent / "static" / "app.css").read_text()


def _themes() -> dict[str, dict[str, str]]:
    light, dark = CSS.split("@media (prefers-color-scheme: dark)", 1)
    dark = dark.split("\n}\n", 1)[0]
    return {theme: dict(re.findall(r"--([a-z-]+\d?): (#[0-9a-f]{6})", block)) for theme, block in (("light", light), ("dark", dark))}


def _hue(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def test_the_focus_ring_is_unlike_the_error_outline_and_visible_in_both_themes() -> None:
    for theme, colours in _themes().items():
        apart = abs(_hue(colours["focus"]) - _hue(colours["wrong"]))
        assert min(apart, 360 - apart) >= 60, (theme, colours["focus"], colours["wrong"])  # another colour, not a shade
        assert contrast(colours["focus"], colours["bg"]) >= 3 and contrast(colours["focus"], colours["card"]) >= 3, theme
        assert colours["focus"] not in (colours["accent"], colours["wrong"], colours["right"]), theme


def test_one_quote_bar_everywhere() -> None:
    rules = re.findall(r"([^{}]*\.source[^{}]*)\{([^}]*)\}", CSS)
    bars = [(selector.strip(), body) for selector, body in rules if "border" in body]
    assert bars == [(".source", bars[0][1])], bars  # verdicts, results and card backs share .source's own bar
