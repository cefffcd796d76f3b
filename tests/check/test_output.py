"""What the check prints is safe: GitHub workflow commands cannot be injected, and a terminal
never receives raw control, bidi or line-breaking characters from record text or file names."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from peacetalks.problems import Problem, printable
from tests.conftest import run_build

from .test_corpus import BASE, ENV

# Text built to break out of a workflow command: a new command, percent-encoded line breaks
# (which GitHub would decode), real line breaks, and the property separators.
HOSTILE = "x::error::injected%0A::error file=evil.py,line=1::injected\n::warning::second\r::error::third,col=9:end"
UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _tree(tmp_path: Path) -> Path:
    records = tmp_path / "records"
    shutil.copytree(BASE, records)
    return records


def _add_unknown_field(records: Path, name: str) -> None:
    """An otherwise valid actor with one unknown key, which the message names."""
    path = records / "actors" / "alphaland.json"
    data = json.loads(path.read_text("utf-8"))
    data[name] = 1
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _unescape(text: str, *, property_value: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if property_value else [])
    for code, char in pairs:
        text = text.replace(code, char)
    return text.replace("%25", "%")


def _parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command the way the runner does: `::name k=v,k=v::data`."""
    assert line.startswith("::"), line
    head, separator, data = line[2:].partition("::")
    assert separator, line
    name, _, props = head.partition(" ")
    properties = dict(item.split("=", 1) for item in props.split(",")) if props else {}
    return name, {k: _unescape(v, property_value=True) for k, v in properties.items()}, _unescape(data, property_value=False)


def test_annotations_cannot_inject_commands(tmp_path: Path) -> None:
    records = _tree(tmp_path)
    _add_unknown_field(records, HOSTILE)
    stray = records / "topics" / "notes,line=99:col=1::error::x%0A.md"
    stray.write_text("stray\n", encoding="utf-8")
    result = run_build("check", "--records", str(records), cwd=tmp_path, env={**ENV, "GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    errors = result.stderr.splitlines()[:-1]
    commands = result.stdout.splitlines()
    assert len(commands) == len(errors) == 2
    for line, error in zip(commands, errors, strict=True):
        name, properties, data = _parse_command(line)
        assert name == "error"
        assert set(properties) == {"file", "line", "col", "title"}
        location, _, message = error.partition(": error: ")
        path, line_no, col = location.rsplit(":", 2)
        assert (properties["file"], properties["line"], properties["col"]) == (path, line_no, col)
        assert data == message
    assert "::error::" in result.stdout  # the hostile text is there, but only inside the data
    assert not any(line.startswith("::warning") for line in commands)


def test_annotations_escape_percent_and_line_breaks() -> None:
    problem = Problem("records/a,b:c%.json", 3, 4, "/x", "100% sure\r\nnext::error::y")
    line = problem.github_annotation()
    assert line == (
        "::error file=records/a%2Cb%3Ac%25.json,line=3,col=4,title=peacetalks check::/x: 100%25 sure\\u000d\\u000anext::error::y"
    )
    assert "\n" not in line and "\r" not in line


def test_no_annotations_outside_github_actions(tmp_path: Path) -> None:
    records = _tree(tmp_path)
    path = records / "actors" / "alphaland.json"
    path.write_text(path.read_text("utf-8").replace('"name":', '"nmae":'), encoding="utf-8")
    result = run_build("check", "--records", str(records), cwd=tmp_path, env=ENV)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "unknown field 'nmae' (did you mean 'name'?)" in result.stderr


def test_terminal_output_escapes_control_and_bidi_characters(tmp_path: Path) -> None:
    records = _tree(tmp_path)
    # A key with a line separator and a right-to-left mark: the parser refuses the mark, and the
    # message names the key, both characters escaped.
    _add_unknown_field(records, "kind\u2028\u200f")
    # File and directory names are not parsed: ANSI escapes, C1 controls, bidi, tabs and newlines.
    (records / "actors" / "\x1b[2J\x1b[31mred.txt").write_text("x", encoding="utf-8")
    (records / "actors" / "evil\u202etxt.json").write_text("{", encoding="utf-8")
    (records / "topics" / "tab\there\nnewline\x9b31m.json").write_text("[]", encoding="utf-8")
    (records / "\x1b]0;title\x07").mkdir()
    result = run_build("check", "--records", str(records), cwd=tmp_path, env={**ENV, "GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert not UNSAFE_CHARS.search(output.replace("\n", "")), ascii(output)
    lines = result.stderr.splitlines()
    assert len(lines) == 6 and len(result.stdout.splitlines()) == 5
    assert lines[-1] == "check failed: 5 errors in 5 files"
    assert all(": error: " in line for line in lines[:-1])
    assert "records/\\u001b]0;title\\u0007:1:1: error: unknown collection directory" in result.stderr
    assert "records/actors/\\u001b[2J\\u001b[31mred.txt:1:1: error: not a record" in result.stderr
    assert "records/actors/evil\\u202etxt.json:1:2: error: the file ends before the JSON is complete" in result.stderr
    assert "records/topics/tab\\u0009here\\u000anewline\\u009b31m.json:1:1: error: a record is a JSON object" in result.stderr
    assert "records/actors/alphaland.json:12:3: error: /kind\\u2028\\u200f: Unicode bidirectional mark U+200F" in result.stderr


def test_undecodable_file_name_does_not_crash(tmp_path: Path) -> None:
    records = _tree(tmp_path)
    name = os.fsencode(records / "actors") + b"/bad\xff\xfename.json"
    with open(name, "wb") as handle:
        handle.write(b"{}")
    result = run_build("check", "--records", str(records), cwd=tmp_path, env=ENV)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "records/actors/bad\\udcff\\udcfename.json:1:1: error: missing required field '$schema'" in result.stderr


def test_printable_keeps_ordinary_text() -> None:
    text = "Київ – «quoted» 北京 emoji 😀 and Arabic \u0627\u0644"
    assert printable(text) == text
    assert printable("a\tb\nc\x1b[0m\u202e") == "a\\u0009b\\u000ac\\u001b[0m\\u202e"
