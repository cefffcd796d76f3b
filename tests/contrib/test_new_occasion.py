"""`build.py new occasion DEMAND [--at MEETING] [--in DOCUMENT] [--source SOURCE] [--id ID]`: one
skeleton occasion added to an existing demand, in canonical form and in date order, every
placeholder listed with its pointer and line and refused by the check; and the ways to misuse it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from peacetalks import jsonparse
from peacetalks.canonical import canonical_text

from .helpers import LINE, cli, copy_tree, edit, error_lines, read, write

DEMAND = "demands/withdraw-from-border-zone.json"
TODO_LINE = re.compile(r"^  (?P<pointer>/\S+) \(line (?P<line>\d+)\): (?P<hint>.+)$")


def _with_meeting(root: Path) -> Path:
    """The practice tree plus a finished meeting in Harbour Town on 12 June 2030."""
    write(
        root,
        "meetings/harbour-town-talks.json",
        {
            "$schema": "../../schema/meeting.schema.json",
            "id": "harbour-town-talks",
            "title": "Northland–Southland talks in Harbour Town",
            "kind": "in-person",
            "status": "held",
            "start": {"date": "2030-06-12"},
            "participants": ["northland", "southland"],
            "summary": "A second round of talks.",
            "citations": [
                {
                    "source": "sample-wire-follow-up",
                    "quote": "Northland and Southland held a second round of talks in Harbour Town on Wednesday, officials of both sides said.",
                }
            ],
        },
    )
    return root


def _todos(stdout: str) -> list[tuple[str, int, str]]:
    return [(m["pointer"], int(m["line"]), m["hint"]) for m in map(TODO_LINE.match, stdout.splitlines()) if m]


def _strings(value: Any, pointer: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        return {p: s for key, item in value.items() for p, s in _strings(item, f"{pointer}/{key}").items()}
    if isinstance(value, list):
        return {p: s for index, item in enumerate(value) for p, s in _strings(item, f"{pointer}/{index}").items()}
    return {pointer: value} if isinstance(value, str) else {}


def test_at_a_meeting_adds_one_occasion_dated_by_the_meeting(tmp_path: Path) -> None:
    root = _with_meeting(copy_tree(tmp_path))
    before = read(root, DEMAND)
    result = cli(root, "new", "occasion", "withdraw-from-border-zone", "--at", "harbour-town-talks", "--source", "sample-wire-follow-up")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"added occasion 'harbour-town-talks' to records/{DEMAND} at /occasions/2: replace every placeholder, then run `python build.py check`"
    )
    assert (
        lines[1]
        == "  its date is taken from meeting harbour-town-talks (2030-06-12): add a 'date' only if the source dates this act itself"
    )
    text = (root / "records" / DEMAND).read_text("utf-8")
    after = json.loads(text)
    assert text == canonical_text("demands", after)
    # One occasion more, at the end (it is the latest), and nothing else changed.
    assert after["occasions"][:2] == before["occasions"]
    assert {k: v for k, v in after.items() if k != "occasions"} == {k: v for k, v in before.items() if k != "occasions"}
    assert after["occasions"][2] == {
        "id": "harbour-town-talks",
        "by": ["todo-actor"],
        "at": "harbour-town-talks",
        "act": "TODO",
        "citations": [{"source": "sample-wire-follow-up", "quote": "TODO: copy the exact words from the source"}],
    }
    # Every placeholder is listed once, with its pointer and the line it is on.
    todos = _todos(result.stdout)
    assert [pointer for pointer, _, _ in todos] == ["/occasions/2/by/0", "/occasions/2/act", "/occasions/2/citations/0/quote"]
    for pointer, line, _ in todos:
        assert jsonparse.locate(text, pointer)[0] == line
    assert todos[2][2] == "the exact words from records/sources/sample-wire-follow-up.txt"
    assert len(lines) == 2 + len(todos)


def test_the_check_refuses_the_skeleton_until_each_placeholder_is_filled(tmp_path: Path) -> None:
    root = _with_meeting(copy_tree(tmp_path))
    cli(root, "new", "occasion", "withdraw-from-border-zone", "--at", "harbour-town-talks", "--source", "sample-wire-follow-up")
    first = error_lines(cli(root, "check").stderr)
    assert [line.split(": error: ")[1].split(":")[0] for line in first] == ["/occasions/2/act"]
    edit(root, DEMAND, lambda d: d["occasions"][2].update(act="restated"))
    second = error_lines(cli(root, "check").stderr)
    assert {LINE.match(line)["path"] for line in second} == {f"records/{DEMAND}"}  # type: ignore[index]
    assert [line.split(": error: ")[1] for line in second] == [
        "/occasions/2/by/0: unknown actor 'todo-actor': add records/actors/todo-actor.json or fix the id",
        "/occasions/2/citations/0/quote: placeholder 'TODO: copy the exact words from the source' not filled in: replace it with the real value",
    ]


def test_without_a_place_the_occasion_gets_an_id_and_a_date_to_fill_in(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    result = cli(root, "new", "occasion", "withdraw-from-border-zone")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"added an occasion to records/{DEMAND} at /occasions/2: ")
    text = (root / "records" / DEMAND).read_text("utf-8")
    entry = json.loads(text)["occasions"][2]
    assert entry["id"] == "TODO" and entry["date"] == {"date": "TODO"} and entry["citations"][0]["source"] == "todo-source"
    todos = _todos(result.stdout)
    placeholders = {f"/occasions/2{p}" for p, s in _strings(entry).items() if s.startswith(("TODO", "todo-"))}
    assert {pointer for pointer, _, _ in todos} == placeholders
    for pointer, line, _ in todos:
        assert jsonparse.locate(text, pointer)[0] == line
    # Each bare TODO fails the schema at its own place.
    reported = {line.split(": error: ")[1].split(":")[0] for line in error_lines(cli(root, "check").stderr)}
    assert {"/occasions/2/id", "/occasions/2/date/date", "/occasions/2/act"} <= reported


def test_in_a_document_with_a_date_and_in_date_order(tmp_path: Path) -> None:
    """A document dated before the demand's last occasion: the new occasion goes before it."""
    root = copy_tree(tmp_path)
    write(
        root,
        "documents/border-note.json",
        {
            "$schema": "../../schema/document.schema.json",
            "id": "border-note",
            "title": "Northland's note on the border zone",
            "kind": "letter",
            "date": {"date": "2030-04"},
            "summary": "An invented note.",
            "citations": [
                {"source": "sample-wire-report", "quote": "Northland demanded that Southland withdraw its forces from the border zone."}
            ],
        },
    )
    result = cli(root, "new", "occasion", "withdraw-from-border-zone", "--in", "border-note", "--source", "sample-wire-report")
    assert result.returncode == 0, result.stderr
    assert "at /occasions/0:" in result.stdout.splitlines()[0]
    assert "its date is taken from document border-note (2030-04)" in result.stdout
    after = read(root, DEMAND)
    assert [o["id"] for o in after["occasions"]] == ["border-note", "example-city-talks", "southland-rejects"]
    assert "date" not in after["occasions"][0] and after["occasions"][0]["in"] == "border-note"


