"""The timeline on a phone (390 CSS px) and on a desktop (1280 CSS px), real site, real Chromium.

At 390 px the page does not scroll sideways: each timeline is drawn a second time with every row's
label above its marks (timeline.NARROW), and that drawing is the one shown; its text is at least
12 CSS px, no label is cut or reaches past the drawing, nothing is clipped (test_visual's check),
and each row is still one link whose name says its marks in words. At 1280 px the wide drawing,
with its label column, shows as before and the narrow one is hidden. The home page's teaser too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .test_visual import LAYOUT

pytestmark = pytest.mark.browser

# Each text of each timeline on screen: its size in CSS px (font size times the drawing's scale), and
# for a row's label whether it stays inside the label column (the whole drawing, in the narrow one).
SHOWN_TEXT = r"""
() => Array.from(document.querySelectorAll('svg.peacetalks-timeline')).filter(svg => svg.checkVisibility()).flatMap(svg => {
  const scale = svg.getScreenCTM().a;
  const column = Number(svg.dataset.labelWidth);
  return Array.from(svg.querySelectorAll('text')).map(t => {
    const box = t.getBBox();
    return { text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale, layout: svg.dataset.layout,
             label: t.closest('a') !== null && !t.classList.contains('peacetalks-flag'), right: box.x + box.width, column };
  });
})
"""


def _open(browser: Any, url: str, width: int) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    return context, page


@pytest.mark.parametrize(("width", "layout"), [(390, "narrow"), (1280, "wide")])
@pytest.mark.parametrize("path", ["explore/timeline.html", "index.html"])
def test_the_timeline_fits_the_screen_with_text_of_12px_or_more(
    path: str, width: int, layout: str, real_site: Path, serve: Callable[[Path], str], browser: Any
) -> None:
    context, page = _open(browser, f"{serve(real_site)}/{path}", width)
    try:
        texts = page.evaluate(SHOWN_TEXT)
        scroll = page.evaluate("document.scrollingElement.scrollWidth")
        found = page.evaluate(LAYOUT)
        names = page.evaluate(
            "Array.from(document.querySelectorAll('svg.peacetalks-timeline')).filter(s => s.checkVisibility())"
            ".flatMap(s => Array.from(s.querySelectorAll('a'))).map(a => a.getAttribute('aria-label'))"
        )
    finally:
        context.close()
    assert scroll <= width, "the page scrolls only downwards"
    assert len(texts) >= 5
    assert {t["layout"] for t in texts} == {layout}, "only the drawing for this width shows"
    small = [(t["text"], round(t["px"], 1)) for t in texts if t["px"] < 12]
    assert not small, small
    assert not [t["text"] for t in texts if "…" in t["text"]], "no label is cut short"
    assert not [t["text"] for t in texts if t["label"] and t["right"] > t["column"]], "no label reaches past its column"
    assert not found["clipped"] and not found["overlaps"], (found["clipped"], found["overlaps"])
    assert names and all(name and ":" in name for name in names)


def test_the_narrow_drawing_keeps_the_overview_and_the_focused_range(real_site: Path, serve: Callable[[Path], str], browser: Any) -> None:
    """Both the whole span and the last year are drawn for phones, as for desktops, with one row per record."""
    context, page = _open(browser, f"{serve(real_site)}/explore/timeline.html", 390)
    try:
        shown = page.evaluate(
            "Array.from(document.querySelectorAll('svg.peacetalks-timeline')).filter(s => s.checkVisibility())"
            ".map(s => [s.getAttribute('aria-labelledby'), s.querySelectorAll('a').length])"
        )
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('svg.peacetalks-timeline[data-layout=wide]')).map(s => s.querySelectorAll('a').length)"
        )
    finally:
        context.close()
    assert [rows for _, rows in shown] == wide, "the same rows as the wide drawings"
    assert all("narrow" in ids for ids, _ in shown)
