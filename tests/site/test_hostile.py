"""A record set written to break out of every context (HTML, attributes, Markdown, Jinja, SVG)
renders as inert text everywhere."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from peacetalks.load import load

from .conftest import FIXTURES, html_pages, parse

HOSTILE = FIXTURES / "hostile"


def records() -> dict[str, dict[str, object]]:
    dataset, problems = load(HOSTILE)
    assert not problems
    return {f"{r.collection}/{r.id}": r.data for r in dataset.all()}


def test_no_injected_elements_attributes_or_scripts(hostile_site: Path) -> None:
    pages = html_pages(hostile_site)
    assert len(pages) > 10
    for path in pages:
        page = parse(path)
        for element in page.elements:
            handlers = [a for a in element.attrs if a.lower().startswith("on")]
            assert not handlers, f"{path}: <{element.tag}> has {handlers}"
            assert element.tag != "img", f"{path}: an <img> was injected"
            for attr in ("href", "src", "action", "formaction", "xlink:href"):
                assert not element.attrs.get(attr, "").strip().lower().startswith(("javascript:", "data:", "vbscript:")), (path, element)
            if element.tag == "script" and "src" not in element.attrs:
                assert "alert" not in element.text, f"{path}: inline script carries record text"
        raw_title = re.search(r"<title>(.*?)</title>", path.read_text("utf-8"), re.S)
        assert raw_title and "<" not in raw_title.group(1), f"{path}: markup in <title>"


def test_hostile_text_shows_verbatim(hostile_site: Path) -> None:
    data = records()
    demand = data["demands/evil-demand"]
    page = parse(hostile_site / "demands" / "evil-demand.html")
    assert page.headings[0] == (1, " ".join(str(demand["title"]).split()))
    text = " ".join(page.article_text.split())
    assert "{{ 7*7 }}" in text and "[x](javascript:alert(1))" in text
    assert "{% if %}" in text and "49" not in text
    quote = " ".join(str(demand["citations"][0]["quote"]).split())  # type: ignore[index]
    assert quote in text, "the hostile quote is shown whole, as text"
    assert "Party X demanded <b>everything</b>" in text, "the attribution is shown as text"
    assert "https://example.org/ok" in page.article_links, "a safe Markdown link in a Markdown field still works"
    actor = parse(hostile_site / "actors" / "party-x.html")
    assert '"><img src=x onerror=alert(3)>' in actor.article_text
    meeting = parse(hostile_site / "meetings" / "evil-summit.html")
    assert '<img src=x onerror=alert(8)> "quoted" | pipe' in meeting.article_text


def test_svg_timeline_is_well_formed_and_escaped(hostile_site: Path) -> None:
    html = (hostile_site / "explore" / "timeline.html").read_text("utf-8")
    svgs = re.findall(r'<svg [^>]*class="peacetalks-timeline".*?</svg>', html, re.S)
    assert svgs
    titles = []
    for svg in svgs:
        root = ET.fromstring(svg)  # raises if the record text broke the SVG
        titles += [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "]]></text></svg><script>alert(7)</script>" in titles


def test_search_index_and_feed_hold_no_markup(hostile_site: Path) -> None:
    index = json.loads((hostile_site / "search" / "search_index.json").read_text("utf-8"))
    for doc in index["docs"]:
        assert "<script" not in doc["title"] and "<img" not in doc["title"], doc["title"]
        assert "<script" not in doc["text"] and "<img" not in doc["text"], doc["location"]
    ET.fromstring((hostile_site / "feed.xml").read_bytes())


def test_redirect_from_former_id_is_escaped(hostile_site: Path) -> None:
    page = parse(hostile_site / "demands" / "old-evil.html")
    refresh = [e for e in page.elements if e.tag == "meta" and e.attrs.get("http-equiv") == "refresh"]
    assert refresh and refresh[0].attrs["content"] == "0; url=evil-demand.html"
    assert not [e for e in page.elements if e.tag in ("img", "script")]
