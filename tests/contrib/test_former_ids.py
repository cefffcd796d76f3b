"""Renaming keeps old addresses: a renamed record lists its old id in `former_ids`, and the check
refuses any record that would take an id someone still answers to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .helpers import cli, copy_tree, edit, error_lines, position, read, write


def _rename_meeting(root: Path, new_id: str, former: list[str]) -> None:
    data = read(root, "meetings/example-city-talks.json")
    (root / "records/meetings/example-city-talks.json").unlink()
    data.update(id=new_id, former_ids=former)
    write(root, f"meetings/{new_id}.json", data)

    def relink(demand: dict[str, Any]) -> None:
        demand["occasions"][0]["at"] = new_id

    edit(root, "demands/withdraw-from-border-zone.json", relink)


def test_a_renamed_record_with_its_former_id_passes(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    _rename_meeting(root, "example-city-round-one", ["example-city-talks"])
    result = cli(root, "check")
    assert result.returncode == 0, result.stderr


def test_a_new_record_cannot_take_a_former_id(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    _rename_meeting(root, "example-city-round-one", ["example-city-talks"])
    # Someone later adds a record under the old id, by hand.
    data = read(root, "meetings/example-city-round-one.json")
    data.update(id="example-city-talks")
    del data["former_ids"]
    write(root, "meetings/example-city-talks.json", data)
    line, col = position(root, "meetings/example-city-talks.json", '"example-city-talks"')
    old_line, old_col = position(root, "meetings/example-city-round-one.json", '"example-city-talks"')
    errors = error_lines(cli(root, "check").stderr)
    # Both ends are named: the renamed record's former id, and the record that took it.
    assert errors == [
        f"records/meetings/example-city-round-one.json:{old_line}:{old_col}: error: /former_ids/0: 'example-city-talks' is the id "
        "of another meeting: a former id must be free",
        f"records/meetings/example-city-talks.json:{line}:{col}: error: /id: id 'example-city-talks' is a former id of meeting "
        "'example-city-round-one': choose another id, so old links keep working",
    ]
    # And `new` refuses it before any file is written.
    (root / "records/meetings/example-city-talks.json").unlink()
    refused = cli(root, "new", "meetings", "example-city-talks")
    assert refused.returncode == 1
    assert "is a former id of meeting 'example-city-round-one'" in refused.stderr


def test_former_ids_that_cannot_be(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    edit(root, "actors/northland.json", lambda data: data.update(former_ids=["northland", "southland", "the-north"]))
    edit(root, "actors/southland.json", lambda data: data.update(former_ids=["the-north"]))
    north = "actors/northland.json"
    errors = error_lines(cli(root, "check").stderr)
    own = position(root, north, '"northland"', offset=0)
    text = (root / "records" / north).read_text("utf-8")
    first = text.index('"former_ids"')
    at = [text.index(f'"{name}"', first) for name in ("northland", "southland", "the-north")]
    lines = [(text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i)) for i in at]
    assert own != lines[0]  # the id field comes first; the former id is reported at its own place
    south_line, south_col = position(root, "actors/southland.json", '"the-north"')
    south_id = position(root, "actors/southland.json", '"southland"')
    assert errors == [
        f"records/actors/northland.json:{lines[0][0]}:{lines[0][1]}: error: /former_ids/0: a record's former id cannot be its current id",
        f"records/actors/northland.json:{lines[1][0]}:{lines[1][1]}: error: /former_ids/1: 'southland' is the id of another actor: a former id must be free",
        f"records/actors/southland.json:{south_id[0]}:{south_id[1]}: error: /id: id 'southland' is a former id of actor 'northland': "
        "choose another id, so old links keep working",
        f"records/actors/southland.json:{south_line}:{south_col}: error: /former_ids/0: 'the-north' is already a former id of 'northland'",
    ]


def test_former_ids_must_be_valid_ids(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    edit(root, "topics/border-zone.json", lambda data: data.update(former_ids=["Border Zone"]))
    line, col = position(root, "topics/border-zone.json", '"Border Zone"')
    errors = error_lines(cli(root, "check").stderr)
    assert errors == [
        f"records/topics/border-zone.json:{line}:{col}: error: /former_ids/0: 'Border Zone' is not a valid id: "
        "use lowercase letters, digits and single hyphens, as in 'no-nato-membership-for-ukraine'"
    ]
