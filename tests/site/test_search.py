"""Search in headless Chromium on the real built site: an actor's other names find its page,
and a record's name finds a record before the reference pages (methodology, dictionary)."""

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


def test_the_citation_and_data_sections_are_not_indexed(real_site: Path) -> None:
    import json

    index = json.loads((real_site / "search" / "search_index.json").read_text("utf-8"))
    locations = [d["location"] for d in index["docs"]]
    assert not [loc for loc in locations if loc.endswith(("#cite-this-record", "#for-data-users"))]
    ukraine = next(d for d in index["docs"] if d["location"] == "actors/ukraine.html")
    assert set(ukraine["tags"]) == {"Kyiv", "Kiev"} and ukraine["boost"] > 1
