"""Overview pages at 1,000 synthetic records (`build.py synth`), built by the real command line:
no index, matrix or positions page holds more than a page of rows (pager.PAGE_ROWS), the pages
of a table together hold every row once and link to each other, the explorer's data file holds
every demand, and in Chromium the explorer on the first page filters every demand (not only the
first page's) while without JavaScript the page's rows and its pager show. With the real records
(a few dozen) nothing is split."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from peacetalks import occasions as occ
from peacetalks.load import Dataset, load
from peacetalks.site.explorer import POSITION_ROWS
from peacetalks.site.pager import PAGE_ROWS
from tests.conftest import run_build

from .conftest import build, parse, rolled
from .test_positions import party

SPLIT = ("demands/index", "meetings/index", "explore/demands-by-meeting", "explore/positions")
ROWS = "article .peacetalks-cards table tbody tr"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Dataset]:
    root = tmp_path_factory.mktemp("scale")
    result = run_build("synth", "1000", "--out", str(root / "records"), "--seed", "0")
    assert result.returncode == 0, result.stderr
    dataset, problems = load(root / "records")
    assert not problems
    return build(root / "records", root / "site"), dataset


def _pages(site: Path, first: str) -> list[Path]:
    """The pages of one table: its first page, then first_2.html, first_3.html, ... in order."""
    found = sorted(site.glob(f"{first}_*.html"), key=lambda p: int(p.stem.rpartition("_")[2]))
    return [site / f"{first}.html", *found]


def _row_links(path: Path) -> list[str]:
    """The first link of each row of the page's main table (each row's record)."""
    page, links, in_row = parse(path), [], False
    for element in page.elements:
        if element.tag == "tr":
            in_row = True
        elif element.tag == "a" and in_row:
            links.append(element.attrs["href"])
            in_row = False
        elif element.tag == "th":
            in_row = False
    return links


def test_each_long_table_is_split_into_linked_pages_holding_every_row_once(synthetic: tuple[Path, Dataset]) -> None:
    site, dataset = synthetic
    demands = _pages(site, "demands/index")
    assert len(demands) == -(-len(dataset.records["demands"]) // PAGE_ROWS)
    listed = [link for path in demands for link in _row_links(path)]
    assert sorted(listed) == sorted(f"{d}.html" for d in dataset.records["demands"])
    for number, path in enumerate(demands, start=1):
        assert len(_row_links(path)) <= PAGE_ROWS
        text = parse(path).article_text
        assert f"Page {number} of {len(demands)}" in text
        hrefs = set(parse(path).article_links)
        assert "index.html" in hrefs or number == 1
        if number < len(demands):
            assert f"index_{number + 1}.html" in hrefs
    meetings = _pages(site, "meetings/index")
    assert sorted(link for path in meetings for link in _row_links(path)) == sorted(f"{m}.html" for m in dataset.records["meetings"])
    for first in SPLIT:
        assert len(_pages(site, first)) > 1, first


def test_no_overview_page_is_large_and_the_explorer_data_holds_every_demand(synthetic: tuple[Path, Dataset]) -> None:
    site, dataset = synthetic
    overviews = [p for first in SPLIT for p in _pages(site, first)]
    overviews += [site / "explore/timeline.html", site / "explore/parties-by-topic.html", site / "index.html"]
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in overviews}
    assert max(sizes.values()) < 600_000, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
    text = (site / "demands" / "index_rows.js").read_text("ascii")
    data = json.loads(text.removeprefix("window.peacetalksRows = ").removesuffix(";\n"))
    assert len(data["rows"]) == len(dataset.records["demands"])
    demand_links = sorted(data["refs"][row[0][0]][0] for row in data["rows"])
    assert demand_links == sorted(f"{d}.html" for d in dataset.records["demands"])
    # A topic page lists at most explorer.POSITION_ENTRIES of a party's demands, then links to the rest in the explorer.
    topic_pages = [p.read_text("utf-8") for p in sorted((site / "topics").glob("*.html"))]
    assert any("more in the demands explorer" in t and "index.html?made_by=" in t for t in topic_pages)
    form = next(e for e in parse(site / "demands" / "index.html").elements if e.attrs.get("id") == "peacetalks-explorer")
    assert form.attrs["data-rows"] == "index_rows.js"


def _made_by(dataset: Dataset, actor: str) -> list[str]:
    return sorted(d.id for d in dataset.records["demands"].values() if actor in rolled(dataset, occ.made_by(occ.occasions(d, dataset))))


VISIBLE = f"Array.from(document.querySelectorAll('{ROWS}')).filter(r => r.getClientRects().length > 0).map(r => r.querySelector('a').getAttribute('href').replace(/\\.html$/, ''))"


@pytest.mark.browser
def test_the_explorer_filters_every_demand_from_its_data_file(
    synthetic: tuple[Path, Dataset], serve: Callable[[Path], str], browser: Any
) -> None:
    site, dataset = synthetic
    counts = {a: len(_made_by(dataset, a)) for a in dataset.records["actors"]}
    actor = max(counts, key=lambda a: (counts[a], a))  # one that made more demands than a page holds
    expected = _made_by(dataset, actor)
    assert len(expected) > PAGE_ROWS
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{serve(site)}/demands/index.html?made_by={actor}", wait_until="networkidle")
        page.wait_for_selector("table[data-external-rows]", state="attached")
        total = len(dataset.records["demands"])
        assert page.locator(".peacetalks-explorer-count").inner_text() == f"{len(expected)} of {total} demands"
        shown = page.evaluate(VISIBLE)
        assert len(shown) == PAGE_ROWS and set(shown) <= set(expected)
        assert not page.locator("article .peacetalks-pager").first.is_visible()
        more = page.locator("button.peacetalks-more")
        while more.is_visible():
            more.click()
        assert sorted(page.evaluate(VISIBLE)) == expected
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        # Sorting by a column (its heading's button, on a desktop) sorts every matching demand, not only those shown first.
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("button", name=re.compile("^Demand")).click()
        labels = page.evaluate(f"Array.from(document.querySelectorAll('{ROWS} td:first-child')).map(td => td.textContent.toLowerCase())")
        assert labels == sorted(labels) and len(labels) == PAGE_ROWS
        more = page.locator("button.peacetalks-more")
        while more.is_visible():
            more.click()
        labels = page.evaluate(f"Array.from(document.querySelectorAll('{ROWS} td:first-child')).map(td => td.textContent.toLowerCase())")
        assert labels == sorted(labels) and len(labels) == len(expected)
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.browser
def test_without_javascript_each_page_shows_its_rows_and_the_pager(
    synthetic: tuple[Path, Dataset], serve: Callable[[Path], str], browser: Any
) -> None:
    site, _ = synthetic
    context = browser.new_context(viewport={"width": 390, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{serve(site)}/demands/index.html?made_by=x", wait_until="networkidle")
        assert len(page.evaluate(VISIBLE)) == PAGE_ROWS
        pager = page.locator("article nav.peacetalks-pager").first
        assert pager.is_visible()
        pager.get_by_role("link", name="Next page").click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/demands/index_2.html")
        assert page.locator("span[aria-current=page]").first.inner_text() == "2"
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    finally:
        context.close()


def test_with_the_real_records_nothing_is_split(real_site: Path) -> None:
    assert not list(real_site.rglob("*_[0-9]*.html"))
    assert not (real_site / "demands" / "index_rows.js").exists()
    for path in ("demands/index.html", "explore/positions.html", "explore/demands-by-meeting.html"):
        assert "peacetalks-pager" not in (real_site / path).read_text("utf-8"), path


def test_an_actor_page_lists_a_page_of_its_demands_and_links_the_rest_in_the_explorer(synthetic: tuple[Path, Dataset]) -> None:
    """At 1,000 records the busiest actor made more demands than a page lists: the page lists
    ACTOR_LIST_ENTRIES of them and says how many more, linked to the explorer filtered to it."""
    from peacetalks.site.views import ACTOR_LIST_ENTRIES

    site, dataset = synthetic
    made: dict[str, set[str]] = {}
    for demand in dataset.records["demands"].values():
        for actor in occ.made_by(occ.occasions(demand, dataset)):
            made.setdefault(actor, set()).add(demand.id)
    actor, demands = max(sorted(made.items()), key=lambda kv: len(kv[1]))
    assert len(demands) > ACTOR_LIST_ENTRIES, "the synthetic records hold an actor with many demands"
    html = (site / "actors" / f"{actor}.html").read_text("utf-8")
    section = html[html.index('id="demands-made"') : html.index('id="demands-made-of-them"')]
    listed = re.findall(r'<li><p><a href="\.\./demands/([a-z0-9-]+)\.html"', section)
    assert len(listed) == ACTOR_LIST_ENTRIES and set(listed) <= demands
    more = re.search(r'<a href="\.\./demands/index\.html\?made_by=([a-z0-9-]+)">([0-9]+) more in the demands explorer</a>', section)
    assert more is not None and more.group(1) == actor and int(more.group(2)) == len(demands) - ACTOR_LIST_ENTRIES


def _positions_rows(path: Path) -> tuple[list[str], str]:
    """The first link of each row of the page's positions table, and the text after that table."""
    html = path.read_text("utf-8")
    start = html.index('id="positions')
    end = html.index("</table>", start)
    links = re.findall(r'<tr><td data-label="[^"]*"><a href="([^"]*)"', html[start:end])
    after = html[end : html.index("</div>", html.index("</div>", end) + 1)]
    return links, after


