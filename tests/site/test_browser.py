"""The built site in headless Chromium: no console errors, nothing fetched from another host,
offline search, keyboard-usable tables and matrices, a sub-path. (axe-core on every page: test_a11y.py.)"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


class Watched:
    """A page that records console errors, page errors and every request's URL."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.close()


def a_demand(site: Path) -> str:
    return sorted(p.name for p in (site / "demands").glob("*.html") if p.name != "index.html")[0]


def busiest_demand() -> str:
    """The real demand with the most occasions: its page has the longest track and the most kinds of act."""
    from peacetalks.load import load
    from tests.conftest import RECORDS

    dataset, _ = load(RECORDS)
    return max(sorted(dataset.records["demands"].values(), key=lambda r: r.id), key=lambda r: len(r.data["occasions"])).id + ".html"


PAGES = [
    "index.html",
    "demands/index.html",
    "explore/timeline.html",
    "explore/demands-by-meeting.html",
    "explore/parties-by-topic.html",
    "reference/fields.html",
    "downloads.html",
]


def test_no_console_errors_and_no_other_host(real_site: Path, serve: Callable[[Path], str], watched: Watched) -> None:
    base = serve(real_site)
    for path in [*PAGES, f"demands/{a_demand(real_site)}", "meetings/index.html", "sources/index.html"]:
        watched.page.goto(f"{base}/{path}", wait_until="networkidle")
    assert not watched.errors, watched.errors
    foreign = [url for url in watched.requests if not url.startswith(base + "/")]
    assert not foreign, foreign
    assert len(watched.requests) > 20


def test_hostile_site_runs_no_script(hostile_site: Path, serve: Callable[[Path], str], watched: Watched) -> None:
    base = serve(hostile_site)
    for path in [
        "index.html",
        "demands/evil-demand.html",
        "meetings/evil-summit.html",
        "actors/party-x.html",
        "explore/timeline.html",
        "demands/index.html",
        "topics/evil-topic.html",
        "sources/hostile-wire.html",
    ]:
        watched.page.goto(f"{base}/{path}", wait_until="networkidle")
    watched.page.goto(f"{base}/index.html", wait_until="networkidle")
    assert _search(watched.page, "summit"), "search shows results whose titles are hostile record text"
    assert not watched.dialogs, watched.dialogs
    assert not [u for u in watched.requests if not u.startswith(base + "/")]


def _search(page: Any, word: str) -> list[str]:
    page.click(".md-search__input")
    page.keyboard.type(word, delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=10000)
    return [str(a.get_attribute("href")) for a in page.query_selector_all(".md-search-result__link")]


def test_search_finds_a_demand_by_a_word_of_its_title(real_site: Path, serve: Callable[[Path], str], watched: Watched) -> None:
    from peacetalks.load import load
    from tests.conftest import RECORDS

    dataset, _ = load(RECORDS)
    others = " ".join(r.label.lower() for r in dataset.all() if r.collection != "demands")
    demand = next(
        (r, w)
        for r in sorted(dataset.records["demands"].values(), key=lambda r: r.id)
        for w in r.label.split()
        if len(w) > 5 and w.isalpha() and w.lower() not in others
    )
    base = serve(real_site)
    watched.page.goto(f"{base}/index.html", wait_until="networkidle")
    hrefs = _search(watched.page, demand[1])
    assert any(f"demands/{demand[0].id}.html" in h for h in hrefs), (demand[1], hrefs)


def test_works_from_a_sub_path(real_site: Path, tmp_path: Path, serve: Callable[[Path], str], watched: Watched) -> None:
    shutil.copytree(real_site, tmp_path / "deep" / "sub" / "path")
    base = serve(tmp_path) + "/deep/sub/path"
    watched.page.goto(f"{base}/demands/{a_demand(real_site)}", wait_until="networkidle")
    colour = watched.page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), "the theme's CSS loaded"
    hrefs = _search(watched.page, "NATO")
    assert hrefs
    watched.page.click(".md-search-result__link")
    watched.page.wait_for_load_state("networkidle")
    assert watched.page.url.startswith(base + "/")
    assert not watched.errors, watched.errors


