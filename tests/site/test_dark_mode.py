"""Dark mode: the palette follows the system preference, a toggle switches it, and the
timeline stays legible (its text takes the page's foreground colour) in both schemes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _luminance(css: str) -> float:
    """Relative brightness 0..1 of a computed 'rgb(r, g, b)' or 'rgba(...)' colour."""
    parts = [float(p) for p in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
    return sum(parts) / (3 * 255)


def _colours(browser: Any, site: Path, scheme: str) -> tuple[float, float, str]:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto((site / "explore" / "timeline.html").as_uri())
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    text = page.evaluate(
        "(() => { const t = document.querySelector('svg.peacetalks-timeline text'); return t ? getComputedStyle(t).fill : ''; })()"
    )
    chosen = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    context.close()
    return _luminance(background), _luminance(text), chosen


def test_the_site_follows_the_system_preference(browser: Any, real_site: Path) -> None:
    light_bg, light_text, light_scheme = _colours(browser, real_site, "light")
    dark_bg, dark_text, dark_scheme = _colours(browser, real_site, "dark")
    assert (light_scheme, dark_scheme) == ("default", "slate")
    assert light_bg > 0.8 and dark_bg < 0.3
    # The timeline's labels contrast with the background in both schemes.
    assert light_bg - light_text > 0.4 and dark_text - dark_bg > 0.4


def test_the_toggle_switches_the_scheme(browser: Any, real_site: Path) -> None:
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.goto((real_site / "index.html").as_uri())
    toggles = page.locator("form[data-md-component='palette'] label:visible")
    assert toggles.count() >= 1
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    for _ in range(3):  # system → light → dark → system: one of the steps changes the scheme
        page.locator("form[data-md-component='palette'] label:visible").first.click()
        if page.evaluate("document.body.getAttribute('data-md-color-scheme')") != before:
            break
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") != before
    context.close()
