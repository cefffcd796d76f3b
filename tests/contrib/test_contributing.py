"""CONTRIBUTING.md works as written: its walk-through, replayed step by step, gives the outputs
it shows, and every command, make target and file it names exists."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import REPO, run_build

from .helpers import ENV, FIXTURE

GUIDE = (REPO / "CONTRIBUTING.md").read_text("utf-8")
PRACTICE = "/tmp/practice"
BLOCK = re.compile(r"<!-- walkthrough: (?P<step>[^>]*?) -->\n```(?:text|json)\n(?P<body>.*?)```\n", re.DOTALL)


def _steps() -> dict[str, str]:
    return {match["step"]: match["body"] for match in BLOCK.finditer(GUIDE)}


def test_walkthrough_replays_exactly(tmp_path: Path) -> None:
    steps = _steps()
    assert set(steps) == {
        "new",
        "check-1",
        "check-2",
        "file meetings/harbour-town-talks.json",
        "occasion",
        "occasion demands/withdraw-from-border-zone.json",
        "check-final",
    }
    practice = tmp_path / "practice"
    shutil.copytree(FIXTURE, practice)

    def run(*args: str) -> str:
        result = run_build(*args, "--records", str(practice), cwd=REPO, env=ENV)
        assert "Traceback" not in result.stderr
        return (result.stdout + result.stderr).replace(str(practice), PRACTICE)

    assert f"cp -r tests/contrib/fixtures/records {PRACTICE}" in GUIDE
    # The source text the guide quotes is the practice tree's.
    stored = (practice / "sources/sample-wire-follow-up.txt").read_text("utf-8")
    for line in re.findall(r"^> (.+)$", GUIDE.split("### The meeting: create the skeleton")[0], re.MULTILINE):
        assert line in stored, line
    assert run("new", "meetings", "harbour-town-talks") == steps["new"]
    assert run("check") == steps["check-1"]
    meeting = practice / "meetings/harbour-town-talks.json"
    data = json.loads(meeting.read_text("utf-8"))
    data.update(kind="in-person", status="held", start={"date": "2030-06-12"})  # the three values the guide names
    for quoted in ('"status": "held"', '"kind": "in-person"', '"date": "2030-06-12"'):
        assert quoted in GUIDE
    meeting.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run("check") == steps["check-2"]
    meeting.write_text(steps["file meetings/harbour-town-talks.json"], encoding="utf-8")
    assert "demands" not in json.loads(meeting.read_text("utf-8"))  # a meeting lists no demands

    demand = practice / "demands/withdraw-from-border-zone.json"
    before = json.loads(demand.read_text("utf-8"))
    command = "python build.py new occasion withdraw-from-border-zone --at harbour-town-talks --source sample-wire-follow-up"
    assert f"{command} --records {PRACTICE}" in GUIDE
    assert run(*command.split()[2:]) == steps["occasion"]
    record = json.loads(demand.read_text("utf-8"))
    skeleton = record["occasions"][-1]
    filled = json.loads(steps["occasion demands/withdraw-from-border-zone.json"])
    # Filling in means replacing the placeholders the command listed (and adding `supports`), nothing else.
    listed = {line.split()[0] for line in steps["occasion"].splitlines() if line.startswith("  /")}
    assert listed == {"/occasions/2/by/0", "/occasions/2/act", "/occasions/2/citations/0/quote"}
    assert _without(filled, ["by", "act", "citations"]) == _without(skeleton, ["by", "act", "citations"])
    assert (filled["by"], filled["act"]) == (["northland"], "restated") and skeleton["act"] == "TODO"
    assert _without(filled["citations"][0], ["quote", "supports"]) == _without(skeleton["citations"][0], ["quote", "supports"])
    assert filled["citations"][0]["quote"] in stored
    record["occasions"][-1] = filled
    demand.write_text(json.dumps(record, indent=4, ensure_ascii=False), encoding="utf-8")  # as an editor might leave it
    assert run("fmt") == f"{PRACTICE}/demands/withdraw-from-border-zone.json: reformatted\n"
    assert run("check") == steps["check-final"]
    # One occasion entry more, and nothing else about the demand changed.
    after = json.loads(demand.read_text("utf-8"))
    assert after["occasions"] == [*before["occasions"], filled]
    assert _without(after, ["occasions"]) == _without(before, ["occasions"])


def _without(data: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in keys}


def test_named_commands_targets_and_files_exist() -> None:
    subcommands = set(re.findall(r"python build\.py (\w+)", GUIDE))
    help_text = run_build("--help", env=ENV).stdout
    for name in subcommands:
        assert re.search(rf"^\s+{name}\s", help_text, re.MULTILINE), name
    makefile = (REPO / "Makefile").read_text("utf-8")
    targets = set(re.findall(r"(?:^|`)make ([a-z]+)", GUIDE, re.MULTILINE))
    assert {"setup", "check", "serve", "site", "test"} <= targets
    for target in targets:
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    for link in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", GUIDE):
        assert (REPO / link).exists(), link
    for collection, record_id in re.findall(r"`(demands|meetings|actors|sources|topics|documents)/([a-z0-9-]+)`", GUIDE):
        assert (REPO / "records" / collection / f"{record_id}.json").exists(), record_id


def test_real_ids_named_in_the_guide_exist() -> None:
    """The guide uses real ids from records/ or the invented practice ids, nothing in between."""
    invented = {p.stem for p in FIXTURE.glob("*/*.json")} | {"harbour-town-talks"}
    real = {p.stem for p in (REPO / "records").glob("*/*.json")}
    named = set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", GUIDE))
    named = {name for name in named if not re.fullmatch(r"[0-9]{4}(-[0-9]{2})*", name)}  # dates
    generic = {"in-person", "old-id", "meeting-2", "pre-commit", "2025-06-istanbul"}
    assert named - invented - real - generic == set()
    assert {"ukraine-not-in-nato", "istanbul-talks-2022", "vladimir-putin", "reuters-russia-list-of-demands-2025-03"} <= real & named
