"""The reader's five tasks of issue 13, done as a reader does them: on the real records, in
headless Chromium at 390 px, starting from the home page, counting every click (a filter counts
as one). Each task must take at most three clicks or one filter, and must end on what the
records say, computed here from the records with peacetalks.occasions, not read off the page.

1. every demand one party made of another;
2. what each party wants on a topic;
3. where a demand was restated;
4. the exact words behind a claim, in their context;
5. a citation of a record."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from peacetalks import occasions as occ
from peacetalks.load import Dataset, load
from peacetalks.quotes import normalise
from tests.conftest import RECORDS

from .conftest import rolled

pytestmark = pytest.mark.browser

WIDTH = 390
MOST = 3  # clicks a task may take


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    loaded, _ = load(RECORDS)
    return loaded


class Reader:
    """A phone reader's tab: clicks are counted; each must land on something visible."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.clicks = 0

    def click(self, locator: Any) -> None:
        target = locator.first
        target.scroll_into_view_if_needed()
        assert target.is_visible(), f"not visible at {WIDTH} px: {locator}"
        box = target.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 1, f"off-screen at {WIDTH} px: {box}"
        target.click()
        self.page.wait_for_load_state("networkidle")
        self.clicks += 1

    def to_section(self, name: str) -> None:
        """Open the navigation drawer and follow one of its top-level entries (two clicks)."""
        self.click(self.page.locator("label.md-header__button[for='__drawer']"))
        drawer = self.page.locator("nav.md-nav--primary")
        self.click(drawer.get_by_role("link", name=name, exact=True))


