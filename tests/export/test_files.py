"""The data files as their readers see them: frictionless, pandas, sqlite3, a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
from frictionless import validate

from peacetalks.export import DOWNLOADS, dataset_version
from peacetalks.export.version import CHANGELOG, releases
from peacetalks.load import load
from tests.conftest import RECORDS, run_build

from .conftest import HOSTILE, PANDAS_TYPES, descriptor, export, read_csv
from .test_roundtrip import act_annotations

FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")
BUILD_MARKER = ".peacetalks-build"  # the marker that lets the next export replace the directory (not a download)


def list_lengths(records: Path) -> dict[str, int]:
    """How many rows each link and child table must have, counted from the record files."""
    dataset, problems = load(records)
    assert not problems
    count: dict[str, int] = dict.fromkeys(
        [
            "demand_topics", "occasions", "occasion_actors", "demand_actors", "demand_related", "meeting_participants",
            "document_actors", "document_meetings", "actor_aliases", "actor_roles", "source_authors", "citations", "former_ids",
        ],
        0,
    )  # fmt: skip
    fields = {
        "demands": {"topics": "demand_topics", "occasions": "occasions", "related": "demand_related"},
        "meetings": {"participants": "meeting_participants"},
        "documents": {"authors": "document_actors", "recipients": "document_actors", "meetings": "document_meetings"},
        "actors": {"aliases": "actor_aliases", "roles": "actor_roles"},
        "sources": {"authors": "source_authors"},
    }  # fmt: skip
    role, _ = act_annotations()

    def citations(value: Any) -> int:
        if isinstance(value, dict):
            return len(value.get("citations", [])) + sum(citations(v) for k, v in value.items() if k != "citations")
        return sum(citations(v) for v in value) if isinstance(value, list) else 0

    for record in dataset.all():
        for name, table in fields.get(record.collection, {}).items():
            count[table] += len(record.data.get(name, []))
        occasions = record.data.get("occasions", [])
        count["occasion_actors"] += sum(len(o.get("by", [])) + len(o.get("of", [])) for o in occasions)
        for side in ("by", "of"):  # made_by, made_of: the distinct actors of the occasions that make the demand
            count["demand_actors"] += len({a for o in occasions if role[o["act"]] == "makes" for a in o.get(side, [])})
        count["citations"] += citations(record.data)
        count["former_ids"] += len(record.data.get("former_ids", []))
    return count | dataset.counts()


# The list a table's `position` counts in, where it is not the key without its last column.
POSITION_WITHIN = {"citations": ["collection", "record_id", "item_list", "item_position"], "occasions": ["demand_id"]}


def test_frictionless_validates_the_package_with_foreign_keys(exported: tuple[Path, Path]) -> None:
    _, out = exported
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == len(descriptor(out)["resources"])
    with_keys = [r for r in descriptor(out)["resources"] if r["schema"].get("foreignKeys")]
    assert len(with_keys) >= 15


def test_frictionless_catches_a_broken_foreign_key(hostile_export: Path, tmp_path: Path) -> None:
    """The validation above would notice: a link to an actor that does not exist fails it."""
    out = shutil.copytree(hostile_export, tmp_path / "data")
    package = descriptor(out)
    for resource in package["resources"]:
        resource.pop("hash")
        resource.pop("bytes")
    (out / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    assert validate(out / "datapackage.json").valid
    path = out / "meeting_participants.csv"
    path.write_text(path.read_text("utf-8").replace(",party-y,", ",party-zzz,"), encoding="utf-8")
    report = validate(out / "datapackage.json")
    assert not report.valid
    assert {error[0] for error in report.flatten(["type"])} == {"foreign-key"}
    path.write_text(path.read_text("utf-8").replace(",party-zzz,", ",party-y,"), encoding="utf-8")
    demands = out / "demands.csv"  # a demand's status set by an occasion it does not have
    text = demands.read_text("utf-8")
    assert text.count(",rejected,rejection\n") == 1
    demands.write_text(text.replace(",rejected,rejection\n", ",rejected,no-such-occasion\n"), encoding="utf-8")
    report = validate(out / "datapackage.json")
    assert [(error[0], error[1]) for error in report.flatten(["type", "fieldNames"])] == [("foreign-key", ["id", "status_occasion_id"])]


def test_pandas_reads_every_csv_with_the_documented_types_and_counts(exported: tuple[Path, Path]) -> None:
    records, out = exported
    expected = list_lengths(records)
    resources = descriptor(out)["resources"]
    assert {r["path"] for r in resources} == {p.name for p in out.glob("*.csv")}
    for resource in resources:
        frame = read_csv(out, resource)
        fields = resource["schema"]["fields"]
        assert list(frame.columns) == [f["name"] for f in fields], resource["path"]
        for field in fields:
            dtype = str(frame[field["name"]].dtype)
            if field["type"] == "date":
                assert dtype.startswith("datetime64"), (resource["path"], field["name"], dtype)
            else:
                assert dtype == str(pd.Series([], dtype=PANDAS_TYPES[field["type"]]).dtype), (resource["path"], field["name"], dtype)
            if field.get("constraints", {}).get("required"):
                assert not frame[field["name"]].isna().any(), (resource["path"], field["name"])
        if resource["name"] in expected:
            assert len(frame) == expected[resource["name"]], resource["path"]
        key = resource["schema"]["primaryKey"]
        assert not frame.duplicated(subset=key).any(), resource["path"]
        if resource["name"] not in ("citations", "former_ids"):  # these two go by collection, then record id
            assert frame[key[0]].is_monotonic_increasing, f"{resource['path']}: rows sorted by record id"
        if "position" in frame.columns:  # within one owner, the list's order
            for _, group in frame.groupby(POSITION_WITHIN.get(resource["name"], key[:-1]), sort=False, dropna=False):
                assert list(group["position"]) == list(range(len(group))), resource["path"]


def test_csv_format_is_utf8_rfc4180_with_lf_line_ends(hostile_export: Path) -> None:
    for path in sorted(hostile_export.glob("*.csv")):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8")
        assert text.endswith("\n")
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        assert all(len(row) == len(rows[0]) for row in rows), path.name
        # every CR in the file is inside a quoted cell: the record separators are bare \n
        outside = "".join(part for i, part in enumerate(text.split('"')) if i % 2 == 0)
        assert "\r" not in outside, path.name
    demands = (hostile_export / "demands.csv").read_text("utf-8")
    assert '"\'-2+3, demanded ""loudly"", with commas.\n\nA second paragraph:' in demands


def test_formula_cells_are_neutralised_and_nothing_else(hostile_export: Path) -> None:
    checked = 0
    for resource in descriptor(hostile_export)["resources"]:
        kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        with (hostile_export / resource["path"]).open(encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream):
                for name, cell in row.items():
                    assert not cell.startswith(FORMULA), (resource["path"], name, cell)
                    if kinds[name] != "string":
                        assert not cell.startswith("'"), (resource["path"], name, cell)
                    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA):
                        checked += 1
    assert checked >= 15, "the hostile fixture has formula-like text in many columns"
    rows = {r["id"]: r for r in csv.DictReader((hostile_export / "demands.csv").open(encoding="utf-8", newline=""))}
    assert rows["evil-demand"]["title"] == "'=1+1"
    assert rows["evil-demand"]["first_raised_reasoning"].startswith("'@Reasoning")
    assert rows["evil-demand"]["first_raised_first"] == "2024-04-30", "2024-05-01~ widened by a day"
    aliases = [r["alias"] for r in csv.DictReader((hostile_export / "actor_aliases.csv").open(encoding="utf-8", newline=""))]
    assert aliases == ["'+1 alias", "'@alias, with comma", "''=already quoted", 'Alias "with quotes"']
    meetings = {r["id"]: r for r in csv.DictReader((hostile_export / "meetings.csv").open(encoding="utf-8", newline=""))}
    assert meetings["evil-summit"]["place_text"] == "'\t@SUM(A1) in the synthetic capital"
    assert meetings["evil-summit"]["start_reasoning"].startswith("'\r\nCR-led")
    with sqlite3.connect(hostile_export / "peacetalks.sqlite") as connection:
        title = connection.execute("SELECT title FROM demands WHERE id = 'evil-demand'").fetchone()[0]
    assert title == "=1+1", "the database holds the exact text"


def test_markdown_fields_are_plain_text_never_html(exported: tuple[Path, Path]) -> None:
    _, out = exported
    for resource in descriptor(out)["resources"]:
        frame = pd.read_csv(out / resource["path"], dtype=str, keep_default_na=False)
        for field in resource["schema"]["fields"]:
            if "reduced from Markdown" in field["description"]:
                for value in frame[field["name"]]:
                    assert "<" not in value and "**" not in value and "](" not in value, (resource["path"], field["name"], value)
    topics = pd.read_csv(out / "topics.csv", dtype=str, keep_default_na=False).set_index("id")
    if "topic-a" in topics.index:
        assert topics.loc["topic-a", "summary"] == "'- list item one\n- list item two\n\n1. first\n2. second"
        assert topics.loc["topic-b", "summary"] == "A heading\n\nText under it."


def test_sqlite_keys_are_sound_and_search_finds_demands(real_export: Path, hostile_export: Path) -> None:
    for out in (real_export, hostile_export):
        connection = sqlite3.connect(f"file:{out / 'peacetalks.sqlite'}?mode=ro", uri=True)
        try:
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            for resource in descriptor(out)["resources"]:
                declared = connection.execute(f'PRAGMA foreign_key_list("{resource["name"]}")').fetchall()
                assert len({row[0] for row in declared}) == len(resource["schema"].get("foreignKeys", [])), resource["name"]
                info = connection.execute(f'PRAGMA table_info("{resource["name"]}")').fetchall()
                assert [row[1] for row in info] == [f["name"] for f in resource["schema"]["fields"]]
                assert [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]] == resource["schema"]["primaryKey"]
            about = dict(connection.execute("SELECT key, value FROM about").fetchall())
            assert about["version"] == dataset_version()
        finally:
            connection.close()

    def search(out: Path, query: str) -> list[str]:
        with sqlite3.connect(out / "peacetalks.sqlite") as connection:
            found = connection.execute(
                "SELECT d.id FROM demands_fts JOIN demands AS d ON d.rowid = demands_fts.rowid WHERE demands_fts MATCH ? ORDER BY rank",
                (query,),
            )
            return [row[0] for row in found]

    assert "ukraine-permanent-nuclear-free-status" in search(real_export, "nuclear")
    assert "ukraine-not-in-nato" in search(real_export, "title:NATO")
    assert search(hostile_export, "loudly") == ["evil-demand"]


def test_two_exports_are_byte_identical(real_export: Path, tmp_path: Path) -> None:
    again = export(RECORDS, tmp_path / "again")
    names = sorted(p.name for p in real_export.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (real_export / name).read_bytes() == (again / name).read_bytes(), name


def test_source_date_epoch_sets_the_creation_time_and_nothing_else(hostile_export: Path, tmp_path: Path) -> None:
    first = export(HOSTILE, tmp_path / "a", SOURCE_DATE_EPOCH="1700000000")
    second = export(HOSTILE, tmp_path / "b", SOURCE_DATE_EPOCH="1700000000")
    assert descriptor(first)["created"] == "2023-11-14T22:13:20Z"
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
        if path.suffix == ".csv":
            assert path.read_bytes() == (hostile_export / path.name).read_bytes(), path.name
    assert descriptor(hostile_export)["created"] != descriptor(first)["created"]


def test_downloads_list_exactly_the_files_written(exported: tuple[Path, Path]) -> None:
    _, out = exported
    written = sorted(p.name for p in out.iterdir() if p.name != BUILD_MARKER)
    assert sorted(name for name, _ in DOWNLOADS) == written
    assert all(description.strip() and "\n" not in description for _, description in DOWNLOADS)


def test_the_version_comes_from_the_changelog(real_export: Path) -> None:
    newest, day = releases(CHANGELOG)[0]
    assert dataset_version() == newest
    assert newest.split(".")[:2] == day.split("-")[:2], "calendar version: YYYY.MM.N of the release date"
    package = descriptor(real_export)
    document = json.loads((real_export / "dataset.json").read_text("utf-8"))
    assert package["version"] == document["version"] == newest
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"] and all(s["title"] for s in package["sources"])


def test_export_of_invalid_records_writes_nothing(tmp_path: Path) -> None:
    records = shutil.copytree(HOSTILE, tmp_path / "records")
    (records / "demands" / "evil-demand.json").write_text("{", encoding="utf-8")
    result = run_build("export", "--records", str(records), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "evil-demand.json" in result.stderr
    assert not (tmp_path / "out").exists()


def test_without_source_date_epoch_the_creation_time_is_the_records_last_commit(real_export: Path) -> None:
    stamp = subprocess.run(["git", "log", "-1", "--format=%ct", "--", "."], cwd=RECORDS, capture_output=True, text=True, check=True)
    expected = dt.datetime.fromtimestamp(int(stamp.stdout), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert descriptor(real_export)["created"] == expected


def test_the_readme_downloads_section_names_every_file_written(real_export: Path) -> None:
    readme = (RECORDS.parent / "README.md").read_text("utf-8")
    section = readme.split("## Downloads", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    named = {
        name for line in table for name in re.findall(r"`([a-z_]+(?:\.[a-z_]+)?\.(?:csv|json|sqlite|parquet|xlsx))`", line.split(" | ")[0])
    }
    if any("`<table>.parquet` per CSV file" in line for line in table):  # one row stands for every table's Parquet file
        named |= {name.removesuffix(".csv") + ".parquet" for name in named if name.endswith(".csv")}
    assert named == {name for name, _ in DOWNLOADS}


def test_actor_identifiers_are_the_records_wikidata_fields(exported: tuple[Path, Path]) -> None:
    records, out = exported
    with (out / "actor_identifiers.csv").open(encoding="utf-8", newline="") as stream:
        rows = [(r["actor_id"], r["scheme"], r["value"]) for r in csv.DictReader(stream)]
    stated = sorted(
        (path.stem, "wikidata", json.loads(path.read_text("utf-8"))["wikidata"])
        for path in (records / "actors").glob("*.json")
        if "wikidata" in json.loads(path.read_text("utf-8"))
    )
    assert rows == stated
    if records == RECORDS:
        assert ("russia", "wikidata", "Q159") in rows
