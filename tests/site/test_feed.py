"""The Atom feed: an entry per release from the changelog and one per commit that changed
records, saying in words what changed, read back with feedparser and xml.etree; links absolute
with a configured site URL, relative without."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from peacetalks.site import feed
from tests.conftest import run_build

from .conftest import FIXTURES

ATOM = "{http://www.w3.org/2005/Atom}"
CHANGELOG = """# Changelog

## [Unreleased]

- nothing yet

## [2025.02.0] - 2025-02-01

### Added

- Mediator C <b>and</b> their aliases.

## [2025.01.0] - 2025-01-01

- The first records.
"""


def _commit(top: Path, message: str, when: int) -> None:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.org",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.org",
        GIT_AUTHOR_DATE=f"{when} +0000",
        GIT_COMMITTER_DATE=f"{when} +0000",
    )
    subprocess.run(["git", "add", "-A", "."], cwd=top, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=top, check=True, env=env)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with two commits of records: all added, then one changed, one added, one removed."""
    top = tmp_path_factory.mktemp("history")
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    records = Path(shutil.copytree(FIXTURES / "basic", top / "records"))
    _commit(top, "add the records", 1735732800)  # 2025-01-01T12:00:00Z
    demand = records / "demands" / "cap-army.json"
    data = json.loads(demand.read_text("utf-8"))
    data["title"] = "State B to cap its army at ten units"
    demand.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    actor = json.loads((records / "actors" / "mediator-c.json").read_text("utf-8"))
    actor["id"], actor["name"] = "mediator-d", "Mediator D"
    (records / "actors" / "mediator-d.json").write_text(json.dumps(actor, indent=2) + "\n", "utf-8")
    (records / "topics" / "army-size.json").unlink()
    _commit(top, "records: <cap> & add", 1740830400)  # 2025-03-01T12:00:00Z
    (top / "CHANGELOG.md").write_text(CHANGELOG, "utf-8")
    return top


def _document(history: Path, base: str = "") -> str:
    changes = feed.changes(history / "records")
    labels = {("demands", "cap-army"): "State B to cap its army at ten units", ("actors", "mediator-d"): "Mediator D"}
    released = feed.changelog_releases(history / "CHANGELOG.md")
    return feed.atom(changes, dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "peacetalks", labels, released, base)


def test_entries_for_releases_and_for_data_changes_in_words(history: Path) -> None:
    parsed = feedparser.parse(_document(history))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["records: <cap> & add", "Release 2025.02.0", "add the records", "Release 2025.01.0"]  # newest first
    change = parsed.entries[0]
    words = change.summary
    assert "demand cap-army: title State B to cap its army → State B to cap its army at ten units" in words
    assert "added actor mediator-d" in words and "removed topic army-size" in words
    assert change.updated == "2025-03-01T12:00:00Z"
    assert change.link == "actors/mediator-d.html"  # the first record it touched that is still there
    first = parsed.entries[2]
    assert "added demand cap-army" in first.summary and "added actor state-a" in first.summary
    release = parsed.entries[1]
    assert release.updated == "2025-02-01T00:00:00Z"
    assert release.content[0].type == "text/plain"
    assert "Mediator C <b>and</b> their aliases." in release.content[0].value  # the notes, as text
    assert {link.href for link in release.links} == {"changelog.html", "downloads.html"}
    assert len({entry.id for entry in parsed.entries}) == 4


def test_the_feed_is_well_formed_atom_and_deterministic(history: Path) -> None:
    document = _document(history)
    assert _document(history) == document
    root = ET.fromstring(document.encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}updated") == "2025-03-01T12:00:00Z"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 4
    for entry in entries:
        for child in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{child}"), child
    content = entries[0].findtext(f"{ATOM}content") or ""
    assert "<li>added actor mediator-d</li>" in content and '<a href="demands/cap-army.html">' in content


def test_links_are_absolute_with_a_site_url(history: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEACETALKS_SITE_URL", "https://data.example.org/peacetalks/")
    parsed = feedparser.parse(_document(history, base=None))  # type: ignore[arg-type]
    assert not parsed.bozo
    hrefs = [link.href for entry in parsed.entries for link in entry.links] + [link.href for link in parsed.feed.links]
    assert hrefs and all(href.startswith("https://data.example.org/peacetalks/") for href in hrefs)
    assert "https://data.example.org/peacetalks/feed.xml" in hrefs
    monkeypatch.delenv("PEACETALKS_SITE_URL")
    relative = feedparser.parse(_document(history, base=None))  # type: ignore[arg-type]
    assert not any("://" in link.href for entry in relative.entries for link in entry.links)


def test_site_url_is_read_from_mkdocs_yml_when_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PEACETALKS_SITE_URL", raising=False)
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nsite_url: 'https://example.org/data/'  # the site\n", "utf-8")
    assert feed.site_url(config) == "https://example.org/data"
    config.write_text("site_name: x\n# site_url: https://example.org/\n", "utf-8")
    assert feed.site_url(config) == ""
    assert feed.site_url() == ""  # the project's mkdocs.yml sets none: relative links everywhere


def test_the_built_site_feed_reads_back(history: Path, tmp_path: Path) -> None:
    top = Path(shutil.copytree(history, tmp_path / "repo"))
    shutil.copy(FIXTURES / "basic" / "topics" / "army-size.json", top / "records" / "topics" / "army-size.json")
    _commit(top, "restore the topic", 1743508800)  # 2025-04-01T12:00:00Z
    env = dict(os.environ, PEACETALKS_SITE_URL="https://data.example.org")
    result = run_build("build", "--records", str(top / "records"), "--out", str(tmp_path / "site"), env=env)
    assert result.returncode == 0, result.stderr
    parsed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert not parsed.bozo
    commits = [entry for entry in parsed.entries if not entry.title.startswith("Release ")]
    assert [entry.title for entry in commits] == ["restore the topic", "records: <cap> & add", "add the records"]
    assert len(parsed.entries) > len(commits)  # and the project's changelog's releases
    assert "added topic army-size" in commits[0].summary
    assert commits[0].link == "https://data.example.org/topics/army-size.html"
