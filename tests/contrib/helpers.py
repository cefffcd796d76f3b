"""A working copy of the fictional fixture tree, and the real command line run inside it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peacetalks.canonical import canonical_text
from tests.conftest import run_build

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "records"
# A contributor's terminal: no GitHub Actions annotations unless a test asks for them.
ENV = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<rest>.*)$")


def copy_tree(root: Path) -> Path:
    """root/records: a fresh copy of the fixture tree (seven valid, invented records)."""
    shutil.copytree(FIXTURE, root / "records")
    return root


def cli(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python build.py ARGS` run in `root`, as a contributor in a clone would run it."""
    result = run_build(*args, cwd=root, env=env or ENV)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def read(root: Path, relative: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "records" / relative).read_text("utf-8"))
    return data


def write(root: Path, relative: str, data: dict[str, Any]) -> None:
    """Save a record in canonical form, as `build.py fmt` would."""
    path = root / "records" / relative
    path.parent.mkdir(exist_ok=True)  # the practice tree has no documents/ yet
    path.write_text(canonical_text(relative.split("/")[0], data), encoding="utf-8")


def edit(root: Path, relative: str, change: Callable[[dict[str, Any]], None]) -> None:
    data = read(root, relative)
    change(data)
    write(root, relative, data)


def position(root: Path, relative: str, needle: str, *, offset: int = 0, nth: int = 1) -> tuple[int, int]:
    """1-based line and column of the `nth` `needle` in a record file (plus `offset` characters)."""
    text = (root / "records" / relative).read_text("utf-8")
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def error_lines(stderr: str) -> list[str]:
    """The error lines of a failed check (without the closing summary), each checked for form."""
    lines = stderr.splitlines()
    assert lines and lines[-1].startswith("check failed: "), stderr
    for line in lines[:-1]:
        assert LINE.match(line), line
    return lines[:-1]
