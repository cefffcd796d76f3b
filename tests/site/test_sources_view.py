"""Sources as the site shows them, on real builds (`build.py build`, a real `mkdocs build`) of the
fixture tests/site/fixtures/sources-view and of the real records.

The fixture (invented: Land North, Land South) has four sources: an open-licence bulletin, a
public-domain original in Russian and its English translation of unknown licence, and a
restricted wire report whose stored file keeps only a quoted passage. Each citation on a record
page shows a short label (publisher and date) linked to the quote's place on its source's page; a
translated quote shows its original too, in its language; a source page shows its whole text only
under an open licence, otherwise each quote with its sentence; no other sentence of a text of
unknown or restricted licence appears in any file of the built site."""

from __future__ import annotations

import contextlib
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from peacetalks.quotes import normalise
from peacetalks.site.sourcetext import MAX_SHOWN_SHARE, date_label, publisher_words, quote_anchor
from peacetalks.sources.extract import paragraphs
from peacetalks.sources.passages import in_sentence
from peacetalks.sources.rules import citations

from .conftest import FIXTURES, RECORDS, build, html_pages, parse

FIXTURE = FIXTURES / "sources-view"
SENTENCE = re.compile(r"(?<=[.!?])\s+")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(FIXTURE, tmp_path_factory.mktemp("sources-view") / "site")


def _html(site: Path, path: str) -> str:
    return (site / path).read_text("utf-8")


def _at_anchor(page: str, anchor: str) -> str:
    """The marked words from an anchor on a source page to the end of its mark (the anchor is a
    <mark>, or an empty <span> where a quote starts inside a longer marked run)."""
    found = re.search(rf'<(?:mark|span) id="{anchor}">(.*?)</mark>', page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split()) if found else ""


def _listed(page: str, anchor: str) -> bool:
    """Whether the anchor names an entry of the list of passages not shown, with links to its claims."""
    found = re.search(r'<ul class="peacetalks-unshown">(.*?)</ul>', page, re.S)
    entries = found.group(1).split("<li ") if found else []
    return any(f'id="{anchor}"' in e and 'href="../' in e for e in entries)


def _records(root: Path) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for path in sorted(root.glob("*/*.json")):
        out.append((path.parent.name, path.stem, json.loads(path.read_text("utf-8"))))
    return out


def _quoted(root: Path) -> dict[str, list[str]]:
    """Source id -> every verbatim text the records take from it (quote, attribution, original quote)."""
    sources = {rid: data for collection, rid, data in _records(root) if collection == "sources"}
    found: dict[str, list[str]] = {}
    for _, _, data in _records(root):
        for _, c in citations(data, ""):
            found.setdefault(c["source"], []).append(c["quote"])
            if c.get("attribution"):
                found[c["source"]].append(c["attribution"])
            if c.get("original_quote"):
                found.setdefault(sources[c["source"]]["translation_of"], []).append(c["original_quote"])
    return found


# --- short labels ----------------------------------------------------------------------------


def test_labels_come_from_the_records_fields_never_an_invented_publisher() -> None:
    founding = json.loads((RECORDS / "sources" / "reuters-russia-list-of-demands-2025-03.json").read_text("utf-8"))
    # The founding source's publisher says it is unknown: the label keeps what it says of the text.
    assert publisher_words(founding["publisher"]) == "English rendering of a report by Reuters"
    assert publisher_words("North Gazette (synthetic)") == "North Gazette (synthetic)"
    assert date_label(founding["published"]["date"]) == "12–13 March 2025"
    assert date_label("2025-03-30/2025-04-02") == "30 March – 2 April 2025"
    assert date_label("2024-12-30/2025-01-02") == "30 December 2024 – 2 January 2025"
    assert date_label("2025-04") == "April 2025"
    assert date_label("2005~/2025-03-13") == "about 2005 – 13 March 2025"


