"""The founding dataset itself: the real records under records/, checked by the real command
line and, independently of peacetalks.validate, by reading the files directly."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from peacetalks import edtf
from peacetalks.collections import COLLECTIONS
from peacetalks.load import Dataset, load
from tests.conftest import RECORDS, run_build

SOURCES = RECORDS / "sources"
FOUNDING = "reuters-russia-list-of-demands-2025-03"
# SHA-256 of ../shared/seeds/000_65fbd3fac8f1e1aa.txt, the text the project was founded on.
FOUNDING_SHA256 = "2c403419082b022fc3abc03be9b1d94bfc9f37610234c7d36333436700b9a27f"
# The Wikidata ids the seeds README gives; no other may appear (none may be taken from memory).
ALLOWED_WIKIDATA = {
    "russia": "Q159",
    "ukraine": "Q212",
    "united-states": "Q30",
    "saudi-arabia": "Q851",
    "nato": "Q7184",
    "vladimir-putin": "Q7747",
    "donald-trump": "Q22686",
    "volodymyr-zelenskyy": "Q3874799",
}
ENV = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
_WS = re.compile(r"\s+")


# --- reading the files directly (no peacetalks code) -------------------------------------


def read_records(root: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """collection -> id -> parsed JSON, for every records/<collection>/<id>.json."""
    tree: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted(root.glob("*/*.json")):
        tree.setdefault(path.parent.name, {})[path.stem] = json.loads(path.read_text("utf-8"))
    return tree


def normalise(text: str) -> str:
    return _WS.sub(" ", text).strip()


def walk(value: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every (JSON pointer, value) in a parsed document, containers included."""
    yield pointer, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, f"{pointer}/{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk(child, f"{pointer}/{index}")


def citations(record: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every citation object anywhere in a record: objects with `source` and `quote`."""
    for pointer, value in walk(record):
        if isinstance(value, dict) and "quote" in value and "source" in value:
            yield pointer, value


def dates(record: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every date object anywhere in a record: objects with a string `date`."""
    for pointer, value in walk(record):
        if isinstance(value, dict) and isinstance(value.get("date"), str):
            yield pointer, value


def paragraphs_holding(text: str, quote: str) -> str:
    """The source's paragraphs (lines) that the quote spans, whitespace-normalised."""
    lines = text.splitlines()
    wanted = normalise(quote)
    for first in range(len(lines)):
        for last in range(first, len(lines)):
            span = normalise(" ".join(lines[first : last + 1]))
            if wanted in span:
                return span
    return ""


# The founding dataset as curated from the founding source (collection/id, one a line). The
# curation tests below read these records only: a record added later is held to
# `build.py check` alone, so adding a valid record never fails this suite.
FOUNDING_RECORDS = frozenset((Path(__file__).parent / "founding.txt").read_text("utf-8").split())


def founding(tree: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, dict[str, Any]]]:
    return {c: {i: r for i, r in records.items() if f"{c}/{i}" in FOUNDING_RECORDS} for c, records in tree.items()}


@pytest.fixture(scope="module")
def tree() -> dict[str, dict[str, dict[str, Any]]]:
    return founding(read_records(RECORDS))


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {path.stem: path.read_text("utf-8") for path in sorted(SOURCES.glob("*.txt"))}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    loaded, problems = load(RECORDS)
    assert problems == []
    return loaded


# --- (a) and (d): the real command line ----------------------------------------------------


def test_check_passes_and_prints_the_counts_on_disk(dataset: Dataset) -> None:
    result = run_build("check", "--no-cache", env=ENV)
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r"ok: (\d+) records \((.*)\)\n", result.stdout)
    assert match, result.stdout
    plural = {COLLECTIONS[name].singular: name for name in COLLECTIONS}
    printed = {plural.get(name, name): int(count) for count, name in (part.split(" ") for part in match.group(2).split(", "))}
    on_disk = {name: len(records) for name, records in read_records(RECORDS).items()}
    assert printed == {name: on_disk.get(name, 0) for name in printed}
    assert printed == dataset.counts()
    assert int(match.group(1)) == sum(on_disk.values())
    assert all(printed[name] > 0 for name in ("demands", "meetings", "documents", "actors", "topics", "sources"))


