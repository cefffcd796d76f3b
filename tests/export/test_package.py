"""datapackage.json as a Data Package v2: the profile, list fields, labelled categories, descriptions,
keys; `frictionless validate` passes on a real export, with foreign keys and without warnings."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from frictionless import Package, validate

from peacetalks import occasions as occ
from peacetalks.export import package, tables
from peacetalks.schemas import schema_at

from .conftest import descriptor

V2 = "https://datapackage.org/profiles/2.0/datapackage.json"
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def fields(out: Path) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(resource, field) for resource in descriptor(out)["resources"] for field in resource["schema"]["fields"]]


def test_the_package_declares_the_v2_profile_and_its_resources_are_tables(exported: tuple[Path, Path]) -> None:
    _, out = exported
    document = descriptor(out)
    assert document["$schema"] == V2
    assert "profile" not in document, "v1's profile is replaced by $schema"
    assert document["contributors"] == [{"title": "The peacetalks contributors", "roles": ["creator"]}]
    for resource in document["resources"]:
        assert resource["type"] == "table", resource["name"]
        # v2: only a root descriptor has $schema; a nested resource and its schema take the package's
        assert "profile" not in resource and "$schema" not in resource and "$schema" not in resource["schema"]
        assert resource["schema"]["missingValues"] == [""]
        assert resource["schema"]["primaryKey"], resource["name"]


def test_every_field_is_described(exported: tuple[Path, Path]) -> None:
    _, out = exported
    found = fields(out)
    assert len(found) > 200
    undescribed = [(r["name"], f["name"]) for r, f in found if not str(f.get("description", "")).strip()]
    assert undescribed == []
    assert all(r["description"].strip() and r["title"] for r in descriptor(out)["resources"])


def test_joined_columns_are_list_fields_with_their_delimiter(exported: tuple[Path, Path]) -> None:
    """Exactly the columns the Parquet files hold as lists, and the CSV cells split on the declared delimiter."""
    _, out = exported
    lists = {(r["name"], f["name"]): f for r, f in fields(out) if f["type"] == "list"}
    typed = {
        (path.stem, column.name)
        for path in out.glob("*.parquet")
        for column in pq.read_schema(path)
        if str(column.type).startswith("list<")
    }
    assert set(lists) == typed
    assert {("demands", "topics"), ("demands", "made_by"), ("occasions", "by"), ("citations", "supports")} <= set(lists)
    for (name, column), field in lists.items():
        assert field["delimiter"] == ";" and field["itemType"] == "string", (name, column)
        assert "constraints" not in field or "enum" not in field["constraints"]
    # a list cell read by frictionless is the list of its items
    resource = Package(out / "datapackage.json").get_table_resource("demands")
    with resource:
        rows = {row["id"]: row for row in resource.row_stream}
    with (out / "demands.csv").open(encoding="utf-8", newline="") as stream:
        for line in csv.DictReader(stream):
            topics = rows[line["id"]]["topics"]
            assert topics == (line["topics"].split(";") if line["topics"] else None), line["id"]


def test_every_enumeration_has_categories_labelled_from_the_schemas(exported: tuple[Path, Path]) -> None:
    _, out = exported
    enumerated = [(r, f) for r, f in fields(out) if "enum" in f.get("constraints", {})]
    assert len(enumerated) == sum(1 for table in tables.tables() for column in table.columns if column.enum) > 30
    assert all("categories" not in f for _, f in fields(out) if "enum" not in f.get("constraints", {}))
    for resource, field in enumerated:
        categories = field["categories"]
        where = (resource["name"], field["name"])
        assert [c["value"] for c in categories] == field["constraints"]["enum"], where
        labels = [c["label"] for c in categories]
        assert all(isinstance(label, str) and label.strip() for label in labels), where
        assert len(set(labels)) == len(labels), f"{where}: v2 wants unique labels"
    for table in tables.tables():
        for column in table.columns:
            if column.enum:
                assert package.labels(table, column) is not None, f"{table.name}.{column.name}: no labels; add x-labels or EXPORT_LABELS"

    def labelled(resource: str, name: str) -> dict[str, str]:
        field = next(f for r, f in fields(out) if r["name"] == resource and f["name"] == name)
        return {c["value"]: c["label"] for c in field["categories"]}

    vocabulary = occ.vocabulary()
    assert labelled("occasions", "act") == vocabulary.labels
    assert labelled("occasions", "act")["awaiting-response"] == "awaiting a response"
    assert labelled("demands", "current_status") == labelled("occasions", "sets_status") == vocabulary.status_labels
    for resource, name, collection in (("meetings", "kind", "meetings"), ("sources", "text_licence", "sources")):
        assert labelled(resource, name) == schema_at(collection, (name,))["x-labels"]
    assert labelled("demands", "first_raised_start_precision") == {"year": "to the year", "month": "to the month", "day": "to the day"}


def test_keys_are_declared_and_point_at_declared_fields(exported: tuple[Path, Path]) -> None:
    _, out = exported
    resources = {r["name"]: r for r in descriptor(out)["resources"]}
    self_references = 0
    for name, resource in resources.items():
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert set(resource["schema"]["primaryKey"]) <= set(names), name
        for key in resource["schema"].get("foreignKeys", []):
            assert set(key["fields"]) <= set(names), name
            target = key["reference"].get("resource", name)
            self_references += "resource" not in key["reference"]
            assert key["reference"].get("resource") != "", "v2: a key into the same table omits resource"
            assert key["reference"]["fields"] == resources[target]["schema"]["primaryKey"], (name, key)
            for column in key["fields"]:
                assert column == "id" or column.endswith("_id"), (name, column)
    assert self_references >= 1, "topics.part_of_id and actors.affiliation_id point into their own table"


def test_frictionless_validate_passes_on_the_command_line_with_foreign_keys(real_export: Path) -> None:
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
        cwd=real_export,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["warnings"] == [] and report["stats"]["warnings"] == 0
    assert report["stats"]["tasks"] == len(descriptor(real_export)["resources"])
    assert all(task["valid"] and task["warnings"] == [] for task in report["tasks"])


def test_frictionless_python_api_validates_without_warnings(real_export: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = validate(real_export / "datapackage.json")
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    assert report.warnings == [] and all(task.warnings == [] for task in report.tasks)
    assert [str(w.message) for w in caught] == []


def test_the_enum_constraint_checks_what_frictionless_does_not_check_in_categories(real_export: Path, tmp_path: Path) -> None:
    """frictionless 5.21 reads `categories` but does not check values against it: the enum does."""
    out = shutil.copytree(real_export, tmp_path / "data")
    document = descriptor(out)
    for resource in document["resources"]:
        resource.pop("hash")
        resource.pop("bytes")
    (out / "datapackage.json").write_text(json.dumps(document), encoding="utf-8")
    path = out / "occasions.csv"
    text = path.read_text("utf-8")
    assert ",raised," in text
    path.write_text(text.replace(",raised,", ",shouted,", 1), encoding="utf-8")
    report = validate(out / "datapackage.json")
    assert [(e[0], e[1]) for e in report.flatten(["type", "fieldName"])] == [("constraint-error", "act")]
    for resource in document["resources"]:  # without the enum, the same cell passes
        for field in resource["schema"]["fields"]:
            field.get("constraints", {}).pop("enum", None)
    (out / "datapackage.json").write_text(json.dumps(document), encoding="utf-8")
    assert validate(out / "datapackage.json").valid
