"""A record set written to break out of every context (HTML, attributes, Markdown read twice,
Jinja, SVG) renders as inert text everywhere.

The hostile fixture (fixtures/make_fixtures.py) puts a payload in every text field the schemas
define: `test_every_text_field_holds_a_payload` fails when a schema gains a field the fixture
does not fill, so a new field cannot escape these tests."""

from __future__ import annotations

import importlib.util
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from peacetalks.collections import COLLECTIONS
from peacetalks.load import load
from peacetalks.schemas import load_schemas, resolve

from .conftest import FIXTURES, Element, html_pages, parse

HOSTILE = FIXTURES / "hostile"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
assert _spec and _spec.loader
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)
HOSTILE_LINE: str = make_fixtures.HOSTILE_LINE
HOSTILE_MARKDOWN: str = make_fixtures.HOSTILE_MARKDOWN
HOSTILE_TITLE: str = make_fixtures.HOSTILE_TITLE
TEXT_PATTERNS = {r"^\S(.*\S)?$", r"\S"}  # the schemas' plain-text kinds (title, text)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc")
SAFE_SCHEMES = ("", "http", "https", "mailto")


def records() -> dict[str, dict[str, Any]]:
    dataset, problems = load(HOSTILE)
    assert not problems
    return {f"{r.collection}/{r.id}": r.data for r in dataset.all()}


