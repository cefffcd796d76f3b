"""datapackage.json: a Frictionless Data Package (v2) describing the CSV files.

The package declares the v2 profile in `$schema`; each resource is a table (`"type": "table"`).
The v2 standard lets only a root descriptor carry `$schema`, so the resources and their table
schemas, nested in the package, take their version from it. Every field has a description; a
`;`-joined column is a `list` field with its `delimiter` and `itemType`; every enumerated column
has `categories` with a label for each value (the schemas' `x-labels`, read through
`peacetalks.occasions.vocabulary` and `schemas.schema_at`, or the words below for the
enumerations the export itself defines) and keeps its `enum` constraint, which is a subset of
its categories as v2 allows, so that validators that do not check `categories` still check the
values."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .. import edtf
from .. import occasions as occ
from ..collections import COLLECTIONS
from ..load import Dataset
from ..schemas import schema_at
from .dates import WIDENING
from .tables import DATE_FROM, LIST_DELIMITER, Column, Table

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
NAME = "peacetalks"
TITLE = "peacetalks: demands and meetings in the negotiations to end Russia's war against Ukraine"
DESCRIPTION = (
    "An open, hand-curated dataset of the demands made and the meetings held in the negotiations to end "
    "Russia's war against Ukraine. Every claim cites a source and the verbatim words that back it. "
    "One CSV file per collection and per link table, described here; the same data is in dataset.json "
    "(records nested as in the source files), peacetalks.sqlite (with full-text search), the Parquet files "
    "and peacetalks.xlsx (a workbook with a sheet per CSV file). "
    "Each act about a demand is a row of occasions.csv; who made a demand of whom, when, and its status are "
    "derived from them (the columns say so). "
    f"Lists of identifiers are '{LIST_DELIMITER}'-joined list fields. "
    "Dates: the _first and _last columns of a date are the widest days it can mean. " + WIDENING.replace("`", "") + " "
    "The data is licensed under CC BY 4.0; quoted extracts from sources (the quote and attribution "
    "fields) remain the copyright of their publishers and are reproduced for citation."
)
DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
CONTRIBUTORS = [{"title": "The peacetalks contributors", "roles": ["creator"]}]
KEYWORDS = ["Russia", "Ukraine", "war", "peace negotiations", "demands", "meetings", "diplomacy"]
DIALECT = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True}
MISSING_VALUES = [""]  # an empty cell is a missing value; no text of the records is empty

# Labels of the enumerations the export defines (no schema annotates them): values -> labels.
EXPORT_LABELS: dict[frozenset[str], dict[str, str]] = {
    frozenset(edtf.PRECISIONS): {"year": "to the year", "month": "to the month", "day": "to the day"},
    frozenset(DATE_FROM): {
        "occasion": "the occasion's own date",
        "meeting": "the dates of its meeting",
        "document": "the date of its document",
    },
    frozenset({"by", "of"}): {"by": "by: who acted", "of": "of: whom it was asked of or addressed to"},
    frozenset({"made_by", "made_of"}): {"made_by": "made the demand", "made_of": "the demand was made of them"},
    frozenset({"authors", "recipients"}): {"authors": "author", "recipients": "recipient"},
    frozenset({"occasions", "roles"}): {"occasions": "an occasion of the demand", "roles": "a role of the actor"},
    frozenset({"wikidata"}): {"wikidata": "Wikidata"},
}


def labels(table: Table, column: Column) -> dict[str, str] | None:
    """The label of each value of an enumerated column; None when nothing names them (a test fails then)."""
    values = column.enum
    vocabulary = occ.vocabulary()
    if values == vocabulary.acts:
        return dict(vocabulary.labels)
    if values == vocabulary.statuses:
        return dict(vocabulary.status_labels)
    if table.collection:
        node = schema_at(table.collection, (column.name,))
        found = node.get("x-labels")
        if tuple(str(v) for v in node.get("enum", ())) == values and isinstance(found, dict):
            return {str(k): str(v) for k, v in found.items()}
    if set(values) <= set(COLLECTIONS):
        return {name: f"{COLLECTIONS[name].singular} record" for name in values}
    words = EXPORT_LABELS.get(frozenset(values))
    return dict(words) if words is not None else None


def _categories(table: Table, column: Column) -> list[dict[str, str]]:
    named = labels(table, column) or {}
    return [{"value": value, "label": named.get(value, value)} for value in column.enum]


def field(table: Table, column: Column) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": column.name}
    if column.joined:
        spec |= {"type": "list", "delimiter": LIST_DELIMITER, "itemType": "string"}
    else:
        spec["type"] = column.type
    spec["description"] = column.description
    if column.type == "boolean":
        spec["trueValues"] = ["TRUE"]
        spec["falseValues"] = ["FALSE"]
    if column.enum:
        spec["categories"] = _categories(table, column)
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if constraints:
        spec["constraints"] = constraints
    return spec


def _foreign_keys(table: Table) -> list[dict[str, Any]]:
    out = []
    for key in table.foreign_keys:
        reference: dict[str, Any] = {"fields": list(key.target)}
        if key.table != table.name:  # v2: a key into the same table omits `resource`
            reference = {"resource": key.table, **reference}
        out.append({"fields": list(key.columns), "reference": reference})
    return out


def _resource(table: Table, path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    schema: dict[str, Any] = {
        "fields": [field(table, column) for column in table.columns],
        "missingValues": MISSING_VALUES,
        "primaryKey": list(table.key),
    }
    if table.foreign_keys:
        schema["foreignKeys"] = _foreign_keys(table)
    return {
        "name": table.name,
        "type": "table",
        "path": path.name,
        "title": table.name,
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "dialect": DIALECT,
        "schema": schema,
    }


def _sources(dataset: Dataset) -> list[dict[str, str]]:
    out = []
    for source_id in sorted(dataset.records["sources"]):
        data = dataset.records["sources"][source_id].data
        entry = {"title": str(data.get("title", source_id))}
        if isinstance(data.get("url"), str):
            entry["path"] = data["url"]
        out.append(entry)
    return out


def datapackage(dataset: Dataset, tables: list[Table], paths: dict[str, Path], version: str, created: str) -> dict[str, Any]:
    return {
        "$schema": PROFILE,
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": version,
        "created": created,
        "licenses": [DATA_LICENSE],
        "keywords": KEYWORDS,
        "contributors": CONTRIBUTORS,
        "sources": _sources(dataset),
        "resources": [_resource(table, paths[table.name]) for table in tables],
    }
