"""The positions page (topics × parties) on the real records: each cell holds exactly the demands
that party made on that topic (computed here from the records with peacetalks.occasions, parties
rolled up through `affiliation`), with the status in the schema's words; topic and actor pages show
the same per topic and per party; from the home page on a phone it is three clicks away."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from peacetalks import occasions as occ
from peacetalks.load import Dataset, load
from tests.conftest import RECORDS

from .conftest import parse
from .test_explorer import rolled


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    loaded, _ = load(RECORDS)
    return loaded


def party(dataset: Dataset, actor: str) -> str:
    """The end of the actor's affiliation chain, read from the actor records here."""
    seen = [actor]
    while dataset.records["actors"][seen[-1]].data.get("affiliation") in dataset.records["actors"]:
        seen.append(dataset.records["actors"][seen[-1]].data["affiliation"])
    return seen[-1]


def expected_cells(dataset: Dataset) -> dict[tuple[str, str], set[str]]:
    cells: dict[tuple[str, str], set[str]] = {}
    for demand in dataset.records["demands"].values():
        for maker in occ.made_by(occ.occasions(demand, dataset)):
            for topic in demand.data.get("topics") or []:
                cells.setdefault((party(dataset, maker), topic), set()).add(demand.id)
    return cells


def cells_of(path: Path) -> dict[tuple[str, str], set[str]]:
    """(party id from the column's link, topic id from the row's) -> the demand ids linked in the cell."""
    page = parse(path)
    columns: list[str] = []
    found: dict[tuple[str, str], set[str]] = {}
    topic, column, in_head = "", -1, False
    for element in page.elements:
        if element.tag == "thead":
            in_head = True
        elif element.tag == "tbody":
            in_head = False
        elif element.tag == "tr" and not in_head:
            column = -1
        elif element.tag == "td" and not in_head:
            column += 1
        elif element.tag == "a":
            href = element.attrs["href"]
            if in_head and href.startswith("../actors/"):
                columns.append(href.removeprefix("../actors/").removesuffix(".html"))
            elif not in_head and href.startswith("../topics/"):
                topic = href.removeprefix("../topics/").removesuffix(".html")
            elif not in_head and href.startswith("../demands/") and column >= 0:
                found.setdefault((columns[column], topic), set()).add(href.removeprefix("../demands/").removesuffix(".html"))
    return found


def test_each_cell_holds_that_partys_demands_on_that_topic(real_site: Path, dataset: Dataset) -> None:
    expected = expected_cells(dataset)
    assert cells_of(real_site / "explore" / "positions.html") == expected
    assert {"russia", "ukraine", "united-states"} <= {p for p, _ in expected}
    text = " ".join(parse(real_site / "explore" / "positions.html").article_text.split())
    labels = occ.vocabulary().status_labels
    for demand in dataset.records["demands"].values():
        current = occ.current_status(occ.occasions(demand, dataset))
        if current:
            assert f"Status: {labels[current[0]]}" in text


def test_topic_and_actor_pages_show_the_same_positions(real_site: Path, dataset: Dataset) -> None:
    expected = expected_cells(dataset)
    for (party_id, topic), demands in sorted(expected.items()):
        topic_page = parse(real_site / "topics" / f"{topic}.html")
        assert "Positions" in [h for _, h in topic_page.headings], topic
        assert f"../actors/{party_id}.html" in topic_page.article_links
        assert {f"../demands/{d}.html" for d in demands} <= set(topic_page.article_links)
        actor_page = parse(real_site / "actors" / f"{party_id}.html")
        assert "Positions by topic" in [h for _, h in actor_page.headings]
        assert f"../topics/{topic}.html" in actor_page.article_links
        assert {f"../demands/{d}.html" for d in demands} <= set(actor_page.article_links)


def test_what_each_party_wants_on_a_topic_is_three_clicks_from_home_on_a_phone(
    real_site: Path,
    dataset: Dataset,
    serve: Callable[[Path], str],
    browser: Any,  # noqa: F811
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{serve(real_site)}/index.html", wait_until="networkidle")
        page.locator("label.md-header__button[for='__drawer']").click()  # 1: the menu
        page.locator(".md-nav--primary label.md-nav__link", has_text="Explore").click()  # 2: its Explore section
        page.locator(".md-nav--primary a.md-nav__link", has_text="Positions").click()  # 3: Positions
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("explore/positions.html")
        row = page.locator("article .peacetalks-cards tbody tr").first
        assert row.is_visible()
        expected = expected_cells(dataset)
        topic = sorted({t for _, t in expected}, key=lambda t: (dataset.records["topics"][t].label.casefold(), t))[0]
        assert dataset.records["topics"][topic].label in row.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_with_more_parties_than_a_matrix_shows_each_topic_lists_its_parties_and_counts(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past pager.MAX_COLUMNS parties (here lowered to 2, so the real records cross it) the page lists,
    per topic, each party that made demands on it with how many, linked to the explorer: no empty cells."""
    import re

    from peacetalks.pipeline import check
    from peacetalks.site import pager
    from peacetalks.site.render import render
    from peacetalks.site.views import Settings

    checked, problems = check(RECORDS)
    assert not problems
    monkeypatch.setattr(pager, "MAX_COLUMNS", 2)
    pages = render(checked, Settings("https://example.invalid/repo"), records_dir=RECORDS).pages
    text = "".join(pages[path] for path in sorted(pages) if re.fullmatch(r"explore/positions(_\d+)?\.md", path))
    parties = {p for p, _ in expected_cells(dataset)}
    assert f"Too many parties ({len(parties)})" in text and "peacetalks-empty" not in text
    listed = re.findall(r'<li><a href="../actors/([^"]+)\.html">[^<]*</a>: <a href="([^"]+)">(\d+) demands?</a></li>', text)
    found = {}
    for actor, href, count in listed:
        topic = href.rpartition("&amp;topic=")[2]
        assert href == f"../demands/index.html?made_by={actor}&amp;topic={topic}"
        found[(actor, topic)] = int(count)
    assert found == {key: len(ids) for key, ids in expected_cells(dataset).items()}