def test_a_derived_id_is_made_unique_and_an_explicit_one_is_kept(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    again = cli(root, "new", "occasion", "withdraw-from-border-zone", "--at", "example-city-talks")
    assert again.returncode == 0, again.stderr
    assert "occasion 'example-city-talks-2'" in again.stdout
    chosen = cli(root, "new", "occasion", "withdraw-from-border-zone", "--at", "example-city-talks", "--id", "2030-05-second-day")
    assert chosen.returncode == 0, chosen.stderr
    ids = [o["id"] for o in read(root, DEMAND)["occasions"]]
    assert ids == ["example-city-talks", "southland-rejects", "example-city-talks-2", "2030-05-second-day"]


def test_a_non_canonical_demand_is_written_back_canonical_with_its_data_kept(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    path = root / "records" / DEMAND
    before = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps(dict(reversed(list(before.items()))), indent=4), encoding="utf-8")
    assert cli(root, "new", "occasion", "withdraw-from-border-zone", "--at", "example-city-talks", "--id", "extra").returncode == 0
    after = json.loads(path.read_text("utf-8"))
    assert path.read_text("utf-8") == canonical_text("demands", after)
    assert after["occasions"][:2] == before["occasions"] and len(after["occasions"]) == 3
    assert sorted(p.name for p in path.parent.iterdir()) == ["withdraw-from-border-zone.json"]  # no temporary file left


REFUSALS = [
    (
        ["withdraw-from-border-zon"],
        "new: error: unknown demand 'withdraw-from-border-zon' (did you mean 'withdraw-from-border-zone'?): "
        "name a file in records/demands/, without .json",
    ),
    (
        ["withdraw-from-border-zone", "--at", "example-city-talk"],
        "new: error: --at: unknown meeting 'example-city-talk' (did you mean 'example-city-talks'?): "
        "name a file in records/meetings/, without .json",
    ),
    (
        ["withdraw-from-border-zone", "--at", "northland"],
        "new: error: --at: 'northland' is an actor, not a meeting",
    ),
    (
        ["withdraw-from-border-zone", "--in", "example-city-talks"],
        "new: error: --in: 'example-city-talks' is a meeting, not a document",
    ),
    (
        ["withdraw-from-border-zone", "--source", "sample-wire-reprot"],
        "new: error: --source: unknown source 'sample-wire-reprot' (did you mean 'sample-wire-report'?): "
        "name a file in records/sources/, without .json",
    ),
    (
        ["withdraw-from-border-zone", "--id", "southland-rejects"],
        "new: error: --id: demand 'withdraw-from-border-zone' already has an occasion 'southland-rejects' (/occasions/1): "
        "occasion ids are unique in a demand, so choose another --id",
    ),
    (
        ["withdraw-from-border-zone", "--id", "June Talks"],
        "new: error: --id: 'June Talks' is not a valid occasion id: use lowercase letters, digits and single hyphens, "
        "at most 80 characters (such as 'june-talks')",
    ),
    (
        ["no-such-demand", "--at", "nowhere", "--source", "nothing"],
        "new: error: unknown demand 'no-such-demand': name a file in records/demands/, without .json\n"
        "new: error: --at: unknown meeting 'nowhere': name a file in records/meetings/, without .json\n"
        "new: error: --source: unknown source 'nothing': name a file in records/sources/, without .json",
    ),
]


@pytest.mark.parametrize(("args", "message"), REFUSALS, ids=[" ".join(r[0])[:40] for r in REFUSALS])
def test_refusals_name_the_mistake_and_change_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    root = copy_tree(tmp_path)
    before = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    result = cli(root, "new", "occasion", *args)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message + "\n")
    assert {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} == before


