"""Every mistake a newcomer is likely to make while adding a record, as they meet it: the real
command line on a real tree, and the exact message, which names the file, line, column and
field, says what is wrong and how to fix it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .helpers import ENV, cli, copy_tree, edit, error_lines, position, write

MEETING = "meetings/example-city-talks.json"
DEMAND = "demands/withdraw-from-border-zone.json"


@dataclass(frozen=True)
class Case:
    name: str
    record: str  # the file changed, relative to records/
    change: Callable[[dict[str, Any]], None]
    needle: str  # where the error points: the first occurrence of this text in the changed file
    message: str  # after "error: "
    offset: int = 0
    nth: int = 1  # the needle's nth occurrence


def _rename_key(data: dict[str, Any], old: str, new: str) -> None:
    data[new] = data.pop(old)


CASES = [
    Case(
        "typo in a field name",
        MEETING,
        lambda d: _rename_key(d, "place", "plase"),
        '"plase"',
        "/plase: unknown field 'plase' (did you mean 'place'?): allowed fields are $schema, id, title, kind, "
        "status, start, end, place, participants, part_of, summary, outcome, former_ids, citations",
    ),
    Case(
        "a meeting listing its demands, as in schema 1",
        MEETING,
        lambda d: d.update(demands=["withdraw-from-border-zone"]),
        '"demands"',
        "/demands: field 'demands' was replaced in schema 2.0.0 by the demands' occasions: a demand names the meeting in "
        "/occasions/N/at, and the meeting page lists it (see CHANGELOG.md)",
    ),
    Case(
        "unknown actor, with the closest id",
        MEETING,
        lambda d: d.update(participants=["northlnd", "southland"]),
        '"northlnd"',
        "/participants/0: unknown actor 'northlnd' (did you mean 'northland'?): add records/actors/northlnd.json or fix the id",
    ),
    Case(
        "an id from the wrong collection",
        MEETING,
        lambda d: d.update(participants=["northland", "border-zone"]),
        '"border-zone"',
        "/participants/1: 'border-zone' is a topic, not an actor: this field takes an actor id",
    ),
    Case(
        "a meeting id misspelt in a demand",
        DEMAND,
        lambda d: d["occasions"][0].update(at="example-city-talk"),
        '"example-city-talk"',
        "/occasions/0/at: unknown meeting 'example-city-talk' (did you mean 'example-city-talks'?): "
        "add records/meetings/example-city-talk.json or fix the id",
    ),
    Case(
        "a citation without its quote",
        MEETING,
        lambda d: d["citations"][0].pop("quote"),
        '{\n      "source"',
        "/citations/0: missing required field 'quote' (Verbatim text from the source's stored text, including its spelling and punctuation.)",
    ),
    Case(
        "a date written in words",
        MEETING,
        lambda d: d.update(start={"date": "14 May 2030"}),
        '"14 May 2030"',
        "/start/date: '14 May 2030' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (as in 2025-03-11), "
        "optionally followed by ~ (approximate) or ? (uncertain)",
    ),
    Case(
        "a day that does not exist",
        MEETING,
        lambda d: d.update(start={"date": "2030-02-30"}),
        '"2030-02-30"',
        "/start/date: '2030-02-30' is not a valid date: February 2030 has 28 days",
    ),
    Case(
        "a date as a plain string instead of a dated object",
        MEETING,
        lambda d: d.update(start="2030-05"),
        '"2030-05"',
        "/start: must be an object, not the string '2030-05'",
    ),
    Case(
        "an inferred date without its reasoning",
        MEETING,
        lambda d: d.update(start={"date": "2030-05", "inferred": True}),
        '"start"',
        "/start: missing required field 'reasoning' (How an inferred date was worked out, quoting the relative wording. "
        "Required when inferred is true.)",
        offset=9,
    ),
    Case(
        "an end before the start",
        MEETING,
        lambda d: d.update(end={"date": "2030-04"}),
        '"2030-04"',
        "/end/date: end 2030-04 is before start 2030-05",
    ),
    Case(
        "a quote with typographic apostrophes the source does not have",
        MEETING,
        lambda d: d["citations"][0].update(
            quote="Northland and Southland held talks in Example City on Tuesday, officials of both sides’ said."
        ),
        '"Northland and Southland held talks in Example City on Tuesday, officials of both sides’',
        "/citations/0/quote: quote not found in the text of source 'sample-wire-report': "
        "copy the words exactly as the source has them (whitespace may differ, nothing else): the closest passage is "
        "“Northland and Southland held talks in Example City on Tuesday, officials of both sides said.”; "
        "the quote has “sides’” where the source has “sides”",
    ),
    Case(
        "a paraphrase instead of a quote",
        DEMAND,
        lambda d: d["occasions"][0]["citations"][0].update(quote="Northland wants Southland to pull back from the border."),
        '"Northland wants',
        "/occasions/0/citations/0/quote: quote not found in the text of source 'sample-wire-report': "
        "copy the words exactly as the source has them (whitespace may differ, nothing else)",
    ),
    Case(
        "an act that is not in the list",
        DEMAND,
        lambda d: d["occasions"][1].update(act="refused"),
        '"refused"',
        "/occasions/1/act: 'refused' is not allowed (did you mean 'restated'?): use one of raised, restated, narrowed, widened, "
        "discussed, awaiting-response, withdrawn, accepted, accepted-with-conditions, partially-accepted, rejected, "
        "partially-rejected, met, failed, mentioned",
    ),
    Case(
        "occasions out of date order",
        DEMAND,
        lambda d: d["occasions"][1].update(date={"date": "2030-04"}),
        '{\n        "date": "2030-04"',
        "/occasions/1/date: occasions must be in date order, oldest first: this one (2030-04) is listed after one of 2030-05: move it up",
    ),
    Case(
        "a single actor not written as a list",
        DEMAND,
        lambda d: d["occasions"][0].update(by="northland"),
        '"northland"',
        "/occasions/0/by: must be an array, not the string 'northland': write [\"northland\"]",
    ),
    Case(
        "an old field of schema 1 (made_by)",
        DEMAND,
        lambda d: d.update(made_by=["northland"]),
        '"made_by"',
        "/made_by: field 'made_by' was replaced in schema 2.0.0 by the occasions' `by` (who raised, restated or answered it on "
        "each occasion): move it into /occasions/N/by (see CHANGELOG.md)",
    ),
    Case(
        "a quote pasted twice in a record",
        DEMAND,
        lambda d: d.update(citations=[{**d["occasions"][0]["citations"][0], "supports": ["summary"]}]),
        '"Northland demanded',  # the summary, the occasion's quote, then the repeat
        "/citations/0/quote: this quote is already cited at /occasions/0/citations/0: cite it once and list there, in its "
        "'supports', every field it backs (another occasion's field as '<occasion id>/<field>')",
        nth=3,
    ),
    Case(
        "an occasion with neither a date nor a meeting or document",
        DEMAND,
        lambda d: d["occasions"][1].pop("date"),
        '{\n      "id": "southland-rejects"',
        "/occasions/1: occasion 'southland-rejects' has no date: give it a 'date', or name a meeting ('at') or a document ('in') that has one",
        offset=0,
    ),
    Case(
        "a 'supports' naming a field that does not exist",
        DEMAND,
        lambda d: d["occasions"][0]["citations"][0].update(supports=["by", "actor"]),
        '"actor"',
        "/occasions/0/citations/0/supports/1: 'supports' names 'actor', which is not a field of this occasion or of the record "
        "(act, at, by, date, in, kind, note, of, related, summary, title, topics, wording), or '<occasion id>/<field>' for another occasion",
    ),
    Case(
        "a placeholder left in",
        MEETING,
        lambda d: d.update(outcome="TODO: check what came of it"),
        '"TODO',
        "/outcome: placeholder 'TODO: check what came of it' not filled in: replace it with the real value",
    ),
    Case(
        "raw HTML in a summary",
        MEETING,
        lambda d: d.update(summary="Talks between <b>Northland</b> and Southland."),
        '"Talks between <b>',
        "/summary: raw HTML '<b>' is not allowed in Markdown: describe it in words, or use Markdown syntax",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_mistake(tmp_path: Path, case: Case) -> None:
    root = copy_tree(tmp_path)
    edit(root, case.record, case.change)
    result = cli(root, "check")
    assert result.returncode == 1
    assert result.stdout == ""
    line, col = position(root, case.record, case.needle, offset=case.offset, nth=case.nth)
    assert error_lines(result.stderr) == [f"records/{case.record}:{line}:{col}: error: {case.message}"]
    assert result.stderr.splitlines()[-1] == "check failed: 1 error in 1 file"


def test_hand_typed_json_mistakes(tmp_path: Path) -> None:
    """A missing comma and a trailing comma, as one types them in an editor."""
    root = copy_tree(tmp_path)
    path = root / "records" / MEETING
    text = path.read_text("utf-8")
    path.write_text(text.replace('"in-person",', '"in-person"', 1), encoding="utf-8")
    first = error_lines(cli(root, "check").stderr)
    line = text[: text.index('"in-person"')].count("\n") + 2
    assert first == [
        f"records/{MEETING}:{line}:3: error: expected ',' or a closing bracket: is a comma missing between two items?",
    ]
    path.write_text(text.replace('"southland"\n', '"southland",\n', 1), encoding="utf-8")
    second = error_lines(cli(root, "check").stderr)
    at = text.index('"southland"\n') + len('"southland"')
    line, col = text[:at].count("\n") + 1, at - text.rfind("\n", 0, at)
    assert second == [
        f"records/{MEETING}:{line}:{col}: error: trailing comma before ']': remove it (JSON allows no comma after the last item)"
    ]


def test_file_in_a_misspelt_folder_and_id_not_matching_its_name(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    (root / "records/meeting").mkdir()
    (root / "records/meeting/new-talks.json").write_text("{}\n", encoding="utf-8")
    edit(root, "actors/southland.json", lambda d: d.update(id="south-land"))
    line, col = position(root, "actors/southland.json", '"south-land"')
    assert error_lines(cli(root, "check").stderr) == [
        "records/actors/southland.json:"
        f"{line}:{col}: error: /id: id 'south-land' differs from the file name: rename the file to south-land.json or set id to 'southland'",
        "records/meeting:1:1: error: unknown collection directory 'meeting' (did you mean 'meetings'?): "
        "collections are actors, demands, documents, meetings, sources, topics",
    ]


def test_non_canonical_file(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    path = root / "records" / MEETING
    path.write_text(json.dumps(json.loads(path.read_text("utf-8")), indent=4, ensure_ascii=False) + "\n", encoding="utf-8")
    assert error_lines(cli(root, "check").stderr) == [
        f"records/{MEETING}:1:1: error: not in canonical form: run `python build.py fmt` to rewrite it"
    ]
    assert cli(root, "fmt").returncode == 0
    assert cli(root, "check").returncode == 0


# --- in a pull request: GitHub annotations ------------------------------------------------

HOSTILE = "in-person\n::warning file=x.py,line=1::owned\r::error::%0Asecond::add-mask::x,col=3:y"


def _command(line: str) -> tuple[str, dict[str, str], str]:
    """Parse `::name k=v,...::data` the way the Actions runner does, undoing its escapes."""
    assert line.startswith("::"), line
    head, separator, data = line[2:].partition("::")
    assert separator
    name, _, props = head.partition(" ")

    def unescape(text: str, prop: bool) -> str:
        for code, char in [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else []):
            text = text.replace(code, char)
        return text.replace("%25", "%")

    pairs = dict(item.split("=", 1) for item in props.split(","))
    return name, {k: unescape(v, True) for k, v in pairs.items()}, unescape(data, False)


def test_annotations_on_the_offending_lines_and_no_injection(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    edit(root, MEETING, lambda d: d.update(kind=HOSTILE, status="held\n::error::x"))
    result = cli(root, "check", env={**ENV, "GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    errors = error_lines(result.stderr)
    commands = result.stdout.splitlines()
    assert len(errors) == len(commands) == 2  # one annotation per error, each on one line
    for command, error in zip(commands, errors, strict=True):
        name, props, data = _command(command)
        assert name == "error"
        location, _, message = error.partition(": error: ")
        path, line, col = location.rsplit(":", 2)
        assert props == {"file": path, "line": line, "col": col, "title": "peacetalks check"}
        assert data == message
        assert "\n" not in data and "\r" not in data
    line, col = position(root, MEETING, '"in-person')
    assert errors[0].startswith(f"records/{MEETING}:{line}:{col}: error: /kind: 'in-person\\n::warning")
    assert errors[0].endswith("… is not allowed: use one of in-person, virtual, mixed, series")
    assert not any(command.startswith(("::warning", "::add-mask")) for command in commands)
    # Without GITHUB_ACTIONS the same errors, and no workflow commands.
    plain = cli(root, "check")
    assert plain.stdout == "" and error_lines(plain.stderr) == errors


NARROWER = "demands/withdraw-heavy-weapons-from-border-zone.json"


def _narrower_demand(root: Path) -> None:
    """A second invented demand, related to the first, as a contributor would add it."""
    write(
        root,
        NARROWER,
        {
            "$schema": "../../schema/demand.schema.json",
            "id": "withdraw-heavy-weapons-from-border-zone",
            "title": "Southland to withdraw its heavy weapons from the border zone",
            "kind": "demand",
            "summary": "A narrower form of the demand that Southland withdraw its forces from the border zone.",
            "occasions": [
                {
                    "id": "example-city-talks",
                    "by": ["northland"],
                    "at": "example-city-talks",
                    "act": "raised",
                    "citations": [
                        {
                            "source": "sample-wire-report",
                            "quote": "Northland demanded that Southland withdraw its forces from the border zone.",
                        }
                    ],
                }
            ],
            "related": ["withdraw-from-border-zone"],
        },
    )


def test_related_stated_on_one_side_passes_and_on_both_sides_is_refused(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    _narrower_demand(root)
    one_way = cli(root, "check")
    assert one_way.returncode == 0, one_way.stderr
    # The contributor, thinking links go both ways, adds the back-link too.
    edit(root, DEMAND, lambda d: d.update(related=["withdraw-heavy-weapons-from-border-zone"]))
    line, col = position(root, NARROWER, '"withdraw-from-border-zone"')
    assert error_lines(cli(root, "check").stderr) == [
        f"records/{NARROWER}:{line}:{col}: error: /related/0: 'withdraw-from-border-zone' already lists this demand in its "
        "'related' (records/demands/withdraw-from-border-zone.json): a link is stated on one side only, "
        "so remove 'withdraw-from-border-zone' here"
    ]
