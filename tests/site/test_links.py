"""The built site from the real records: every reference is a link both ways, every internal link
resolves, and every page has the structure assistive technology relies on."""

from __future__ import annotations

import itertools
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from peacetalks import edtf, occasions
from peacetalks.collections import COLLECTIONS
from peacetalks.load import Dataset, load
from peacetalks.schemas import field_rules, load_schemas, values_at
from peacetalks.site import feed
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


def test_no_edit_or_report_link_without_a_repository(real_site: Path) -> None:
    """mkdocs.yml names no repository yet: no record page links to a guessed one (with
    PEACETALKS_REPO_URL set, tests/site/test_citation.py finds both links)."""
    dataset, _ = load(RECORDS)
    for record in dataset.all():
        links = parse(real_site / record.collection / f"{record.id}.html").article_links
        assert not any("/edit/" in h or "/issues/new?" in unquote(h) for h in links), record.id


def test_record_pages_stay_out_of_the_sidebar(real_site: Path) -> None:
    dataset, _ = load(RECORDS)
    nav = {e.attrs["href"] for e in parse(real_site / "index.html").elements if e.tag == "a" and "md-nav__link" in e.attrs.get("class", "")}
    for record in dataset.all():
        assert f"{record.collection}/{record.id}.html" not in nav
    for name in COLLECTIONS:
        assert f"{name}/index.html" in nav


def test_demand_page_content(real_site: Path) -> None:
    """The issue's list for a demand page, on every real demand: status, occasions, related, evidence."""
    dataset, _ = load(RECORDS)
    for record in dataset.records["demands"].values():
        page = parse(real_site / "demands" / f"{record.id}.html")
        titles = [text for _, text in page.headings]
        assert titles[0] == record.data["title"]
        for heading in ("Occasions", "Related demands"):
            assert heading in titles, (record.id, heading)
        assert titles.count("Occasions") == 1 and titles.count("Related demands") == 1, (record.id, titles)
        items = occasions.occasions(record, dataset)
        assert len([t for level, t in page.headings if level == 3]) >= len(items), record.id
        text = " ".join(page.article_text.split())
        current = occasions.current_status(items)
        assert current and f"Status: {occasions.vocabulary().status_labels[current[0]]}." in text, record.id
        for _, citation in values_at(record.data, ("citations", "*")) + values_at(record.data, ("occasions", "*", "citations", "*")):
            assert " ".join(citation["quote"].split()) in text, (record.id, citation["quote"])
        if record.data.get("citations"):
            assert "Evidence for the demand as a whole" in titles, record.id
        inferred = any(v.get("inferred") for _, v in values_at(record.data, ("occasions", "*", "date")))
        second_hand = any("attribution" in c for _, c in values_at(record.data, ("occasions", "*", "citations", "*")))
        if inferred or second_hand:
            assert "How certain this is" in titles, record.id


def target_of(page: str, href: str) -> tuple[tuple[str, str] | None, str]:
    """The record page (collection, id) a link on `page` (a site-relative .html path) leads to, and its fragment."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None, ""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) if parts.path else page
    collection, _, name = path.partition("/")
    if collection in COLLECTIONS and name.endswith(".html") and "/" not in name:
        return (collection, name.removesuffix(".html")), parts.fragment
    return None, parts.fragment


def occasion_references(records: Path) -> list[tuple[str, str, tuple[str, str]]]:
    """(demand id, occasion id, (collection, id)) for every by, of, at and in of every occasion."""
    dataset, problems = load(records)
    assert not problems
    out = []
    for demand in dataset.records["demands"].values():
        for entry in demand.data["occasions"]:
            for name, collection in (("by", "actors"), ("of", "actors"), ("at", "meetings"), ("in", "documents")):
                value = entry.get(name)
                for target in value if isinstance(value, list) else [value] if value else []:
                    out.append((demand.id, entry["id"], (collection, target)))
    return out


@pytest.mark.parametrize("which", ["real", "basic"])
def test_every_occasion_links_to_its_records_and_they_link_back_to_it(which: str, real_site: Path, basic_site: Path) -> None:
    """An occasion's entry on its demand's page links to each meeting, document and actor it names, and
    each of their pages links back to that occasion (its anchor), not just to the demand."""
    site, records = (real_site, RECORDS) if which == "real" else (basic_site, FIXTURES / "basic")
    references = occasion_references(records)
    kinds = {target[0] for _, _, target in references}
    assert kinds == {"actors", "meetings", "documents"}, kinds
    missing = []
    for demand, occasion, target in references:
        page = f"demands/{demand}.html"
        anchor = f"occasion-{occasion}"
        here = parse(site / page)
        assert anchor in here.ids, (demand, anchor)
        if target not in {target_of(page, h)[0] for h in here.within[anchor]}:
            missing.append(f"{demand}#{occasion} does not link to {target}")
        there = f"{target[0]}/{target[1]}.html"
        back = {target_of(there, h) for h in parse(site / there).article_links}
        if (("demands", demand), anchor) not in back:
            missing.append(f"{target} does not link back to {demand}#{occasion}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("which", ["real", "basic", "hostile"])
def test_links_to_an_anchor_land_on_it(which: str, real_site: Path, basic_site: Path, hostile_site: Path) -> None:
    """Every link with a fragment (to an occasion, a quote, an explanation) finds that id on its page.
    MkDocs checks this for Markdown links only; the occasions' raw HTML is checked here."""
    site = {"real": real_site, "basic": basic_site, "hostile": hostile_site}[which]
    broken, checked = [], 0
    for path in html_pages(site):
        if path.name == "404.html":
            continue
        page = path.relative_to(site).as_posix()
        for href in parse(path).article_links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.fragment:
                continue
            target = site / posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) if parts.path else path
            checked += 1
            if not target.is_file() or parts.fragment not in parse(target).ids:
                broken.append(f"{page}: {href}")
    assert checked > 20
    assert not broken, "\n".join(broken)