def test_occasion_options_belong_to_new_occasion(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    result = cli(root, "new", "meetings", "harbour-town-talks", "--at", "example-city-talks")
    assert (result.returncode, result.stderr) == (
        1,
        "new: error: --at, --in, --source and --id go with `new occasion DEMAND`, not with `new meetings`\n",
    )
    assert not (root / "records/meetings/harbour-town-talks.json").exists()
    plural = cli(root, "new", "occasions", "withdraw-from-border-zone")
    assert plural.returncode == 1
    assert plural.stderr == (
        "new: error: an occasion is not a record of its own but an entry in a demand: use `new occasion DEMAND [--at MEETING] ...`\n"
    )


def test_an_unreadable_demand_is_left_alone(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    path = root / "records" / DEMAND
    path.write_text('{"id": "withdraw-from-border-zone",}\n', encoding="utf-8")
    result = cli(root, "new", "occasion", "withdraw-from-border-zone")
    assert result.returncode == 1
    assert result.stderr == f"new: error: records/{DEMAND} cannot be read: run `python build.py check` and fix it first\n"
    assert path.read_text("utf-8") == '{"id": "withdraw-from-border-zone",}\n'


def test_new_demands_writes_one_skeleton_occasion(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    result = cli(root, "new", "demands", "fresh-demand")
    assert result.returncode == 0, result.stderr
    data = read(root, "demands/fresh-demand.json")
    assert data["occasions"] == [
        {
            "id": "TODO",
            "date": {"date": "TODO"},
            "by": ["todo-actor"],
            "act": "TODO",
            "citations": [{"source": "todo-source", "quote": "TODO: copy the exact words from the source"}],
        }
    ]
    listed = [line.split(":")[0].strip() for line in result.stdout.splitlines()[1:]]
    assert listed[-6:] == [
        "/occasions/0/id",
        "/occasions/0/date/date",
        "/occasions/0/by/0",
        "/occasions/0/act",
        "/occasions/0/citations/0/source",
        "/occasions/0/citations/0/quote",
    ]