@pytest.mark.parametrize(
    ("page", "source", "label"),
    [
        ("demands/hold-the-line.html", "open-bulletin", "North Gazette (synthetic), 2–3 April 2025"),
        ("demands/hold-the-line.html", "closed-wire", "Closed Wire (synthetic), 4 April 2025"),
        # no publisher: the title stands in
        ("demands/hold-the-line.html", "south-communique-en", "Statement of the Southern Ministry (English translation), April 2025"),
        ("meetings/harbour-talks.html", "open-bulletin", "North Gazette (synthetic), 2–3 April 2025"),
        ("documents/southern-statement.html", "south-communique", "Southern Ministry (synthetic), 1 April 2025"),
        ("actors/land-south.html", "closed-wire", "Closed Wire (synthetic), 4 April 2025"),
    ],
)
def test_each_citation_shows_a_short_label_linked_to_the_quote(site: Path, page: str, source: str, label: str) -> None:
    doc = parse(site / page)
    links = [e for e in doc.elements if e.tag == "a" and e.attrs.get("href", "").startswith(f"../sources/{source}.html#quote-")]
    assert links, page
    assert {" ".join(e.text.split()) for e in links} == {label}
    title = json.loads((FIXTURE / "sources" / f"{source}.json").read_text("utf-8"))["title"]
    assert all(e.attrs["title"] == title for e in links)


@pytest.mark.parametrize("page", ["demands/hold-the-line.html", "meetings/harbour-talks.html", "documents/southern-statement.html"])
def test_each_full_title_is_given_once_under_sources(site: Path, page: str) -> None:
    doc = parse(site / page)
    assert [h for h in doc.headings if h == (2, "Sources")]
    for source in ("open-bulletin", "closed-wire", "south-communique-en", "south-communique"):
        title = json.loads((FIXTURE / "sources" / f"{source}.json").read_text("utf-8"))["title"]
        labels = [" ".join(e.text.split()) for e in doc.elements if e.tag == "a" and f"sources/{source}.html" in e.attrs.get("href", "")]
        if labels:
            # once, beside its label in the list; a label that is the title (no publisher) is not followed by it again
            in_labels = sum(title in label for label in labels)
            assert doc.prose.count(title) == (in_labels if in_labels else 1), (page, title)
    headings = [h for h in doc.headings if h[0] == 2]
    assert len(headings) == len(set(headings)), headings  # no section twice


# --- originals and translations ---------------------------------------------------------------


def test_a_translated_quote_shows_its_original_in_its_language_linked_to_its_place(site: Path) -> None:
    for page in ("demands/hold-the-line.html", "documents/southern-statement.html"):
        text = _html(site, page)
        doc = parse(site / page)
        originals = [e for e in doc.elements if e.tag == "q" and e.attrs.get("lang") == "ru"]
        assert originals, page
        assert "In the original (Russian)" in doc.prose
        for q in originals:
            words = " ".join(q.text.split())
            href = f"../sources/south-communique.html#{quote_anchor(words)}"
            assert href in text, (page, words)
            assert _at_anchor(_html(site, "sources/south-communique.html"), quote_anchor(words)).startswith(words)
    # the translation itself, in English, links to its own place on the translation's page
    demand = _html(site, "demands/hold-the-line.html")
    assert f"../sources/south-communique-en.html#{quote_anchor('the border must follow the river')}" in demand
    assert '<q lang="en">the border must follow the river</q>' in demand


def test_the_original_page_marks_the_original_words_in_russian(site: Path) -> None:
    page = _html(site, "sources/south-communique.html")
    assert '<div class="peacetalks-source-text" lang="ru">' in page
    doc = parse(site / "sources" / "south-communique.html")
    marks = [e for e in doc.elements if e.tag == "mark"]
    assert {" ".join(m.text.split()) for m in marks} == {"Южное министерство заявило, что граница должна проходить по реке"}
    # public domain: the whole text is shown, the unquoted paragraph too
    assert "Переговоры в гавани продолжатся на следующей неделе." in doc.prose
    # the claims it backs, through the translation's citations
    assert "../documents/southern-statement.html#c" in page and "../demands/hold-the-line.html#c" in page