def test_demand_page_shows_every_occasion_with_what_happened_its_date_and_its_words(real_site: Path) -> None:
    dataset, _ = load(RECORDS)
    vocabulary = occasions.vocabulary()
    for record in dataset.records["demands"].values():
        page = parse(real_site / "demands" / f"{record.id}.html")
        for item in occasions.occasions(record, dataset):
            text = page.text_of[f"occasion-{item.id}"]
            assert vocabulary.labels[item.act] in text, (record.id, item.id)
            assert item.date is not None and edtf.human(item.date.value["date"]) in text, (record.id, item.id)
            if item.date.taken_from:
                assert f"the date of the {item.date.taken_from[0][:-1]}" in text, (record.id, item.id)
            if item.date.value.get("inferred"):
                assert "(inferred" in text, (record.id, item.id)
            named = [
                c
                for _, c in values_at(record.data, ("occasions", "*", "citations", "*")) + values_at(record.data, ("citations", "*"))
                if any(str(s).partition("/")[0] == item.id for s in c.get("supports") or [])
            ]
            for citation in (item.data.get("citations") or []) + named:
                assert " ".join(citation["quote"].split()) in text, (record.id, item.id, citation["quote"])
                if "attribution" in citation:
                    assert " ".join(citation["attribution"].split()) in text, (record.id, item.id)
            assert item.data.get("citations") or named, (record.id, item.id)


@pytest.mark.parametrize("which", ["real", "basic"])
def test_meeting_and_document_pages_list_each_demand_with_what_happened_there(which: str, real_site: Path, basic_site: Path) -> None:
    site, records = (real_site, RECORDS) if which == "real" else (basic_site, FIXTURES / "basic")
    dataset, _ = load(records)
    places = occasions.places(dataset)
    assert {collection for collection, _ in places} == {"meetings", "documents"}
    for (collection, place), items in places.items():
        page = parse(site / collection / f"{place}.html")
        acts = {(e.attrs.get("href", ""), " ".join(e.text.split())) for e in page.elements if e.tag == "a"}
        for item in items:
            href = f"../demands/{item.demand.id}.html#occasion-{item.id}"
            assert (href, occasions.vocabulary().labels[item.act]) in acts, (place, href)
            assert f"../demands/{item.demand.id}.html" in page.article_links, (place, item.demand.id)
            for citation in item.data.get("citations") or []:
                assert " ".join(citation["quote"].split()) in " ".join(page.article_text.split()), (place, item.id)
    listed = {(c, i) for c, i in places}
    for record in dataset.records["meetings"].values():
        if ("meetings", record.id) not in listed:
            assert "No demand is recorded at this meeting." in parse(site / "meetings" / f"{record.id}.html").article_text


def enum_codes(dataset: Dataset) -> set[str]:
    """Codes of the schemas' enumerations that read differently from their labels ('pending-response'),
    except those the records' own prose also uses ('in-person talks')."""
    codes = set()
    for schema in load_schemas().values():
        for node in _nodes(schema):
            for code, label in (node.get("x-labels") or {}).items():
                if code != label and "-" in code:
                    codes.add(code)
    prose = " ".join(value for record in dataset.all() for value in _strings(record.data))
    return {c for c in codes if not re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", prose)}


def _nodes(node: object) -> list[dict[str, object]]:
    if isinstance(node, dict):
        return [node] + [n for v in node.values() for n in _nodes(v)]
    if isinstance(node, list):
        return [n for v in node for n in _nodes(v)]
    return []


def _strings(data: object, key: str = "") -> list[str]:
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in _strings(v, k)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v, key)]
    return [data] if isinstance(data, str) and key not in ("kind", "status", "act", "$schema", "id") else []


@pytest.mark.parametrize("which", ["real", "basic"])
def test_pages_show_words_not_codes(which: str, real_site: Path, basic_site: Path) -> None:
    """No enumeration code appears in a page's prose (outside code): statuses, acts and kinds are shown
    through the schemas' x-labels. The data dictionary and the changelog document the files' and
    the schema's values, so they are not pages of record text."""
    site, records = (real_site, RECORDS) if which == "real" else (basic_site, FIXTURES / "basic")
    dataset, _ = load(records)
    codes = enum_codes(dataset)
    assert {"pending-response", "awaiting-response", "partially-rejected"} <= codes
    pattern = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, codes))) + r")(?![\w-])")
    subjects = [" ".join(c.subject.split()) for c in feed.changes(records)]  # the home page quotes commit subjects
    found = []
    for path in html_pages(site):
        if path.name in ("data-dictionary.html", "changelog.html"):
            continue
        prose = " ".join(parse(path).prose.split())
        for subject in subjects if path.name == "index.html" else []:
            prose = prose.replace(subject, "")
        for match in pattern.finditer(prose):
            found.append(f"{path.relative_to(site)}: {match.group(0)}")
    assert not found, "\n".join(found)