def test_records_are_in_canonical_form() -> None:
    result = run_build("fmt", "--check", env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr


# --- (b): every quote and attribution is verbatim in its source ------------------------------


def test_the_founding_text_is_the_seed_byte_for_byte(tree: dict[str, dict[str, dict[str, Any]]]) -> None:
    raw = (SOURCES / f"{FOUNDING}.txt").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == FOUNDING_SHA256
    assert tree["sources"][FOUNDING]["text_sha256"] == FOUNDING_SHA256


def unverified(tree: dict[str, dict[str, dict[str, Any]]], texts: dict[str, str]) -> tuple[list[str], int]:
    """Quotes and attributions not found in their source's text, and how many were checked."""
    normalised = {key: normalise(text) for key, text in texts.items()}
    missing: list[str] = []
    checked = 0
    for collection, records in tree.items():
        for record_id, record in records.items():
            for pointer, citation in citations(record):
                text = normalised.get(citation["source"])
                if text is None:
                    missing.append(f"{collection}/{record_id}{pointer}: unknown source {citation['source']!r}")
                    continue
                for field in ("quote", "attribution"):
                    if field in citation:
                        checked += 1
                        if normalise(citation[field]) not in text:
                            missing.append(f"{collection}/{record_id}{pointer}/{field}")
    return missing, checked


def test_every_quote_and_attribution_is_in_its_source(tree: dict[str, dict[str, dict[str, Any]]], texts: dict[str, str]) -> None:
    missing, checked = unverified(tree, texts)
    assert missing == []
    assert checked > 60  # the walk really found the citations


def test_second_hand_claims_carry_their_attribution(tree: dict[str, dict[str, dict[str, Any]]]) -> None:
    """A quote of a sentence the report credits to someone else always says so."""
    credited = {
        "two people familiar with the matter told Reuters": "Russia has presented the United States with a list of demands",
        "according to US government documents reviewed by Reuters and multiple former US officials": "the Biden administration sought to prevent the invasion",
        "They described": "the Kremlin’s terms as broad and similar to demands",
    }
    unattributed = [
        f"{collection}/{record_id}{pointer}"
        for collection, records in tree.items()
        for record_id, record in records.items()
        for pointer, citation in citations(record)
        for attribution, claim in credited.items()
        if claim in citation["quote"] and attribution in citation["quote"] and citation.get("attribution") != attribution
    ]
    assert unattributed == []


def test_every_inferred_date_has_reasoning(tree: dict[str, dict[str, dict[str, Any]]]) -> None:
    bare = [
        f"{collection}/{record_id}{pointer}"
        for collection, records in tree.items()
        for record_id, record in records.items()
        for pointer, value in dates(record)
        if value.get("inferred") is True and not str(value.get("reasoning", "")).strip()
    ]
    assert bare == []
    inferred = sum(1 for records in tree.values() for record in records.values() for _, value in dates(record) if value.get("inferred"))
    assert inferred > 10


def test_relative_day_names_are_resolved_to_the_report_week(tree: dict[str, dict[str, dict[str, Any]]]) -> None:
    """A date reasoned from 'Tuesday' or 'Wednesday' is inferred, says which day that is in the
    report's week (of Monday 10 March 2025), and covers that day."""
    weekdays = {"Tuesday": "2025-03-11", "Wednesday": "2025-03-12"}
    words = {"Tuesday": "11 March 2025", "Wednesday": "12 March 2025"}
    found = 0
    for collection, records in tree.items():
        for record_id, record in records.items():
            for pointer, value in dates(record):
                named = [day for day in weekdays if day in value.get("reasoning", "")]
                if not named:
                    continue
                found += 1
                where = f"{collection}/{record_id}{pointer}"
                span = edtf.parse(value["date"])
                assert value.get("inferred") is True, where
                assert all(words[day] in value["reasoning"] for day in named), where
                assert any(span.first.isoformat() <= weekdays[day] <= span.last.isoformat() for day in named), where
                if span.start.precision == "day" and not span.is_interval and len(named) == 1:
                    assert span.first.isoformat() == weekdays[named[0]], where
    assert found >= 4


def test_vague_dates_stay_vague(tree: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Dates reasoned from vague wording are intervals or approximations, never a single day."""
    vague = ("late 2021", "in recent years", "recent weeks", "past three weeks", "previous conditions")
    for records in tree.values():
        for record in records.values():
            for pointer, value in dates(record):
                if any(phrase in value.get("reasoning", "") for phrase in vague):
                    span = edtf.parse(value["date"])
                    assert span.is_interval or span.approximate or span.start.precision != "day", pointer


def test_old_spellings_are_kept_as_aliases(tree: dict[str, dict[str, dict[str, Any]]]) -> None:
    assert "Kiev" in tree["actors"]["ukraine"]["aliases"]
    for record_id, record in tree["actors"].items():
        names = [record["name"], *record.get("aliases", [])]
        if any("Kyiv" in name for name in names):
            assert "Kiev" in record.get("aliases", []), record_id
    assert "Zelensky" in tree["actors"]["volodymyr-zelenskyy"]["aliases"]


def test_wikidata_ids_come_only_from_the_seeds_readme(tree: dict[str, dict[str, dict[str, Any]]]) -> None:
    used = {record_id: record["wikidata"] for record_id, record in tree["actors"].items() if "wikidata" in record}
    assert used == {record_id: qid for record_id, qid in ALLOWED_WIKIDATA.items() if record_id in tree["actors"]}


def test_no_source_address_is_guessed(tree: dict[str, dict[str, dict[str, Any]]]) -> None:
    founding = tree["sources"][FOUNDING]
    assert "url" not in founding and "authors" not in founding
    assert edtf.parse(founding["published"]["date"]).is_interval


def test_not_held_meetings_are_not_marked_held(tree: dict[str, dict[str, dict[str, Any]]]) -> None:
    """A meeting reported only as announced has no end and no outcome."""
    for record_id, record in tree["meetings"].items():
        if record["status"] in ("announced", "planned"):
            assert "end" not in record and "outcome" not in record, record_id
    assert any(record["status"] == "announced" for record in tree["meetings"].values())


# --- an altered quote fails the real check, located ------------------------------------------


def _first_quote_line(path: Path) -> tuple[int, str]:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if '"quote": "' in line:
            return number, line
    raise AssertionError(f"no quote in {path}")


def test_an_altered_quote_fails_the_check_at_its_line(tmp_path: Path, texts: dict[str, str]) -> None:
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    target = records / "demands" / "ukraine-not-in-nato.json"
    number, line = _first_quote_line(target)
    start = line.index('"quote": "') + len('"quote": "')
    position = start + line[start:].index("NATO")  # change one character: NATO -> NAT0
    altered = line[: position + 3] + "0" + line[position + 4 :]
    lines = target.read_text("utf-8").splitlines(keepends=True)
    lines[number - 1] = altered + "\n"
    target.write_text("".join(lines), encoding="utf-8")

    quote = json.loads("{" + altered.strip().rstrip(",") + "}")["quote"]

    pointer = next(p for p, citation in citations(json.loads(target.read_text("utf-8"))) if citation["quote"] == quote) + "/quote"
    # The independent reader finds exactly this quote missing.
    assert unverified(read_records(records), texts)[0] == [f"demands/ukraine-not-in-nato{pointer}"]
    column = line.index('"quote": ') + len('"quote": ') + 1  # where the string value starts

    result = run_build("check", "--records", str(records), cwd=tmp_path, env=ENV)
    assert result.returncode == 1
    errors = [entry for entry in result.stderr.splitlines() if ": error: " in entry]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(
        f"records/demands/ukraine-not-in-nato.json:{number}:{column}: error: {pointer}: "
        "quote not found in the text of source 'reuters-russia-list-of-demands-2025-03': "
        "copy the words exactly as the source has them (whitespace may differ, nothing else): the closest passage is “"
    ), result.stderr
    # The hint marks the one changed word, as the source has it.
    changed = next(word for word in quote.split() if "NAT0" in word)
    assert errors[0].endswith(f"the quote has “{changed}” where the source has “{changed.replace('NAT0', 'NATO')}”"), errors[0]
    assert result.stderr.splitlines()[-1].startswith("check failed: 1 error")
