"""The real site's main pages in Chromium at a desktop (1280 CSS px) and a phone (390 CSS px) width:
each is saved as a screenshot (into $PEACETALKS_SCREENSHOTS, else pytest's temporary directory) and
none has a text element clipped by its box or overlapping another text element in the main content.
The timeline's text is at least 12 CSS px on screen at both widths and its labels are never cut."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)


def _pages(site: Path) -> dict[str, str]:
    from .test_browser import busiest_demand

    actor = sorted(p.name for p in (site / "actors").glob("*.html") if p.name != "index.html")[0]
    pages = {
        "home": "index.html",
        "demand": f"demands/{busiest_demand()}",
        "meeting": "meetings/istanbul-talks-2022.html",
        "actor": f"actors/{actor}",
        "timeline": "explore/timeline.html",
        "demands-index": "demands/index.html",
    }
    if (site / "explore" / "positions.html").is_file():  # helper-10's page, once it is built
        pages["positions"] = "explore/positions.html"
    return pages


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("PEACETALKS_SCREENSHOTS")
    out = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


# Leaf text: each visible text node in the main content, with its element. A text node is clipped
# when it reaches outside an ancestor that hides its overflow (hidden or clip, not a scroller), or
# when its element, hiding overflow itself, is wider than its box; two text nodes of different
# elements overlap when their line boxes intersect by more than 3 px each way.
LAYOUT = r"""
() => {
  const main = document.querySelector('.md-content') || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const items = [];
  const clipped = [];
  const describe = (el, text) => (el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || '')) + ' "' + text.slice(0, 40) + '"';
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.nodeValue.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script, style, title, desc, noscript, .md-visually-hidden')) continue;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = Array.from(range.getClientRects()).filter(r => r.width > 1 && r.height > 1);
    if (!rects.length) continue;
    const style = getComputedStyle(el);
    if (['hidden', 'clip'].includes(style.overflowX) && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1) clipped.push(describe(el, text));
    let offscreen = false;
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (['hidden', 'clip'].includes(s.overflowX) || ['hidden', 'clip'].includes(s.overflowY)) {
        const box = a.getBoundingClientRect();
        if (box.width < 2 || box.height < 2) { offscreen = true; break; }  // visually hidden: for screen readers only
        if (a === el) continue;
        if (rects.some(r => r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)) clipped.push(describe(el, text) + ' cut by ' + describe(a, ''));
        break;
      }
      if (['auto', 'scroll'].includes(s.overflowX)) break;  // a scroller shows the rest when scrolled
    }
    if (!offscreen) items.push({ el, rects, name: describe(el, text) });
  }
  const overlaps = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (items[i].el === items[j].el) continue;
      for (const a of items[i].rects) for (const b of items[j].rects) {
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 3 && h > 3) overlaps.push(items[i].name + ' over ' + items[j].name);
      }
    }
  }
  return { clipped, overlaps: overlaps.slice(0, 20), count: items.length };
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_main_pages_are_saved_and_no_text_is_clipped_or_overlapping(
    width: int, real_site: Path, serve: Callable[[Path], str], browser: Any, shots: Path
) -> None:
    base = serve(real_site)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = {}
    try:
        for name, path in _pages(real_site).items():
            page.goto(f"{base}/{path}", wait_until="networkidle")
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
            found = page.evaluate(LAYOUT)
            assert found["count"] > 20, (name, "the page's text was read")
            if found["clipped"] or found["overlaps"]:
                problems[name] = found["clipped"], found["overlaps"]
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, "the page scrolls only downwards")
    finally:
        context.close()
    assert not problems, problems
    assert len(list(shots.glob(f"*-{width}.png"))) >= 6


# Each text of each timeline shown (one of its two drawings, by width): its size on screen (its font size in SVG units times the drawing's
# scale), whether it ends in an ellipsis, and for a row's label whether it stays in the label column.
TIMELINE_TEXT = r"""
() => Array.from(document.querySelectorAll('svg.peacetalks-timeline')).filter(svg => svg.checkVisibility()).flatMap(svg => {
  const scale = svg.getScreenCTM().a;
  const column = Number(svg.dataset.labelWidth);
  return Array.from(svg.querySelectorAll('text')).map(t => {
    const box = t.getBBox();
    return { text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
             label: t.closest('a') !== null && !t.classList.contains('peacetalks-flag'), right: box.x + box.width, column };
  });
})
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_text_is_12px_or_more_and_never_cut(width: int, real_site: Path, serve: Callable[[Path], str], browser: Any) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{serve(real_site)}/explore/timeline.html", wait_until="networkidle")
        texts = page.evaluate(TIMELINE_TEXT)
        names = page.evaluate("Array.from(document.querySelectorAll('svg.peacetalks-timeline a')).map(a => a.getAttribute('aria-label'))")
        regions = page.evaluate(
            "Array.from(document.querySelectorAll('.peacetalks-scroll')).map(r => [r.tabIndex, r.getAttribute('role'), r.getAttribute('aria-label')])"
        )
    finally:
        context.close()
    assert len(texts) > 20
    small = [(t["text"], round(t["px"], 1)) for t in texts if t["px"] < 12]
    assert not small, small
    assert not [t["text"] for t in texts if "…" in t["text"]], "no label is cut short"
    outside = [t["text"] for t in texts if t["label"] and t["right"] > t["column"]]
    assert not outside, outside
    # Each row is one link whose name tells its marks in words: a keyboard reaches what a tooltip shows.
    assert names and all(name and ":" in name for name in names)
    assert regions and all(tab == 0 and role == "region" and label for tab, role, label in regions)
