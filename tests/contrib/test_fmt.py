"""`build.py fmt [--check]`: one canonical form for every record, and the check insists on it."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from .helpers import cli, copy_tree, error_lines, read

MEETING = "records/meetings/example-city-talks.json"


def _scramble(root: Path) -> bytes:
    """Rewrite the meeting the way an editor might: 4-space indent, keys reversed, NFD text,
    CRLF line ends and no final newline. Returns the bytes written."""
    data = read(root, "meetings/example-city-talks.json")
    data["place"] = {"text": unicodedata.normalize("NFD", "Example City, Café district")}
    scrambled = dict(reversed(list(data.items())))
    raw = json.dumps(scrambled, indent=4, ensure_ascii=True).replace("\n", "\r\n").encode("utf-8")
    (root / MEETING).write_bytes(raw)
    return raw


def test_clean_tree_is_canonical(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    result = cli(root, "fmt", "--check")
    assert (result.returncode, result.stdout, result.stderr) == (0, "fmt: all 7 records in canonical form\n", "")


def test_check_lists_a_non_canonical_file_and_leaves_it_alone(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    raw = _scramble(root)
    result = cli(root, "fmt", "--check")
    assert result.returncode == 1
    assert result.stdout == f"{MEETING}: not in canonical form\n"
    assert result.stderr == "fmt: 1 file not in canonical form: run `python build.py fmt` to rewrite\n"
    assert (root / MEETING).read_bytes() == raw
    # The record check says the same, at the file's first line.
    check = cli(root, "check")
    assert check.returncode == 1
    assert error_lines(check.stderr) == [f"{MEETING}:1:1: error: not in canonical form: run `python build.py fmt` to rewrite it"]


def test_fmt_rewrites_into_canonical_form_without_changing_the_data(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    expected = (root / MEETING).read_text("utf-8")
    _scramble(root)
    result = cli(root, "fmt")
    assert (result.returncode, result.stdout) == (0, f"{MEETING}: reformatted\n")
    text = (root / MEETING).read_bytes().decode("utf-8")
    assert "\r" not in text and text.endswith("}\n") and '\n  "id"' in text
    assert list(json.loads(text)) == list(json.loads(expected))  # keys back in schema order
    assert json.loads(text)["place"]["text"] == unicodedata.normalize("NFC", "Example City, Café district")
    assert "Café" in text  # written as UTF-8, not as \u escapes
    # Idempotent, and the check is clean again.
    again = cli(root, "fmt")
    assert (again.returncode, again.stdout) == (0, "fmt: all 7 records in canonical form\n")
    assert cli(root, "check").returncode == 0


def test_fmt_reports_a_file_it_cannot_parse_and_formats_the_rest(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    _scramble(root)
    broken = root / "records/actors/southland.json"
    broken.write_text('{\n  "id": "southland",\n  "name": "Southland",\n}\n', encoding="utf-8")
    result = cli(root, "fmt")
    assert result.returncode == 1
    assert result.stdout == f"{MEETING}: reformatted\n"
    assert result.stderr.splitlines() == [
        "records/actors/southland.json:3:22: error: trailing comma before '}': remove it (JSON allows no comma after the last item)",
        "fmt: 1 file could not be read: fix the errors above first",
    ]
    assert broken.read_text("utf-8").endswith(",\n}\n")  # left as it was


def test_fmt_ignores_problems_that_are_the_checks_business(tmp_path: Path) -> None:
    """A dangling reference is not a formatting problem: fmt formats and succeeds."""
    root = copy_tree(tmp_path)
    data = read(root, "meetings/example-city-talks.json")
    data["participants"] = ["nowhereland"]
    (root / MEETING).write_text(json.dumps(data), encoding="utf-8")
    result = cli(root, "fmt")
    assert (result.returncode, result.stdout) == (0, f"{MEETING}: reformatted\n")
    assert cli(root, "fmt", "--check").returncode == 0


def test_fmt_without_a_records_directory(tmp_path: Path) -> None:
    result = cli(tmp_path, "fmt", "--check")
    assert result.returncode == 1
    assert result.stderr == "fmt: error: records directory records not found\n"


def test_real_records_are_canonical() -> None:
    from tests.conftest import REPO, run_build

    result = run_build("fmt", "--check", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