@pytest.fixture
def reader(real_site: Path, serve: Callable[[Path], str], browser: Any) -> Iterator[Reader]:
    context = browser.new_context(viewport={"width": WIDTH, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{serve(real_site)}/index.html", wait_until="networkidle")
    yield Reader(page)
    assert not errors, errors
    context.close()


def shown_links(page: Any, selector: str) -> list[str]:
    """The record ids the visible links under `selector` lead to (last path segment, no .html)."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter(a => a.getClientRects().length > 0)
            .map(a => new URL(a.href).pathname.split('/').pop().replace(/\\.html$/, ''))""",
        selector,
    )


def test_every_demand_one_party_made_of_another(reader: Reader, dataset: Dataset) -> None:
    expected = sorted(
        d.id
        for d in dataset.records["demands"].values()
        if "russia" in rolled(dataset, occ.made_by(occ.occasions(d, dataset)))
        and "ukraine" in rolled(dataset, occ.made_of(occ.occasions(d, dataset)))
    )
    assert expected, "the real records hold demands Russia made of Ukraine"
    reader.to_section("Demands")
    page = reader.page
    page.select_option("#facet-made_by", "russia")  # the filter: one form, two choices
    page.select_option("#facet-made_of", "ukraine")
    rows = "article .peacetalks-cards table tbody tr:not([hidden]) td:first-child a"
    page.wait_for_function(f"document.querySelectorAll({rows!r}).length === {len(expected)}")
    assert sorted(shown_links(page, rows)) == expected
    assert reader.clicks <= MOST
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH


def test_what_each_party_wants_on_a_topic(reader: Reader, dataset: Dataset) -> None:
    topic = max(
        dataset.records["topics"], key=lambda t: sum(t in (d.data.get("topics") or []) for d in dataset.records["demands"].values())
    )
    label = dataset.records["topics"][topic].label
    reader.to_section("Topics")
    reader.click(reader.page.locator("article").get_by_role("link", name=label, exact=True))
    assert reader.clicks <= MOST
    page = reader.page
    on_topic = [d for d in dataset.records["demands"].values() if topic in (d.data.get("topics") or [])]
    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll('article tr')).filter(r => r.querySelector('.peacetalks-positions'))
            .map(r => [r.cells[0].innerText.trim(), Array.from(r.querySelectorAll('.peacetalks-positions a[href*="demands/"]'))
            .map(a => new URL(a.href).pathname.split('/').pop().replace(/\\.html$/, ''))])"""
    )
    assert rows, "the topic page has its positions, a row per party"
    shown = {party: sorted(set(ids)) for party, ids in rows}
    expected: dict[str, list[str]] = {}
    for demand in on_topic:
        for actor in rolled(dataset, occ.made_by(occ.occasions(demand, dataset))):
            if not dataset.records["actors"][actor].data.get("affiliation"):
                expected.setdefault(dataset.records["actors"][actor].label, []).append(demand.id)
    assert shown == {party: sorted(ids) for party, ids in expected.items()}


def test_where_a_demand_was_restated(reader: Reader, dataset: Dataset) -> None:
    def meetings(demand_id: str) -> list[str]:
        return [o.data["at"] for o in occ.occasions(dataset.records["demands"][demand_id], dataset) if o.data.get("at")]

    demand_id = max(sorted(dataset.records["demands"]), key=lambda d: len(set(meetings(d))))
    assert meetings(demand_id), "some demand is tied to a meeting"
    reader.to_section("Demands")
    title = dataset.records["demands"][demand_id].label
    reader.click(reader.page.locator("article table").get_by_role("link", name=title, exact=True))
    assert reader.clicks <= MOST
    occasions = reader.page.locator("article #occasions ~ *")
    linked = set(shown_links(reader.page, "article a[href*='meetings/']"))
    assert set(meetings(demand_id)) <= linked
    assert occasions.count() > 0


def test_the_exact_words_behind_a_claim_in_their_context(reader: Reader, dataset: Dataset) -> None:
    """From a claim's page, one click on its evidence leads to the quote on its source's page:
    in its passage where the source's licence lets the page show it, else in the list of
    passages not shown, which sends the reader back to the claims that show the words whole."""
    base = reader.page.url.rsplit("/", 1)[0]
    checked = {"in context": 0, "not shown": 0}
    for demand_id in sorted(dataset.records["demands"]):
        demand = dataset.records["demands"][demand_id]
        reader.page.goto(f"{base}/demands/{demand_id}.html", wait_until="networkidle")
        reader.clicks = 0
        links = reader.page.locator("article a[href*='sources/'][href*='#quote-']")
        assert links.count() >= 1, f"{demand_id}: its evidence links to its place in the source"
        reader.click(links.first)
        assert reader.clicks <= MOST
        anchor = reader.page.evaluate("decodeURIComponent(location.hash.slice(1))")
        target = reader.page.locator(f"[id='{anchor}']")
        assert target.count() == 1
        quotes = [normalise(c["quote"]) for o in demand.data["occasions"] for c in o.get("citations", [])]
        quotes += [normalise(c["quote"]) for c in demand.data.get("citations", [])]
        passage = target.locator("xpath=ancestor-or-self::*[contains(@class, 'peacetalks-passage')][1]")
        if passage.count():
            text = normalise(passage.inner_text())
            assert any(q in text for q in quotes), f"{demand_id}: the passage holds the quote"
            checked["in context"] += 1
        else:
            assert (
                reader.page.locator(f"ul.peacetalks-unshown > li[id='{anchor}'], ul.peacetalks-unshown > li:has([id='{anchor}'])").count()
                == 1
            )
            back = shown_links(reader.page, f"ul.peacetalks-unshown li:has([id='{anchor}']) a, ul.peacetalks-unshown li[id='{anchor}'] a")
            assert demand_id in back, f"{demand_id}: the source page sends the reader back to the claim that shows the words"
            checked["not shown"] += 1
    assert checked["in context"] >= 1, checked


def test_a_citation_of_a_record(reader: Reader, dataset: Dataset) -> None:
    demand = dataset.records["demands"][sorted(dataset.records["demands"])[0]]
    reader.to_section("Demands")
    reader.click(reader.page.locator("article table").get_by_role("link", name=demand.label, exact=True))
    cite = reader.page.locator("article").get_by_text("Cite this record").first
    cite.scroll_into_view_if_needed()
    if not reader.page.get_by_text("@misc{peacetalks:demands-" + demand.id).first.is_visible():
        reader.click(cite)
    assert reader.clicks <= MOST
    bibtex = reader.page.get_by_text("@misc{peacetalks:demands-" + demand.id).first
    assert bibtex.is_visible()
    assert demand.label in bibtex.inner_text()
