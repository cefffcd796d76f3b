"""CONTRIBUTING.md's walk-through "a second source from a saved page", replayed step by step
on a fresh practice tree: every command as written, every output as shown, and a clean check
with the new source and its three verified quotes at the end."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

from tests.conftest import REPO

from .helpers import PRACTICE, build

GUIDE = (REPO / "CONTRIBUTING.md").read_text("utf-8")
SHOWN = "/tmp/practice"  # the practice tree's path as the guide shows it
STEP = re.compile(r"<!-- source-walkthrough: (?P<step>[^>]*?) -->\n```(?:text|json|sh)\n(?P<body>.*?)```\n", re.DOTALL)


def steps() -> list[tuple[str, str]]:
    return [(match["step"], match["body"]) for match in STEP.finditer(GUIDE)]


def replay(tmp_path: Path) -> dict[str, str]:
    """Run the guide's steps on a copy of the practice tree; the outputs, keyed by step."""
    practice = tmp_path / "practice"
    shutil.copytree(PRACTICE, practice)
    outputs: dict[str, str] = {}

    def run(args: list[str]) -> str:
        assert args[:2] == ["python", "build.py"]
        args = [str(practice) if arg == SHOWN else arg for arg in args[2:]]
        result = build(*args) if "--records" in args else build(*args, "--records", str(practice))
        return (result.stdout + result.stderr).replace(str(practice), SHOWN)

    for step, body in steps():
        kind, _, rest = step.partition(" ")
        if kind == "command":
            outputs[rest] = run(shlex.split(body))
        elif kind == "check-1" or kind == "check-final":
            outputs[kind] = run(["python", "build.py", "check"])
        elif kind == "fill":
            path = practice / rest
            data = json.loads(path.read_text("utf-8"))
            data.update(json.loads(body))
            path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        elif kind == "cite":
            name, pointer = rest.split(" ")
            path = practice / name
            data = json.loads(path.read_text("utf-8"))
            target = data
            for token in pointer.strip("/").split("/"):
                target = target[int(token)] if isinstance(target, list) else target[token]
            target.append(json.loads(body))
            path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    outputs["fmt"] = run(["python", "build.py", "fmt", "--check"])
    return outputs


def test_walkthrough_replays_exactly(tmp_path: Path) -> None:
    names = [step for step, _ in steps()]
    assert names == [
        "command add",
        "add",
        "check-1",
        "fill sources/coastal-herald-2030-06.json",
        "cite actors/northland.json /citations",
        "cite actors/southland.json /citations",
        "cite demands/withdraw-from-border-zone.json /occasions/1/citations",
        "check-final",
        "command verify",
        "verify",
    ]
    assert f"cp -r tests/contrib/fixtures/records {SHOWN}" in GUIDE
    outputs = replay(tmp_path)
    shown = dict(steps())
    for step in ("add", "check-1", "check-final", "verify"):
        assert outputs[step] == shown[step], step
    assert outputs["check-final"].startswith("ok: 8 records")
    assert outputs["verify"].endswith("ok: 3 quotes of 3 records verified against tests/sources/fixtures/coastal-herald.html\n")
    assert outputs["fmt"].startswith("fmt: all 8 records in canonical form")
    # Nothing typed by hand but the notes and the pasted citations: every quote is one the command printed.
    for step, body in steps():
        if step.startswith("cite "):
            assert f'"quote": {json.dumps(json.loads(body)["quote"], ensure_ascii=False)}' in outputs["add"]