def test_index_table_sorts_and_filters_by_keyboard(real_site: Path, serve: Callable[[Path], str], watched: Watched) -> None:
    base = serve(real_site)
    page = watched.page
    page.goto(f"{base}/demands/index.html", wait_until="networkidle")
    rows = page.locator("article table tbody tr")
    total = rows.count()
    assert total > 3
    first_column = "Array.from(document.querySelectorAll('article table tbody tr')).map(r => r.cells[0].textContent.trim())"
    page.locator("article table th button").first.focus()
    page.keyboard.press("Enter")
    ascending = page.evaluate(first_column)
    assert ascending == sorted(ascending, key=str.lower)
    assert page.locator("article table th").first.get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Enter")
    assert page.evaluate(first_column) == sorted(ascending, key=str.lower, reverse=True)
    word = ascending[0]
    page.get_by_label("Filter rows").fill(word)
    visible = page.locator("article table tbody tr:not([hidden])").count()
    assert 1 <= visible < total
    assert word.lower() in page.locator("article table tbody tr:not([hidden])").first.inner_text().lower()


def test_matrix_sorts_by_a_button_beside_each_linked_heading(real_site: Path, serve: Callable[[Path], str], watched: Watched) -> None:
    """A matrix's column headings are links to their records: the sort button sits beside the link
    (never holding it), is at least 24 by 24 CSS px, and sorts the rows."""
    page = watched.page
    page.goto(f"{serve(real_site)}/explore/demands-by-meeting.html", wait_until="networkidle")
    assert page.locator("article table th button a").count() == 0, "no button holds a link"
    beside = page.locator("article table th:has(a) > button.peacetalks-sort")
    assert beside.count() >= 2
    for i in range(beside.count()):
        box = beside.nth(i).bounding_box()
        assert box and box["width"] >= 24 and box["height"] >= 24, box
    assert (beside.first.get_attribute("aria-label") or "").startswith("Sort by ")
    beside.first.focus()
    page.keyboard.press("Enter")
    assert beside.first.locator("xpath=..").get_attribute("aria-sort") == "ascending"
    assert "sorted ascending" in (beside.first.get_attribute("aria-label") or "")
    assert not watched.errors, watched.errors


def test_search_works_offline_from_the_file_system(real_site: Path, watched: Watched) -> None:
    watched.page.goto((real_site / "demands" / "index.html").as_uri(), wait_until="load")
    hrefs = _search(watched.page, "NATO")
    assert hrefs and all(h.startswith("file://") or not h.startswith(("http:", "https:")) for h in hrefs), hrefs
    assert not [u for u in watched.requests if not u.startswith("file://")], watched.requests


@pytest.mark.parametrize("width", [1280, 390])
def test_demand_page_fits_the_screen_and_its_track_reads_in_order(
    width: int, real_site: Path, serve: Callable[[Path], str], browser: Any
) -> None:
    """On a wide and a phone-sized screen the busiest demand page scrolls only downwards, the status
    track's steps follow each other (left to right, or top to bottom on a phone) and the current
    step is the last; every occasion's entry is on screen width."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{serve(real_site)}/demands/{busiest_demand()}", wait_until="networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        steps = page.locator("ol.peacetalks-track > li")
        assert steps.count() >= 2
        boxes = [steps.nth(i).bounding_box() for i in range(steps.count())]
        assert all(boxes)
        for before, after in itertools.pairwise(boxes):
            assert after["y"] > before["y"] + 1 or (after["x"] > before["x"] and abs(after["y"] - before["y"]) < 2), (before, after)
        if width < 600:
            assert all(after["y"] > before["y"] for before, after in itertools.pairwise(boxes)), "a phone shows the track top to bottom"
        assert steps.last.get_attribute("aria-current") == "step"
        for i in range(page.locator("li.peacetalks-occasion").count()):
            box = page.locator("li.peacetalks-occasion").nth(i).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
    finally:
        context.close()
