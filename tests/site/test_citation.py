"""CITATION.cff is valid CFF 1.2.0 and names the dataset version the site and the files carry; each
record page's "Cite this record" (plain and BibTeX, parsed) names the record, the version and its
date; the edit, report and permanent-address links appear only with the settings that give them."""

from __future__ import annotations

import html as _html
import os
import re
from pathlib import Path

import pytest
import yaml

from peacetalks.export import dataset_version
from peacetalks.export.version import releases
from tests.conftest import REPO, run_build

from .conftest import FIXTURES, parse


def test_citation_file_matches_the_dataset_version() -> None:
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text("utf-8"))
    for key in ("cff-version", "message", "title", "authors", "version", "date-released", "type", "license"):
        assert cff.get(key), key
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["version"] == dataset_version()
    assert (cff["version"], str(cff["date-released"])) in releases()


# --- "Cite this record", and the links that need the repository's or the site's address --------


REPO_URL = "https://example.org/maintainers/peacetalks"
SITE_URL = "https://data.example.org/peacetalks"
EPOCH = "1743508800"  # 2025-04-01T12:00:00Z


def _build(out: Path, **env: str) -> Path:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PEACETALKS_")}
    result = run_build("build", "--records", str(FIXTURES / "basic"), "--out", str(out), env=clean | {"SOURCE_DATE_EPOCH": EPOCH} | env)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cite")
    return {
        "bare": _build(root / "bare"),
        "set": _build(root / "set", PEACETALKS_REPO_URL=REPO_URL, PEACETALKS_SITE_URL=SITE_URL),
    }


def bibtex_entries(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """A small BibTeX parser: @type{key, name = {value}, ...}, values with balanced braces."""
    entries, pos = [], 0
    header = re.compile(r"\s*@(\w+)\s*\{\s*([^,\s]+)\s*,")
    field = re.compile(r"\s*(\w+)\s*=\s*\{")
    while (match := header.match(text, pos)) is not None:
        kind, key, pos, fields = match.group(1), match.group(2), match.end(), {}
        while (name := field.match(text, pos)) is not None:
            depth, start, pos = 1, name.end(), name.end()
            while depth:
                assert pos < len(text), "unbalanced braces"
                depth += {"{": 1, "}": -1}.get(text[pos], 0)
                pos += 1
            fields[name.group(1)] = text[start : pos - 1]
            pos = re.compile(r"\s*,?").match(text, pos).end()  # type: ignore[union-attr]
        closing = re.compile(r"\s*\}").match(text, pos)
        assert closing is not None, text[pos:]
        entries.append((kind, key, fields))
        pos = closing.end()
    assert not text[pos:].strip(), text[pos:]
    return entries


def _bibtex(page: Path) -> str:
    found = re.search(r'<pre class="peacetalks-bibtex"><code>(.*?)</code></pre>', page.read_text("utf-8"), re.S)
    assert found, page
    return _html.unescape(found.group(1))


def test_record_pages_cite_the_record_with_the_version(sites: dict[str, Path]) -> None:
    for name, site in sites.items():
        for page in [site / "demands" / "cap-army.html", site / "meetings" / "round-one.html"]:
            entries = bibtex_entries(_bibtex(page))
            assert len(entries) == 1
            kind, key, fields = entries[0]
            record = f"{page.parent.name}/{page.stem}"
            assert kind == "misc" and page.stem in key and dataset_version() in key
            assert fields["version"] == dataset_version() and record in fields["note"]
            assert fields["date"] == "2025-04-01" and fields["year"] == "2025"
            assert ("url" in fields) == (name == "set")
            if name == "set":
                assert fields["url"] == f"{SITE_URL}/{record}.html"
            text = " ".join(parse(page).prose.split())
            assert f"version {dataset_version()} of 1 April 2025" in text


def test_edit_and_report_links_only_with_a_repository(sites: dict[str, Path]) -> None:
    bare = parse(sites["bare"] / "demands" / "cap-army.html")
    assert "Edit this record" not in bare.prose and "Report an error" not in bare.prose
    assert not [h for h in bare.article_links if "/edit/" in h or "issues/new" in h]
    assert "github.com/peacetalks/peacetalks" not in (sites["bare"] / "demands" / "cap-army.html").read_text("utf-8")
    full = parse(sites["set"] / "demands" / "cap-army.html")
    assert "Edit this record" in full.prose and "Report an error" in full.prose
    assert f"{REPO_URL}/edit/main/records/demands/cap-army.json" in full.article_links
    assert any(h.startswith(f"{REPO_URL}/issues/new?") for h in full.article_links)
    assert f"{SITE_URL}/demands/cap-army.html" in full.article_links


def test_the_dataset_citation_parses(sites: dict[str, Path]) -> None:
    for name, site in sites.items():
        ((kind, _, fields),) = bibtex_entries(_bibtex(site / "cite.html"))
        assert kind == "misc" and fields["version"] == dataset_version()
        assert fields.get("url") == (f"{SITE_URL}/" if name == "set" else None)


def test_hostile_text_stays_valid_bibtex() -> None:
    from peacetalks.site.cite import bibtex

    lines = bibtex("misc", "k", [("title", "a } b { c \\ d % # _ & $ ~ ^ {{unbalanced"), ("note", "x")])
    ((_, _, fields),) = bibtex_entries("\n".join(lines))
    assert "{" not in fields["title"].replace("{}", "") and "}" not in fields["title"].replace("{}", "")
