"""The built site from the real records: every reference is a link both ways, every internal link
resolves, and every page has the structure assistive technology relies on."""

from __future__ import annotations

import itertools
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from peacetalks.collections import COLLECTIONS
from peacetalks.load import load
from peacetalks.schemas import field_rules, values_at
from tests.conftest import RECORDS

from .conftest import FIXTURES, html_pages, parse


def references(records: Path) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Every (from, to) pair of records that one record's fields tie together."""
    dataset, problems = load(records)
    assert not problems
    pairs = []
    for record in dataset.all():
        for rule in field_rules(record.collection):
            if rule.kind != "ref":
                continue
            for _, value in values_at(record.data, rule.path):
                pairs.append(((record.collection, record.id), (rule.target, value)))
    return pairs


def linked(site: Path, key: tuple[str, str]) -> set[tuple[str, str]]:
    """The record pages that `key`'s page links to, from its article."""
    page = site / key[0] / f"{key[1]}.html"
    out = set()
    for href in parse(page).article_links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = posixpath.normpath(posixpath.join(key[0], unquote(parts.path)))
        collection, _, name = target.partition("/")
        if collection in COLLECTIONS and name.endswith(".html"):
            out.add((collection, name.removesuffix(".html")))
    return out


@pytest.mark.parametrize("which", ["real", "basic"])
def test_every_reference_is_a_link_both_ways(which: str, real_site: Path, basic_site: Path) -> None:
    site, records = (real_site, RECORDS) if which == "real" else (basic_site, FIXTURES / "basic")
    pairs = references(records)
    assert pairs, "the records refer to each other"
    missing = []
    for source, target in pairs:
        if source == target:
            continue
        if target not in linked(site, source):
            missing.append(f"{source} does not link to {target}")
        if source not in linked(site, target):
            missing.append(f"{target} does not link back to {source}")
    assert not missing, "\n".join(missing)


def test_every_record_has_a_page_listed_on_its_index(real_site: Path) -> None:
    dataset, _ = load(RECORDS)
    for record in dataset.all():
        assert (real_site / record.collection / f"{record.id}.html").is_file()
        index = linked_from_index(real_site, record.collection)
        assert record.id in index, f"{record.collection}/index.html lacks {record.id}"


def linked_from_index(site: Path, collection: str) -> set[str]:
    return {unquote(h).removesuffix(".html") for h in parse(site / collection / "index.html").article_links if "/" not in h}


@pytest.mark.parametrize("which", ["real", "basic", "hostile"])
def test_internal_links_resolve(which: str, real_site: Path, basic_site: Path, hostile_site: Path) -> None:
    site = {"real": real_site, "basic": basic_site, "hostile": hostile_site}[which]
    broken = []
    for path in html_pages(site):
        if path.name == "404.html":
            continue  # served by a web server for any missing address, so MkDocs makes its links absolute
        base = path.parent
        for element in parse(path).elements:
            for attr in ("href", "src"):
                value = element.attrs.get(attr)
                if not value or element.tag not in ("a", "link", "script", "img"):
                    continue
                parts = urlsplit(value)
                if parts.scheme or parts.netloc or not parts.path:
                    continue
                target = (base / unquote(parts.path)).resolve()
                if not target.exists():
                    broken.append(f"{path.relative_to(site)}: {value}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("which", ["real", "hostile"])
def test_nothing_is_loaded_from_another_host(which: str, real_site: Path, hostile_site: Path) -> None:
    site = real_site if which == "real" else hostile_site
    external = []
    for path in html_pages(site):
        for element in parse(path).elements:
            for attr in ("src", "href", "srcset", "data", "poster"):
                value = element.attrs.get(attr, "")
                loads = element.tag != "a" and not (element.tag == "link" and element.attrs.get("rel") in ("canonical", "alternate"))
                if loads and value.lower().startswith(("http:", "https:", "//")):
                    external.append(f"{path.relative_to(site)}: <{element.tag} {attr}={value}>")
    assert not external, "\n".join(external)
    assert "unpkg.com" not in (site / "index.html").read_text("utf-8")


def test_one_h1_and_headings_in_order(real_site: Path) -> None:
    for path in html_pages(real_site):
        page = parse(path)
        if path.name == "404.html" or "moved" in "".join(e.text for e in page.elements if e.tag == "title").lower():
            continue
        levels = [level for level, _ in page.headings]
        assert levels.count(1) == 1, f"{path}: {levels}"
        assert levels[0] == 1, path
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{path}: heading h{after} after h{before}"


def test_tables_have_header_cells(real_site: Path) -> None:
    for path in html_pages(real_site):
        page = parse(path)
        tables = sum(1 for e in page.elements if e.tag == "table")
        headers = sum(1 for e in page.elements if e.tag == "thead")
        assert tables == headers, path


def test_every_record_page_has_edit_and_report_links(real_site: Path) -> None:
    dataset, _ = load(RECORDS)
    for record in dataset.all():
        links = parse(real_site / record.collection / f"{record.id}.html").article_links
        assert any(h.endswith(f"/records/{record.collection}/{record.id}.json") and "/edit/" in h for h in links), record.id
        assert any("/issues/new?" in h and record.id in unquote(h) for h in links), record.id


def test_record_pages_stay_out_of_the_sidebar(real_site: Path) -> None:
    dataset, _ = load(RECORDS)
    nav = {e.attrs["href"] for e in parse(real_site / "index.html").elements if e.tag == "a" and "md-nav__link" in e.attrs.get("class", "")}
    for record in dataset.all():
        assert f"{record.collection}/{record.id}.html" not in nav
    for name in COLLECTIONS:
        assert f"{name}/index.html" in nav


def test_demand_page_content(real_site: Path) -> None:
    """The issue's list for a demand page, on every real demand."""
    dataset, _ = load(RECORDS)
    for record in dataset.records["demands"].values():
        page = parse(real_site / "demands" / f"{record.id}.html")
        titles = [text for _, text in page.headings]
        assert titles[0] == record.data["title"]
        for heading in ("Status history", "Raised at", "Related demands", "Evidence"):
            assert heading in titles, (record.id, heading)
        text = " ".join(page.article_text.split())
        for citation in record.data["citations"]:
            assert " ".join(citation["quote"].split()) in text
        inferred = any(v.get("inferred") for _, v in values_at(record.data, ("status_history", "*", "date"))) or record.data[
            "first_raised"
        ].get("inferred")
        second_hand = any("attribution" in c for _, c in values_at(record.data, ("status_history", "*", "citations", "*")))
        if inferred or second_hand:
            assert "How certain this is" in titles, record.id
