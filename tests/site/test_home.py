"""The home page and record pages in the real built HTML: the period covered and the sources in
words, latest changes as data changes from git history (never commit messages), none without
git; a title ending in '#' keeps it; joined lists keep their separators' spaces."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_build

from .conftest import FIXTURES, parse

SUBJECT = "Secret commit subject that must not show"


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2025-04-01T12:00:00Z", "GIT_COMMITTER_DATE": "2025-04-01T12:00:00Z"}
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args], check=True, env=env, capture_output=True
    )


def _edit(path: Path, **fields: object) -> None:
    data = json.loads(path.read_text("utf-8"))
    data.update(fields)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _build(records: Path, out: Path) -> Path:
    assert run_build("fmt", "--records", str(records)).returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEACETALKS_") and k != "SOURCE_DATE_EPOCH"}
    result = run_build("build", "--records", str(records), "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The basic records in a git repository of their own, then a commit that adds a demand and
    moves a meeting's start date, with a commit subject that must not reach the page."""
    root = tmp_path_factory.mktemp("history")
    records = root / "records"
    shutil.copytree(FIXTURES / "basic", records)
    moved = records / "demands" / "ceasefire-offer.json"
    kept = moved.read_text("utf-8")
    moved.unlink()
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "first")
    moved.write_text(kept, "utf-8")
    meeting = records / "meetings" / "round-one.json"
    start = json.loads(meeting.read_text("utf-8"))["start"]
    _edit(meeting, start=start | {"date": "2025-03-10"})
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", SUBJECT)
    return _build(records, root / "site")


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The basic records outside any git repository, one demand's title ending in '#'."""
    root = tmp_path_factory.mktemp("plain")
    shutil.copytree(FIXTURES / "basic", root / "records")
    _edit(root / "records" / "demands" / "cap-army.json", title="State B to cap its army in C#")
    return _build(root / "records", root / "site")


def test_latest_changes_are_data_changes_in_words(history_site: Path) -> None:
    home = parse(history_site / "index.html")
    assert "Latest changes" in [text for _, text in home.headings]
    text = " ".join(home.prose.split())
    assert SUBJECT not in (history_site / "index.html").read_text("utf-8")
    demand = json.loads((FIXTURES / "basic" / "demands" / "ceasefire-offer.json").read_text("utf-8"))["title"]
    meeting = json.loads((FIXTURES / "basic" / "meetings" / "round-one.json").read_text("utf-8"))["title"]
    assert f"Added the demand {demand}" in text, text
    assert f"{meeting}: start changed from 11 March 2025 to 10 March 2025" in text, text
    assert "1 April 2025" in text
    assert "demands/ceasefire-offer.html" in home.article_links


def test_home_says_the_period_and_the_sources(history_site: Path) -> None:
    text = " ".join(parse(history_site / "index.html").prose.split())
    assert "The records cover the period from" in text
    assert "and cite 1 source." in text


def test_no_git_history_no_changes_section(plain_site: Path) -> None:
    home = parse(plain_site / "index.html")
    assert "Latest changes" not in [text for _, text in home.headings]
    assert "The records cover the period from" in " ".join(home.prose.split())


def test_a_title_ending_in_hash_keeps_it(plain_site: Path) -> None:
    page = parse(plain_site / "demands" / "cap-army.html")
    assert page.headings[0] == (1, "State B to cap its army in C#")
    title = next(e.text for e in page.elements if e.tag == "title")
    assert title.startswith("State B to cap its army in C# ")


def test_joined_lists_keep_their_spaces(real_site: Path) -> None:
    text = " ".join(parse(real_site / "actors" / "ukraine.html").prose.split())
    assert "Also known as: Kyiv; Kiev" in text
    assert "Backs: Also known as" in text
    assert "Kyiv;Kiev" not in text


def test_languages_by_name_and_hashes_only_for_data_users(real_site: Path) -> None:
    source = next(p for p in (real_site / "sources").glob("*.html") if p.name != "index.html")
    page = parse(source)
    text = " ".join(page.prose.split())
    assert "Language: English" in text
    data = page.text_of.get("for-data-users", "")
    assert data == "For data users"
    digest = json.loads(
        (Path(__file__).resolve().parents[2] / "records" / "sources" / source.name.replace(".html", ".json")).read_text("utf-8")
    )["text_sha256"]
    html = source.read_text("utf-8")
    assert html.index(digest) > html.index('id="for-data-users"'), "the hash is shown only in the block for data users"
