"""`build.py diff [BASE]`: what the working tree changes against a git revision, record by record."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from peacetalks.contrib import Change, diff_trees, record_changes

from .helpers import cli, copy_tree, edit, read, write

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> str:
    import os

    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env={**os.environ, **GIT_ENV}, check=True)
    return result.stdout


def committed_tree(tmp_path: Path) -> Path:
    """The fixture tree, committed as the first commit of a fresh repository."""
    root = copy_tree(tmp_path)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "records")
    git(root, "commit", "-q", "-m", "fixture")
    return root


def test_no_changes(tmp_path: Path) -> None:
    root = committed_tree(tmp_path)
    result = cli(root, "diff")
    assert (result.returncode, result.stdout, result.stderr) == (0, "no changes to records since HEAD\n", "")


def test_every_kind_of_change_in_a_stable_order(tmp_path: Path) -> None:
    root = committed_tree(tmp_path)

    def meeting(data: dict[str, Any]) -> None:
        data["start"] = {"date": "2030-05-14"}
        data["place"]["text"] = "Example City, town hall"
        data["participants"] = ["southland", "northland", "harbour-authority"]
        data["summary"] += " Both delegations were led by their foreign ministers, according to the report."
        data["outcome"] = "No agreement."

    def demand(data: dict[str, Any]) -> None:
        first, rejected = data["occasions"]
        first["act"] = "restated"
        del first["of"]
        first["citations"][0]["supports"].append("at")
        rejected["note"] = "Rejected within days."
        data["occasions"].append(
            {
                "id": "harbour-town-talks",
                "by": ["northland"],
                "at": "harbour-town-talks",
                "act": "restated",
                "citations": [{"source": "sample-wire-follow-up", "quote": "At the talks, Northland restated its demand."}],
            }
        )
        data["occasions"].append({"id": "2030-07-withdrawn", "date": {"date": "2030-07"}, "by": ["northland"], "act": "withdrawn"})

    edit(root, "meetings/example-city-talks.json", meeting)
    edit(root, "demands/withdraw-from-border-zone.json", demand)
    # Rename an actor: new file, old id kept in former_ids, and one more change.
    north = read(root, "actors/northland.json")
    (root / "records/actors/northland.json").unlink()
    north.update(id="northland-republic", former_ids=["northland"], aliases=["the North"])
    write(root, "actors/northland-republic.json", north)
    (root / "records/topics/border-zone.json").unlink()
    assert cli(root, "new", "topics", "water-rights").returncode == 0
    with (root / "records/sources/sample-wire-report.txt").open("a", encoding="utf-8") as text:
        text.write("\nA correction was appended.\n")

    result = cli(root, "diff")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "demand withdraw-from-border-zone: occasion example-city-talks: of: removed southland",
        "demand withdraw-from-border-zone: occasion example-city-talks: act raised → restated",
        "demand withdraw-from-border-zone: occasion example-city-talks: citations[sample-wire-report].supports: added at",
        "demand withdraw-from-border-zone: occasion southland-rejects: note: added Rejected within days.",
        "demand withdraw-from-border-zone: occasion harbour-town-talks added (restated by northland at meeting harbour-town-talks)",
        "demand withdraw-from-border-zone: occasion 2030-07-withdrawn added (withdrawn by northland on 2030-07)",
        "meeting example-city-talks: start 2030-05 → 2030-05-14",
        "meeting example-city-talks: place.text Example City → Example City, town hall",
        "meeting example-city-talks: participants: added harbour-authority",
        "meeting example-city-talks: summary changed",
        "meeting example-city-talks: outcome: added No agreement.",
        "renamed actor northland → northland-republic",
        "actor northland-republic: aliases: added the North",
        "removed topic border-zone",
        "added topic water-rights",
        "source sample-wire-report: stored text changed",
    ]
    # The same again: the order does not depend on the file system or on chance.
    assert cli(root, "diff").stdout == result.stdout
    # And as data, for the changelog and the feed.
    changes, unreadable = record_changes(root / "records")
    assert unreadable == []
    assert [change.text() for change in changes] == result.stdout.splitlines()
    renamed = next(change for change in changes if change.action == "renamed")
    assert (renamed.collection, renamed.id, renamed.old, renamed.field) == ("actors", "northland-republic", "northland", "")
    start = next(change for change in changes if change.field == "start")
    assert (start.action, start.old, start.new) == ("changed", "2030-05", "2030-05-14")


def test_against_an_older_revision_and_a_branch(tmp_path: Path) -> None:
    root = committed_tree(tmp_path)
    first = git(root, "rev-parse", "HEAD").strip()
    assert cli(root, "new", "topics", "water-rights").returncode == 0
    git(root, "add", "records")
    git(root, "commit", "-q", "-m", "second")
    assert cli(root, "diff").stdout == "no changes to records since HEAD\n"
    assert cli(root, "diff", first).stdout == "added topic water-rights\n"
    assert cli(root, "diff", "HEAD~1").stdout == "added topic water-rights\n"
    git(root, "branch", "old", first)
    assert cli(root, "diff", "old").stdout == "added topic water-rights\n"


def test_against_a_revision_without_records(tmp_path: Path) -> None:
    root = tmp_path
    git(root, "init", "-q", "-b", "main")
    (root / "README").write_text("empty\n", encoding="utf-8")
    git(root, "add", "README")
    git(root, "commit", "-q", "-m", "empty")
    copy_tree(root)
    lines = cli(root, "diff").stdout.splitlines()
    assert lines == [
        "added demand withdraw-from-border-zone",
        "added meeting example-city-talks",
        "added actor northland",
        "added actor southland",
        "added topic border-zone",
        "added source sample-wire-follow-up",
        "added source sample-wire-report",
    ]


def test_unknown_revision_and_no_repository(tmp_path: Path) -> None:
    root = committed_tree(tmp_path / "repo")
    result = cli(root, "diff", "no-such-branch")
    assert result.returncode == 1
    assert result.stdout == ""
    assert (
        result.stderr == "diff: error: unknown revision 'no-such-branch': name a commit, branch or tag, such as HEAD, main or origin/main\n"
    )
    # An option-like revision is a revision name, never an option to git.
    assert cli(root, "diff", "--", "--output=stolen").returncode == 1
    assert not (root / "stolen").exists()
    plain = copy_tree(tmp_path / "plain")
    result = cli(plain, "diff")
    assert result.returncode == 1
    assert result.stderr == "diff: error: records is not inside a git repository: diff compares with a git revision\n"


def test_unreadable_file_is_left_out_and_named(tmp_path: Path) -> None:
    root = committed_tree(tmp_path)
    (root / "records/actors/southland.json").write_text("{ not json\n", encoding="utf-8")
    result = cli(root, "diff")
    assert result.returncode == 1
    assert result.stdout == ""  # neither "removed" nor "no changes"
    assert result.stderr == "diff: records/actors/southland.json: cannot be read, left out: run `python build.py check`\n"


def test_record_text_is_made_terminal_safe(tmp_path: Path) -> None:
    """Whatever the strict parser lets through into a value (line breaks, tabs, line separators) or
    a file name holds (escape sequences, bell, direction marks), the terminal gets as visible escapes."""
    root = committed_tree(tmp_path)
    hostile = "Talks\r\n\u2028x\ty"
    edit(root, "meetings/example-city-talks.json", lambda data: data.update(title=hostile))
    topic = read(root, "topics/border-zone.json")
    write(root, "topics/border-zone.json", topic)
    (root / "records/topics/evil\x1b]0;owned\x07\u202e.json").write_text('{"id": "x"}', encoding="utf-8")
    result = cli(root, "diff")
    assert result.stdout.splitlines() == [
        "meeting example-city-talks: title Northland–Southland talks in Example City → Talks\\u000d\\u000a\\u2028x\\u0009y",
        "added topic evil\\u001b]0;owned\\u0007\\u202e",
    ]
    assert all(ch == "\n" or (ch >= " " and not "\x7f" <= ch <= "\x9f") for ch in result.stdout)


def test_diff_trees_on_plain_values() -> None:
    """The function other stages reuse, on trees built in memory."""
    meeting = {"id": "jeddah-example", "title": "Example", "start": {"date": "2030-03"}, "participants": ["a"]}
    later = {**meeting, "start": {"date": "2030-03-11", "inferred": True, "reasoning": "From 'on Tuesday'."}}
    changes = diff_trees({("meetings", "jeddah-example"): meeting}, {("meetings", "jeddah-example"): later})
    assert [change.text() for change in changes] == [
        "meeting jeddah-example: start 2030-03 → 2030-03-11",
        "meeting jeddah-example: start.inferred: added true",
        "meeting jeddah-example: start.reasoning: added From 'on Tuesday'.",
    ]
    assert changes == sorted(changes)
    assert all(isinstance(change, Change) for change in changes)
    assert diff_trees({}, {}) == []


def _demand(*occasions: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"id": "withdraw-example", "title": "Withdraw", "kind": "demand", "summary": "S.", "occasions": list(occasions), **fields}


RAISED = {"id": "2030-05-raised", "date": {"date": "2030-05"}, "by": ["north"], "of": ["south"], "act": "raised"}
TALKS = {"id": "harbour-talks", "by": ["north"], "at": "harbour-talks", "act": "discussed"}
REJECTED = {"id": "2030-06-rejected", "date": {"date": "2030-06"}, "by": ["south"], "in": "south-reply", "act": "rejected"}


def test_occasions_are_compared_by_id_not_by_position() -> None:
    key = ("demands", "withdraw-example")
    base = _demand(RAISED, TALKS, REJECTED)
    # The talks move to the end, and their act changes; the rejection, now second, is unchanged.
    head = _demand(RAISED, REJECTED, {**TALKS, "act": "restated", "note": "Restated at the talks."})
    assert [change.text() for change in diff_trees({key: base}, {key: head})] == [
        "demand withdraw-example: occasion harbour-talks: act discussed → restated",
        "demand withdraw-example: occasion harbour-talks: note: added Restated at the talks.",
        "demand withdraw-example: occasions: reordered",
    ]
    removed = diff_trees({key: base}, {key: _demand(RAISED, TALKS)})
    assert [change.text() for change in removed] == [
        "demand withdraw-example: occasion 2030-06-rejected removed (rejected by south in document south-reply on 2030-06)"
    ]
    (change,) = removed
    assert (change.action, change.entry, change.field, change.old) == (
        "removed",
        "occasion 2030-06-rejected",
        "",
        "rejected by south in document south-reply on 2030-06",
    )
    renamed = diff_trees({key: base}, {key: _demand({**RAISED, "id": "2030-05-first"}, TALKS, REJECTED)})
    assert [change.text() for change in renamed] == [
        "demand withdraw-example: occasion 2030-05-raised removed (raised by north of south on 2030-05)",
        "demand withdraw-example: occasion 2030-05-first added (raised by north of south on 2030-05)",
    ]


def test_a_record_of_schema_1_against_schema_2_says_what_moved() -> None:
    """Against a revision before the occasions model: old fields removed, occasions added, no crash."""
    key = ("demands", "withdraw-example")
    old = {
        "id": "withdraw-example",
        "title": "Withdraw",
        "kind": "demand",
        "made_by": ["north"],
        "summary": "S.",
        "first_raised": {"date": "2030-05"},
        "raised_at": [{"meeting": "harbour-talks", "citations": [{"source": "wire", "quote": "Q."}]}],
        "status_history": [{"date": {"date": "2030-05"}, "status": "raised"}],
    }
    assert [change.text() for change in diff_trees({key: old}, {key: _demand(RAISED, TALKS)})] == [
        "demand withdraw-example: occasion 2030-05-raised added (raised by north of south on 2030-05)",
        "demand withdraw-example: occasion harbour-talks added (discussed by north at meeting harbour-talks)",
        "demand withdraw-example: first_raised: removed 2030-05",
        "demand withdraw-example: made_by: removed north",
        "demand withdraw-example: raised_at: removed harbour-talks",
        "demand withdraw-example: status_history: removed 2030-05",
    ]


def test_two_citations_of_one_source_are_told_apart_by_their_quotes() -> None:
    """Citations are known by their source; where two share one, each line names its quote."""
    key = ("demands", "withdraw-example")
    first = {"source": "north-news", "quote": "North wants the army withdrawn.", "supports": ["title"]}
    second = {"source": "north-news", "quote": "South said no to the withdrawal.", "supports": ["summary"]}
    base = _demand(RAISED, citations=[first, second])
    head = _demand(RAISED, citations=[first])
    assert [change.text() for change in diff_trees({key: base}, {key: head})] == [
        "demand withdraw-example: citations: removed north-news “South said no to the withdrawal.”"
    ]
    alone = diff_trees({key: _demand(RAISED, citations=[second])}, {key: _demand(RAISED)})
    assert [change.text() for change in alone] == ["demand withdraw-example: citations: removed north-news"]
    supports = diff_trees({key: base}, {key: _demand(RAISED, citations=[first, {**second, "supports": ["title"]}])})
    assert [change.text() for change in supports] == [
        "demand withdraw-example: citations[north-news “South said no to the withdrawal.”].supports: removed summary",
        "demand withdraw-example: citations[north-news “South said no to the withdrawal.”].supports: added title",
    ]
