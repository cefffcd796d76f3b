"""The README's promises: the make targets and commands it names exist. (No test compares the
README's hand-written text with the live records: `python build.py check` prints the counts.)"""

from __future__ import annotations

import re

from .conftest import REPO, run_build


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


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


def test_readme_command_table_options_are_the_cli_options() -> None:
    """Each row of "The command line" names options its command's --help has (`new occasion --at`, …)."""
    table = _readme().split("## The command line", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `python build\.py ([a-z]+)([^`]*)` \|", table, re.M)
    assert {"check", "build", "export", "new", "fmt", "diff", "synth"} <= {command for command, _ in rows}
    assert any(command == "new" and rest.startswith(" occasion DEMAND") for command, rest in rows)
    for command, rest in rows:
        action = re.match(r" ([a-z]+)\b", rest)  # `source add …`: the options are the action's
        nested = [action.group(1)] if action and run_build(command, action.group(1), "--help").returncode == 0 else []
        help_text = run_build(command, *nested, "--help").stdout
        for option in re.findall(r"--[a-z]+", rest):
            assert re.search(rf"^\s+{option}\b", help_text, re.M), f"README shows `build.py {command} {option}`, which its --help lacks"
