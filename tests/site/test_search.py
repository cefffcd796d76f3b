"""Search in headless Chromium on the real built site: an actor's other names find its page,
a record's name finds a record before the reference pages (methodology, dictionary), and an
actor's or topic's own name finds its own page first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

REFERENCE = ("methodology.html", "data-dictionary.html", "reference/fields.html", "downloads.html", "cite.html")


def _search(browser: Any, base: str, word: str) -> list[str]:
    """The results' pages for `word`, in the order shown, as site paths."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{base}/index.html", wait_until="networkidle")
        page.click(".md-search__input")
        page.keyboard.type(word, delay=20)
        page.wait_for_selector(".md-search-result__item", timeout=10000)
        page.wait_for_function(
            "w => document.querySelector('.md-search__input').value === w && document.querySelector('.md-search-result__meta').textContent.match(/\\d/)",
            arg=word,
            timeout=10000,
        )
        hrefs = [str(a.get_attribute("href")) for a in page.query_selector_all(".md-search-result__link")]
    finally:
        context.close()
    return [h.removeprefix(base + "/").partition("?")[0].partition("#")[0] for h in hrefs]


@pytest.mark.parametrize(
    ("words", "page"),
    [(("Kiev", "Kyiv"), "actors/ukraine.html"), (("Zelensky", "Zelenskyy"), "actors/volodymyr-zelenskyy.html")],
)
def test_other_names_find_the_actor(words: tuple[str, ...], page: str, real_site: Path, serve: Callable[[Path], str], browser: Any) -> None:
    base = serve(real_site)
    for word in words:
        found = _search(browser, base, word)
        assert found and found[0] == page, (word, found[:5])


def test_a_name_finds_a_record_before_the_reference_pages(real_site: Path, serve: Callable[[Path], str], browser: Any) -> None:
    found = _search(browser, serve(real_site), "Ukraine")
    assert found and found[0].split("/")[0] in ("demands", "meetings", "documents", "actors", "topics", "sources"), found[:5]
    ukraine = found.index("actors/ukraine.html")
    assert all(found.index(r) > ukraine for r in REFERENCE if r in found), found


@pytest.mark.parametrize(
    ("word", "page", "below"),
    [
        # the actor's own name: before the topic and the demand whose titles hold it too
        ("Ukraine", "actors/ukraine.html", ("topics/foreign-troops.html", "demands/no-foreign-troops-in-ukraine.html")),
        ("Kyiv", "actors/ukraine.html", ("methodology.html",)),
        ("Kiev", "actors/ukraine.html", ("demands/russia-terms-2025.html",)),
        ("Zelensky", "actors/volodymyr-zelenskyy.html", ()),
        # "Russia–US relations" holds a rarer word ("russia–us" before the search split at dashes)
        ("Russia", "actors/russia.html", ("topics/relations-reset.html",)),
        # "NATO's" in a demand's title; the topic "NATO membership" holds the name too
        ("NATO", "actors/nato.html", ("topics/nato-membership.html", "demands/address-root-causes-of-the-war.html")),
        # a topic's own name: before the actor that is one of its words
        ("NATO membership", "topics/nato-membership.html", ("actors/nato.html",)),
        ("ceasefire", "topics/ceasefire.html", ("demands/us-ukraine-30-day-ceasefire.html",)),
    ],
)
def test_the_first_result_is_the_records_own_page(
    word: str, page: str, below: tuple[str, ...], real_site: Path, serve: Callable[[Path], str], browser: Any
) -> None:
    found = list(dict.fromkeys(_search(browser, serve(real_site), word)))  # one row per page, in order
    assert found and found[0] == page, (word, found[:5])
    for other in below:  # a page that also matches, shown, and ranked below
        assert other in found[1:], (word, other, found[:8])


def test_the_citation_and_data_sections_are_not_indexed(real_site: Path) -> None:
    import json

    index = json.loads((real_site / "search" / "search_index.json").read_text("utf-8"))
    locations = [d["location"] for d in index["docs"]]
    assert not [loc for loc in locations if loc.endswith(("#cite-this-record", "#for-data-users"))]
    ukraine = next(d for d in index["docs"] if d["location"] == "actors/ukraine.html")
    assert ukraine["tags"] == ["Ukraine", "Kyiv", "Kiev"] and ukraine["boost"] > 1  # its own name first
    topic = next(d for d in index["docs"] if d["location"] == "topics/foreign-troops.html")
    assert topic["tags"] == ["Foreign troops in Ukraine"] and topic["boost"] < ukraine["boost"]
    demand = next(d for d in index["docs"] if d["location"] == "demands/no-foreign-troops-in-ukraine.html")
    assert "tags" not in demand and demand["boost"] < topic["boost"]
    assert not [d for d in index["docs"] if d["location"].endswith("#sources")]  # the list of sources every record page has


def test_a_results_own_name_is_not_repeated_as_a_keyword_chip(real_site: Path, serve: Callable[[Path], str], browser: Any) -> None:
    """The own name is a keyword only to rank the page: its chip is hidden; other names still show."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{serve(real_site)}/index.html", wait_until="networkidle")
        page.click("label.md-header__button[for=__search]")
        page.keyboard.type("Ukraine", delay=20)
        page.wait_for_selector(".md-search-result__item", timeout=10000)
        page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.match(/\\d/)", timeout=10000)
        first = page.query_selector(".md-search-result__article")
        assert first is not None
        title = first.query_selector("h1")
        chips = [c.inner_text() for c in first.query_selector_all(".md-tag") if c.is_visible()]
        assert title is not None and title.inner_text() == "Ukraine"
        assert chips == ["Kyiv", "Kiev"], chips
    finally:
        context.close()