# --- sources in context ------------------------------------------------------------------------


def test_every_quote_on_the_site_links_to_a_marked_place_holding_its_words(site: Path, real_site: Path) -> None:
    for built, root in ((site, FIXTURE), (real_site, RECORDS)):
        checked = 0
        for page in html_pages(built):
            for href in parse(page).article_links:
                path, _, fragment = href.partition("#")
                if "sources/" not in path or not fragment.startswith("quote-"):
                    continue
                target = parse((page.parent / path).resolve())
                assert fragment in target.ids, (page, href)
                checked += 1
        assert checked > 10
        attributions = {c.get("attribution") for _, _, d in _records(root) for _, c in citations(d, "")}
        for source_id, words in _quoted(root).items():
            page = _html(built, f"sources/{source_id}.html")
            doc = parse(built / "sources" / f"{source_id}.html")
            for w in words:
                if w in attributions:
                    continue
                anchor = quote_anchor(w)
                assert anchor in doc.ids, (source_id, w)
                marked = _at_anchor(page, anchor)
                # marked where shown; a quote past the share of an unknown text is listed, its claims linked
                assert marked.startswith(normalise(w)) or _listed(page, anchor), (source_id, w, marked)


def test_an_open_text_is_shown_whole_with_each_quote_marked_and_its_claims(site: Path) -> None:
    doc = parse(site / "sources" / "open-bulletin.html")
    assert (2, "Text") in doc.headings
    text = (FIXTURE / "sources" / "open-bulletin.txt").read_text("utf-8")
    for paragraph in paragraphs(text):
        assert paragraph in " ".join(doc.prose.split())
    marks = {m.attrs["id"]: " ".join(m.text.split()) for m in doc.elements if m.tag == "mark"}
    # the actor's quote lies inside the demand's: one mark, both anchors
    demand_quote = "Land North asked Land South to hold the ceasefire line at the river"
    assert marks[quote_anchor(demand_quote)] == demand_quote
    assert quote_anchor("Land North asked Land South") in doc.ids
    assert marks[quote_anchor("Envoys met at the harbour on 2 April 2025")] == "Envoys met at the harbour on 2 April 2025"
    page = _html(site, "sources/open-bulletin.html")
    for claim in ("../demands/hold-the-line.html#c", "../actors/land-north.html#c", "../meetings/harbour-talks.html#c"):
        assert claim in page
    for href in re.findall(r'href="(\.\./(?:demands|actors|meetings)/[^"#]+\.html#c[0-9a-f]+)"', page):
        path, _, fragment = href.partition("#")
        assert fragment in parse((site / "sources" / path).resolve()).ids, href


def test_a_restricted_passage_shows_only_the_quotes_sentence(site: Path) -> None:
    doc = parse(site / "sources" / "closed-wire.html")
    assert (2, "Quotes in context") in doc.headings
    prose = " ".join(doc.prose.split())
    assert "… Land South rejected the line at the harbour, a spokesman said. …" in prose
    assert "Officials met again" not in prose and "No date was set" not in prose


def _sentences(text: str) -> list[str]:
    return [s for p in paragraphs(text) for s in SENTENCE.split(p) if s]


