"""The README's promises: its counts are the real counts, and its commands exist."""

from __future__ import annotations

import re

from peacetalks.collections import COLLECTIONS
from peacetalks.load import load

from .conftest import RECORDS, REPO, run_build


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_counts_match_the_records() -> None:
    match = re.search(r"<!-- counts -->(.*?)<!-- /counts -->", _readme(), re.S)
    assert match, "README lost its counts line"
    stated = {name: int(count) for count, name in re.findall(r"(\d+) ([a-z]+)", match.group(1))}
    dataset, problems = load(RECORDS)
    assert not problems
    actual = {COLLECTIONS[name].singular if count == 1 else name: count for name, count in dataset.counts().items()}
    assert stated.pop("records") == sum(dataset.counts().values())
    assert stated == actual


def test_readme_names_the_make_targets_that_exist() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z]+):", makefile, re.M))
    for target in re.findall(r"`make ([a-z]+)`", _readme()):
        assert target in targets, f"README mentions `make {target}`, which the Makefile lacks"
    assert {"site", "test", "setup", "check", "serve"} <= targets


def test_readme_commands_are_the_cli_commands() -> None:
    help_text = run_build("--help").stdout
    for command in set(re.findall(r"`python build\.py ([a-z]+)", _readme())):
        assert re.search(rf"^\s+{command}\s", help_text, re.M), f"README mentions build.py {command}, which --help lacks"