def text_fields(node: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path, kind) for every field of free text in a schema: markdown, quote, text or url."""
    node = resolve(node)
    if node.get("contentMediaType") == "text/markdown":
        yield path, "markdown"
    elif node.get("x-kind") == "quote":
        yield path, "quote"
    elif "enum" not in node and "x-collection" not in node and node.get("x-kind") != "date" and node.get("pattern") in TEXT_PATTERNS:
        yield path, "text"
    elif str(node.get("pattern", "")).startswith("^https?://"):
        yield path, "url"
    for key, child in node.get("properties", {}).items():
        if not key.startswith("$"):
            yield from text_fields(child, (*path, key))
    if isinstance(node.get("items"), dict):
        yield from text_fields(node["items"], (*path, "*"))


def values(data: Any, path: tuple[str, ...]) -> list[Any]:
    found = [data]
    for step in path:
        if step == "*":
            found = [item for value in found if isinstance(value, list) for item in value]
        else:
            found = [value[step] for value in found if isinstance(value, dict) and step in value]
    return found


def test_every_text_field_holds_a_payload() -> None:
    data = records()
    missing = []
    for name, collection in COLLECTIONS.items():
        mine = [record for key, record in data.items() if key.startswith(f"{name}/")]
        for path, kind in text_fields(load_schemas()[collection.schema]):
            found = [v for record in mine for v in values(record, path)]
            payloads = [v for v in found if isinstance(v, str) and any(mark in v for mark in ("<", "[", "{{", "`"))]
            if not payloads:
                missing.append(f"{name}: {'/'.join(path)} ({kind})")
            if kind == "markdown" and not any(HOSTILE_MARKDOWN in v for v in found):
                missing.append(f"{name}: {'/'.join(path)} lacks the Markdown payload")
    assert not missing, "the hostile fixture leaves these fields without a payload:\n" + "\n".join(missing)


def _url_is_safe(value: str) -> bool:
    scheme = urlsplit(value.strip()).scheme.lower()
    return scheme in SAFE_SCHEMES


def _bad_attributes(element: Element) -> list[str]:
    bad = [name for name in element.attrs if name.lower().startswith("on") or name.lower() in ("autofocus", "srcdoc", "formaction")]
    bad += [f"{name}={value}" for name, value in element.attrs.items() if name in URL_ATTRIBUTES and not _url_is_safe(value)]
    return bad


def test_no_injected_elements_attributes_or_scripts(hostile_site: Path) -> None:
    pages = html_pages(hostile_site)
    assert len(pages) > 10
    for path in pages:
        page = parse(path)
        for element in page.elements:
            assert not _bad_attributes(element), f"{path}: <{element.tag}> has {_bad_attributes(element)}"
            # the theme's search form, and the demand explorer's (record HTML can carry no class)
            theirs = element.attrs.get("class", "").startswith(("md-", "peacetalks-explorer"))
            assert element.tag not in ("img", "iframe", "object", "embed", "base", "frame", "form", "input", "textarea", "button") or (
                theirs and element.tag in ("form", "input", "button")
            ), f"{path}: a <{element.tag}> was injected: {element.attrs}"
            if element.tag == "script":
                src = element.attrs.get("src", "")
                assert not src or src.startswith(("../", "assets/", "search/")) or "/assets/" in src, f"{path}: script from {src}"
                assert "alert" not in element.text, f"{path}: a script carries record text"
            if element.tag == "meta" and element.attrs.get("http-equiv", "").lower() == "refresh":
                assert path.name.startswith("old-"), f"{path}: an injected refresh"
        raw_title = re.search(r"<title>(.*?)</title>", path.read_text("utf-8"), re.S)
        assert raw_title and "<" not in raw_title.group(1), f"{path}: markup in <title>"


def test_record_markdown_is_read_once(hostile_site: Path) -> None:
    """A link's title that holds a link stays the title; a fenced block's info string is dropped."""
    for page_name in ("demands/evil-demand.html", "meetings/evil-summit.html", "actors/party-x.html", "documents/evil-paper.html"):
        page = parse(hostile_site / page_name)
        titles = [e.attrs["title"] for e in page.elements if e.tag == "a" and "title" in e.attrs]
        assert "[y](x autofocus onfocus=alert(101)//)" in titles, page_name
        assert '"><img src=x onerror=alert(102)>' in titles, page_name
        assert "[w](v onmouseover=alert(111)//)" in titles, page_name
        assert "[z](y autofocus onfocus=alert(110)//)" in titles, page_name
        text = " ".join(page.article_text.split())
        assert "<script>alert(109)</script>" in text, "the fenced code is shown as text"
        assert '"><svg onload=alert(103)>' in text and "[x](javascript:alert(106))" in text
        assert not [e for e in page.elements if e.tag == "code" and "class" in e.attrs], "no class from an info string"


def test_hostile_text_shows_verbatim(hostile_site: Path) -> None:
    data = records()
    demand = data["demands/evil-demand"]
    page = parse(hostile_site / "demands" / "evil-demand.html")
    assert page.headings[0] == (1, HOSTILE_TITLE), "a title ending in # keeps it in the heading"
    title = [e.text for e in page.elements if e.tag == "title"]
    assert title == [f"{HOSTILE_TITLE} - peacetalks"], "and in the window title"
    text = " ".join(page.article_text.split())
    assert "{{ 7*7 }}" in text and "[x](javascript:alert(1))" in text
    assert "{% if %}" in text and "49" not in text
    quote = " ".join(str(demand["citations"][0]["quote"]).split())
    assert quote in text, "the hostile quote is shown whole, as text"
    assert HOSTILE_LINE in text, "plain text is shown whole, as text"
    assert "Party X demanded <b>everything</b>" in text, "the attribution is shown as text"
    assert "https://example.org/ok" in page.article_links, "a safe Markdown link in a Markdown field still works"
    actor = parse(hostile_site / "actors" / "party-x.html")
    assert 'Also known as: "><img src=x onerror=alert(3)>; {{ config }}; alias: ' in " ".join(actor.article_text.split())
    meeting = parse(hostile_site / "meetings" / "evil-summit.html")
    assert '<img src=x onerror=alert(8)> "quoted" | pipe; Moscow' in meeting.article_text
    source = parse(hostile_site / "sources" / "hostile-wire.html")
    assert f"Authors: author: {HOSTILE_LINE}; {{{{ config }}}}" in " ".join(source.article_text.split()), (
        "a list keeps its separator's space"
    )
    address = str(data["sources/hostile-wire"]["url"])
    assert address in source.article_text
    assert [h for h in source.article_links if h.startswith("https://example.org/%22%3E")], "the address is a link, encoded"


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_every_plain_text_field_is_shown(hostile_site: Path) -> None:
    """Each plain-text payload (labelled with its field) that its record's page shows is shown whole, as text."""
    shown = 0
    for key, record in records().items():
        text = " ".join(parse(hostile_site / f"{key}.html").article_text.split())
        for value in strings(record):
            label = value[: -len(HOSTILE_LINE)]
            if value.endswith(HOSTILE_LINE) and label and label in text:
                assert value in text, f"{key}: {label!r} is not shown verbatim"
                shown += 1
    assert shown >= 20, "the pages show the labelled payloads"


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
        assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", doc["text"]), doc["location"]
    ET.fromstring((hostile_site / "feed.xml").read_bytes())


def test_redirect_from_former_id_is_escaped(hostile_site: Path) -> None:
    page = parse(hostile_site / "demands" / "old-evil.html")
    refresh = [e for e in page.elements if e.tag == "meta" and e.attrs.get("http-equiv") == "refresh"]
    assert refresh and refresh[0].attrs["content"] == "0; url=evil-demand.html"
    assert not [e for e in page.elements if e.tag in ("img", "script")]
