"""The occasions model in the data files: the occasions table, the status-changing join,
stable citation ids, and the widening rule for approximate and uncertain dates."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from peacetalks.export.dates import WIDENING, span_cells
from peacetalks.export.dictionary import markdown
from peacetalks.export.text import restore
from tests.conftest import RECORDS

from .conftest import HOSTILE, descriptor, export, read_csv
from .test_roundtrip import act_annotations


def csv_rows(out: Path, name: str) -> list[dict[str, str]]:
    with (out / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def resource(out: Path, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in descriptor(out)["resources"] if r["name"] == name)
    return found


def test_the_occasions_table_holds_every_occasion_with_its_effective_date(hostile_export: Path) -> None:
    got = [
        (
            r["demand_id"],
            r["occasion_id"],
            r["position"],
            r["date"],
            r["date_from"],
            r["meeting_id"],
            r["document_id"],
            r["act"],
            r["sets_status"],
        )
        for r in csv_rows(hostile_export, "occasions")
    ]
    assert got == [
        ("evil-demand", "2024-05-summit", "0", "2024-05-01~/2024-05-06", "occasion", "evil-summit", "", "raised", "open"),
        ("evil-demand", "in-the-document", "1", "2024-05~", "document", "", "evil-doc", "narrowed", "open"),
        ("evil-demand", "rejection", "2", "2024-05-06", "occasion", "evil-series", "", "rejected", "rejected"),
        ("evil-demand", "later-mention", "3", "2024-05-07~", "occasion", "", "", "mentioned", ""),
        ("other-demand", "first", "0", "2024", "occasion", "", "", "raised", "open"),
        ("other-demand", "at-the-summit", "1", "2024-05-01/2024-05-03", "meeting", "evil-summit", "", "discussed", "under-discussion"),
    ]
    rows = {(r["demand_id"], r["occasion_id"]): r for r in csv_rows(hostile_export, "occasions")}
    summit = rows[("other-demand", "at-the-summit")]
    assert (summit["date_first"], summit["date_last"], summit["date_inferred"]) == ("2024-05-01", "2024-05-03", "TRUE")
    evil = rows[("evil-demand", "2024-05-summit")]
    assert evil["wording"] == '\'=1+1, as worded at the summit, "quoted", with commas'
    assert evil["note"] == "'+raised at the summit", "Markdown reduced to text, then made spreadsheet-safe"
    actors = [(r["occasion_id"], r["role"], r["actor_id"], r["position"]) for r in csv_rows(hostile_export, "occasion_actors")]
    assert actors[:3] == [
        ("2024-05-summit", "by", "party-x", "0"),
        ("2024-05-summit", "of", "party-y", "0"),
        ("2024-05-summit", "of", "party-x", "1"),
    ]
    demands = {r["id"]: r for r in csv_rows(hostile_export, "demands")}
    assert (demands["evil-demand"]["current_status"], demands["evil-demand"]["status_occasion_id"]) == ("rejected", "rejection")
    assert (demands["evil-demand"]["first_raised_occasion_id"], demands["evil-demand"]["last_stated_occasion_id"]) == (
        "2024-05-summit",
        "in-the-document",
    ), "a rejection answers the demand; it does not state it"
    assert (demands["evil-demand"]["made_by"], demands["evil-demand"]["made_of"]) == ("party-x", "party-y;party-x")
    meetings = {r["id"]: r["demands"] for r in csv_rows(hostile_export, "meetings")}
    assert meetings == {"evil-series": "evil-demand", "evil-summit": "evil-demand;other-demand"}


def status_changes_at_meetings(records: Path) -> list[tuple[str, str, str, str, str]]:
    """(demand, occasion, meeting, meeting title, status set), read from the record files and the schema by hand."""
    _, standing = act_annotations()
    titles = {p.stem: json.loads(p.read_text("utf-8"))["title"] for p in (records / "meetings").glob("*.json")}
    found = []
    for path in sorted((records / "demands").glob("*.json")):
        for occasion in json.loads(path.read_text("utf-8"))["occasions"]:
            status = standing[occasion["act"]]
            if status is not None and "at" in occasion:
                found.append((path.stem, occasion["id"], occasion["at"], titles[occasion["at"]], status))
    return found


CHANGES_SQL = """
SELECT o.demand_id, o.occasion_id, m.id, m.title, o.sets_status
FROM occasions AS o JOIN meetings AS m ON m.id = o.meeting_id
WHERE o.sets_status IS NOT NULL
ORDER BY o.demand_id, o.position
"""


def test_which_meeting_changed_a_demands_status_is_one_join(exported: tuple[Path, Path]) -> None:
    records, out = exported
    expected = status_changes_at_meetings(records)
    assert expected, "the records have status changes at meetings"
    with sqlite3.connect(f"file:{out / 'peacetalks.sqlite'}?mode=ro", uri=True) as connection:
        assert connection.execute(CHANGES_SQL).fetchall() == expected
        current = connection.execute(
            "SELECT d.id, o.meeting_id, d.current_status FROM demands AS d "
            "JOIN occasions AS o ON o.demand_id = d.id AND o.occasion_id = d.status_occasion_id "
            "WHERE o.meeting_id IS NOT NULL ORDER BY d.id"
        ).fetchall()
    occasions = read_csv(out, resource(out, "occasions"))
    meetings = read_csv(out, resource(out, "meetings"))
    joined = occasions[occasions["sets_status"].notna()].merge(meetings, left_on="meeting_id", right_on="id", suffixes=("", "_meeting"))
    got = [
        (r.demand_id, r.occasion_id, r.id, restore(r.title), r.sets_status)
        for r in joined.sort_values(["demand_id", "position"]).itertuples()
    ]
    assert got == expected
    latest: dict[str, tuple[str, str]] = {}
    _, standing = act_annotations()
    for path in sorted((records / "demands").glob("*.json")):
        for occasion in json.loads(path.read_text("utf-8"))["occasions"]:
            if standing[occasion["act"]] is not None:
                latest[path.stem] = (occasion.get("at", ""), str(standing[occasion["act"]]))
    assert current == [(d, at, status) for d, (at, status) in sorted(latest.items()) if at]


def _reverse_citations(value: Any) -> int:
    """Reverse every citation list in a record, in place; how many lists changed."""
    changed = 0
    if isinstance(value, dict):
        cites = value.get("citations")
        if isinstance(cites, list) and len(cites) > 1:
            cites.reverse()
            changed += 1
        changed += sum(_reverse_citations(v) for k, v in value.items() if k != "citations")
    elif isinstance(value, list):
        changed += sum(_reverse_citations(v) for v in value)
    return changed


def _citations(out: Path) -> dict[tuple[str, str, str], dict[str, str]]:
    rows = csv_rows(out, "citations")
    keyed = {(r["collection"], r["record_id"], r["citation_id"]): r for r in rows}
    assert len(keyed) == len(rows), "the key is unique"
    assert all(re.fullmatch(r"c[0-9a-f]{10}", r["citation_id"]) for r in rows)
    return keyed


@pytest.mark.parametrize("which", ["real", "hostile"])
def test_citation_ids_stay_the_same_when_citations_are_reordered(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    source = RECORDS if which == "real" else HOSTILE
    before = _citations(request.getfixturevalue(f"{which}_export"))
    records = shutil.copytree(source, tmp_path / "records")
    changed = 0
    for path in sorted(records.glob("*/*.json")):
        data = json.loads(path.read_text("utf-8"))
        lists = _reverse_citations(data)
        if lists:
            changed += lists
            path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert changed >= 2, "some lists hold several citations"
    after = _citations(export(records, tmp_path / "out"))
    assert sorted(after) == sorted(before)
    moved = 0
    for key, row in before.items():
        other = after[key]
        assert {k: v for k, v in other.items() if k != "position"} == {k: v for k, v in row.items() if k != "position"}, key
        moved += other["position"] != row["position"]
    assert moved >= 2, "the positions did change"


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2005~", "2004-01-01", "2006-12-31"),
        ("2005", "2005-01-01", "2005-12-31"),
        ("2025-03?", "2025-02-01", "2025-04-30"),
        ("2025-03", "2025-03-01", "2025-03-31"),
        ("2025-01~", "2024-12-01", "2025-02-28"),
        ("2024-12?", "2024-11-01", "2025-01-31"),
        ("2024-03~", "2024-02-01", "2024-04-30"),
        ("2025-03-11~", "2025-03-10", "2025-03-12"),
        ("2024-12-31?", "2024-12-30", "2025-01-01"),
        ("2022~/2025-03", "2021-01-01", "2025-03-31"),
        ("2021-11~/2022-02~", "2021-10-01", "2022-03-31"),
        ("2005~/2025-03-13", "2004-01-01", "2025-03-13"),
        ("2024-05-01/2024-05-03?", "2024-05-01", "2024-05-04"),
        ("2024-05-01?/2024-05-03", "2024-04-30", "2024-05-03"),
        ("0001~", "0001-01-01", "0002-12-31"),
        ("9999-12?", "9999-11-01", "9999-12-31"),
    ],
)
def test_approximate_and_uncertain_ends_widen_by_one_unit_of_their_precision(text: str, first: str, last: str) -> None:
    assert span_cells(text)[:2] == (first, last)


def test_the_widening_rule_is_documented_with_examples_that_hold() -> None:
    examples = re.findall(r"`([^`]+)` gives (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})", WIDENING)
    assert len(examples) >= 4
    for text, first, last in examples:
        assert span_cells(text)[:2] == (first, last), text
    page = " ".join(markdown().split())
    assert " ".join(WIDENING.split()) in page


def test_every_end_gets_its_precision_and_flags(hostile_export: Path, real_export: Path) -> None:
    roles = {r["title"]: r for r in csv_rows(hostile_export, "actor_roles")}
    role = roles["'=Formula-led role"]
    assert (role["start"], role["start_first"], role["start_last"]) == ("2005~", "2004-01-01", "2006-12-31")
    assert (role["end"], role["end_first"], role["end_last"]) == ("2025-03?", "2025-02-01", "2025-04-30")
    assert (role["start_start_approximate"], role["start_start_uncertain"], role["end_end_uncertain"]) == ("TRUE", "FALSE", "TRUE")
    demands = pd.read_csv(real_export / "demands.csv", dtype=str, keep_default_na=False).set_index("id")
    row = demands.loc["no-foreign-troops-in-ukraine"]
    assert (row["first_raised"], row["first_raised_first"], row["first_raised_last"]) == ("2005~/2025-03-13", "2004-01-01", "2025-03-13")
    assert (row["first_raised_start_precision"], row["first_raised_end_precision"]) == ("year", "day")
    assert (row["first_raised_start_approximate"], row["first_raised_end_approximate"]) == ("TRUE", "FALSE")
    names = [f["name"] for f in resource(real_export, "demands")["schema"]["fields"]]
    for date in ("first_raised", "last_stated"):
        assert [n for n in names if n.startswith(f"{date}_") and not n.endswith("occasion_id")] == [
            f"{date}_{part}"
            for part in (
                "first", "last", "start_precision", "end_precision", "start_approximate", "start_uncertain",
                "end_approximate", "end_uncertain", "inferred", "reasoning",
            )
        ]  # fmt: skip
