"""`build.py new`: skeleton records that the check refuses until every placeholder is filled in,
and the ways a newcomer can misuse the command."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from peacetalks.canonical import canonical_text
from peacetalks.collections import COLLECTIONS
from peacetalks.schemas import reporting_validator

from .helpers import LINE, cli, copy_tree, edit, error_lines, read, write


def _strings(value: Any, pointer: str = "") -> dict[str, str]:
    """Every string in a record by JSON pointer."""
    if isinstance(value, dict):
        return {p: s for key, item in value.items() for p, s in _strings(item, f"{pointer}/{key}").items()}
    if isinstance(value, list):
        return {p: s for index, item in enumerate(value) for p, s in _strings(item, f"{pointer}/{index}").items()}
    return {pointer: value} if isinstance(value, str) else {}


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_skeleton_has_every_required_field_and_the_check_refuses_it(tmp_path: Path, collection: str) -> None:
    root = copy_tree(tmp_path)
    result = cli(root, "new", collection, "fresh-record")
    assert result.returncode == 0, result.stderr
    path = root / "records" / collection / "fresh-record.json"
    assert result.stdout.startswith(f"wrote records/{collection}/fresh-record.json: replace every placeholder")
    text = path.read_text("utf-8")
    data = json.loads(text)
    assert text == canonical_text(collection, data)
    assert data["$schema"] == f"../../schema/{COLLECTIONS[collection].schema}.schema.json"
    assert data["id"] == "fresh-record"
    # Every required field is there, at every depth: the schema finds none missing.
    missing = [error.message for error in reporting_validator(collection).iter_errors(data) if error.validator == "required"]
    assert missing == []
    # Every placeholder is listed for the contributor, with what belongs there.
    placeholders = {p for p, s in _strings(data).items() if s.startswith(("TODO", "todo-"))}
    assert placeholders
    listed = {line.split(":")[0].strip() for line in result.stdout.splitlines()[1:] if line.startswith("  /")}
    assert placeholders <= listed
    # The check refuses it, only in the new file, and names each bare "TODO" at its place.
    check = cli(root, "check")
    assert check.returncode == 1
    errors = error_lines(check.stderr)
    assert {LINE.match(line)["path"] for line in errors} == {f"records/{collection}/fresh-record.json"}  # type: ignore[index]
    reported = {line.split(": error: ")[1].split(":")[0] for line in errors}
    bare = {p for p, s in _strings(data).items() if s == "TODO"}
    assert bare <= reported
    if not bare:  # no schema errors: the placeholders themselves are reported
        assert placeholders <= reported


def test_a_new_meeting_and_an_occasion_restating_a_demand_there_from_skeletons_to_clean_check(tmp_path: Path) -> None:
    """The walk-through of CONTRIBUTING.md, step by step, as a newcomer meets each message."""
    root = copy_tree(tmp_path)
    assert cli(root, "new", "meetings", "harbour-town-talks").returncode == 0
    record = "meetings/harbour-town-talks.json"

    first = error_lines(cli(root, "check").stderr)
    assert [line.split(": error: ")[1] for line in first] == [
        "/kind: 'TODO' is not allowed: use one of in-person, virtual, mixed, series",
        "/status: 'TODO' is not allowed: use one of held, ongoing, announced, planned, cancelled",
        "/start/date: 'TODO' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (as in 2025-03-11), optionally followed by ~ (approximate) or ? (uncertain)",
    ]

    def choose(data: dict[str, Any]) -> None:
        data.update(kind="in-person", status="held", start={"date": "2030-06-12"})

    edit(root, record, choose)
    second = error_lines(cli(root, "check").stderr)
    assert [line.split(": error: ")[1] for line in second] == [
        "/title: placeholder 'TODO: short descriptive title' not filled in: replace it with the real value",
        "/participants/0: unknown actor 'todo-actor': add records/actors/todo-actor.json or fix the id",
        '/summary: placeholder "TODO: what the meeting was, in the editors\' words" not filled in: replace it with the real value',
        "/citations/0/source: unknown source 'todo-source': add records/sources/todo-source.json or fix the id",
        "/citations/0/quote: placeholder 'TODO: copy the exact words from the source' not filled in: replace it with the real value",
    ]

    def fill(data: dict[str, Any]) -> None:
        data.update(
            title="Northland–Southland talks in Harbour Town",
            participants=["northland", "southland"],
            summary="A second round of talks between Northland and Southland, in Harbour Town.",
            citations=[
                {
                    "source": "sample-wire-follow-up",
                    "quote": "Northland and Southland held a second round of talks in Harbour Town on Wednesday, officials of both sides said.",
                }
            ],
        )

    edit(root, record, fill)
    done = cli(root, "check")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok: 8 records (1 demand, 2 meetings, 0 documents, 2 actors, 1 topic, 2 sources)\n"
    # The meeting lists no demands: the demand names the meeting, in an occasion of its own.
    assert "demands" not in read(root, record)
    added = cli(root, "new", "occasion", "withdraw-from-border-zone", "--at", "harbour-town-talks", "--source", "sample-wire-follow-up")
    assert added.returncode == 0, added.stderr

    def restate(data: dict[str, Any]) -> None:
        occasion = data["occasions"][-1]
        occasion.update(by=["northland"], act="restated")
        occasion["citations"][0]["quote"] = (
            "At the talks, Northland restated its demand that Southland withdraw its forces from the border zone."
        )

    edit(root, "demands/withdraw-from-border-zone.json", restate)
    final = cli(root, "check")
    assert final.returncode == 0, final.stderr


def test_new_source_gets_a_text_file_and_the_check_prints_its_hash(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    result = cli(root, "new", "sources", "second-wire-report")
    assert result.returncode == 0
    text = root / "records" / "sources" / "second-wire-report.txt"
    assert text.read_bytes() == b""
    assert "wrote records/sources/second-wire-report.txt: paste the text of the source there" in result.stdout
    assert "/text_sha256: when the other fields are filled in, `python build.py check` prints the SHA-256" in result.stdout

    text.write_text("An invented second report.\n", encoding="utf-8")

    def fill(data: dict[str, Any]) -> None:
        data.update(
            title="Second wire report (fictional)",
            kind="news-report",
            published={"date": "2030-06"},
            language="en",
            notes="Invented for a test.",
            licence="Written for these tests; free to use.",
        )

    edit(root, "sources/second-wire-report.json", fill)
    digest = hashlib.sha256(text.read_bytes()).hexdigest()
    errors = error_lines(cli(root, "check").stderr)
    assert errors == [
        "records/sources/second-wire-report.json:12:18: error: /text_sha256: does not match records/sources/second-wire-report.txt: "
        f"set text_sha256 to '{digest}'"
    ]
    edit(root, "sources/second-wire-report.json", lambda data: data.update(text_sha256=digest))
    assert cli(root, "check").returncode == 0


def test_new_keeps_an_existing_source_text(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    text = root / "records" / "sources" / "pasted-first.txt"
    text.write_text("Pasted before the record was made.\n", encoding="utf-8")
    result = cli(root, "new", "sources", "pasted-first")
    assert result.returncode == 0
    assert text.read_text("utf-8") == "Pasted before the record was made.\n"
    assert "pasted-first.txt" not in result.stdout.split("\n", 1)[1].split("  /text_sha256")[0]


REFUSALS = [
    (
        ("meeting", "new-talks"),
        "new: error: unknown collection 'meeting' (did you mean 'meetings'?): collections are demands, meetings, documents, actors, topics, sources "
        "(or `new occasion DEMAND`)",
    ),
    (
        ("people", "someone"),
        "new: error: unknown collection 'people': collections are demands, meetings, documents, actors, topics, sources (or `new occasion DEMAND`)",
    ),
    (
        ("meetings", "Harbour Town Talks"),
        "new: error: 'Harbour Town Talks' is not a valid id: use lowercase letters, digits and single hyphens, at most 80 characters (such as 'harbour-town-talks')",
    ),
    (
        ("meetings", "harbour--town"),
        "new: error: 'harbour--town' is not a valid id: use lowercase letters, digits and single hyphens, at most 80 characters (such as 'harbour-town')",
    ),
    (
        ("meetings", "../../escape"),
        "new: error: '../../escape' is not a valid id: use lowercase letters, digits and single hyphens, at most 80 characters (such as 'escape')",
    ),
    (
        ("meetings", "a" * 81),
        f"new: error: '{'a' * 81}' is not a valid id: use lowercase letters, digits and single hyphens, at most 80 characters (such as '{'a' * 80}')",
    ),
    (
        ("meetings", "example-city-talks"),
        "new: error: records/meetings/example-city-talks.json already exists: edit it, or choose another id",
    ),
]


@pytest.mark.parametrize(("args", "message"), REFUSALS, ids=[r[0][1][:20] for r in REFUSALS])
def test_new_refuses_with_a_clear_message(tmp_path: Path, args: tuple[str, str], message: str) -> None:
    root = copy_tree(tmp_path)
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    original = (root / "records/meetings/example-city-talks.json").read_bytes()
    result = cli(root, "new", *args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == message + "\n"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before
    assert (root / "records/meetings/example-city-talks.json").read_bytes() == original


def test_new_refuses_a_former_id(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    edit(root, "meetings/example-city-talks.json", lambda data: data.update(former_ids=["border-talks"]))
    result = cli(root, "new", "meetings", "border-talks")
    assert result.returncode == 1
    assert result.stderr == (
        "new: error: 'border-talks' is a former id of meeting 'example-city-talks' (records/meetings/example-city-talks.json): "
        "old links to it lead there, so choose another id\n"
    )
    assert not (root / "records/meetings/border-talks.json").exists()
    # A former id of a record in another collection is no obstacle: ids are per collection.
    assert cli(root, "new", "topics", "border-talks").returncode == 0


def test_new_without_a_records_directory(tmp_path: Path) -> None:
    result = cli(tmp_path, "new", "meetings", "harbour-town-talks")
    assert result.returncode == 1
    assert result.stderr == "new: error: records directory records not found: run this in the repository, or pass --records DIR\n"


def test_new_with_missing_arguments_shows_usage(tmp_path: Path) -> None:
    result = cli(copy_tree(tmp_path), "new", "meetings")
    assert result.returncode == 2
    assert "usage: build.py new" in result.stderr
    assert "the following arguments are required: id" in result.stderr


def test_new_skeleton_is_written_with_the_data_it_prints(tmp_path: Path) -> None:
    """The skeleton is deterministic: the same command writes the same bytes."""
    first, second = copy_tree(tmp_path / "a"), copy_tree(tmp_path / "b")
    for root in (first, second):
        assert cli(root, "new", "demands", "same-demand").returncode == 0
    assert (first / "records/demands/same-demand.json").read_bytes() == (second / "records/demands/same-demand.json").read_bytes()
    write(first, "demands/same-demand.json", read(first, "demands/same-demand.json"))  # already canonical: unchanged
    assert (first / "records/demands/same-demand.json").read_bytes() == (second / "records/demands/same-demand.json").read_bytes()
