"""The demand explorer on the demands index, on the real records: one filter from the address
gives exactly the demands one party made of another (computed here with peacetalks.occasions,
rolled up through `affiliation`), the page without JavaScript shows every row, and at phone
width nothing scrolls sideways and axe-core finds no serious violation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from peacetalks import occasions as occ
from peacetalks.load import Dataset, load
from tests.conftest import RECORDS

from .conftest import parse, rolled

pytestmark = pytest.mark.browser

ROWS = "article .peacetalks-cards table tbody tr"
VISIBLE_IDS = f"Array.from(document.querySelectorAll('{ROWS}')).filter(r => r.getClientRects().length > 0).map(r => r.querySelector('a').getAttribute('href').replace(/\\.html$/, ''))"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    loaded, _ = load(RECORDS)
    return loaded


def made_of_whom(dataset: Dataset, by: str, of: str) -> list[str]:
    found = []
    for demand in dataset.records["demands"].values():
        items = occ.occasions(demand, dataset)
        if by in rolled(dataset, occ.made_by(items)) and of in rolled(dataset, occ.made_of(items)):
            found.append(demand.id)
    return sorted(found)


def open_page(browser: Any, url: str, width: int, script: bool = True) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=script)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url, wait_until="networkidle")
    return context, page, errors


def test_every_row_carries_its_derived_facets(real_site: Path, dataset: Dataset) -> None:
    page = parse(real_site / "demands" / "index.html")
    rows: list[tuple[Any, str]] = []  # each explorer row with the demand its first link leads to
    for element in page.elements:
        if element.tag == "tr" and "data-made-by" in element.attrs:
            rows.append((element, ""))
        elif element.tag == "a" and rows and not rows[-1][1]:
            rows[-1] = (rows[-1][0], element.attrs["href"].removesuffix(".html"))
    assert sorted(i for _, i in rows) == sorted(dataset.records["demands"])
    for row, demand_id in rows:
        demand = dataset.records["demands"][demand_id]
        items = occ.occasions(demand, dataset)
        assert set(row.attrs["data-made-by"].split()) == rolled(dataset, occ.made_by(items))
        assert set(row.attrs["data-made-of"].split()) == rolled(dataset, occ.made_of(items))
        current = occ.current_status(items)
        assert row.attrs["data-status"] == (current[0] if current else "unknown")
        first = occ.first_raised(items)
        assert row.attrs["data-raised"].split()[:1] == ([first.span.first.isoformat()] if first and first.span else [])


@pytest.mark.parametrize(("by", "of"), [("russia", "ukraine"), ("united-states", "russia"), ("russia", "united-states")])
def test_one_filter_in_the_address_gives_the_demands_one_party_made_of_another(
    by: str, of: str, real_site: Path, dataset: Dataset, serve: Callable[[Path], str], browser: Any
) -> None:
    expected = made_of_whom(dataset, by, of)
    assert expected, "the real records hold such demands"
    context, page, errors = open_page(browser, f"{serve(real_site)}/demands/index.html?made_by={by}&made_of={of}", 390)
    try:
        assert sorted(page.evaluate(VISIBLE_IDS)) == expected
        assert page.locator("#facet-made_by").input_value() == by
        status = page.locator(".peacetalks-explorer-count").inner_text()
        assert status == f"{len(expected)} of {len(dataset.records['demands'])} demands"
        assert not errors, errors
    finally:
        context.close()


def test_choosing_a_state_includes_its_people_and_the_address_keeps_the_choice(
    real_site: Path, dataset: Dataset, serve: Callable[[Path], str], browser: Any
) -> None:
    """Russia's demands include those only Vladimir Putin is recorded as making (if any); choosing
    the person narrows to his; the choice lands in the query string and survives a reload."""
    context, page, errors = open_page(browser, f"{serve(real_site)}/demands/index.html", 1280)
    try:
        assert len(page.evaluate(VISIBLE_IDS)) == len(dataset.records["demands"])
        page.select_option("#facet-made_of", "russia")
        shown = sorted(page.evaluate(VISIBLE_IDS))
        expected = sorted(
            d.id for d in dataset.records["demands"].values() if "russia" in rolled(dataset, occ.made_of(occ.occasions(d, dataset)))
        )
        assert shown == expected
        assert "made_of=russia" in page.url
        page.select_option("#facet-made_of", "vladimir-putin")
        person = sorted(d.id for d in dataset.records["demands"].values() if "vladimir-putin" in occ.made_of(occ.occasions(d, dataset)))
        assert sorted(page.evaluate(VISIBLE_IDS)) == person and set(person) <= set(expected)
        page.reload(wait_until="networkidle")
        assert sorted(page.evaluate(VISIBLE_IDS)) == person
        page.get_by_role("button", name="Clear the filters").click()
        page.wait_for_function(f"document.querySelectorAll('{ROWS}:not([hidden])').length === {len(dataset.records['demands'])}")
        assert "made_of" not in page.url
        assert not errors, errors
    finally:
        context.close()


def test_without_javascript_the_full_table_shows(real_site: Path, dataset: Dataset, serve: Callable[[Path], str], browser: Any) -> None:
    context, page, _ = open_page(browser, f"{serve(real_site)}/demands/index.html?made_by=russia&made_of=ukraine", 390, script=False)
    try:
        assert len(page.evaluate(VISIBLE_IDS)) == len(dataset.records["demands"])
        assert not page.locator("#peacetalks-explorer").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["demands/index.html", "explore/positions.html"])
def test_fits_the_screen_and_axe_finds_no_serious_violation(
    path: str, width: int, real_site: Path, serve: Callable[[Path], str], browser: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context, page, errors = open_page(browser, f"{serve(real_site)}/{path}", width)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width < 600:
            # Each row is a card as wide as the screen at most, its cells labelled with their column's name.
            cells = page.locator("article .peacetalks-cards tbody td")
            assert cells.count() > 0
            label = page.evaluate("getComputedStyle(document.querySelector('article .peacetalks-cards tbody td'), '::before').content")
            assert label.strip('"') == page.locator("article .peacetalks-cards tbody td").first.get_attribute("data-label")
            boxes = page.evaluate(
                "Array.from(document.querySelectorAll('article .peacetalks-cards tbody tr')).map(r => r.getBoundingClientRect().right)"
            )
            assert boxes and max(boxes) <= width
        results = Axe().run(page)
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, serious
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("collection", ["demands", "meetings", "documents", "actors", "topics", "sources"])
def test_index_tables_are_cards_on_a_phone(collection: str, real_site: Path, serve: Callable[[Path], str], browser: Any) -> None:
    """At 390 px an index's rows stack as cards: the page is no wider than the screen and no table scrolls sideways."""
    context, page, errors = open_page(browser, f"{serve(real_site)}/{collection}/index.html", 390)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator("article .peacetalks-cards tbody tr").count() > 0
        sideways = "Array.from(document.querySelectorAll('article table')).filter(t => { const s = t.closest('.md-typeset__scrollwrap'); return s && s.scrollWidth > s.clientWidth + 1; }).length"
        assert page.evaluate(sideways) == 0
        assert page.evaluate("getComputedStyle(document.querySelector('article .peacetalks-cards tbody tr')).display") == "block"
        assert not errors, errors
    finally:
        context.close()