def test_a_topic_page_shows_the_parties_with_most_demands_and_links_to_the_rest(synthetic: tuple[Path, Dataset]) -> None:
    """A party's row on a topic page for each party that made demands on it, up to
    explorer.POSITION_ROWS of those with most; the rest counted and linked to the explorer."""
    site, dataset = synthetic
    capped = 0
    for topic in sorted(dataset.records["topics"]):
        counts: dict[str, int] = {}
        for demand in dataset.records["demands"].values():
            if topic in (demand.data.get("topics") or []):
                makers = {party(dataset, a) for a in occ.made_by(occ.occasions(demand, dataset)) if a in dataset.records["actors"]}
                for maker in makers:
                    counts[maker] = counts.get(maker, 0) + 1
        links, after = _positions_rows(site / "topics" / f"{topic}.html")
        shown = [link.removeprefix("../actors/").removesuffix(".html") for link in links]
        assert len(shown) == min(len(counts), POSITION_ROWS) and set(shown) <= set(counts), topic
        left_out = set(counts) - set(shown)
        if left_out:
            capped += 1
            assert min(counts[p] for p in shown) >= max(counts[p] for p in left_out), topic
            assert f"{len(left_out)} more part" in after and f'href="../demands/index.html?topic={topic}"' in after
        else:
            assert "more part" not in after
    assert capped > 0  # the synthetic data has topics with more parties than a page shows