def _readable(path: Path) -> str:
    """A built file's text as a reader or a program would see it: entities and JSON escapes undone."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".json":
        with contextlib.suppress(ValueError):
            raw = json.dumps(json.loads(raw), ensure_ascii=False)
    return " ".join(html.unescape(html.unescape(raw)).split())


def test_no_sentence_of_an_unknown_or_restricted_text_beyond_its_quotes_appears_anywhere(site: Path) -> None:
    quoted = _quoted(FIXTURE)
    forbidden, allowed = [], []
    for source_id in ("south-communique-en", "closed-wire"):
        text = (FIXTURE / "sources" / f"{source_id}.txt").read_text("utf-8")
        shown = {normalise(in_sentence(text, q) or q) for q in quoted[source_id]}
        for sentence in _sentences(text):
            (allowed if any(sentence in s for s in shown) else forbidden).append(sentence)
    assert len(forbidden) >= 6 and allowed
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix not in (".zip", ".png", ".ico", ".woff2", ".woff")]
    assert any(p.name == "search_index.json" for p in files) and any("api" in p.parts for p in files)
    texts = {p: _readable(p) for p in files}
    for sentence in forbidden:
        found = [str(p.relative_to(site)) for p, t in texts.items() if sentence in t]
        assert not found, (sentence, found)
    for sentence in allowed:  # the scan sees what is there: each quote's sentence is on its source's page
        assert any(sentence in t for t in texts.values()), sentence
    # and an open text's unquoted sentence is shown (its licence allows it)
    assert any("The weather at the harbour was mild all week." in t for t in texts.values())


def test_the_founding_source_page_shows_at_most_half_of_its_text(real_site: Path) -> None:
    source = "reuters-russia-list-of-demands-2025-03"
    text = (RECORDS / "sources" / f"{source}.txt").read_text("utf-8")
    doc = parse(real_site / "sources" / f"{source}.html")
    prose = " ".join(doc.prose.split())
    sentences = _sentences(text)
    on_page = [s for s in sentences if s in prose]
    total = sum(len(p) for p in paragraphs(text))
    assert on_page and sum(len(s) for s in on_page) <= MAX_SHOWN_SHARE * total, (len(on_page), len(sentences))
    # the rest are listed, each at its anchor, with the claims where their words are shown
    rest = [e for e in doc.elements if e.tag == "li" and e.attrs.get("id", "").startswith("quote-")]
    assert rest and all(doc.within[e.attrs["id"]] for e in rest)


@pytest.mark.browser
def test_a_phone_shows_quotes_and_originals_without_sideways_scrolling(site: Path, serve: Any, browser: Any, tmp_path: Path) -> None:
    base = serve(site)
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    try:
        page = context.new_page()
        for path in (
            "demands/hold-the-line.html",
            "sources/open-bulletin.html",
            "sources/closed-wire.html",
            "documents/southern-statement.html",
        ):
            page.goto(f"{base}/{path}", wait_until="networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
            for selector in ("q[lang=ru]", "mark"):
                for box in [e.bounding_box() for e in page.query_selector_all(f"article {selector}")]:
                    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (path, selector, box)
        page.goto(f"{base}/sources/open-bulletin.html", wait_until="networkidle")
        colour = page.evaluate("getComputedStyle(document.querySelector('article mark')).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        # the original's label, shown beside translated quotes: two references from the citing pages
        ("sources/south-communique.json", '"Southern Ministry (synthetic)"', '"Southern Ministry of Land South (synthetic)"'),
        # a source cited by a demand's occasions, its label on the occasions' meeting and document pages
        ("sources/south-communique-en.json", '"date": "2025-04"', '"date": "2025-04-01/2025-04-02"'),
        ("sources/open-bulletin.json", '"North Gazette (synthetic)"', '"North Gazette Weekly (synthetic)"'),
    ],
)
def test_make_serve_re_renders_every_page_showing_an_edited_sources_label(tmp_path: Path, path: str, old: str, new: str) -> None:
    from peacetalks.site.views import Settings
    from tests.site.test_build import edit_and_rerender

    state, _, _, full = edit_and_rerender(FIXTURE, tmp_path, path, old, new, Settings())
    assert any(full.pages[p] != state.rendered.pages.get(p) for p in ("demands/hold-the-line.md", "documents/southern-statement.md"))


def test_a_meeting_page_gives_each_quote_once(real_site: Path) -> None:
    """A demand's quote at a meeting that the meeting's own Evidence also cites is named by its
    opening words and linked there, not printed twice."""
    checked = 0
    for path in sorted((RECORDS / "meetings").glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        doc = parse(real_site / "meetings" / f"{path.stem}.html")
        prose = " ".join(doc.prose.split())
        for c in data.get("citations") or []:
            assert prose.count(" ".join(c["quote"].split())) == 1, (path.stem, c["quote"])
            checked += 1
    assert checked >= 5
